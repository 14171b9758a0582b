"""Budgets and schedules of a plan and of an action."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Sum,
)

from ..models import (
    Action,
    ActionPlan,
    BudgetKind,
    BudgetLine,
    CoFunder,
)

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
