"""The dashboards' charts: plotly figures built as plain data for plotly.js (served from our static
files), each with the table of its figures, its text alternative (see
templates/reporting/includes/chart_with_table.html). Figures in the tables are formatted for the
current language (1 234,5 in French)."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from actions.charts import STATUS_COLOURS, schedule_figure
from actions.models import ActionStatus, CoFunderStatus
from actions.selectors import BUDGET_KEYS
from observatory import charts as observatory_charts
from observatory.models import Basis
from observatory.selectors import TerritoryObservatory, trajectory
from pcl.formatting import (
    auto_decimals,
    colon,
    money,
    number,
    percent,
    plotly_money,
    plotly_number,
    plotly_separators,
    quantity,
    ratio,
    short_date,
    year_label,
)

FORECAST_COLOUR, ACTUAL_COLOUR = "#6c757d", "#0b5ed7"
EXPECTED_COLOUR, ACHIEVED_COLOUR = "#6c757d", "#146c43"
COMMUNE_COLOUR, AGGLOMERATION_COLOUR = "#1e5631", "#6c757d"
COFUNDING_COLOURS = {
    CoFunderStatus.REQUESTED: "#8a5300",
    CoFunderStatus.GRANTED: "#0b5ed7",
    CoFunderStatus.RECEIVED: "#146c43",
}


# --- building blocks ----------------------------------------------------------------------------


@dataclass
class Link:
    """A table cell that links somewhere."""

    text: str
    url: str

    def __str__(self):
        return self.text


@dataclass
class Table:
    """The figures of a chart: `columns` head each column (the first heads the row labels); each row
    starts with its label. Cells are formatted text or a `Link`."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]
    footer: list[Any] | None = None


@dataclass
class Chart:
    figure: dict
    table: Table
    notes: list[str] = field(default_factory=list)


def _layout(**extra) -> dict:
    layout = {
        "height": 340,
        "margin": {"l": 70, "r": 20, "t": 40, "b": 50},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "separators": plotly_separators(),
        "hoverlabel": {"namelength": -1},
    }
    return layout | extra


def _count_axis(title: str, values) -> dict:
    """An axis of counts: whole numbers only (one tick per unit while they are few)."""
    axis = {"title": {"text": title}, "rangemode": "tozero", "tickformat": "d"}
    if max(values, default=0) <= 10:
        axis["dtick"] = 1
    return axis


def _bar(name: str, x: list, y: list, colour, **extra) -> dict:
    return {"type": "bar", "name": name, "x": x, "y": y, "marker": {"color": colour}} | extra


# --- plans and actions --------------------------------------------------------------------------


def deliberations_chart(by_year: dict[int, int]) -> Chart:
    years = [year_label(year) for year in by_year]
    figure = {
        "data": [
            _bar(
                _("Plans deliberated"),
                years,
                list(by_year.values()),
                "#1e5631",
                hovertemplate="%{x}" + colon() + "%{y}<extra></extra>",
            )
        ],
        "layout": _layout(
            xaxis={"type": "category", "title": {"text": _("Year of the council vote")}},
            yaxis=_count_axis(_("Plans"), by_year.values()),
            showlegend=False,
        ),
    }
    table = Table(
        caption=_("Action plans deliberated by year"),
        columns=[_("Year"), _("Plans deliberated")],
        rows=[[year, number(count)] for year, count in zip(years, by_year.values(), strict=True)],
        footer=[_("Total"), number(sum(by_year.values()))],
    )
    return Chart(figure, table)


def _status_labels() -> dict[str, str]:
    return {status.value: str(status.label) for status in ActionStatus}


