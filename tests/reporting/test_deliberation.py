"""The deliberation file (PDF) and its editable text (.docx): opened and read back as a council
secretariat would, laid out inside the page however long the titles, in a fixed number of queries.

Each plan is printed once per module (`small`, `big`): the tests that read its words read them from the
HTML the PDF is laid out from; the small plan's PDF is written and read back, end to end. The 200-action
plan is laid out (its pages walked) but not written: writing 70 pages adds nothing the small plan's PDF
does not already check."""

import html as html_lib
import io
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from docx import Document
from pypdf import PdfReader
from weasyprint import HTML

from actions.models import PlanStatus
from observatory.models import Dataset, Observation
from pcl.formatting import money
from reporting import services
from reporting.documents import deliberation, deliberation_annex, deliberation_docx
from reporting.management.commands.bench_reporting import build_plan
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument

pytestmark = pytest.mark.django_db

LONG_TITLE_LENGTH = 250
SVG = "{http://www.w3.org/2000/svg}"


# --- helpers ------------------------------------------------------------------------------------


def document_for(plan, kind=DocumentKind.DELIBERATION) -> GeneratedDocument:
    return GeneratedDocument.objects.create(
        kind=kind, commune=plan.commune, plan=plan, plan_version=plan.version
    )


def normalise(text: str) -> str:
    """PDF text as words: line-end hyphens joined, every kind of space a plain one."""
    text = re.sub(r"[-\u2010]\n", "", text)
    text = re.sub(r"[\s\u00a0\u202f]+", " ", text)
    return text.replace("\u2019", "'")


def pdf_text(content: bytes, pages: range | None = None) -> tuple[str, int]:
    """The words of a PDF (of only `pages`, numbered from 0, when given: pypdf is slow) and its page count."""
    reader = PdfReader(io.BytesIO(content))
    read = reader.pages if pages is None else [reader.pages[number] for number in pages]
    return normalise("\n".join(page.extract_text() for page in read)), len(reader.pages)


def annex_pages(printed) -> range:
    """The pages (from 0) of a printed file's actions tables, from its layout."""
    numbers = [
        number
        for number, page in enumerate(printed.layout.pages)
        if any(
            type(box).__name__ == "TableBox" and box.element.get("class") == "actions"
            for box in _boxes(page._page_box)
        )
    ]
    return range(numbers[0], numbers[-1] + 1)


def plain(text: str) -> str:
    return normalise(text)


def html_words(markup: str) -> str:
    """The words of an HTML page as a reader sees them (no style, no tags), spaces normalised."""
    markup = re.sub(r"<(style|title)\b.*?</\1\s*>", " ", markup, flags=re.DOTALL)
    return normalise(html_lib.unescape(re.sub(r"<[^>]+>", " ", markup)))


@dataclass
class Printed:
    """One rendering of a plan's deliberation file, kept for the module's tests."""

    plan_id: int
    titles: list[str]
    descriptions: list[str]
    total: Decimal
    html: str
    words: str
    content: bytes | None
    filename: str | None
    pages: int
    layout: object
    steps: list


@contextmanager
def rolled_back(django_db_blocker):
    """Writes for one module-wide rendering, undone afterwards (each test keeps its clean database)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def print_plan(*, write: bool = True, **options) -> Printed:
    """A plan built with `options` and printed: laid out and, with `write`, written to PDF by the
    renderer itself; without, the renderer's own HTML is laid out the same way and not written."""
    plan = build_plan(**options)
    actions = list(plan.actions.order_by("order").prefetch_related("budget_lines"))
    documents, pages_html, steps = [], [], []
    layout = deliberation.layout

    def recording(markup):
        pages_html.append(markup)  # the very HTML the PDF is laid out from
        documents.append(layout(markup))
        return documents[-1]

    if write:
        deliberation.layout = recording
        try:
            rendered = deliberation.render_pdf(
                document_for(plan), lambda percent, step: steps.append((percent, step))
            )
        finally:
            deliberation.layout = layout
    else:
        recording(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))
        rendered = None
    markup = pages_html[0]
    return Printed(
        plan_id=plan.pk,
        titles=[action.title for action in actions],
        descriptions=[action.description for action in actions],
        total=sum((line.forecast for action in actions for line in action.budget_lines.all()), Decimal(0)),
        html=markup,
        words=html_words(markup),
        content=rendered.content if rendered else None,
        filename=rendered.filename if rendered else None,
        pages=rendered.pages if rendered else len(documents[0].pages),
        layout=documents[0],
        steps=steps,
    )


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker) -> Printed:
    """A 3-action draft with 320-character descriptions, printed once (PDF written)."""
    with rolled_back(django_db_blocker):
        return print_plan(actions=3, description_length=320)


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker) -> Printed:
    """A 200-action draft with 250-character titles, laid out once (not written)."""
    with rolled_back(django_db_blocker):
        return print_plan(actions=200, title_length=LONG_TITLE_LENGTH, write=False)


