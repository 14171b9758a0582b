"""A figure reads the same wherever it is shown: the plan's forecast budget on the plan page, in the
deliberation annex (its HTML and the PDF's text), in the editable deliberation (.docx) and in the plan's
spreadsheet, where the cell holds the number itself with a euro format."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from pcl.formatting import NBSP, NNBSP, XLSX_MONEY, money
from reporting.documents import deliberation, deliberation_docx
from reporting.models import DocumentKind, GeneratedDocument
from tests.actions.factories import BudgetLineFactory, build_scene

pytestmark = pytest.mark.django_db

AMOUNT = Decimal("4200.50")
SHOWN = f"4{NNBSP}200,50{NBSP}€"


@pytest.fixture
def plan(cast):
    scene = build_scene(cast)
    BudgetLineFactory(action=scene.action, year=2025, kind="investment", forecast=AMOUNT, actual=None)
    return scene.plan


def _document(plan, kind):
    return GeneratedDocument.objects.create(
        kind=kind, commune=plan.commune, plan=plan, plan_version=plan.version
    )


def test_the_rule_itself():
    with translation.override("fr"):
        assert money(AMOUNT) == SHOWN


def test_the_plan_page_shows_the_budget_with_its_cents(login, cast, plan):
    response = login(cast.advisor).get(reverse("actions:plan", args=[plan.pk]))
    assert response.status_code == 200
    assert SHOWN in response.content.decode()


def test_the_plan_page_in_english_writes_the_budget_the_english_way(login, cast, plan, settings):
    client = login(cast.advisor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get(reverse("actions:plan", args=[plan.pk])).content.decode()
    assert "€4,200.50" in content
    assert SHOWN not in content


def test_the_deliberation_annex_shows_the_same_text_in_its_html_and_its_pdf(plan):
    with translation.override("fr"):
        html = deliberation.deliberation_html(plan)
        rendered = deliberation.render_pdf(_document(plan, DocumentKind.DELIBERATION), lambda *args: None)
    assert SHOWN in html
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.content)).pages)
    # The PDF's text may turn no-break spaces into plain ones; the digits, the comma and the cents stay.
    assert re.search(r"4[\s\u202f\u00a0]200,50[\s\u00a0]€", text)


def test_the_docx_writes_the_budget_the_same_way(plan):
    with translation.override("fr"):
        rendered = deliberation_docx.render_docx(
            _document(plan, DocumentKind.DELIBERATION_DOCX), lambda *args: None
        )
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(rendered.content)).paragraphs)
    assert SHOWN in text


def test_the_spreadsheet_holds_the_number_with_a_euro_format(login, cast, plan):
    response = login(cast.advisor).get(reverse("actions:plan_export", args=[plan.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    total = sheet.cell(row=2, column=header.index("Total prévisionnel (€ HT)") + 1)
    assert total.value == pytest.approx(4200.5)
    assert total.number_format == XLSX_MONEY == '#,##0.00\u00a0"€"'
