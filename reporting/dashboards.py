"""Reads of the evaluation dashboards: the network's and one commune's.

Every figure is aggregated in SQL, and each dashboard costs a fixed number of queries whatever the
number of communes, plans and actions. A commune's figures are read from its followed plan
(`actions.selectors.followed_plans`: the adopted version, where follow-up happens, else the plan in
preparation), as the yearly reports, the Letter and the portfolio read them: a new version copies
the actions of the previous one, so counting every version would count each action twice. Every read
of another app goes through that app's selectors.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from actions.models import (
    Action,
    ActionPlan,
    ActionStatus,
    BudgetKind,
    BudgetLine,
    CoFunder,
    CoFunderStatus,
)
from actions.selectors import (
    BUDGET_KEYS,
    action_is_late,
    action_is_stale,
    actions_of,
    budget_lines_of,
    cofunders_of,
    deliberated_plans,
    followed_plan,
    followed_plans,
    late_filter,
    plan_schedule,
    stale_filter,
    with_adopted_plan,
    with_flags,
)
from communes.models import Commune, CommuneGroup, localized_name
from communes.selectors import commune_ids_all, network_communes
from observatory.models import Dataset
from observatory.selectors import TerritoryObservatory, datasets_with_data, territory_observatory
from workgroups.selectors import Regularity, meetings_by_year, regularity_by_commune

# The Plan Climat's reference year: no evaluation period starts earlier.
FIRST_YEAR = 2005
# (expected field, achieved field) of each yearly impact of an action.
IMPACTS = (
    ("mwh_saved", "achieved_mwh_saved"),
    ("tco2e_avoided", "achieved_tco2e_avoided"),
    ("mwh_renewable", "achieved_mwh_renewable"),
)
SECURED_COFUNDING = (CoFunderStatus.GRANTED, CoFunderStatus.RECEIVED)


def years_offered() -> list[int]:
    """Years a period may start or end on: plans run a few years ahead of today."""
    return list(range(FIRST_YEAR, timezone.localdate().year + 11))


@dataclass(frozen=True)
class Period:
    """From year to year, both included; either end may be open."""

    year_from: int | None = None
    year_to: int | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.year_from or self.year_to)

    @property
    def start(self) -> date | None:
        return date(self.year_from, 1, 1) if self.year_from else None

    @property
    def end(self) -> date | None:
        return date(self.year_to, 12, 31) if self.year_to else None

    def years(self, lookup: str) -> Q:
        """A year field within the period (budget lines)."""
        condition = Q()
        if self.year_from:
            condition &= Q(**{f"{lookup}__gte": self.year_from})
        if self.year_to:
            condition &= Q(**{f"{lookup}__lte": self.year_to})
        return condition

    def dates(self, lookup: str) -> Q:
        """A date field within the period (deliberations)."""
        condition = Q()
        if self.start:
            condition &= Q(**{f"{lookup}__gte": self.start})
        if self.end:
            condition &= Q(**{f"{lookup}__lte": self.end})
        return condition

    def actions(self, prefix: str = "") -> Q:
        """Actions whose dates meet the period (an undated end is open); an action that is done
        counts in the period of its end."""
        condition = Q()
        if self.end:
            condition &= Q(**{f"{prefix}start_date__isnull": True}) | Q(
                **{f"{prefix}start_date__lte": self.end}
            )
            condition &= ~Q(**{f"{prefix}status": ActionStatus.DONE, f"{prefix}end_date__gt": self.end})
        if self.start:
            condition &= Q(**{f"{prefix}end_date__isnull": True}) | Q(
                **{f"{prefix}end_date__gte": self.start}
            )
        return condition


# --- actions ------------------------------------------------------------------------------------


@dataclass
class ThemeRow:
    name: str
    by_status: dict[str, int]
    total: int
    expected: dict[str, Decimal]
    achieved: dict[str, Decimal]


@dataclass
class ActionSummary:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {status: 0 for status in ActionStatus})
    themes: list[ThemeRow] = field(default_factory=list)
    late: int = 0
    stale: int = 0
    average_progress: float | None = None  # of the actions not abandoned
    expected: dict[str, Decimal] = field(default_factory=lambda: _zero_impacts())
    achieved: dict[str, Decimal] = field(default_factory=lambda: _zero_impacts())


def _zero_impacts() -> dict[str, Decimal]:
    return {name: Decimal(0) for name, _achieved in IMPACTS}


def _impact_sums() -> dict:
    """Expected impacts leave out abandoned actions; achieved impacts count whatever was achieved."""
    not_abandoned = ~Q(status=ActionStatus.ABANDONED)
    sums = {f"expected_{name}": Sum(name, filter=not_abandoned) for name, _achieved in IMPACTS}
    sums |= {f"achieved_{name}": Sum(achieved) for name, achieved in IMPACTS}
    return sums


def action_summary(actions: QuerySet[Action]) -> ActionSummary:
    """Counts by theme and status, late and stale actions, progress and impacts: one query."""
    rows = (
        with_flags(actions)
        .values("theme__name", "theme__name_en", "theme__order", "status")
        .annotate(
            count=Count("pk"),
            late=Count("pk", filter=late_filter()),
            stale=Count("pk", filter=stale_filter()),
            progress=Sum("progress"),
            **_impact_sums(),
        )
        .order_by("theme__order", "theme__name", "status")
    )
    summary = ActionSummary()
    themes: dict[str, ThemeRow] = {}
    progress_total = progress_count = 0
    for row in rows:
        name = localized_name(row["theme__name"], row["theme__name_en"])
        theme = themes.setdefault(
            row["theme__name"],
            ThemeRow(name, {s: 0 for s in ActionStatus}, 0, _zero_impacts(), _zero_impacts()),
        )
        theme.by_status[row["status"]] += row["count"]
        theme.total += row["count"]
        summary.by_status[row["status"]] += row["count"]
        summary.total += row["count"]
        summary.late += row["late"]
        summary.stale += row["stale"]
        if row["status"] != ActionStatus.ABANDONED:
            progress_total += row["progress"] or 0
            progress_count += row["count"]
        for name, _achieved in IMPACTS:
            for kind, totals in (("expected", theme.expected), ("achieved", theme.achieved)):
                value = row[f"{kind}_{name}"] or Decimal(0)
                totals[name] += value
                getattr(summary, kind)[name] += value
    summary.themes = list(themes.values())
    summary.average_progress = progress_total / progress_count if progress_count else None
    return summary


def completed_by_year(actions: QuerySet[Action]) -> dict[int, int]:
    rows = (
        actions.filter(status=ActionStatus.DONE, end_date__isnull=False)
        .annotate(year=ExtractYear("end_date"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("year")
    )
    return {row["year"]: row["count"] for row in rows}


# --- budgets ------------------------------------------------------------------------------------


@dataclass
class Budget:
    """Forecast and actual spending (€ excl. tax) by year and by theme, and co-funding."""

    years: list[dict] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    themes: list[dict] = field(default_factory=list)
    cofunding: list[dict] = field(default_factory=list)
    cofunding_total: Decimal = Decimal(0)
    cofunding_secured: Decimal = Decimal(0)  # granted or received

    @property
    def secured_share(self) -> float | None:
        """Co-funding granted or received, in % of the forecast budget."""
        forecast = self.totals.get("forecast")
        return float(100 * self.cofunding_secured / forecast) if forecast else None


def _budget_year(year: int) -> dict:
    return {"year": year} | {key: None if key.endswith("actual") else Decimal(0) for key in BUDGET_KEYS}


def _add(total: Decimal | None, value: Decimal | None) -> Decimal | None:
    """Adds amounts where an actual amount not recorded yet stays unknown rather than zero."""
    if value is None:
        return total
    return (total or Decimal(0)) + value


def budget_summary(
    lines: QuerySet[BudgetLine], cofunders: QuerySet[CoFunder], *, years: range | list = ()
) -> Budget:
    """By year (each of `years` shown even when empty) and kind, by theme, co-funding: three queries."""
    by_year = {year: _budget_year(year) for year in years}
    for row in lines.values("year", "kind").annotate(forecast=Sum("forecast"), actual=Sum("actual")):
        entry = by_year.setdefault(row["year"], _budget_year(row["year"]))
        prefix = "investment" if row["kind"] == BudgetKind.INVESTMENT else "operating"
        entry[f"{prefix}_forecast"] += row["forecast"] or 0
        entry[f"{prefix}_actual"] = _add(entry[f"{prefix}_actual"], row["actual"])
        entry["forecast"] += row["forecast"] or 0
        entry["actual"] = _add(entry["actual"], row["actual"])
    budget = Budget(years=[by_year[year] for year in sorted(by_year)])
    budget.totals = {key: value for key, value in _budget_year(0).items() if key != "year"}
    for entry in budget.years:
        for key in BUDGET_KEYS:
            budget.totals[key] = _add(budget.totals[key], entry[key])
    budget.themes = list(
        lines.values("action__theme__name", "action__theme__name_en", "action__theme__order")
        .annotate(forecast=Sum("forecast"), actual=Sum("actual"))
        .order_by("action__theme__order", "action__theme__name")
    )
    for row in budget.themes:  # the theme's name in the active language
        row["action__theme__name"] = localized_name(
            row["action__theme__name"], row.pop("action__theme__name_en")
        )
    budget.cofunding = list(
        cofunders.values("status").annotate(amount=Sum("amount"), count=Count("pk")).order_by("status")
    )
    budget.cofunding_total = sum((row["amount"] for row in budget.cofunding), Decimal(0))
    budget.cofunding_secured = sum(
        (row["amount"] for row in budget.cofunding if row["status"] in SECURED_COFUNDING), Decimal(0)
    )
    return budget


# --- the network --------------------------------------------------------------------------------


@dataclass
class CommuneLine:
    """One commune of the network dashboard's table."""

    commune: Commune
    plan: ActionPlan | None
    regularity: Regularity
    actions: int = 0
    done: int = 0
    late: int = 0
    stale: int = 0
    average_progress: float | None = None
    forecast: Decimal = Decimal(0)
    actual: Decimal | None = None
    can_open: bool = False  # whether the reader may open the commune's pages (set by the view)