def actions_by_theme_chart(summary) -> Chart:
    """One stacked bar per theme, one colour per status."""
    labels = _status_labels()
    themes = [theme.name for theme in summary.themes]
    figure = {
        "data": [
            _bar(
                labels[status],
                [theme.by_status[status] for theme in summary.themes],
                themes,
                STATUS_COLOURS[status],
                orientation="h",
                hovertemplate="%{y} — " + labels[status] + colon() + "%{x}<extra></extra>",
            )
            for status in ActionStatus
        ],
        "layout": _layout(
            height=120 + 34 * max(len(themes), 3),
            barmode="stack",
            margin={"l": 190, "r": 20, "t": 40, "b": 50},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis=_count_axis(_("Actions"), [theme.total for theme in summary.themes]),
            legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "traceorder": "normal"},
        ),
    }
    table = Table(
        caption=_("Actions by theme and status"),
        columns=[_("Theme"), *labels.values(), _("Total")],
        rows=[
            [theme.name, *[number(theme.by_status[status]) for status in ActionStatus], number(theme.total)]
            for theme in summary.themes
        ],
        footer=[
            _("Total"),
            *[number(summary.by_status[status]) for status in ActionStatus],
            number(summary.total),
        ],
    )
    return Chart(figure, table)


def actions_by_status_chart(summary) -> Chart:
    labels = _status_labels()
    figure = {
        "data": [
            _bar(
                _("Actions"),
                list(labels.values()),
                [summary.by_status[status] for status in ActionStatus],
                [STATUS_COLOURS[status] for status in ActionStatus],
                hovertemplate="%{x}" + colon() + "%{y}<extra></extra>",
            )
        ],
        "layout": _layout(
            xaxis={"type": "category"},
            yaxis=_count_axis(_("Actions"), summary.by_status.values()),
            showlegend=False,
        ),
    }
    table = Table(
        caption=_("Actions by status"),
        columns=[_("Status"), _("Actions"), _("Share")],
        rows=[
            [
                labels[status],
                number(summary.by_status[status]),
                percent(ratio(summary.by_status[status], summary.total)),
            ]
            for status in ActionStatus
        ],
        footer=[_("Total"), number(summary.total), percent(100 if summary.total else None)],
    )
    return Chart(figure, table) if summary.total else Chart(figure, Table(table.caption, table.columns, []))


def completed_chart(by_year: dict[int, int]) -> Chart:
    years = [year_label(year) for year in by_year]
    figure = {
        "data": [
            _bar(
                _("Actions completed"),
                years,
                list(by_year.values()),
                STATUS_COLOURS[ActionStatus.DONE],
                hovertemplate="%{x}" + colon() + "%{y}<extra></extra>",
            )
        ],
        "layout": _layout(
            xaxis={"type": "category", "title": {"text": _("Year of the end of the action")}},
            yaxis=_count_axis(_("Actions"), by_year.values()),
            showlegend=False,
        ),
    }
    table = Table(
        caption=_("Actions completed by year of their end"),
        columns=[_("Year"), _("Actions completed")],
        rows=[[year, number(count)] for year, count in zip(years, by_year.values(), strict=True)],
        footer=[_("Total"), number(sum(by_year.values()))],
    )
    return Chart(figure, table)


IMPACT_UNITS = {"mwh_saved": "MWh", "tco2e_avoided": "t CO2e", "mwh_renewable": "MWh"}


def _impact_labels() -> dict[str, str]:
    return {
        "mwh_saved": _("Energy saved (MWh/year)"),
        "tco2e_avoided": _("Emissions avoided (t CO2e/year)"),
        "mwh_renewable": _("Renewable production (MWh/year)"),
    }


def impacts_chart(summary) -> Chart:
    """Expected against achieved, one small chart per indicator (each has its own unit)."""
    labels = _impact_labels()
    data = []
    for index, name in enumerate(labels, start=1):
        axes = {"xaxis": f"x{index}", "yaxis": f"y{index}"}
        for kind, label, colour in (
            ("expected", _("Expected"), EXPECTED_COLOUR),
            ("achieved", _("Achieved"), ACHIEVED_COLOUR),
        ):
            value = getattr(summary, kind)[name]
            data.append(
                _bar(
                    label,
                    [labels[name]],
                    [float(value)],
                    colour,
                    legendgroup=kind,
                    showlegend=index == 1,
                    hovertemplate=label
                    + colon()
                    + plotly_number("y", 1, IMPACT_UNITS[name])
                    + "<extra></extra>",
                    **axes,
                )
            )
    layout = _layout(grid={"rows": 1, "columns": 3, "pattern": "independent"}, barmode="group")
    for index in range(1, 4):
        layout[f"yaxis{index}"] = {"rangemode": "tozero", "separatethousands": True}
    rows = []
    for name, label in labels.items():
        expected, achieved = summary.expected[name], summary.achieved[name]
        unit = IMPACT_UNITS[name]
        rows.append(
            [
                label,
                quantity(expected, unit, auto_decimals(expected)),
                quantity(achieved, unit, auto_decimals(achieved)),
                percent(ratio(achieved, expected)),
            ]
        )
    table = Table(
        caption=_("Yearly impacts of the actions, expected and achieved"),
        columns=[_("Indicator"), _("Expected"), _("Achieved"), _("Achieved / expected")],
        rows=rows if summary.total else [],
    )
    return Chart({"data": data, "layout": layout}, table)