@pytest.fixture(scope="module")
def medium_words(django_db_setup, django_db_blocker) -> tuple[list[str], str]:
    """A 36-action draft's descriptions (320 characters) and the words of its file's HTML (no layout)."""
    with rolled_back(django_db_blocker):
        plan = build_plan(actions=36, description_length=320)
        descriptions = list(plan.actions.order_by("order").values_list("description", flat=True))
        return descriptions, draft_words(plan)


def draft_words(plan) -> str:
    """The words of a plan's file from its HTML alone (no PDF: the layout is not the point)."""
    return html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))


def bar_rects(svg: str) -> list:
    """The bars of a print chart (reporting/print_charts marks each bar trace's group "bars")."""
    groups = [group for group in ET.fromstring(svg).iter(f"{SVG}g") if group.get("class") == "bars"]
    return [
        element
        for group in groups
        for element in group.iter()
        if element.tag == f"{SVG}use" or (element.tag == f"{SVG}path" and not element.get("id"))
    ]


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def overflows(document, tolerance: float = 0.5) -> list[str]:
    """Boxes that pass the page's content area (sideways or below) or the table cell they sit in (the
    running header, in the page margins, and boxes hidden on purpose are left out)."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = page_box.content_box_x(), page_box.content_box_y()
        right, bottom = left + page_box.width, top + page_box.height
        root = page_box.children[0]
        for box in _boxes(root):
            if box.style["visibility"] != "visible" or not isinstance(box.width, int | float):
                continue
            box_right = box.position_x + box.width
            box_bottom = box.position_y + (box.height if isinstance(box.height, int | float) else 0)
            if (
                box_right > right + tolerance
                or box.position_x < left - tolerance
                or box_bottom > bottom + tolerance
            ):
                problems.append(f"page {number}: {type(box).__name__} {getattr(box, 'text', '')[:40]!r}")
            if type(box).__name__ == "TableCellBox":
                cell_right = box.content_box_x() + box.width
                for inner in _boxes(box):
                    if inner is box or not isinstance(inner.width, int | float):
                        continue
                    if inner.position_x + inner.width > cell_right + tolerance:
                        label = getattr(inner, "text", type(inner).__name__)[:40]
                        problems.append(f"page {number}: out of its cell: {label!r}")
    return problems


# --- the PDF ------------------------------------------------------------------------------------


def test_it_prints_a_small_plan_with_its_commune_actions_and_totals(small):
    text, pages = pdf_text(small.content)

    assert small.filename == "deliberation-saint-martin-dheres-v1.pdf"
    assert small.pages == pages == len(small.layout.pages)
    assert 6 <= pages <= 16
    assert "Saint-Martin-d'Hères" in text
    assert "Plan climat 2024-2030" in text
    for title in small.titles:
        assert plain(title) in text
    assert plain(money(small.total)) in text
    assert "Le conseil municipal, après en avoir délibéré, décide" in text
    assert [percent for percent, _step in small.steps] == sorted(percent for percent, _step in small.steps)
    assert len(small.steps) >= 4


def test_the_draft_reads_as_a_french_deliberation_with_blanks_for_the_council(small):
    text = small.words

    assert "Projet de délibération" in text
    assert "Vu le code général des collectivités territoriales, notamment son article L. 2121-29 ;" in text
    assert "Vu la loi n° 2015-992 du 17 août 2015 relative à la transition énergétique" in text
    assert "Vu la charte du Plan Climat Local signée par la commune le 17 mai 2008 ;" in text
    assert "Considérant" in text
    assert "Article 1er — D'adopter le plan d'actions" in text
    assert "Article 2 —" in text and "Article 3 —" in text
    assert "Présents : ……" in text
    assert "Pour : ……" in text
    assert "Sur le rapport de ……" in text
    assert "Sommaire" in text
    assert "Camille Durand" in text  # the working group's current members
    assert "Ancien membre" not in text


def test_the_draft_names_the_agglomeration_its_climate_plan_and_its_targets(small):
    text = small.words

    assert "Vu le Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole, adopté en 2020 ;" in text
    assert (
        "Considérant les objectifs du Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole" in text
    )
    assert "agglomération grenobloise" not in text


def test_the_working_group_is_named_once_not_quoted_inside_its_own_kind(small):
    text = small.words

    assert "Considérant les travaux du groupe de travail interne PCL, constitué le" in text
    assert "« Groupe de travail interne PCL »" not in text


def test_the_source_of_the_figures_is_stated_once_in_the_deliberation(small):
    deliberation_part = small.words.split("Le conseil municipal, après en avoir délibéré")[0]

    assert deliberation_part.count("(source") == 1
    assert "en 2022 (estimation) (source des chiffres : ORCAE" in deliberation_part  # after the last figure


def test_the_budget_article_names_the_financial_years_that_remain(small):
    this_year = timezone.localdate().year
    assert 2024 < this_year < 2030  # the plan runs 2024–2030: its first years are behind us
    assert f"seront inscrits aux budgets des exercices {this_year} à 2030." in small.words
    assert "exercices 2024 à 2030" not in small.words


def test_french_typography_puts_no_break_spaces_where_french_wants_them(small):
    assert "territoriales, notamment son article L.\u00a02121-29\u202f;" in small.html
    assert "17\u00a0mai\u00a02008" in small.html
    assert "Le conseil municipal, après en avoir délibéré, décide\u00a0:" in small.html
    assert re.search(r"\d\u202f\d{3},\d\d\u00a0€", small.html)  # "40 500,00 €"


def test_a_200_action_plan_with_long_titles_lays_out_inside_the_pages(big):
    # The words are those of the HTML the pages were laid out from (pypdf reading 70 pages back costs
    # more than the layout); the small plan's file is read back from the PDF itself.
    assert 30 <= big.pages <= 150
    assert overflows(big.layout) == []
    assert "Saint-Martin-d'Hères" in big.words
    for title in (big.titles[0], big.titles[99], big.titles[-1]):
        assert plain(title) in big.words
    assert plain(money(big.total)) in big.words
    assert "Le conseil municipal, après en avoir délibéré, décide" in big.words


def test_the_annex_prints_each_description_in_full(medium_words, small):
    descriptions, words = medium_words
    assert len(descriptions) == 36 and len(descriptions[0]) >= 320
    for description in descriptions:
        assert plain(description) in words
    # and in the PDF itself, read back from the annex's pages only
    assert len(small.descriptions[-1]) >= 320
    assert plain(small.descriptions[-1]) in pdf_text(small.content, pages=annex_pages(small))[0]


def _body_rows(table) -> list:
    """The rows of a table's body (its head, repeated on each page, left out)."""
    return [
        row
        for group in table.children
        if not group.is_header and not group.is_footer
        for row in group.children
    ]


