"""Static SVG of the plotly figures: valid, complete, and drawn to scale."""

import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest

from actions.charts import schedule_figure
from observatory import charts
from pcl.formatting import NNBSP
from reporting.svg import figure_svg, nice_ticks, text_width, truncate

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def bar_rects(root: ET.Element) -> list[dict]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "bars")
    return [
        {
            key: float(rect.get(key)) if key != "fill" else rect.get(key)
            for key in ("x", "y", "width", "height", "fill")
        }
        for rect in group.iter(f"{SVG}rect")
    ]


def stacked_figure():
    return {
        "data": [
            {
                "type": "bar",
                "name": "Résidentiel",
                "x": ["2005", "2006"],
                "y": [10, 20],
                "marker": {"color": "#111111"},
            },
            {
                "type": "bar",
                "name": "Transport",
                "x": ["2005", "2006"],
                "y": [30, 40],
                "marker": {"color": "#222222"},
            },
        ],
        "layout": {"barmode": "stack", "yaxis": {"title": {"text": "MWh"}}},
    }


def test_it_renders_a_standalone_svg_document():
    svg = figure_svg(stacked_figure(), width=500, height=300)

    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 500 300"
    assert "DejaVu Sans" in root.get("font-family")


def test_it_stacks_bars_with_heights_in_proportion():
    rects = bar_rects(parse(figure_svg(stacked_figure(), width=500, height=300)))

    assert len(rects) == 4
    lower_2005, lower_2006, upper_2005, upper_2006 = rects
    assert upper_2005["height"] == pytest.approx(3 * lower_2005["height"], rel=0.01)
    assert lower_2006["height"] == pytest.approx(2 * lower_2005["height"], rel=0.01)
    # Each upper segment sits on top of the lower one, in the same column.
    assert upper_2005["y"] + upper_2005["height"] == pytest.approx(lower_2005["y"], abs=0.02)
    assert upper_2005["x"] == lower_2005["x"]
    assert (upper_2005["fill"], lower_2005["fill"]) == ("#222222", "#111111")


def test_it_places_grouped_bars_side_by_side():
    figure = stacked_figure()
    figure["layout"]["barmode"] = "group"

    rects = bar_rects(parse(figure_svg(figure, width=500, height=300)))

    first, _second, other, _fourth = rects
    assert other["x"] == pytest.approx(first["x"] + first["width"], abs=0.1)
    assert other["y"] + other["height"] == pytest.approx(first["y"] + first["height"], abs=0.02)


def test_it_prints_legend_and_axis_labels():
    labels = texts(parse(figure_svg(stacked_figure())))

    assert {"Résidentiel", "Transport", "MWh", "2005", "2006"} <= set(labels)


def test_it_groups_thousands_with_narrow_spaces_on_value_axes():
    figure = stacked_figure()
    figure["data"][0]["y"] = [12_000, 80_000]

    labels = texts(parse(figure_svg(figure)))

    assert f"80{NNBSP}000" in labels


def test_it_keeps_years_on_a_numeric_axis_ungrouped():
    view = SimpleNamespace(emissions=SimpleNamespace(estimated_years={2022}))
    values = {year: 5.8 - 0.1 * (year - 2005) for year in range(2005, 2023)}
    figure = charts.emissions_against_trajectory(
        view, values, [(2005, 5.8), (2020, 3.77), (2030, 2.9)], "t CO2e par habitant"
    )

    root = parse(figure_svg(figure))

    labels = texts(root)
    assert {"2005", "2010", "2030"} <= set(labels)
    assert "4" in labels and "2" in labels
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert lines[1].get("stroke-dasharray")


def test_it_breaks_lines_at_missing_values():
    figure = {"data": [{"type": "scatter", "mode": "lines", "x": [1, 2, 3, 4, 5], "y": [1, 2, None, 4, 5]}]}

    assert len(list(parse(figure_svg(figure)).iter(f"{SVG}polyline"))) == 2


def test_it_escapes_text():
    figure = stacked_figure()
    figure["data"][0]["name"] = 'Chauffage <urbain> & "réseaux"'
    figure["layout"]["title"] = "Titre & <sous-titre>"

    root = parse(figure_svg(figure))

    assert 'Chauffage <urbain> & "réseaux"' in texts(root)
    assert root.find(f"{SVG}title").text == "Titre & <sous-titre>"


def test_it_draws_the_schedule_with_dated_bars_top_down():
    class Milestones(list):
        def all(self):
            return self

    def action(title, start, end, milestones=()):
        result = SimpleNamespace(
            title=title,
            start_date=start,
            end_date=end,
            status="in_progress",
            milestones=Milestones(
                SimpleNamespace(name=name, due_date=due, done_on=None) for name, due in milestones
            ),
        )
        result.get_status_display = lambda: "En cours"
        return result

    actions = [
        action("Rénover l'école", date(2024, 1, 1), date(2025, 12, 31), [("Travaux", date(2025, 1, 1))]),
        action("Isoler la mairie", date(2026, 1, 1), date(2027, 12, 31)),
    ]
    figure = schedule_figure(plan=SimpleNamespace(start_year=2024, end_year=2027), actions=actions)

    root = parse(figure_svg(figure, width=600, height=160))

    first, second = bar_rects(root)
    assert first["y"] < second["y"]  # the first action on top
    assert second["x"] == pytest.approx(first["x"] + first["width"], abs=1.0)  # 2026 starts where 2025 ends
    assert {"2024", "2025", "2026", "2027"} <= set(texts(root))
    assert len(list(root.iter(f"{SVG}polygon"))) == 1  # the milestone diamond


def test_it_cuts_long_category_labels_to_fit():
    title = "Une action au titre très long " * 10
    figure = {
        "data": [{"type": "bar", "orientation": "h", "y": [title], "x": [3]}],
        "layout": {"yaxis": {"autorange": "reversed"}},
    }

    labels = texts(parse(figure_svg(figure, width=400)))

    label = next(text for text in labels if text.startswith("Une action"))
    assert label.endswith("…")
    assert text_width(label, 9.5) <= 400 * 0.45


def test_it_renders_an_empty_figure():
    root = parse(figure_svg({"data": [], "layout": {}}))

    assert root.tag == f"{SVG}svg"


def test_nice_ticks_fall_on_round_numbers():
    assert nice_ticks(0, 83_000, 5) == [0, 20_000, 40_000, 60_000, 80_000]
    assert nice_ticks(2005, 2030, dtick=5) == [2005, 2010, 2015, 2020, 2025, 2030]
    assert nice_ticks(0, 1, 4) == [0, 0.25, 0.5, 0.75, 1.0]


def test_truncate_leaves_short_text_alone():
    assert truncate("Court", 10, 200) == "Court"
