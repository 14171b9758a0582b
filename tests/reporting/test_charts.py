"""The dashboards' plotly figures: every axis of years is an axis of categories, so that plotly.js keeps
"2021 (e)" and never writes "2 021,6" between two years."""

from types import SimpleNamespace

from actions.selectors import BUDGET_KEYS
from reporting import charts


def test_yearly_bar_charts_have_category_year_axes():
    by_year = {2022: 1, 2024: 3}
    budget = SimpleNamespace(
        years=[dict.fromkeys(BUDGET_KEYS, 10) | {"year": year} for year in (2022, 2024)],
        totals=dict.fromkeys(BUDGET_KEYS, 20),
    )

    figures = [
        charts.deliberations_chart(by_year).figure,
        charts.completed_chart(by_year).figure,
        charts.meetings_chart(by_year).figure,
        charts.budget_by_year_chart(budget).figure,
    ]

    for figure in figures:
        assert figure["layout"]["xaxis"]["type"] == "category"
        assert all(trace["x"] == ["2022", "2024"] for trace in figure["data"])


def test_a_sparse_trend_keeps_its_years_as_categories_to_scale():
    chart = charts.compared_trend_chart(
        commune_name="Meylan",
        commune_values={2015: 5.0, 2021: 4.0},
        agglomeration_values={2012: 6.0, 2021: 5.5},
        unit="MWh",
        caption="",
    )

    axis = chart.figure["layout"]["xaxis"]
    assert axis["type"] == "category"
    assert axis["categoryarray"] == [str(year) for year in range(2012, 2022)]
    commune, agglomeration = chart.figure["data"]
    assert commune["x"] == ["2015", "2021"] and agglomeration["x"] == ["2012", "2021"]