def schedule_chart(plan, actions) -> Chart:
    labels = _status_labels()
    table = Table(
        caption=_("Schedule of the dated actions"),
        columns=[_("Action"), _("Start"), _("End"), _("Status"), _("Progress")],
        rows=[
            [
                f"{index}. {action.title}",
                short_date(action.start_date),
                short_date(action.end_date),
                labels[action.status],
                percent(action.progress),
            ]
            for index, action in enumerate(actions, start=1)
        ],
    )
    figure = schedule_figure(plan=plan, actions=actions) if plan and actions else {"data": [], "layout": {}}
    return Chart(figure, table)


# --- budgets ------------------------------------------------------------------------------------


def budget_by_year_chart(budget) -> Chart:
    years = [year_label(entry["year"]) for entry in budget.years]
    figure = {
        "data": [
            _bar(
                _("Forecast"),
                years,
                [float(entry["forecast"]) for entry in budget.years],
                FORECAST_COLOUR,
                hovertemplate="%{x} — " + _("Forecast") + colon() + plotly_money("y") + "<extra></extra>",
            ),
            _bar(
                _("Actual"),
                years,
                [None if entry["actual"] is None else float(entry["actual"]) for entry in budget.years],
                ACTUAL_COLOUR,
                hovertemplate="%{x} — " + _("Actual") + colon() + plotly_money("y") + "<extra></extra>",
            ),
        ],
        "layout": _layout(
            barmode="group",
            xaxis={"type": "category"},
            yaxis={"title": {"text": _("€ excl. tax")}, "rangemode": "tozero", "separatethousands": True},
        ),
    }
    table = Table(
        caption=_("Budget by year, forecast and actual (€ excl. tax)"),
        columns=[
            _("Year"),
            _("Investment, forecast"),
            _("Investment, actual"),
            _("Operating, forecast"),
            _("Operating, actual"),
            _("Total forecast"),
            _("Total actual"),
        ],
        rows=[
            [year, *[money(entry[key]) for key in BUDGET_KEYS]]
            for year, entry in zip(years, budget.years, strict=True)
        ],
        footer=[_("Total"), *[money(budget.totals.get(key)) for key in BUDGET_KEYS]]
        if budget.years
        else None,
    )
    return Chart(figure, table)


def budget_by_theme_chart(budget) -> Chart:
    themes = [row["action__theme__name"] for row in budget.themes]
    figure = {
        "data": [
            _bar(
                _("Forecast"),
                [float(row["forecast"] or 0) for row in budget.themes],
                themes,
                FORECAST_COLOUR,
                orientation="h",
                hovertemplate="%{y} — " + _("Forecast") + colon() + plotly_money("x") + "<extra></extra>",
            ),
            _bar(
                _("Actual"),
                [None if row["actual"] is None else float(row["actual"]) for row in budget.themes],
                themes,
                ACTUAL_COLOUR,
                orientation="h",
                hovertemplate="%{y} — " + _("Actual") + colon() + plotly_money("x") + "<extra></extra>",
            ),
        ],
        "layout": _layout(
            height=120 + 44 * max(len(themes), 3),
            barmode="group",
            margin={"l": 190, "r": 20, "t": 40, "b": 50},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"title": {"text": _("€ excl. tax")}, "rangemode": "tozero", "separatethousands": True},
        ),
    }
    table = Table(
        caption=_("Budget by theme, forecast and actual (€ excl. tax)"),
        columns=[_("Theme"), _("Forecast"), _("Actual"), _("Actual / forecast")],
        rows=[
            [
                row["action__theme__name"],
                money(row["forecast"]),
                money(row["actual"]),
                percent(ratio(row["actual"], row["forecast"])),
            ]
            for row in budget.themes
        ],
    )
    return Chart(figure, table)


