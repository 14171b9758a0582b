"""The annex of the deliberation file, built from a plan already in memory (see
`deliberation.plan_for_deliberation`): the actions by axis or theme, the budget summary, the schedule
charts and the territory in figures. Every figure leaves here formatted the French way; no query is made
here except the observatory's own fixed set."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions.charts import STATUS_COLOURS, schedule_figure
from actions.models import Action, ActionPlan, ActionStatus, BudgetKind, CoFunderStatus
from actions.selectors import axis_tree
from observatory import charts
from observatory import selectors as observatory_selectors
from observatory.models import Basis, Target
from pcl.formatting import DASH, money, number, percent, period_text, quantity, typography

from ..print_charts import figure_svg

ZERO = Decimal(0)
CHART_WIDTH = 640
# The schedule stays legible: one chart for a small plan; for a big one, one chart per axis (or theme),
# cut in parts that each fit a page.
SCHEDULE_SINGLE_CHART_MAX = 40
SCHEDULE_ROWS_PER_CHART = 48


# --- actions ------------------------------------------------------------------------------------


@dataclass
class ActionRow:
    number: int
    action: Action
    title: str
    details: list[str]
    description: str
    owner: str
    elected_referent: str
    period: str
    status: str
    status_colour: str
    milestones: str
    budget_by_year: list[tuple[str, str]]
    investment: Decimal
    operating: Decimal
    impacts: list[tuple[str, str]]

    @property
    def budget_total(self) -> Decimal:
        return self.investment + self.operating

    @property
    def budget_total_label(self) -> str:
        return number(self.budget_total, 2)


@dataclass
class ActionGroup:
    anchor: str
    heading: str
    depth: int
    actions: list[Action]
    rows: list[ActionRow] = field(default_factory=list)

    @property
    def budget_total(self) -> str:
        return money(sum((row.budget_total for row in self.rows), ZERO))

    @property
    def count_label(self) -> str:
        return ngettext("%(count)d action", "%(count)d actions", len(self.rows)) % {"count": len(self.rows)}


def _impacts(action: Action) -> list[tuple[str, str]]:
    """(label, quantity) pairs; the quantity never breaks across lines."""
    per_year = _("MWh/yr")
    impacts = []
    if action.mwh_saved:
        impacts.append((_("Energy"), quantity(action.mwh_saved, per_year)))
    if action.tco2e_avoided:
        impacts.append((_("GHG"), quantity(action.tco2e_avoided, _("t CO2e/yr"))))
    if action.mwh_renewable:
        impacts.append((_("Renewables"), quantity(action.mwh_renewable, per_year)))
    return impacts


def action_row(index: int, action: Action) -> ActionRow:
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    investment = operating = ZERO
    for line in action.budget_lines.all():
        by_year[line.year] += line.forecast
        if line.kind == BudgetKind.INVESTMENT:
            investment += line.forecast
        else:
            operating += line.forecast
    milestones = len(action.milestones.all())
    return ActionRow(
        number=index,
        action=action,
        title=typography(action.title),
        details=[action.theme.name, str(action.get_origin_display())],
        description=typography(" ".join(action.description.split())),  # in full: the council adopts it
        owner=typography(action.owner_label or DASH),
        elected_referent=typography(action.elected_referent),
        period=period_text(action.start_date, action.end_date, empty=_("not dated yet")),
        status=str(action.get_status_display()),
        status_colour=STATUS_COLOURS[ActionStatus(action.status)],
        milestones=(
            ngettext("%(count)d milestone", "%(count)d milestones", milestones) % {"count": milestones}
            if milestones
            else ""
        ),
        budget_by_year=[(str(year), number(by_year[year], 2)) for year in sorted(by_year) if by_year[year]],
        investment=investment,
        operating=operating,
        impacts=_impacts(action),
    )


def action_groups(plan: ActionPlan, actions: list[Action]) -> list[ActionGroup]:
    """The actions in sections by axis (the axis tree, then the actions with no axis), or by theme when
    the plan has no axes; numbered 1, 2, 3… in reading order, the numbers the whole file uses."""
    groups: list[ActionGroup] = []
    axes = list(plan.axes.all())
    if axes:
        by_axis: dict[int | None, list[Action]] = defaultdict(list)
        for action in actions:
            by_axis[action.axis_id].append(action)
        counters: list[int] = []
        for axis, depth in axis_tree(axes):
            counters = counters[:depth] + [(counters[depth] if len(counters) > depth else 0) + 1]
            heading = _("Axis %(number)s — %(title)s") % {
                "number": ".".join(str(counter) for counter in counters),
                "title": axis.title,
            }
            groups.append(ActionGroup(f"axis-{axis.pk}", typography(heading), depth, by_axis[axis.pk]))
        if by_axis[None]:
            groups.append(ActionGroup("axis-none", _("Actions outside the axes"), 0, by_axis[None]))
    else:
        by_theme: dict[int, list[Action]] = defaultdict(list)
        themes = {}
        for action in actions:
            by_theme[action.theme_id].append(action)
            themes[action.theme_id] = action.theme
        for theme_id in sorted(by_theme, key=lambda pk: (themes[pk].order, themes[pk].name)):
            heading = _("Theme: %(theme)s") % {"theme": themes[theme_id].name}
            groups.append(ActionGroup(f"theme-{theme_id}", typography(heading), 0, by_theme[theme_id]))
    number = 0
    for group in groups:
        for action in group.actions:
            number += 1
            group.rows.append(action_row(number, action))
    return groups


# --- budget -------------------------------------------------------------------------------------


def budget_summary(plan: ActionPlan, rows: list[ActionRow]) -> dict:
    """The forecast budget by year and kind, by theme, and the co-funding by funder and status."""
    years: dict[int, dict[str, Decimal]] = {
        year: {"investment": ZERO, "operating": ZERO} for year in plan.years
    }
    themes: dict[str, dict] = {}
    funders: dict[str, dict] = {}
    for row in rows:
        action = row.action
        for line in action.budget_lines.all():
            entry = years.setdefault(line.year, {"investment": ZERO, "operating": ZERO})
            entry["investment" if line.kind == BudgetKind.INVESTMENT else "operating"] += line.forecast
        theme = themes.setdefault(
            action.theme.name,
            {
                "order": (action.theme.order, action.theme.name),
                "count": 0,
                "investment": ZERO,
                "operating": ZERO,
            },
        )
        theme["count"] += 1
        theme["investment"] += row.investment
        theme["operating"] += row.operating
        for cofunder in action.cofunders.all():
            funder = funders.setdefault(
                cofunder.name, {"actions": set(), **{status: ZERO for status in CoFunderStatus.values}}
            )
            funder["actions"].add(row.number)
            funder[cofunder.status] += cofunder.amount
    investment = sum((entry["investment"] for entry in years.values()), ZERO)
    operating = sum((entry["operating"] for entry in years.values()), ZERO)
    total = investment + operating
    cofunding = {status: ZERO for status in CoFunderStatus.values}
    funder_rows = []
    for name in sorted(funders, key=str.casefold):
        amounts = {status: funders[name][status] for status in CoFunderStatus.values}
        for status, amount in amounts.items():
            cofunding[status] += amount
        funder_rows.append(
            {
                "name": typography(name),
                "actions": ", ".join(str(number) for number in sorted(funders[name]["actions"])),
                "amounts": [number(amount, 2) for amount in amounts.values()],
                "total": number(sum(amounts.values(), ZERO), 2),
            }
        )
    cofunding_total = sum(cofunding.values(), ZERO)
    return {
        "total": total,
        "total_label": money(total),
        "investment_label": money(investment),
        "operating_label": money(operating),
        "years": [
            {
                "year": str(year),
                "investment": number(entry["investment"], 2),
                "operating": number(entry["operating"], 2),
                "total": number(entry["investment"] + entry["operating"], 2),
                "outside": year not in plan.years,
            }
            for year, entry in sorted(years.items())
        ],
        "totals": {
            "investment": number(investment, 2),
            "operating": number(operating, 2),
            "total": number(total, 2),
        },
        "themes": [
            {
                "name": name,
                "count": theme["count"],
                "investment": number(theme["investment"], 2),
                "operating": number(theme["operating"], 2),
                "total": number(theme["investment"] + theme["operating"], 2),
                "share": percent(100 * (theme["investment"] + theme["operating"]) / total) if total else DASH,
            }
            for name, theme in sorted(themes.items(), key=lambda item: item[1]["order"])
        ],
        "funder_statuses": [str(label) for _value, label in CoFunderStatus.choices],
        "funders": funder_rows,
        "cofunding": [number(amount, 2) for amount in cofunding.values()],
        "cofunding_total": cofunding_total,
        "cofunding_total_number": number(cofunding_total, 2),
        "cofunding_total_label": money(cofunding_total),
        "net_label": money(total - cofunding_total),
    }


def plan_impacts(rows: list[ActionRow]) -> dict[str, Decimal]:
    return {
        name: sum((getattr(row.action, name) or ZERO for row in rows), ZERO)
        for name in ("mwh_saved", "tco2e_avoided", "mwh_renewable")
    }


# --- schedule -----------------------------------------------------------------------------------


def _relabelled(figure: dict, rows: list[ActionRow]) -> dict:
    """The schedule figure with the file's action numbers and full titles (the SVG cuts them to fit)
    instead of the figure's own 1, 2, 3… of each chart."""
    bars, milestones = figure["data"]
    labels = {old: f"{row.number}. {row.action.title}" for old, row in zip(bars["y"], rows, strict=True)}
    bars["y"] = [labels[label] for label in bars["y"]]
    milestones["y"] = [labels[label] for label in milestones["y"]]
    return figure


