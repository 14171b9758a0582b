"""Which plan of a commune: current, adopted, followed; a commune's versions."""

from collections.abc import Iterable

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)

from communes import permissions
from communes.models import Commune

from ..models import (
    ADOPTED_STATUSES,
    Action,
    ActionPlan,
)

# --- which plan: current, adopted, followed -------------------------------------------------------
#
# A commune's plan goes through versions. A new version starts as a draft copy of the adopted one
# (`plan_new_version`): its actions are copies, while the follow-up (status, progress, actual
# spending, milestones done) goes on in the adopted version until the council adopts the new one.
# Three questions follow, each answered here and nowhere else:
#
# - the *current* plan: the commune's latest version, whatever its status, the one its people work
#   on (the portfolio's "Action plan" column, the catalogue's "add to a plan");
# - the *adopted* plan: the latest version the council adopted (deliberated, in follow-up or closed),
#   the plan in force;
# - the *followed* plan: the plan whose actions are followed up and evaluated, the adopted one, or
#   the current one while the commune has none adopted yet (a plan in preparation is evaluated as
#   it stands). Every count of actions, budgets and impacts asks this one, so that the network
#   dashboard, a commune's dashboard, the yearly reports, the Letter and the portfolio's late and
#   stale counts all count the same actions, and never count a carried-over action twice.
#
# Each question has a form for one commune and one for many communes in one query; the version
# number orders versions (a plan created anew after an adopted one has no `previous_version`).


def _latest_and_adopted(plans) -> tuple[dict[int, ActionPlan], dict[int, ActionPlan]]:
    """From plans ordered by commune and version (newest first): each commune's latest version and
    its latest adopted version."""
    latest: dict[int, ActionPlan] = {}
    adopted: dict[int, ActionPlan] = {}
    for plan in plans:
        latest.setdefault(plan.commune_id, plan)
        if plan.is_adopted:
            adopted.setdefault(plan.commune_id, plan)
    return latest, adopted


def _plans_of(commune_ids: Iterable[int] | None, *, communes: bool = True) -> QuerySet[ActionPlan]:
    """The plans of these communes (of every commune when None), newest version first; `communes`
    False: only what tells which plan is followed, without the commune (no join over the communes)."""
    plans = ActionPlan.objects.order_by("commune_id", "-version")
    plans = plans.select_related("commune") if communes else plans.only("commune_id", "version", "status")
    return plans if commune_ids is None else plans.filter(commune_id__in=list(commune_ids))


def current_plans(*, commune_ids: Iterable[int] | None) -> dict[int, ActionPlan]:
    """Each commune's latest version, whatever its status (one query; `commune_ids` None: all)."""
    latest, _adopted = _latest_and_adopted(_plans_of(commune_ids))
    return latest


def current_plan(*, commune: Commune) -> ActionPlan | None:
    return current_plans(commune_ids=[commune.pk]).get(commune.pk)


def adopted_plans(*, commune_ids: Iterable[int] | None) -> dict[int, ActionPlan]:
    """Each commune's plan in force: its latest adopted version (one query; absent: none adopted)."""
    _latest, adopted = _latest_and_adopted(_plans_of(commune_ids).filter(status__in=ADOPTED_STATUSES))
    return adopted


def adopted_plan(*, commune: Commune) -> ActionPlan | None:
    return adopted_plans(commune_ids=[commune.pk]).get(commune.pk)


def followed_plans(*, commune_ids: Iterable[int] | None, communes: bool = True) -> dict[int, ActionPlan]:
    """Each commune's followed plan: the adopted one, else the current one (one query). `communes`
    False: the plans without their commune and other fields, for their ids (300 communes' plans are
    then read without scanning the 35,000 communes)."""
    latest, adopted = _latest_and_adopted(_plans_of(commune_ids, communes=communes))
    return latest | adopted


def followed_plan(*, commune: Commune) -> ActionPlan | None:
    return followed_plans(commune_ids=[commune.pk]).get(commune.pk)


# - the *published* plan: the latest version the commune chose to publish (`published_at`, adopted
#   versions only), the one the public pages, the open data and the anonymous API show. Every public
#   read of plans starts here: a plan not published is never read for the public.


def _published() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(published_at__isnull=False, status__in=ADOPTED_STATUSES)