def cofunding_chart(budget) -> Chart:
    labels = {status.value: str(status.label) for status in CoFunderStatus}
    rows = {row["status"]: row for row in budget.cofunding}
    statuses = [status for status in CoFunderStatus if status in rows]
    figure = {
        "data": [
            _bar(
                _("Co-funding"),
                [labels[status] for status in statuses],
                [float(rows[status]["amount"]) for status in statuses],
                [COFUNDING_COLOURS[status] for status in statuses],
                hovertemplate="%{x}" + colon() + plotly_money("y") + "<extra></extra>",
            )
        ],
        "layout": _layout(
            xaxis={"type": "category"},
            yaxis={"title": {"text": "€"}, "rangemode": "tozero", "separatethousands": True},
            showlegend=False,
        ),
    }
    table = Table(
        caption=_("Co-funding by status (€)"),
        columns=[_("Status"), _("Co-funders"), _("Amount")],
        rows=[
            [labels[status], number(rows[status]["count"]), money(rows[status]["amount"])]
            for status in statuses
        ],
        footer=[
            _("Total"),
            number(sum(row["count"] for row in budget.cofunding)),
            money(budget.cofunding_total),
        ]
        if statuses
        else None,
    )
    return Chart(figure, table)


# --- working group ------------------------------------------------------------------------------


def meetings_chart(by_year: dict[int, int]) -> Chart:
    years = [year_label(year) for year in by_year]
    figure = {
        "data": [
            _bar(
                _("Meetings"),
                years,
                list(by_year.values()),
                "#5a2d91",
                hovertemplate="%{x}" + colon() + "%{y}<extra></extra>",
            )
        ],
        "layout": _layout(
            height=260,
            xaxis={"type": "category"},
            yaxis=_count_axis(_("Meetings"), by_year.values()),
            showlegend=False,
        ),
    }
    table = Table(
        caption=_("Working group meetings held, by year"),
        columns=[_("Year"), _("Meetings")],
        rows=[[year, number(count)] for year, count in zip(years, by_year.values(), strict=True)],
    )
    return Chart(figure, table)


# --- observatory --------------------------------------------------------------------------------


def emissions_trajectory_chart(view: TerritoryObservatory) -> Chart:
    """Emissions against the target trajectory, on the basis of the latest GHG target (as the
    observatory's pages do)."""
    basis = view.ghg_targets[-1].target.ghg_basis if view.ghg_targets else Basis.TOTAL
    per_inhabitant = basis == Basis.PER_INHABITANT
    values = view.per_inhabitant(view.emissions) if per_inhabitant else view.emissions.totals
    unit = _("t CO2e per inhabitant") if per_inhabitant else "t CO2e"
    targets = [item for item in view.ghg_targets if item.target.ghg_basis == basis]
    points = trajectory(view, values, targets)
    figure = observatory_charts.emissions_against_trajectory(view, values, points, unit)
    on_trajectory = dict(points)
    decimals = 2 if per_inhabitant else 0
    years = sorted(set(values) | set(on_trajectory))
    table = Table(
        caption=_("Greenhouse-gas emissions against the target trajectory (%(unit)s)") % {"unit": unit},
        columns=[_("Year"), _("Measured"), _("Target trajectory")],
        rows=[
            [
                year_label(year, view.emissions.estimated_years),
                number(values.get(year), decimals),
                number(on_trajectory.get(year), decimals),
            ]
            for year in years
        ]
        if values
        else [],
    )
    return Chart(figure, table)


def _compared(values: dict[int, float], reference: dict[int, float]) -> list[int]:
    return sorted(set(values) | set(reference))