@dataclass
class NetworkDashboard:
    period: Period
    communes: list[CommuneLine]
    signatories: int
    signatories_with_plan: int
    deliberations: dict[int, int]
    actions: ActionSummary
    completed: dict[int, int]
    budget: Budget
    dataset: Dataset | None
    observatory: TerritoryObservatory
    is_whole_network: bool

    @property
    def deliberation_total(self) -> int:
        return sum(self.deliberations.values())

    @property
    def deliberated_share(self) -> float | None:
        """Signatory communes with a deliberated plan, in %."""
        return 100 * self.signatories_with_plan / self.signatories if self.signatories else None

    @property
    def quiet_groups(self) -> list[CommuneLine]:
        return [line for line in self.communes if line.regularity.quiet]


def network_dashboard(*, advisor=None, group: CommuneGroup | None = None, period: Period = Period()):
    """The network's evaluation for the communes an advisor follows, or a group's, or all."""
    communes = list(
        with_adopted_plan(communes=network_communes(advisor=advisor, group=group), by=period.end).order_by(
            "sort_name"
        )
    )
    commune_ids = [commune.pk for commune in communes]
    signatories = [
        commune
        for commune in communes
        if commune.charter_signed_on and (period.end is None or commune.charter_signed_on <= period.end)
    ]

    deliberations = deliberated_plans(commune_ids=commune_ids, start=period.start, end=period.end)["by_year"]

    plans = followed_plans(commune_ids=commune_ids)
    actions = actions_of(plans=plans.values()).filter(period.actions())
    lines = budget_lines_of(plans=plans.values()).filter(period.years("year"))
    cofunders = cofunders_of(plans=plans.values()).filter(period.actions("action__"))

    per_commune = {
        row["plan__commune_id"]: row
        for row in with_flags(actions)
        .values("plan__commune_id")
        .annotate(
            count=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            late=Count("pk", filter=late_filter()),
            stale=Count("pk", filter=stale_filter()),
            progress=Sum("progress", filter=~Q(status=ActionStatus.ABANDONED)),
            counted=Count("pk", filter=~Q(status=ActionStatus.ABANDONED)),
        )
        .order_by()
    }
    spending = {
        row["action__plan__commune_id"]: row
        for row in lines.values("action__plan__commune_id")
        .annotate(forecast=Sum("forecast"), actual=Sum("actual"))
        .order_by()
    }
    regularity = regularity_by_commune(communes=communes)
    rows = []
    for commune in communes:
        line = CommuneLine(commune=commune, plan=plans.get(commune.pk), regularity=regularity[commune.pk])
        if counts := per_commune.get(commune.pk):
            line.actions, line.done = counts["count"], counts["done"]
            line.late, line.stale = counts["late"], counts["stale"]
            if counts["counted"]:
                line.average_progress = (counts["progress"] or 0) / counts["counted"]
        if money := spending.get(commune.pk):
            line.forecast, line.actual = money["forecast"] or Decimal(0), money["actual"]
        rows.append(line)

    dataset = datasets_with_data(commune_ids=commune_ids).first()
    return NetworkDashboard(
        period=period,
        communes=rows,
        signatories=len(signatories),
        signatories_with_plan=sum(1 for commune in signatories if commune.has_adopted_plan),
        deliberations=deliberations,
        actions=action_summary(actions),
        completed=completed_by_year(actions),
        budget=budget_summary(
            lines,
            cofunders,
            years=range(period.year_from, period.year_to + 1) if period.year_from and period.year_to else (),
        ),
        dataset=dataset,
        observatory=territory_observatory(commune_ids=commune_ids, dataset=dataset),
        is_whole_network=advisor is None and group is None,
    )