def _marked_on(figure: dict, day: date) -> dict:
    """The dotted line of the schedule on the day the file describes (the vote's), not today."""
    for shape in figure["layout"].get("shapes", []):
        shape["x0"] = shape["x1"] = day.isoformat()
    return figure


ADOPTED_BAR_COLOUR = "#1e5631"


def _commitments_only(figure: dict) -> dict:
    """An adopted file shows what the council committed to, not the follow-up that came after the vote:
    every bar in one colour, no milestone marked as reached."""
    bars = figure["data"][0]
    bars["marker"]["color"] = [ADOPTED_BAR_COLOUR] * len(bars["y"])
    milestones = figure["data"][1]
    milestones["text"] = [text.removesuffix(" ✓") for text in milestones["text"]]
    return figure


def schedule(plan: ActionPlan, groups: list[ActionGroup], *, day: date) -> dict:
    """The schedule figure of actions/charts.py as print SVG: one chart for a small plan, else one per
    section, cut in parts of at most SCHEDULE_ROWS_PER_CHART actions; the dotted line marks `day`. A
    draft's bars are coloured by status; an adopted plan's are not (the file is the vote's)."""
    dated = [[row for row in group.rows if row.action.start_date and row.action.end_date] for group in groups]
    count = sum(len(rows) for rows in dated)
    parts: list[tuple[str, list[ActionRow]]] = []
    if count <= SCHEDULE_SINGLE_CHART_MAX:
        parts.append(("", [row for rows in dated for row in rows]))
    else:
        for group, rows in zip(groups, dated, strict=True):
            size = SCHEDULE_ROWS_PER_CHART
            chunks = [rows[start : start + size] for start in range(0, len(rows), size)]
            for index, chunk in enumerate(chunks, start=1):
                title = group.heading
                if len(chunks) > 1:
                    title = _("%(title)s (part %(part)d of %(parts)d)") % {
                        "title": title,
                        "part": index,
                        "parts": len(chunks),
                    }
                parts.append((title, chunk))
    svgs = []
    for title, rows in parts:
        if not rows:
            continue
        figure = _relabelled(schedule_figure(plan=plan, actions=[row.action for row in rows]), rows)
        figure = _marked_on(figure, day)
        if plan.is_adopted:
            figure = _commitments_only(figure)
        row_height = 22 if len(rows) <= 12 else 15
        svg = figure_svg(figure, width=CHART_WIDTH, height=44 + row_height * len(rows))
        svgs.append({"title": title, "svg": mark_safe(svg)})  # built and escaped by figure_svg
    return {
        "charts": svgs,
        "undated": sum(len(group.rows) for group in groups) - count,
        "legend": []
        if plan.is_adopted
        else [(str(label), STATUS_COLOURS[ActionStatus(value)]) for value, label in ActionStatus.choices],
    }


