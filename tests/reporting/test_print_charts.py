"""The PDFs' charts (reporting/print_charts.py): the pages' own plotly figures drawn by matplotlib, with
the same series, colours and labels, every panel of a figure kept, numbers written the French way."""

import io
import logging
import re
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import translation
from pypdf import PdfReader
from weasyprint import HTML

from actions.charts import STATUS_COLOURS, schedule_figure
from actions.models import ActionStatus
from observatory import charts
from pcl.formatting import NNBSP
from reporting import charts as reporting_charts
from reporting.print_charts import figure_svg

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
SECTORS = ["Agriculture", "Branche énergie", "Résidentiel", "Transport routier"]


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def marked(root: ET.Element, kind: str) -> list[ET.Element]:
    """The groups print_charts marks with a class: "panel", "trace" (a line), "bars" (a bar trace)."""
    return [group for group in root.iter(f"{SVG}g") if group.get("class") == kind]


def bars_of(root: ET.Element) -> list[SimpleNamespace]:
    """Every bar, trace after trace: a path, or a <use> of a path defined once (as matplotlib writes
    a collection when that is shorter), with its outline, offset and fill."""
    defined = {path.get("id"): path for path in root.iter(f"{SVG}path") if path.get("id")}
    bars = []
    for group in marked(root, "bars"):
        for element in group.iter():
            if element.tag == f"{SVG}path" and not element.get("id"):
                bars.append(SimpleNamespace(d=element.get("d"), dx=0.0, dy=0.0, fill=element.get("fill")))
            elif element.tag == f"{SVG}use":
                path = defined[element.get(f"{XLINK}href").removeprefix("#")]
                x, y = float(element.get("x", 0)), float(element.get("y", 0))
                bars.append(SimpleNamespace(d=path.get("d"), dx=x, dy=y, fill=element.get("fill")))
    return bars


def fill(bar: SimpleNamespace) -> str:
    return bar.fill


def box(bar: SimpleNamespace) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a bar's rectangle, in SVG units."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", bar.d)]
    xs, ys = [x + bar.dx for x in numbers[0::2]], [y + bar.dy for y in numbers[1::2]]
    return min(xs), min(ys), max(xs), max(ys)


def series(years=(2005, 2010, 2020, 2021, 2022), estimated=frozenset({2021, 2022})):
    return SimpleNamespace(
        years=list(years),
        estimated_years=set(estimated),
        by_part={name: {year: 1000.0 * (index + 1) for year in years} for index, name in enumerate(SECTORS)},
        part_order=["Résidentiel", "Branche énergie", "Transport routier", "Agriculture"],
    )


def trajectory_figure():
    view = SimpleNamespace(emissions=SimpleNamespace(estimated_years={2021}))
    values = {2005: 200_000.0, 2010: 180_000.0, 2015: 150_000.0, 2020: 120_000.0, 2021: 118_000.0}
    return charts.emissions_against_trajectory(view, values, [(2015, 150_000), (2030, 80_000)], "t CO2e")


class Milestones:
    def __init__(self, *milestones):
        self.milestones = milestones

    def all(self):
        return list(self.milestones)


def schedule(count=5):
    actions = [
        SimpleNamespace(
            title=f"Rénover le groupe scolaire n° {index} " + "et poursuivre la démarche engagée " * 6,
            start_date=date(2024 + index % 3, 1 + index % 12, 1),
            end_date=date(2027 + index % 3, 6, 30),
            status=[ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE][index % 3],
            milestones=Milestones(SimpleNamespace(name="Réception", due_date=date(2026, 5, 1), done_on=None)),
            get_status_display=lambda: "Planifiée",
        )
        for index in range(count)
    ]
    return schedule_figure(plan=SimpleNamespace(start_year=2024, end_year=2030), actions=actions)


def two_panels():
    """Two bar charts side by side, each on its own pair of axes (xaxis/yaxis and xaxis2/yaxis2)."""
    return {
        "data": [
            {"type": "bar", "name": "Gauche", "x": ["a", "b"], "y": [1, 2], "marker": {"color": "#111111"}},
            {
                "type": "bar",
                "name": "Droite",
                "x": ["c", "d"],
                "y": [300, 400],
                "xaxis": "x2",
                "yaxis": "y2",
                "marker": {"color": "#222222"},
            },
        ],
        "layout": {
            "xaxis": {"domain": [0, 0.45]},
            "xaxis2": {"domain": [0.55, 1]},
            "yaxis2": {"anchor": "x2", "title": {"text": "MWh"}},
        },
    }