# --- one commune --------------------------------------------------------------------------------


@dataclass
class CommuneDashboard:
    commune: Commune
    plan: ActionPlan | None
    actions: ActionSummary
    flagged: list[Action]  # late or stale, each with `is_late` and `is_stale`
    schedule: list[Action]
    budget: Budget
    regularity: Regularity
    meetings_by_year: dict[int, int]
    dataset: Dataset | None
    observatory: TerritoryObservatory
    agglomeration: TerritoryObservatory

    @property
    def meetings_this_year(self) -> int:
        return self.meetings_by_year.get(timezone.localdate().year, 0)


def commune_dashboard(*, commune: Commune) -> CommuneDashboard:
    """The same evaluation for one commune, with its plan's schedule and its observatory trends
    per inhabitant beside the agglomeration's."""
    plan = followed_plan(commune=commune)
    if plan is not None:
        actions = actions_of(plans=[plan])
        flagged = list(
            with_flags(actions.select_related("theme"))
            .filter(late_filter() | stale_filter())
            .order_by("end_date", "order", "pk")
        )
        for action in flagged:
            action.is_late = action_is_late(action)
            action.is_stale = action_is_stale(action)
        summary = action_summary(actions)
        schedule = plan_schedule(plan=plan)
        budget = budget_summary(budget_lines_of(plans=[plan]), cofunders_of(plans=[plan]), years=plan.years)
    else:
        summary, flagged, schedule, budget = ActionSummary(), [], [], Budget()

    now = timezone.now()
    all_ids = commune_ids_all()
    dataset = datasets_with_data(commune_ids=[commune.pk]).first()
    return CommuneDashboard(
        commune=commune,
        plan=plan,
        actions=summary,
        flagged=flagged,
        schedule=schedule,
        budget=budget,
        regularity=regularity_by_commune(communes=[commune], now=now)[commune.pk],
        meetings_by_year=meetings_by_year(commune=commune, until=now),
        dataset=dataset,
        observatory=territory_observatory(commune_ids=[commune.pk], dataset=dataset, commune=commune),
        agglomeration=territory_observatory(commune_ids=all_ids, dataset=dataset),
    )