# --- the territory in figures -------------------------------------------------------------------


def _emissions_chart(view) -> dict:
    """Emissions against the target trajectory, on the basis of the latest GHG target, as the
    observatory page draws them."""
    basis = view.ghg_targets[-1].target.ghg_basis if view.ghg_targets else Basis.TOTAL
    values = view.emissions.totals if basis == Basis.TOTAL else view.per_inhabitant(view.emissions)
    unit = "t CO2e" if basis == Basis.TOTAL else _("t CO2e per inhabitant")
    targets = [item for item in view.ghg_targets if item.target.ghg_basis == basis]
    return charts.emissions_against_trajectory(
        view, values, observatory_selectors.trajectory(view, values, targets), unit
    )


def _year_label(year: int, estimated: set[int], *, spelt_out: bool = False) -> str:
    if year not in estimated:
        return str(year)
    return _("%(year)s (estimate)") % {"year": year} if spelt_out else f"{year} (e)"


def _change(values: dict[int, float], reference_year: int, year: int) -> str | None:
    reference = values.get(reference_year)
    if not reference or year == reference_year:
        return None
    return percent(100 * (values[year] - reference) / reference, signed=True)


def _reduction(value, basis) -> str:
    if value is None:
        return DASH
    return percent(-value) + (" " + _("per inhabitant") if basis == Basis.PER_INHABITANT else "")