# --- what the PDFs draw -------------------------------------------------------------------------


def test_the_stacked_bars_keep_the_pages_series_colours_and_year_labels():
    figure = charts.stacked_bars(series(), "MWh")

    root = parse(figure_svg(figure, width=640, height=330))

    labels = texts(root)
    bars = bars_of(root)
    assert len(bars) == 4 * 5
    for trace in figure["data"]:
        assert trace["name"] in labels
        assert trace["marker"]["color"] in {fill(bar) for bar in bars}
    assert {"2005", "2010", "2020", "2021 (e)", "2022 (e)", "MWh"} <= set(labels)


def test_the_series_read_in_the_same_order_and_colours_on_the_page_and_in_the_pdf():
    figure = charts.stacked_bars(series(years=(2020,), estimated=()), "MWh")

    root = parse(figure_svg(figure))

    # One bar per series in the one year, stacked in the order of the page's traces.
    bars = sorted(bars_of(root), key=lambda bar: -box(bar)[3])
    assert [fill(bar) for bar in bars] == [trace["marker"]["color"] for trace in figure["data"]]


def test_stacked_bars_sit_on_each_other_with_heights_in_proportion():
    figure = charts.stacked_bars(series(years=(2020,), estimated=()), "MWh")

    bars = sorted((box(bar) for bar in bars_of(parse(figure_svg(figure)))), key=lambda b: -b[3])

    heights = [bottom - top for _left, top, _right, bottom in bars]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert heights[3] == pytest.approx(4 * heights[0], rel=0.01)
    for lower, upper in zip(bars, bars[1:], strict=False):
        assert upper[3] == pytest.approx(lower[1], abs=0.05)  # on top of the one below
        assert upper[0] == pytest.approx(lower[0], abs=0.05)  # in the same column


def test_grouped_bars_stand_side_by_side():
    figure = {
        "data": [
            {"type": "bar", "name": "Prévu", "x": ["2025", "2026"], "y": [100, 80]},
            {"type": "bar", "name": "Réalisé", "x": ["2025", "2026"], "y": [50, None]},
        ],
        "layout": {"barmode": "group"},
    }

    bars = [box(bar) for bar in bars_of(parse(figure_svg(figure)))]

    forecast_2025, _forecast_2026, actual_2025 = bars
    assert actual_2025[0] == pytest.approx(forecast_2025[2], abs=0.5)
    assert actual_2025[3] == pytest.approx(forecast_2025[3], abs=0.05)  # same baseline
    half = (forecast_2025[3] - forecast_2025[1]) / 2
    assert actual_2025[3] - actual_2025[1] == pytest.approx(half, rel=0.01)


def test_the_emissions_trajectory_draws_both_lines_with_estimates_marked():
    figure = trajectory_figure()

    root = parse(figure_svg(figure, width=640, height=300))

    labels = texts(root)
    assert {"Valeurs mesurées", "Trajectoire des objectifs", "t CO2e", "2021 (e)"} <= set(labels)
    assert len(marked(root, "trace")) == 2
    assert "2005" in labels and "2 005" not in labels and f"2{NNBSP}005" not in labels
    assert f"200{NNBSP}000" in labels


def test_estimated_years_keep_their_mark_in_print():
    view = SimpleNamespace(emissions=SimpleNamespace(estimated_years={2021, 2022}))
    values = {2019: 10.0, 2020: 9.0, 2021: 8.0, 2022: 7.0}
    figure = charts.emissions_against_trajectory(view, values, [], "t CO2e")

    labels = texts(parse(figure_svg(figure)))

    assert {"2021 (e)", "2022 (e)"} <= set(labels)


def test_the_schedule_draws_one_bar_per_action_in_its_status_colour():
    figure = schedule(count=5)
    # The deliberation's annex prints the full titles (the page cuts them at 60 characters).
    bars, milestones = figure["data"]
    full = {label: label + " et poursuivre la démarche engagée" * 6 for label in bars["y"]}
    bars["y"], milestones["y"] = [full[label] for label in bars["y"]], [full[y] for y in milestones["y"]]

    root = parse(figure_svg(figure, width=640, height=44 + 15 * 5))

    bars = bars_of(root)
    assert len(bars) == 5
    assert [fill(bar) for bar in bars] == figure["data"][0]["marker"]["color"]
    assert STATUS_COLOURS[ActionStatus.IN_PROGRESS] in {fill(bar) for bar in bars}
    labels = texts(root)
    assert {"2024", "2027", "2030"} <= set(labels)
    # Long titles are cut with an ellipsis so that the bars keep the room they need.
    assert "1. Rénover le groupe scolaire n° 0 et poursuivre la…" in labels  # one line a row
    assert len(marked(root, "trace")) == 1  # the milestones