def published_plans(
    *, commune_ids: Iterable[int] | None = None, territory_id: int | None = None
) -> dict[int, ActionPlan]:
    """Each commune's published plan, its latest published version, with its commune (one query;
    absent: none published). Filtered by communes and by territory when given."""
    plans = _published().select_related("commune").order_by("commune_id", "-version")
    if commune_ids is not None:
        plans = plans.filter(commune_id__in=list(commune_ids))
    if territory_id is not None:
        plans = plans.filter(commune__territory_id=territory_id)
    published: dict[int, ActionPlan] = {}
    for plan in plans:
        published.setdefault(plan.commune_id, plan)
    return published


def published_plan(*, commune: Commune, version: int | None = None) -> ActionPlan | None:
    """The commune's published plan (its latest published version, or that `version` if published)."""
    if version is None:
        return published_plans(commune_ids=[commune.pk]).get(commune.pk)
    return _published().select_related("commune").filter(commune=commune, version=version).first()


def published_plan_ids() -> QuerySet:
    """The ids of every published version (a subquery for the public reads of actions and documents)."""
    return _published().values("pk")


def followed_actions(*, commune_ids: Iterable[int] | None = None) -> QuerySet[Action]:
    """The actions of the followed plans of these communes (of every commune when None), as a
    queryset to filter and aggregate further (the evaluation's base)."""
    plans = followed_plans(commune_ids=commune_ids)
    return Action.objects.filter(plan_id__in=[plan.pk for plan in plans.values()])


def commune_actions(*, commune: Commune) -> QuerySet[Action]:
    """The actions of every version of the commune's plan, each with its plan (for choosing some)."""
    return Action.objects.filter(plan__commune=commune).select_related("plan")


def plan_by_id(*, plan_id: int) -> ActionPlan:
    """The plan as it is now in the database, with its commune."""
    return ActionPlan.objects.select_related("commune").get(pk=plan_id)


def plan_with_actions(*, plan_id: int) -> ActionPlan:
    """The plan with its commune and EPCI, axes and actions, and each action's theme, owner,
    milestones, budget lines and co-funders: six queries whatever the number of actions."""
    actions = (
        Action.objects.select_related("theme", "owner")
        .prefetch_related("milestones", "budget_lines", "cofunders")
        .order_by("order", "pk")
    )
    return (
        ActionPlan.objects.select_related("commune__epci")
        .prefetch_related("axes", Prefetch("actions", queryset=actions))
        .get(pk=plan_id)
    )


def commune_plans(*, commune: Commune) -> list[ActionPlan]:
    """Every version of the commune's plan, newest first, with its `action_count`; the one in force
    (`adopted_plan`) has `is_in_force` set (one query)."""
    plans = list(commune.action_plans.annotate(action_count=Count("actions")).order_by("-version"))
    _latest, adopted = _latest_and_adopted(plans)
    for plan in plans:
        plan.is_in_force = plan == adopted.get(commune.pk)
    return plans


def plan_can_branch(*, plan: ActionPlan) -> bool:
    """A new version can start from an adopted plan that has none yet, if no other plan is in preparation."""
    return plan.is_adopted and not (
        ActionPlan.objects.filter(commune=plan.commune_id)
        .filter(Q(previous_version=plan) | ~Q(status__in=ADOPTED_STATUSES))
        .exists()
    )


def editable_plans_for(*, user) -> list[ActionPlan]:
    """Plans in preparation the user may add actions to (for “add to a plan” from the catalogue)."""
    plans = ActionPlan.objects.exclude(status__in=ADOPTED_STATUSES).select_related("commune")
    return [plan for plan in plans.order_by("commune__sort_name") if permissions.can_edit_plan(user, plan)]


def editable_plan_for(*, user, plan_id) -> ActionPlan | None:
    """The plan in preparation an advisor came from (`?plan=` in the catalogue), if they may add actions
    to it; None for anything else, which then just leaves the choice open."""
    if not str(plan_id or "").isdigit():
        return None
    plan = ActionPlan.objects.select_related("commune").filter(pk=int(plan_id)).first()
    if plan is None or plan.is_adopted or not permissions.can_edit_plan(user, plan):
        return None
    return plan