def lone_rows(document) -> list[str]:
    """Table parts that hold a single row on a page (or a single action row), in tables of more than one:
    a reader finds one line of a table cut off from the rest."""
    problems = []
    for number, page in enumerate(document.pages, start=1):
        for box in _boxes(page._page_box):
            if type(box).__name__ != "TableBox" or box.element is None:
                continue
            every_row = box.element.findall(".//tbody/tr")
            every_action = [row for row in every_row if row.find("td[@class='number']") is not None]
            rows = _body_rows(box)
            actions = [row for row in rows if row.element.find("td[@class='number']") is not None]
            if len(rows) == 1 and len(every_row) > 1:
                problems.append(f"page {number}: one row of {len(every_row)}")
            if len(actions) == 1 and len(every_action) > 1:
                problems.append(f"page {number}: one action row of {len(every_action)}")
    return problems


def test_no_page_holds_a_lone_row_of_a_table(big):
    assert lone_rows(big.layout) == []


def _lone_totals(document) -> list[int]:
    """Pages whose actions part starts with a section's total row (its last action left behind)."""
    lone = []
    for number, page in enumerate(document.pages, start=1):
        rows = [
            box
            for box in _boxes(page._page_box)
            if type(box).__name__ == "TableRowBox"
            and box.element is not None
            and box.element.find("td") is not None
        ]
        if rows and rows[0].element.get("class") == "total":
            lone.append(number)
    return lone