def compared_trend_chart(
    *,
    commune_name: str,
    commune_values: dict,
    agglomeration_values: dict,
    unit: str,
    caption: str,
    agglomeration_name: str = "",
    decimals=2,
) -> Chart:
    """A commune's yearly values beside its territory's (`agglomeration_name`), per inhabitant or in %."""
    years = _compared(commune_values, agglomeration_values)
    agglomeration_name = agglomeration_name or _("Agglomeration")
    data = []
    for name, values, colour, dash in (
        (commune_name, commune_values, COMMUNE_COLOUR, "solid"),
        (agglomeration_name, agglomeration_values, AGGLOMERATION_COLOUR, "dash"),
    ):
        shown = sorted(values)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [year_label(year) for year in shown],
                "y": [values[year] for year in shown],
                "line": {"color": colour, "dash": dash, "width": 3 if dash == "solid" else 2},
                "hovertemplate": name
                + "<br>%{x}"
                + colon()
                + plotly_number("y", decimals, unit)
                + "<extra></extra>",
            }
        )
    figure = {
        "data": data,
        "layout": _layout(
            height=300,
            yaxis={"title": {"text": unit}, "rangemode": "tozero"},
            xaxis=observatory_charts.year_axis(years),
        ),
    }
    table = Table(
        caption=caption,
        columns=[_("Year"), commune_name, agglomeration_name],
        rows=[
            [
                str(year),
                number(commune_values.get(year), decimals),
                number(agglomeration_values.get(year), decimals),
            ]
            for year in years
        ],
    )
    return Chart(figure, table)


def per_inhabitant_charts(commune, view: TerritoryObservatory, agglomeration: TerritoryObservatory) -> dict:
    """The commune beside its territory, the series named after the territory."""
    territory_name = commune.territory.name
    return {
        "consumption": compared_trend_chart(
            commune_name=commune.name,
            commune_values=view.per_inhabitant(view.consumption),
            agglomeration_values=agglomeration.per_inhabitant(agglomeration.consumption),
            unit=_("MWh per inhabitant"),
            agglomeration_name=territory_name,
            caption=_("Final energy consumption per inhabitant (MWh)"),
        ),
        "emissions": compared_trend_chart(
            commune_name=commune.name,
            commune_values=view.per_inhabitant(view.emissions),
            agglomeration_values=agglomeration.per_inhabitant(agglomeration.emissions),
            unit=_("t CO2e per inhabitant"),
            caption=_("Greenhouse-gas emissions per inhabitant (t CO2e)"),
            agglomeration_name=territory_name,
        ),
        "renewable_share": compared_trend_chart(
            commune_name=commune.name,
            commune_values=view.renewable_share,
            agglomeration_values=agglomeration.renewable_share,
            unit="%",
            caption=_("Renewable production, share of final consumption (%)"),
            agglomeration_name=territory_name,
            decimals=1,
        ),
    }


# --- the dashboards -----------------------------------------------------------------------------


def network_charts(dashboard) -> dict[str, Chart]:
    return {
        "deliberations": deliberations_chart(dashboard.deliberations),
        "themes": actions_by_theme_chart(dashboard.actions),
        "completed": completed_chart(dashboard.completed),
        "impacts": impacts_chart(dashboard.actions),
        "budget_years": budget_by_year_chart(dashboard.budget),
        "budget_themes": budget_by_theme_chart(dashboard.budget),
        "cofunding": cofunding_chart(dashboard.budget),
        "trajectory": emissions_trajectory_chart(dashboard.observatory),
    }


def commune_charts(dashboard) -> dict[str, Chart]:
    return {
        "statuses": actions_by_status_chart(dashboard.actions),
        "themes": actions_by_theme_chart(dashboard.actions),
        "impacts": impacts_chart(dashboard.actions),
        "schedule": schedule_chart(dashboard.plan, dashboard.schedule),
        "budget_years": budget_by_year_chart(dashboard.budget),
        "cofunding": cofunding_chart(dashboard.budget),
        "meetings": meetings_chart(dashboard.meetings_by_year),
        **per_inhabitant_charts(dashboard.commune, dashboard.observatory, dashboard.agglomeration),
    }