def test_a_figure_with_subplots_keeps_both_panels():
    root = parse(figure_svg(two_panels(), width=640, height=300))

    panels = marked(root, "panel")
    assert len(panels) == 2
    left, right = ([box(bar) for bar in bars_of(panel)] for panel in panels)
    assert len(left) == len(right) == 2
    assert max(bar[2] for bar in left) < min(bar[0] for bar in right)  # side by side, not squashed
    # Each panel has its own scale: 400 fills the right panel as 2 fills the left one.
    assert left[1][3] - left[1][1] == pytest.approx(right[1][3] - right[1][1], rel=0.05)
    assert {"Gauche", "Droite", "MWh", "a", "d", "400"} <= set(texts(root))


def test_the_impacts_figure_keeps_its_three_panels():
    summary = SimpleNamespace(
        expected={"mwh_saved": 100, "tco2e_avoided": 20, "mwh_renewable": 50},
        achieved={"mwh_saved": 60, "tco2e_avoided": 25, "mwh_renewable": 10},
        total=3,
    )

    root = parse(figure_svg(reporting_charts.impacts_chart(summary).figure))

    assert len(marked(root, "panel")) == 3
    assert len(bars_of(root)) == 6
    assert texts(root).count("Attendu") + texts(root).count("Expected") == 1  # one legend entry


def test_annotations_and_the_title_are_printed():
    figure = two_panels()
    figure["layout"]["title"] = {"text": "Budget & <co-financements>"}
    figure["layout"]["annotations"] = [
        {"text": "Source : ORCAE", "x": 0.5, "y": 1, "xref": "paper", "yref": "paper"}
    ]

    root = parse(figure_svg(figure))

    assert {"Budget & <co-financements>", "Source : ORCAE"} <= set(texts(root))
    assert root.get("aria-label") == "Budget & <co-financements>"


# --- numbers, determinism, the PDF ---------------------------------------------------------------


def test_value_ticks_are_written_by_pcl_formatting_in_the_active_language():
    figure = {"data": [{"type": "bar", "x": ["2020"], "y": [100_000.0]}], "layout": {}}

    french = texts(parse(figure_svg(figure)))
    with translation.override("en"):
        english = texts(parse(figure_svg(figure)))

    assert f"100{NNBSP}000" in french
    assert "100,000" in english


def test_decimal_ticks_use_a_decimal_comma_in_french():
    figure = {"data": [{"type": "scatter", "x": ["2020", "2021"], "y": [0.2, 1.1]}], "layout": {}}

    labels = texts(parse(figure_svg(figure)))

    assert "0,2" in labels or "0,25" in labels


def test_the_same_figure_prints_the_same_bytes():
    assert figure_svg(trajectory_figure()) == figure_svg(trajectory_figure())


def test_two_charts_in_one_document_define_no_id_twice():
    ids = []
    for figure in (trajectory_figure(), charts.stacked_bars(series(), "MWh"), schedule()):
        ids += [element.get("id") for element in parse(figure_svg(figure)).iter() if element.get("id")]

    assert ids and len(ids) == len(set(ids))


def test_chart_labels_stay_text_in_the_pdf_and_weasyprint_has_nothing_to_complain_about(caplog):
    svgs = [figure_svg(charts.stacked_bars(series(), "MWh")), figure_svg(trajectory_figure())]
    html = "<html><body>" + "".join(f"<figure style='width: 170mm'>{svg}</figure>" for svg in svgs)

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = PdfReader(io.BytesIO(HTML(string=html + "</body></html>").write_pdf()))

    text = pdf.pages[0].extract_text()
    assert "Transport routier" in text and "2022 (e)" in text
    assert [record.getMessage() for record in caplog.records] == []


def test_a_figure_without_data_still_prints_an_empty_frame():
    root = parse(figure_svg({"data": [], "layout": {}}, width=300, height=200))

    assert root.get("viewBox") == "0 0 300 200"
    assert bars_of(root) == []