def test_a_section_total_never_starts_a_page(big):
    assert _lone_totals(big.layout) == []


def test_the_watermark_lies_under_the_charts(small):
    assert 'class="watermark"' in small.html
    assert re.search(r"figure \{ background: #fff; \}", small.html)


def test_the_schedule_of_a_big_plan_is_cut_into_charts_that_each_fit_a_page():
    plan = deliberation.plan_for_deliberation(plan_id=build_plan(actions=200, with_axes=False).pk)

    charts = deliberation.deliberation_context(plan)["schedule"]["charts"]

    bars = [len(bar_rects(chart["svg"])) for chart in charts]
    assert sum(bars) == 200
    assert max(bars) <= deliberation_annex.SCHEDULE_ROWS_PER_CHART
    assert all(chart["title"] for chart in charts)  # each says which theme (and part) it shows


def test_a_section_longer_than_a_chart_is_drawn_in_parts(monkeypatch):
    monkeypatch.setattr(deliberation_annex, "SCHEDULE_SINGLE_CHART_MAX", 10)
    monkeypatch.setattr(deliberation_annex, "SCHEDULE_ROWS_PER_CHART", 4)
    plan = deliberation.plan_for_deliberation(plan_id=build_plan(actions=60).pk)

    charts = deliberation.deliberation_context(plan)["schedule"]["charts"]

    titles = [chart["title"] for chart in charts]
    assert "Axe 1 — Sobriété et efficacité énergétique du patrimoine communal (partie 1 sur 3)" in titles
    assert sum(len(bar_rects(chart["svg"])) for chart in charts) == 60
    assert max(len(bar_rects(chart["svg"])) for chart in charts) <= 4


def test_the_overflow_check_catches_a_table_wider_than_the_page():
    html = (
        "<html><body><table><tr><td style='white-space: nowrap'>"
        + "un-mot-sans-fin-" * 40
        + "</td></tr></table></body></html>"
    )

    assert overflows(HTML(string=html).render())


def test_an_adopted_plan_shows_its_deliberation_number_and_date():
    plan = build_plan(actions=3, status=PlanStatus.FOLLOW_UP)

    text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    assert "Délibération n° 2024-031 du conseil municipal" in text
    assert "Séance du 12 mars 2024" in text
    assert "Délibération adoptée en séance du 12 mars 2024." in text
    assert "Projet de délibération" not in text
    assert "Présents :" not in text


def test_demonstration_data_is_labelled_as_such():
    plan = build_plan(actions=3, dataset_code="demo")

    text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    assert "Données de démonstration" in text
    assert "données de démonstration)" in text  # in the recital quoting the figures


def test_a_plan_without_axes_groups_its_actions_by_theme():
    plan = build_plan(actions=4, with_axes=False)

    text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    theme = plan.actions.select_related("theme").first().theme.name
    assert f"Thématique : {theme}" in text
    assert "Axe 1" not in text


