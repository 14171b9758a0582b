"""What the public pages and the open data read of plans and actions. Every read starts from the
published versions (`published_plans`, `published_plan`, `published_plan_ids`) or from a plan one of them
returned, and reads only what is public of an action: never its owner, owner_name, partners, notes,
history, co-funders or who updated it. The public app composes its rows from these values."""

from collections.abc import Iterable

from django.db.models import Avg, Count, Q, Sum

from communes.models import Commune

from ..models import Action, ActionPlan, ActionStatus, BudgetLine, Milestone, PlanAxis
from .plans import published_plan_ids

# Only what the public page shows is read from the actions: never their owner, owner_name, partners,
# updated_by or anything joined to people.
PUBLIC_ACTION_FIELDS = (
    "pk",
    "axis_id",
    "title",
    "description",
    "theme__name",
    "status",
    "progress",
    "start_date",
    "end_date",
    "elected_referent",
    "mwh_saved",
    "tco2e_avoided",
    "mwh_renewable",
    "achieved_mwh_saved",
    "achieved_tco2e_avoided",
    "achieved_mwh_renewable",
)


def published_plan_counts_by_territory() -> dict[int, int]:
    """Per territory id: how many of its communes have a published plan, counted in the database (a
    national platform has thousands); a territory without any is absent (one query)."""
    return dict(
        ActionPlan.objects.filter(pk__in=published_plan_ids())
        .order_by()
        .values("commune__territory_id")
        .annotate(count=Count("commune_id", distinct=True))
        .values_list("commune__territory_id", "count")
    )


def action_counts_by_plan(*, plan_ids: Iterable[int]) -> dict[int, dict]:
    """Per plan id: its actions (`count`), those done (`done`), those in progress (`in_progress`) and the
    average progress of those not abandoned (`progress`); a plan without actions is absent (one query).
    The caller passes published plans' ids."""
    rows = (
        Action.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(
            count=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            in_progress=Count("pk", filter=Q(status=ActionStatus.IN_PROGRESS)),
            progress=Avg("progress", filter=~Q(status=ActionStatus.ABANDONED)),
        )
    )
    return {row["plan_id"]: row for row in rows}


def public_action_rows(*, plan: ActionPlan) -> list[dict]:
    """The published plan's actions in their order, each a dict of `PUBLIC_ACTION_FIELDS` and nothing
    else (one query)."""
    rows = Action.objects.filter(plan=plan).order_by("order", "pk").values_list(*PUBLIC_ACTION_FIELDS)
    return [dict(zip(PUBLIC_ACTION_FIELDS, row, strict=True)) for row in rows]


def public_milestone_rows(*, plan: ActionPlan) -> list[tuple]:
    """The milestones of the published plan's actions by due date, each as (action_id, name, due_date,
    done_on) (one query)."""
    return list(
        Milestone.objects.filter(action__plan=plan)
        .order_by("due_date", "pk")
        .values_list("action_id", "name", "due_date", "done_on")
    )


def action_budget_totals(*, plan: ActionPlan) -> list[dict]:
    """Per action of the published plan with budget lines: its `action_id` and the sums of its lines'
    `forecast` and `actual` (None when no line has an actual amount) (one query)."""
    return list(
        BudgetLine.objects.filter(action__plan=plan)
        .order_by()
        .values("action_id")
        .annotate(forecast=Sum("forecast"), actual=Sum("actual"))
    )


def plan_axes(*, plan: ActionPlan) -> list[PlanAxis]:
    """The plan's axes in their stored order, for `axis_tree` (one query)."""
    return list(plan.axes.all())


def commune_published_versions(*, commune: Commune) -> list[tuple]:
    """Every published version of the commune's plan, newest first, each as (version, title,
    deliberation_date) (one query)."""
    return list(
        ActionPlan.objects.filter(commune=commune, pk__in=published_plan_ids())
        .order_by("-version")
        .values_list("version", "title", "deliberation_date")
    )


def published_versions() -> list[ActionPlan]:
    """Every published version of every commune's plan, by INSEE code then version, with only its
    `version` and its commune's `insee_code` loaded (the sitemap's addresses; one query)."""
    return list(
        ActionPlan.objects.filter(pk__in=published_plan_ids())
        .select_related("commune")
        .only("version", "commune__insee_code")
        .order_by("commune__insee_code", "version")
    )
