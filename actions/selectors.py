"""Reads that feed the action-plan pages, each in a constant number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communes import permissions
from communes.models import Commune, Role, sort_key
from communes.selectors import advisor_communes, commune_people

from .models import (
    ADOPTED_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetKind,
    BudgetLine,
    CatalogueAction,
    CoFunder,
    HistoryEntry,
    Milestone,
    PlanAxis,
    ReplacedDeliberation,
    Theme,
)

OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def stale_cutoff():
    return timezone.now() - timedelta(days=settings.STALE_ACTION_DAYS)


# --- lookups ------------------------------------------------------------------------------------


def plan_for_user(user, plan_id: int) -> ActionPlan:
    plan = get_object_or_404(ActionPlan.objects.select_related("commune", "previous_version"), pk=plan_id)
    permissions.require_found(permissions.can_view_plan(user, plan))
    return plan


def replaced_deliberations(*, plan: ActionPlan) -> list[ReplacedDeliberation]:
    """The signed deliberations of the plan that later files replaced, the latest replaced first."""
    return list(plan.replaced_deliberations.select_related("replaced_by"))


def replaced_deliberation_for_user(user, plan_id: int, replaced_id: int) -> ReplacedDeliberation:
    """An earlier signed deliberation, for whoever may read its plan (404 otherwise)."""
    plan = plan_for_user(user, plan_id)
    return get_object_or_404(
        ReplacedDeliberation.objects.select_related("plan__commune"), plan=plan, pk=replaced_id
    )


def action_for_user(user, action_id: int) -> Action:
    action = get_object_or_404(
        Action.objects.select_related(
            "plan__commune", "theme", "owner", "axis", "catalogue_action", "updated_by"
        ),
        pk=action_id,
    )
    permissions.require_found(permissions.can_view_plan(user, action.plan))
    return action


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


def _plans_of(commune_ids: Iterable[int] | None) -> QuerySet[ActionPlan]:
    """The plans of these communes (of every commune when None), newest version first."""
    plans = ActionPlan.objects.select_related("commune").order_by("commune_id", "-version")
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


def followed_plans(*, commune_ids: Iterable[int] | None) -> dict[int, ActionPlan]:
    """Each commune's followed plan: the adopted one, else the current one (one query)."""
    latest, adopted = _latest_and_adopted(_plans_of(commune_ids))
    return latest | adopted


def followed_plan(*, commune: Commune) -> ActionPlan | None:
    return followed_plans(commune_ids=[commune.pk]).get(commune.pk)


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


# --- the plan page ------------------------------------------------------------------------------


def _budget_sum(field_name: str):
    lines = (
        BudgetLine.objects.filter(action=OuterRef("pk"))
        .values("action")
        .annotate(total=Sum(field_name))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO)


def _overdue_milestones():
    return Milestone.objects.filter(
        action=OuterRef("pk"), done_on__isnull=True, due_date__lt=timezone.localdate()
    )


