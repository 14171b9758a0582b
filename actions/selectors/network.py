"""Figures over many communes: deliberations, the followed plans' actions, budgets, the portfolio."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from communes.models import Commune

from ..models import (
    ADOPTED_STATUSES,
    Action,
    ActionPlan,
    ActionStatus,
    AwarenessReport,
    BudgetLine,
    CoFunder,
)
from .flags import (
    OPEN_STATUSES,
    completed_filter,
    late_filter,
    stale_cutoff,
)
from .plans import (
    _latest_and_adopted,
    _plans_of,
    followed_actions,
)

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
    commune_ids = None if commune_ids is None else list(commune_ids)
    plans = list(
        _plans_of(commune_ids, communes=False).annotate(
            late_count=Count("actions", filter=late_filter(through="actions")),
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


# --- the followed plans, chosen in SQL ----------------------------------------------------------
#
# The same plans as `followed_plans`, as a queryset the database reads as a subquery: the figures of a
# network of 35,000 communes then cost one aggregate each, with no list of ids built in Python.


def followed_plans_query(*, communes: QuerySet[Commune] | None = None) -> QuerySet[ActionPlan]:
    """Each commune's followed plan (of these communes, of every commune when None): its latest
    adopted version, else its latest version."""
    same_commune = ActionPlan.objects.filter(commune=OuterRef("commune"))
    adopted = same_commune.filter(status__in=ADOPTED_STATUSES)
    newer = {"version__gt": OuterRef("version")}
    plans = ActionPlan.objects.filter(
        Q(status__in=ADOPTED_STATUSES) & ~Exists(adopted.filter(**newer))
        | ~Exists(adopted) & ~Exists(same_commune.filter(**newer))
    )
    return plans if communes is None else plans.filter(commune__in=communes)


def followed_actions_of(*, communes: QuerySet[Commune] | None = None) -> QuerySet[Action]:
    return Action.objects.filter(plan__in=followed_plans_query(communes=communes))


def followed_budget_lines_of(*, communes: QuerySet[Commune] | None = None) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(action__plan__in=followed_plans_query(communes=communes))


def followed_cofunders_of(*, communes: QuerySet[Commune] | None = None) -> QuerySet[CoFunder]:
    return CoFunder.objects.filter(action__plan__in=followed_plans_query(communes=communes))


# --- the territories compared -------------------------------------------------------------------


@dataclass
class TerritoryPlanFigures:
    """A territory's plans as its network dashboard counts them: the plans its communes' councils
    deliberated (every adopted version, as `deliberated_plans`), the actions of its communes' followed
    plans and those done, and their forecast budget (€ excl. tax)."""

    plans_deliberated: int = 0
    actions: int = 0
    actions_done: int = 0
    forecast: Decimal = Decimal(0)

    @property
    def done_share(self) -> float | None:
        """The actions done, in % of the actions (None without actions)."""
        return 100 * self.actions_done / self.actions if self.actions else None


def plan_figures_by_territory() -> dict[int, TerritoryPlanFigures]:
    """Each territory's TerritoryPlanFigures, by territory id (a territory without plans is left out):
    three aggregate queries grouped by territory, whatever the number of territories and communes."""
    figures: dict[int, TerritoryPlanFigures] = defaultdict(TerritoryPlanFigures)
    deliberated = (
        ActionPlan.objects.filter(status__in=ADOPTED_STATUSES)
        .values("commune__territory_id")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in deliberated:
        figures[row["commune__territory_id"]].plans_deliberated = row["count"]
    actions = (
        followed_actions_of()
        .values("plan__commune__territory_id")
        .annotate(count=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE)))
        .order_by()
    )
    for row in actions:
        territory = figures[row["plan__commune__territory_id"]]
        territory.actions, territory.actions_done = row["count"], row["done"]
    budgets = (
        followed_budget_lines_of()
        .values("action__plan__commune__territory_id")
        .annotate(forecast=Sum("forecast"))
        .order_by()
    )
    for row in budgets:
        figures[row["action__plan__commune__territory_id"]].forecast = row["forecast"] or Decimal(0)
    return dict(figures)