def test_a_commune_with_no_observatory_data_nor_group_still_gets_its_file():
    plan = build_plan(actions=2, observatory=False)
    plan.commune.working_group.delete()

    text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    assert "L'observatoire ne dispose encore d'aucune série pour la commune" in text
    assert "n'a pas encore constitué son groupe de travail interne" in text
    assert "Le conseil municipal, après en avoir délibéré, décide" in text


def test_the_generation_job_stores_the_file_and_its_page_count(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = build_plan(actions=1, observatory=False)  # the job is the point, not the figures

    document = services.document_run(document=document_for(plan))

    assert document.status == DocumentStatus.DONE, document.error
    assert document.file.name.endswith(".pdf")
    assert document.pages == len(PdfReader(document.file.path).pages)


def test_english_readers_get_english_with_english_spacing():
    plan = build_plan(actions=2)

    with translation.override("en"):
        text = html_words(deliberation.deliberation_html(deliberation.plan_for_deliberation(plan_id=plan.pk)))

    assert "The municipal council, having deliberated, decides:" in text
    assert "Article 1 — To adopt the action plan" in text
    assert "Having regard to the general code of local authorities" in text


# --- queries ------------------------------------------------------------------------------------


def _context_queries(plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        deliberation.deliberation_context(deliberation.plan_for_deliberation(plan_id=plan.pk))
    return len(queries)


def test_the_context_costs_the_same_queries_for_3_and_60_actions():
    small = build_plan(actions=3)
    big = build_plan(actions=60, commune_name="Échirolles", insee_code="38151")

    assert _context_queries(small) == _context_queries(big) <= 25


def test_the_html_is_the_same_from_one_rendering_to_the_next():
    """The benchmark prints the renderer's own HTML again: nothing in it may vary between runs."""
    plan = deliberation.plan_for_deliberation(plan_id=build_plan(actions=5).pk)

    assert deliberation.deliberation_html(plan) == deliberation.deliberation_html(plan)


# --- the .docx ----------------------------------------------------------------------------------


def test_the_docx_holds_the_editable_deliberation():
    plan = build_plan(actions=3)

    rendered = deliberation_docx.render_docx(
        document_for(plan, DocumentKind.DELIBERATION_DOCX), lambda *args: None
    )

    assert rendered.filename == "deliberation-saint-martin-dheres-v1.docx"
    word = Document(io.BytesIO(rendered.content))
    paragraphs = [paragraph.text for paragraph in word.paragraphs]
    text = normalise("\n".join(paragraphs))
    assert "COMMUNE DE SAINT-MARTIN-D'HÈRES" in text
    assert "Vu le code général des collectivités territoriales" in text
    assert "Le conseil municipal, après en avoir délibéré, décide" in text
    articles = [paragraph for paragraph in word.paragraphs if paragraph.text.startswith("Article ")]
    assert [normalise(paragraph.text)[:12] for paragraph in articles] == [
        "Article 1er ",
        "Article 2 — ",
        "Article 3 — ",
        "Article 4 — ",
    ]
    # Named styles, not direct formatting: the secretariat restyles the text in one place.
    assert {paragraph.style.name for paragraph in articles} == {"Délibération : article"}
    assert all(run.bold is None for paragraph in articles for run in paragraph.runs)
    assert word.core_properties.language == "fr-FR"


def test_the_docx_of_an_adopted_plan_carries_the_deliberation_number():
    plan = build_plan(actions=3, status=PlanStatus.DELIBERATED)

    rendered = deliberation_docx.render_docx(
        document_for(plan, DocumentKind.DELIBERATION_DOCX), lambda *args: None
    )

    text = normalise(
        "\n".join(paragraph.text for paragraph in Document(io.BytesIO(rendered.content)).paragraphs)
    )
    assert "Délibération n° 2024-031 du conseil municipal" in text
    assert "Séance du 12 mars 2024" in text


def test_no_observation_is_needed_for_the_docx():
    plan = build_plan(actions=1, observatory=False)
    assert not Observation.objects.exists()
    assert Dataset.objects.filter(code="orcae").exists()

    rendered = deliberation_docx.render_docx(
        document_for(plan, DocumentKind.DELIBERATION_DOCX), lambda *args: None
    )

    assert rendered.content.startswith(b"PK")