def with_flags(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Adds `forecast_total`, `actual_total`, `has_overdue_milestone`; `is_late`/`is_stale` read them."""
    return actions.annotate(
        forecast_total=_budget_sum("forecast"),
        actual_total=_budget_sum("actual"),
        has_overdue_milestone=Exists(_overdue_milestones()),
    )


# Statuses of an action that has begun: a planned action has not, an abandoned one may never have.
STARTED_STATUSES = (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.SUSPENDED)


def completed_filter(start: date, end: date, *, today: date | None = None) -> Q:
    """Done in the period: its end date (when past) falls in it; with no end date, or an end date still
    to come (the planned one, never corrected), its last update (the day it was marked done, as far as
    the platform knows) falls in it."""
    today = today or timezone.localdate()
    return Q(status=ActionStatus.DONE) & (
        Q(end_date__range=(start, min(end, today)))
        | (Q(end_date__isnull=True) | Q(end_date__gt=today)) & Q(updated_at__date__range=(start, end))
    )


def started_filter(start: date, end: date, *, today: date | None = None) -> Q:
    """Started in the period: it has begun (in progress, done or suspended; not planned, not abandoned)
    and its start date falls in the period, on or before today. A planned action whose start date falls
    in the period has not started: it is a plan, not a fact."""
    today = today or timezone.localdate()
    return Q(status__in=STARTED_STATUSES, start_date__range=(start, min(end, today)))


# "Late" and "stale", the one definition every page, dashboard, export and document reads.
#
# An action is late when it is still open (planned or in progress: a completed action is never late,
# nor one suspended or abandoned) and a milestone is overdue or its end date has passed, unless someone
# wrote why it is not late (`late_override_reason`). It is stale when it is still open and nobody updated
# it for `STALE_ACTION_DAYS` days. `late_filter` needs the `has_overdue_milestone` annotation
# (`with_flags`); `action_is_late` reads it on an annotated action.


def late_filter(*, today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(late_override_reason="", status__in=OPEN_STATUSES) & (
        Q(has_overdue_milestone=True) | Q(end_date__lt=today)
    )


def stale_filter() -> Q:
    return Q(updated_at__lt=stale_cutoff(), status__in=OPEN_STATUSES)


def action_is_late(action: Action, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    if action.status not in OPEN_STATUSES or action.late_override_reason:
        return False
    return bool(action.has_overdue_milestone or (action.end_date is not None and action.end_date < today))


def action_is_stale(action: Action) -> bool:
    return action.status in OPEN_STATUSES and action.updated_at < stale_cutoff()


SORTS = {"order": ("order", "pk")}
_FAR = date.max
SORT_KEYS = {
    "title": (lambda a: sort_key(a.title), False),
    "theme": (lambda a: (a.theme.order, a.theme.name), False),
    "status": (lambda a: a.status, False),
    "start": (lambda a: a.start_date or _FAR, False),
    "end": (lambda a: a.end_date or _FAR, False),
    "budget": (lambda a: a.forecast_total, True),
}


@dataclass
class PlanFilters:
    theme: int | None = None
    status: str = ""
    owner: str = ""  # "user:<id>" or "name:<text>"
    origin: str = ""
    flag: str = ""  # "late" or "stale"
    sort: str = "order"


@dataclass
class PlanPage:
    plan: ActionPlan
    actions: list[Action]
    owners: list[tuple[str, str]]
    axes: list[PlanAxis]
    totals: dict = field(default_factory=dict)
    count_all: int = 0


def plan_page(*, plan: ActionPlan) -> PlanPage:
    """Every action of the plan with its flags and totals, in a fixed number of queries."""
    actions = list(
        with_flags(plan.actions.select_related("theme", "owner", "axis", "catalogue_action")).order_by(
            *SORTS["order"]
        )
    )
    for action in actions:
        action.is_late = action_is_late(action)
        action.is_stale = action_is_stale(action)
    owners = sorted(
        {(f"user:{a.owner_id}", a.owner.get_full_name()) for a in actions if a.owner_id}
        | {(f"name:{a.owner_name}", a.owner_name) for a in actions if not a.owner_id and a.owner_name},
        key=lambda pair: pair[1].casefold(),
    )
    return PlanPage(
        plan=plan,
        actions=actions,
        owners=owners,
        axes=list(plan.axes.all()),
        totals=_totals(actions),
        count_all=len(actions),
    )


def plan_page_filtered(page: PlanPage, filters: PlanFilters) -> PlanPage:
    """The same page with its actions filtered and sorted (in memory: no query)."""
    shown = [action for action in page.actions if _matches(action, filters)]
    if filters.sort != "order" and filters.sort in SORT_KEYS:
        key, reverse = SORT_KEYS[filters.sort]
        shown.sort(key=key, reverse=reverse)
    page.actions = shown
    page.totals = _totals(shown)
    return page


def _totals(actions: list[Action]) -> dict:
    return {
        "forecast": sum((a.forecast_total for a in actions), Decimal(0)),
        "actual": sum((a.actual_total for a in actions), Decimal(0)),
        "mwh_saved": sum((a.mwh_saved or 0 for a in actions), Decimal(0)),
        "tco2e_avoided": sum((a.tco2e_avoided or 0 for a in actions), Decimal(0)),
        "mwh_renewable": sum((a.mwh_renewable or 0 for a in actions), Decimal(0)),
    }


def _matches(action: Action, filters: PlanFilters) -> bool:
    if filters.theme and action.theme_id != filters.theme:
        return False
    if filters.status and action.status != filters.status:
        return False
    if filters.origin and action.origin != filters.origin:
        return False
    if filters.flag == "late" and not action.is_late:
        return False
    if filters.flag == "stale" and not action.is_stale:
        return False
    if filters.owner:
        kind, _sep, value = filters.owner.partition(":")
        if kind == "user" and str(action.owner_id) != value:
            return False
        if kind == "name" and (action.owner_id or action.owner_name != value):
            return False
    return True


def axis_tree(axes: list[PlanAxis]) -> list[tuple[PlanAxis, int]]:
    """Axes in display order with their depth, from a flat list (no query)."""
    children = defaultdict(list)
    for axis in axes:
        children[axis.parent_id].append(axis)
    ordered = []

    def walk(parent_id, depth):
        for axis in children.get(parent_id, []):
            ordered.append((axis, depth))
            walk(axis.pk, depth + 1)

    walk(None, 0)
    return ordered


# --- what a person has to update ---------------------------------------------------------------


class UpdatePriority:
    """The order of the "to update" list: late actions first, then stale ones, then the rest."""

    LATE = 0
    STALE = 1
    OTHER = 2


def actions_to_update(*, user) -> QuerySet[Action]:
    """The actions the user keeps up to date, in the followed plans of their communes (those whose
    follow-up goes on: the plan in force, or the one in preparation while none is adopted): every action
    of the communes they advise (`advisor_communes`) or are the referent of, and the actions they are
    responsible for. Each has `priority` (`UpdatePriority`), its flags and its plan, commune, theme and
    last author; late first, then stale, then the rest, each group least recently updated first. A
    queryset to paginate: one query for the plans, then the page's (and its count)."""
    commune_ids = None if permissions.sees_every_commune(user) else list(permissions.commune_roles(user))
    plan_ids = [plan.pk for plan in followed_plans(commune_ids=commune_ids).values()]
    followed = Q(plan__commune__in=advisor_communes(advisor=user)) | Q(owner=user)
    referent_of = permissions.communes_with_role(user, Role.REFERENT)
    if referent_of:
        followed |= Q(plan__commune_id__in=referent_of)
    return (
        Action.objects.filter(followed, plan_id__in=plan_ids)
        .annotate(has_overdue_milestone=Exists(_overdue_milestones()))
        .annotate(
            priority=Case(
                When(late_filter(), then=Value(UpdatePriority.LATE)),
                When(stale_filter(), then=Value(UpdatePriority.STALE)),
                default=Value(UpdatePriority.OTHER),
                output_field=IntegerField(),
            )
        )
        .select_related("plan__commune", "theme", "owner", "updated_by")
        .order_by("priority", "updated_at", "pk")
    )


def mark_flags(actions: Iterable[Action]) -> None:
    """Sets `is_late` and `is_stale` on actions annotated with `has_overdue_milestone` (no query)."""
    for action in actions:
        action.is_late = action_is_late(action)
        action.is_stale = action_is_stale(action)


# --- action page --------------------------------------------------------------------------------


ACTION_PAGE_HISTORY = 20


def action_page(*, action: Action) -> Action:
    """The action with everything its page shows, in a fixed number of queries."""
    action = (
        with_flags(Action.objects.filter(pk=action.pk))
        .select_related("plan__commune", "theme", "owner", "axis", "catalogue_action", "updated_by")
        .prefetch_related(
            "milestones",
            "budget_lines",
            "cofunders",
            "awareness_reports",
            Prefetch("notes", queryset=action.notes.select_related("author")),
            # The latest changes, and one more to know whether the plan's history page has older ones.
            Prefetch(
                "history",
                queryset=HistoryEntry.objects.select_related("user")[: ACTION_PAGE_HISTORY + 1],
                to_attr="recent_history",
            ),
        )
        .get()
    )
    action.is_late = action_is_late(action)
    action.is_stale = action_is_stale(action)
    today = timezone.localdate()
    for milestone in action.milestones.all():
        milestone.is_overdue = milestone.done_on is None and milestone.due_date < today
    return action


def plan_history(*, plan: ActionPlan, action_id: int | None = None) -> QuerySet[HistoryEntry]:
    """The plan's changes, newest first (only one action's when `action_id` is given), to cut into pages."""
    entries = plan.history.select_related("user", "action")
    if action_id is not None:
        entries = entries.filter(action_id=action_id)
    return entries.order_by("-at", "-pk")


# --- budget and schedule ------------------------------------------------------------------------


@dataclass
class BudgetSummary:
    years: list[dict]
    totals: dict
    cofunding: list[dict]
    cofunding_total: Decimal


# The amounts of a budget per year, split and summed (plan_budget_summary, the dashboards, their tables).
BUDGET_KEYS = (
    "investment_forecast",
    "investment_actual",
    "operating_forecast",
    "operating_actual",
    "forecast",
    "actual",
)


def plan_budget_summary(*, plan: ActionPlan) -> BudgetSummary:
    rows = (
        BudgetLine.objects.filter(action__plan=plan)
        .values("year", "kind")
        .annotate(forecast=Sum("forecast"), actual=Sum("actual"))
    )
    by_year = {
        year: {
            "year": year,
            "investment_forecast": Decimal(0),
            "investment_actual": Decimal(0),
            "operating_forecast": Decimal(0),
            "operating_actual": Decimal(0),
        }
        for year in plan.years
    }
    for row in rows:
        entry = by_year.setdefault(
            row["year"],
            {
                "year": row["year"],
                "investment_forecast": Decimal(0),
                "investment_actual": Decimal(0),
                "operating_forecast": Decimal(0),
                "operating_actual": Decimal(0),
            },
        )
        prefix = "investment" if row["kind"] == BudgetKind.INVESTMENT else "operating"
        entry[f"{prefix}_forecast"] += row["forecast"] or 0
        entry[f"{prefix}_actual"] += row["actual"] or 0
    years = [by_year[year] for year in sorted(by_year)]
    for entry in years:
        entry["forecast"] = entry["investment_forecast"] + entry["operating_forecast"]
        entry["actual"] = entry["investment_actual"] + entry["operating_actual"]
    totals = {key: sum((entry[key] for entry in years), Decimal(0)) for key in BUDGET_KEYS}
    cofunding = list(
        CoFunder.objects.filter(action__plan=plan)
        .values("status")
        .annotate(amount=Sum("amount"), count=Count("pk"))
    )
    return BudgetSummary(
        years=years,
        totals=totals,
        cofunding=cofunding,
        cofunding_total=sum((row["amount"] for row in cofunding), Decimal(0)),
    )


@dataclass
class ActionBudget:
    """An action's budget lines laid out as the grid shows them: years in columns; for each type a
    forecast and an actual row; totals per row and per year (None where nothing was spent yet)."""

    years: list[int]
    lines: list[BudgetLine]
    row_totals: dict[tuple[str, str], Decimal | None]
    year_totals: dict[str, list[Decimal | None]]
    totals: dict[str, Decimal | None]


def _sum_or_none(values) -> Decimal | None:
    values = [value for value in values if value is not None]
    return sum(values, Decimal(0)) if values else None


def action_budget(*, action: Action) -> ActionBudget:
    lines = list(action.budget_lines.all())
    # The plan's years, and any year a line was kept for although the period changed since.
    years = sorted(set(action.plan.years) | {line.year for line in lines})
    row_totals = {
        (kind, measure): _sum_or_none(getattr(line, measure) for line in lines if line.kind == kind)
        for kind in BudgetKind.values
        for measure in ("forecast", "actual")
    }
    for kind in BudgetKind.values:
        row_totals[(kind, "forecast")] = row_totals[(kind, "forecast")] or Decimal(0)
    year_totals = {
        measure: [
            _sum_or_none(getattr(line, measure) for line in lines if line.year == year) for year in years
        ]
        for measure in ("forecast", "actual")
    }
    totals = {
        measure: _sum_or_none(getattr(line, measure) for line in lines) for measure in ("forecast", "actual")
    }
    totals["forecast"] = totals["forecast"] or Decimal(0)
    return ActionBudget(
        years=years, lines=lines, row_totals=row_totals, year_totals=year_totals, totals=totals
    )


def plan_schedule(*, plan: ActionPlan) -> list[Action]:
    """Actions with dates, and their milestones, in schedule order."""
    return list(
        plan.actions.exclude(start_date__isnull=True)
        .exclude(end_date__isnull=True)
        .select_related("theme")
        .prefetch_related("milestones")
        .order_by("start_date", "order")
    )


# --- catalogue ----------------------------------------------------------------------------------


def catalogue_list(
    *, search: str = "", theme_id: int | None = None, target: str = "", include_inactive=False
):
    entries = CatalogueAction.objects.select_related("theme").annotate(
        commune_count=Count("actions__plan__commune", distinct=True)
    )
    if not include_inactive:
        entries = entries.filter(is_active=True)
    if search:
        entries = entries.filter(Q(title__icontains=search) | Q(description__icontains=search))
    if theme_id:
        entries = entries.filter(theme_id=theme_id)
    if target:
        entries = entries.filter(target=target)
    return entries.order_by("theme__order", "title")


def catalogue_uses(*, entry: CatalogueAction, communes: QuerySet | None = None) -> QuerySet[Action]:
    """The plan actions drawn from this catalogue entry, with their commune (only those of `communes`
    when given): a queryset the catalogue page cuts into pages."""
    uses = entry.actions.select_related("plan__commune")
    if communes is not None:
        uses = uses.filter(plan__commune__in=communes)
    return uses.order_by("plan__commune__sort_name", "-plan__version", "pk")


# --- network figures ----------------------------------------------------------------------------


def deliberated_plans(
    *, commune_ids: Iterable[int], start: date | None = None, end: date | None = None
) -> dict:
    """The seed's first measure: how many action plans communes deliberated (between `start` and
    `end` when given), in total and by year of the council's vote (one query)."""
    plans = ActionPlan.objects.filter(commune_id__in=commune_ids, status__in=ADOPTED_STATUSES)
    if start:
        plans = plans.filter(deliberation_date__gte=start)
    if end:
        plans = plans.filter(deliberation_date__lte=end)
    rows = (
        plans.annotate(year=ExtractYear("deliberation_date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )
    by_year = {row["year"]: row["count"] for row in rows}
    return {"total": sum(by_year.values()), "by_year": by_year}


def with_adopted_plan(*, communes: QuerySet, by: date | None = None) -> QuerySet:
    """Adds `has_adopted_plan` to each commune: whether the council adopted a plan (by that day)."""
    adopted = ActionPlan.objects.filter(commune=OuterRef("pk"), status__in=ADOPTED_STATUSES)
    if by:
        adopted = adopted.filter(deliberation_date__lte=by)
    return communes.annotate(has_adopted_plan=Exists(adopted))


def actions_of(*, plans: Iterable[ActionPlan]) -> QuerySet[Action]:
    """The actions of these plans (a queryset to filter and aggregate further)."""
    return Action.objects.filter(plan_id__in=[plan.pk for plan in plans])


def budget_lines_of_actions(*, action_ids: Iterable[int], year: int | None = None) -> QuerySet[BudgetLine]:
    lines = BudgetLine.objects.filter(action_id__in=list(action_ids))
    return lines if year is None else lines.filter(year=year)


def cofunders_of_actions(*, action_ids: Iterable[int]) -> QuerySet[CoFunder]:
    return CoFunder.objects.filter(action_id__in=list(action_ids))


def actions_completed(*, start: date, end: date) -> QuerySet[Action]:
    """Actions of the followed plans completed in the period (see `completed_filter`), with their
    commune and theme, by commune (two queries)."""
    return (
        followed_actions()
        .filter(completed_filter(start, end))
        .select_related("plan__commune", "theme")
        .order_by("plan__commune__sort_name", "title", "-plan__version")
    )


def plans_deliberated(
    *, start: date, end: date, commune_ids: Iterable[int] | None = None
) -> list[ActionPlan]:
    """Plans the council adopted between `start` and `end` (of these communes, or all), by date."""
    plans = ActionPlan.objects.filter(status__in=ADOPTED_STATUSES, deliberation_date__range=(start, end))
    if commune_ids is not None:
        plans = plans.filter(commune_id__in=list(commune_ids))
    return list(plans.select_related("commune").order_by("deliberation_date", "commune__sort_name"))


def awareness_reports(*, commune_ids: Iterable[int], year: int) -> list[AwarenessReport]:
    """Awareness reports dated in the year up to today (a date to come is no result yet), of every plan
    version's actions (reports stay with the action they were written for: a new version does not copy
    them), by commune (one query)."""
    return list(
        AwarenessReport.objects.filter(
            action__plan__commune_id__in=list(commune_ids), date__year=year, date__lte=timezone.localdate()
        )
        .select_related("action__plan__commune")
        .order_by("action__plan__commune__sort_name", "date", "pk")
    )


def budget_lines_of(*, plans: Iterable[ActionPlan]) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(action__plan_id__in=[plan.pk for plan in plans])


def cofunders_of(*, plans: Iterable[ActionPlan]) -> QuerySet[CoFunder]:
    return CoFunder.objects.filter(action__plan_id__in=[plan.pk for plan in plans])


@dataclass
class PortfolioPlan:
    """A commune's line in the portfolio: its current version, and the late and stale actions of
    its followed plan (the same actions the dashboards count)."""

    current: ActionPlan
    followed: ActionPlan
    late: int
    stale: int


def portfolio_plans(*, commune_ids: Iterable[int] | None) -> dict[int, PortfolioPlan]:
    """For each commune with a plan, its current and followed plans and the followed plan's late and
    stale action counts (one query)."""
    plans = list(
        _plans_of(commune_ids).annotate(
            late_count=Count(
                "actions",
                filter=Q(
                    actions__in=Action.objects.annotate(
                        has_overdue_milestone=Exists(_overdue_milestones())
                    ).filter(late_filter())
                ),
            ),
            stale_count=Count(
                "actions",
                filter=Q(actions__updated_at__lt=stale_cutoff(), actions__status__in=OPEN_STATUSES),
            ),
        )
    )
    latest, adopted = _latest_and_adopted(plans)
    return {
        commune_id: PortfolioPlan(
            current=latest[commune_id], followed=plan, late=plan.late_count, stale=plan.stale_count
        )
        for commune_id, plan in (latest | adopted).items()
    }


@dataclass
class ImportReferences:
    """What an import of actions into a plan names: themes, the plan's axes and action titles, the
    catalogue, the commune's people."""

    themes: list[Theme]
    axes: list[PlanAxis]
    action_titles: list[str]
    catalogue: list[CatalogueAction]
    people: list


def plan_import_references(*, plan: ActionPlan) -> ImportReferences:
    """In 5 queries, whatever the plan's size."""
    return ImportReferences(
        themes=list(Theme.objects.order_by("order", "name")),
        axes=list(plan.axes.order_by("order", "title")),
        action_titles=list(plan.actions.values_list("title", flat=True)),
        catalogue=list(CatalogueAction.objects.filter(is_active=True).select_related("theme")),
        people=list(commune_people(commune=plan.commune)),
    )
