"""The evaluation's summaries, aggregated in SQL whatever the number of actions: a period, actions by
theme and status with their flags and impacts, budgets by year and theme with co-funding. The network's
and a commune's dashboards (reporting/dashboards.py) read them, as the yearly reports do."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from actions.models import Action, ActionStatus, BudgetKind, BudgetLine, CoFunder, CoFunderStatus
from actions.selectors import BUDGET_KEYS, late_filter, stale_filter, with_flags
from communes.models import localized_name

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