def target_to_quote(targets: list[Target], *, day: date) -> Target | None:
    """The target the deliberation quotes: the first whose year is still ahead on `day`, else the last."""
    upcoming = [target for target in targets if target.target_year >= day.year]
    return upcoming[0] if upcoming else (targets[-1] if targets else None)


def _territory_figures(view) -> list[dict]:
    """The observatory page's charts of the commune, as print SVG (built and escaped by figure_svg)."""
    figures = []
    if view.consumption.years:
        figure = figure_svg(charts.stacked_bars(view.consumption, "MWh"), width=CHART_WIDTH, height=330)
        figures.append({"title": _("Final energy consumption by sector (MWh)"), "svg": mark_safe(figure)})
    if view.emissions.years:
        figure = figure_svg(_emissions_chart(view), width=CHART_WIDTH, height=300)
        figures.append(
            {"title": _("Greenhouse-gas emissions against the target trajectory"), "svg": mark_safe(figure)}
        )
    if view.production.years:
        figure = figure_svg(charts.stacked_bars(view.production, "MWh"), width=CHART_WIDTH, height=330)
        figures.append({"title": _("Renewable production by source (MWh)"), "svg": mark_safe(figure)})
    return figures


def territory(commune, *, day: date, with_charts: bool = True) -> dict:
    """The commune's observatory series (the dataset its observatory page shows), its headline
    figures per inhabitant against the reference year, the charts and the targets (the commune's own,
    else those of its territory, see observatory.selectors.territory_targets)."""
    dataset = observatory_selectors.datasets_with_data(commune_ids=[commune.pk]).first()
    view = observatory_selectors.territory_observatory(
        commune_ids=[commune.pk], dataset=dataset, commune=commune
    )
    consumption = view.per_inhabitant(view.consumption)
    emissions = view.per_inhabitant(view.emissions)
    shares = view.renewable_share
    reference = view.reference_year
    estimated = (
        view.consumption.estimated_years | view.emissions.estimated_years | view.production.estimated_years
    )
    rows = [
        {
            "year": _year_label(year, estimated),
            "population": number(view.population.get(year)),
            "consumption": number(view.consumption.totals.get(year)),
            "consumption_per_inhabitant": number(consumption.get(year), 1),
            "emissions": number(view.emissions.totals.get(year)),
            "emissions_per_inhabitant": number(emissions.get(year), 1),
            "renewable_share": percent(shares.get(year), 1),
        }
        for year in sorted(set(view.consumption.totals) | set(view.emissions.totals) | set(shares))
    ]
    headline = {}
    for key, values, decimals in (("consumption", consumption, 1), ("emissions", emissions, 1)):
        if values:
            year = max(values)
            headline[key] = {
                "year": _year_label(year, estimated, spelt_out=True),
                "is_estimate": year in estimated,
                "value": number(values[year], decimals),
                "change": _change(values, reference, year),
            }
    if shares:
        year = max(shares)
        headline["renewables"] = {
            "year": _year_label(year, estimated, spelt_out=True),
            "is_estimate": year in estimated,
            "value": percent(shares[year], 1),
        }
    return {
        "dataset": dataset,
        "is_demo": bool(dataset and dataset.is_demo),
        "has_data": bool(rows),
        "rows": rows,
        "headline": headline,
        "figures": _territory_figures(view) if with_charts else [],
        "reference_year": str(reference),
        "has_estimates": bool(estimated),
        "targets": [
            {
                "year": str(target.target_year),
                "ghg": _reduction(target.ghg_reduction_pct, target.ghg_basis),
                "consumption": _reduction(target.consumption_reduction_pct, target.consumption_basis),
                "renewables": DASH
                if target.renewable_share_pct is None
                else percent(target.renewable_share_pct),
                "source": typography(target.source),
            }
            for target in view.targets
        ],
        "commune_targets": any(target.commune_id for target in view.targets),
        "target": target_to_quote(view.targets, day=day),
    }
