"""Exports, schedule and budget pages, and query counts that do not grow with the data."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions.models import (
    Action,
    AwarenessReport,
    BudgetLine,
    CatalogueAction,
    FollowUpNote,
    HistoryEntry,
    Milestone,
)
from communes.models import Role
from pcl.formatting import XLSX_MONEY
from tests.actions.factories import (
    ActionFactory,
    ActionPlanFactory,
    BudgetLineFactory,
    CoFunderFactory,
    MilestoneFactory,
    PlanAxisFactory,
    adopted_plan,
)
from tests.actions.helpers import (
    COUNCIL_DAY,
    action_data,
    url,
)
from tests.factories import CommuneFactory, MembershipFactory

pytestmark = pytest.mark.django_db


# --- exports, schedule, budget ------------------------------------------------------------------


@pytest.fixture
def exported_plan(scene):
    plan = scene.plan
    plan.end_year = 2026
    plan.save()
    action = scene.action
    action.mwh_saved = Decimal("12.50")
    action.progress = 35
    action.save()
    BudgetLineFactory(action=action, year=2024, kind="investment", forecast=Decimal("12500.50"), actual=None)
    BudgetLineFactory(
        action=action, year=2025, kind="investment", forecast=Decimal("80000"), actual=Decimal("1.25")
    )
    BudgetLineFactory(
        action=action, year=2025, kind="operating", forecast=Decimal("3000"), actual=Decimal("2000")
    )
    ActionFactory(plan=plan, title="Sensibiliser les écoles", owner_name="Service éducation")
    return plan


def test_csv_export_has_one_row_per_action_and_the_budget_per_year_in_french_format(as_role, exported_plan):
    response = as_role("elected").get(url("plan_export", exported_plan.pk, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="plan-saint-martin-dheres-v1.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(header) == 20 + 3 * 3 + 2 + 4
    assert [row[1] for row in data] == ["Rénover le groupe scolaire Langevin", "Sensibiliser les écoles"]
    assert all(len(row) == len(header) for row in data)
    renovation, awareness = data
    columns = {
        year: [i for i, title in enumerate(header) if title.startswith(str(year))]
        for year in (2024, 2025, 2026)
    }
    assert [renovation[i] for i in columns[2024]] == ["12500,5", "", ""]
    assert [renovation[i] for i in columns[2025]] == ["80000", "3000", "2001,25"]
    assert [renovation[i] for i in columns[2026]] == ["", "", ""]
    assert renovation[-6:-4] == ["95500,5", "2001,25"]
    assert renovation[6] == "Théo Titulaire"
    assert (renovation[9], renovation[10]) == ("06/01/2025", "28/08/2026")
    assert renovation[12] == "35"
    assert "12,5" in renovation
    assert awareness[6] == "Service éducation"
    assert awareness[-6:] == ["0", "0", "", "", "", ""]


def test_xlsx_export_opens_in_a_spreadsheet_with_the_actions_and_their_amounts(as_role, exported_plan):
    response = as_role("metro_officer").get(url("plan_export", exported_plan.pk, "xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="plan-saint-martin-dheres-v1.xlsx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["Rénover le groupe scolaire Langevin", "Sensibiliser les écoles"]
    assert rows[1][-6:-4] == (95500.5, 2001.25)
    assert rows[1][9] == datetime.datetime(2025, 1, 6)


@pytest.fixture
def funded_plan(exported_plan, scene):
    CoFunderFactory(
        action=scene.action, name="Région Auvergne-Rhône-Alpes", amount=Decimal("50000"), status="granted"
    )
    CoFunderFactory(action=scene.action, name="ADEME", amount=Decimal("15000.50"), status="requested")
    CoFunderFactory(
        action=scene.action, name="Département de l'Isère", amount=Decimal("4000"), status="received"
    )
    ActionFactory(plan=exported_plan, title='=HYPERLINK("http://example.org")', partners="+33 4 76 00 00 00")
    ActionFactory(plan=exported_plan, title="@SUM(A1:A2)", partners="-moins de voitures")
    return exported_plan


def workbook_of(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_xlsx_amounts_and_quantities_are_numbers_shown_in_euros_and_units(as_role, funded_plan):
    sheet = workbook_of(as_role("elected").get(url("plan_export", funded_plan.pk, "xlsx")))["Actions"]
    header = [cell.value for cell in sheet[1]]
    renovation = {title: cell for title, cell in zip(header, sheet[2], strict=True)}
    forecast = renovation["Total prévisionnel (€ HT)"]
    assert (forecast.value, forecast.number_format) == (95500.5, XLSX_MONEY)
    assert renovation["2024 – investissement prévisionnel (€ HT)"].value == 12500.5
    saved = renovation["Énergie économisée attendue (MWh/an)"]
    assert (saved.value, saved.number_format) == (12.5, "#,##0.0#")
    assert (renovation["Avancement (%)"].value, renovation["Avancement (%)"].number_format) == (35, "0")
    assert renovation["Début"].number_format == "DD/MM/YYYY"
    assert renovation["Cofinancement demandé (€)"].value == 15000.5
    assert renovation["Cofinancement accordé (€)"].value == 50000
    assert renovation["Cofinancement perçu (€)"].value == 4000
    assert renovation["Cofinancement perçu (€)"].number_format == XLSX_MONEY
    funders = renovation["Financeurs"].value.replace("\u202f", " ").replace("\u00a0", " ")
    assert funders == (
        "ADEME : 15 000,50 € (demandé), Département de l'Isère : 4 000,00 € (perçu)"
        " et Région Auvergne-Rhône-Alpes : 50 000,00 € (accordé)"
    )


def test_xlsx_has_a_frozen_header_an_autofilter_and_widths_that_fit(as_role, funded_plan):
    sheet = workbook_of(as_role("elected").get(url("plan_export", funded_plan.pk, "xlsx")))["Actions"]
    assert sheet.freeze_panes == "C2"  # the header and the number and title of each action stay in view
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}5"
    assert all(cell.font.bold and cell.alignment.wrap_text for cell in sheet[1])
    widths = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert widths["Titre"] == len("Rénover le groupe scolaire Langevin") + 2
    assert widths["Numéro"] <= 10 and 12 <= widths["Total prévisionnel (€ HT)"] <= 18
    assert all(width <= 60 for width in widths.values())
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"


def test_the_xlsx_lists_every_co_funder_on_its_own_sheet(as_role, funded_plan):
    sheet = workbook_of(as_role("elected").get(url("plan_export", funded_plan.pk, "xlsx")))["Financeurs"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("N° de l’action", "Action", "Cofinanceur", "Statut", "Montant (€)")
    assert rows[1:] == [
        (1, "Rénover le groupe scolaire Langevin", "ADEME", "Demandé", 15000.5),
        (1, "Rénover le groupe scolaire Langevin", "Département de l'Isère", "Perçu", 4000),
        (1, "Rénover le groupe scolaire Langevin", "Région Auvergne-Rhône-Alpes", "Accordé", 50000),
    ]
    assert sheet["E2"].number_format == XLSX_MONEY and sheet.auto_filter.ref == "A1:E4"


def test_a_text_that_looks_like_a_formula_stays_a_text(as_role, funded_plan):
    workbook = workbook_of(as_role("elected").get(url("plan_export", funded_plan.pk, "xlsx")))
    sheet = workbook["Actions"]
    cells = {
        cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)
    }
    for text in (
        '=HYPERLINK("http://example.org")',
        "@SUM(A1:A2)",
        "+33 4 76 00 00 00",
        "-moins de voitures",
    ):
        # A string cell, marked as typed with a quote: editing it in the spreadsheet keeps it a text.
        assert cells[text].data_type == "s" and cells[text].quotePrefix, text
    assert not cells["Rénover le groupe scolaire Langevin"].quotePrefix  # other texts as they are
    response = as_role("elected").get(url("plan_export", funded_plan.pk, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    titles = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("http://example.org")' in titles and "'@SUM(A1:A2)" in titles
    assert "'+33 4 76 00 00 00" in [row[8] for row in rows[1:]]


def test_the_csv_carries_the_co_funding_of_each_action(as_role, funded_plan):
    response = as_role("elected").get(url("plan_export", funded_plan.pk, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, renovation = rows[0], rows[1]
    assert header[-4:] == [
        "Cofinancement demandé (€)",
        "Cofinancement accordé (€)",
        "Cofinancement perçu (€)",
        "Financeurs",
    ]
    assert renovation[-4:-1] == ["15000,5", "50000", "4000"]
    assert renovation[-1].startswith("ADEME\u00a0: 15\u202f000,50\u00a0€ (demandé), Département de l'Isère")


def schedule_json(response):
    match = re.search(
        r'<script id="schedule-data" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "the schedule page carries its plotly figure"
    return json.loads(match.group(1))


def test_schedule_page_carries_the_plotly_figure_and_the_same_data_as_a_table(as_role, scene):
    MilestoneFactory(action=scene.action, name="Réception des travaux", due_date=datetime.date(2026, 8, 1))
    ActionFactory(plan=scene.plan, title="Action sans dates")
    ActionFactory(
        plan=scene.plan,
        title="Audit énergétique des bâtiments",
        start_date=datetime.date(2024, 9, 1),
        end_date=datetime.date(2024, 12, 20),
        status="done",
    )
    response = as_role("staff").get(url("plan_schedule", scene.plan.pk))
    figure = schedule_json(response)
    bars, milestones = figure["data"]
    assert bars["y"] == ["1. Audit énergétique des bâtiments", "2. Rénover le groupe scolaire Langevin"]
    assert bars["base"] == ["2024-09-01", "2025-01-06"]
    assert milestones["x"] == ["2026-08-01"] and milestones["text"] == ["Réception des travaux"]
    assert figure["layout"]["xaxis"]["range"] == ["2024-01-01", "2030-12-31"]
    table = response.content.decode().split('id="schedule-table"')[1]
    assert "Audit énergétique des bâtiments" in table and "Réception des travaux" in table
    assert "Action sans dates" not in table


def test_budget_page_sums_the_plan_by_year_and_kind_and_the_cofunding(as_role, exported_plan):
    CoFunderFactory(action=exported_plan.actions.first(), amount=Decimal("30000"), status="granted")
    summary = as_role("referent").get(url("plan_budget", exported_plan.pk)).context["summary"]
    assert [row["year"] for row in summary.years] == [2024, 2025, 2026]
    assert summary.years[1]["investment_forecast"] == Decimal("80000")
    assert summary.years[1]["operating_actual"] == Decimal("2000")
    assert summary.totals["forecast"] == Decimal("95500.50")
    assert summary.cofunding_total == Decimal("30000")


def test_history_page_lists_every_change_with_its_author(as_role, scene):
    client = as_role("referent")
    client.post(url("action_edit", scene.action.pk), action_data(scene.action, progress=10))
    entries = as_role("elected").get(url("plan_history", scene.plan.pk)).context["entries"]
    assert [(entry.user, entry.action) for entry in entries] == [(scene.cast.referent, scene.action)]


# --- bounded query counts -----------------------------------------------------------------------


def fill_plan(plan, count, owner):
    """`count` actions with 2 milestones and 2 budget lines each, spread over owners, axes, catalogue."""
    axis = PlanAxisFactory(plan=plan)
    entry = CatalogueAction.objects.order_by("pk").first()
    actions = Action.objects.bulk_create(
        [
            ActionFactory.build(
                plan=plan,
                owner=owner if index % 2 else None,
                owner_name="" if index % 2 else f"Service {index % 5}",
                axis=axis if index % 3 else None,
                catalogue_action=entry if index % 4 == 0 else None,
                start_date=datetime.date(2025, 1, 1),
                end_date=datetime.date(2026, 1, 1),
            )
            for index in range(count)
        ]
    )
    Milestone.objects.bulk_create(
        [
            MilestoneFactory.build(action=action, due_date=due)
            for action in actions
            for due in (
                datetime.date(2020, 1, 1),
                datetime.date(2029, 1, 1),
            )
        ]
    )
    BudgetLine.objects.bulk_create(
        [BudgetLineFactory.build(action=action, year=year) for action in actions for year in (2025, 2026)]
    )


def test_plan_page_query_count_does_not_grow_with_the_actions(as_role, scene, django_assert_max_num_queries):
    client = as_role("advisor")
    fill_plan(scene.plan, 19, scene.owner)
    with django_assert_max_num_queries(12) as small:
        response = client.get(url("plan", scene.plan.pk))
    assert len(response.context["page"].actions) == 20
    fill_plan(scene.plan, 180, scene.owner)
    with django_assert_max_num_queries(12) as large:
        response = client.get(url("plan", scene.plan.pk))
    assert len(response.context["page"].actions) == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_action_page_query_count_does_not_grow_with_its_rows(as_role, scene, django_assert_max_num_queries):
    client = as_role("staff_owner")
    action = scene.action

    def add_rows(count, start):
        for index in range(start, start + count):
            MilestoneFactory(action=action)
            BudgetLineFactory(
                action=action, year=2024 + index % 7, kind=["investment", "operating"][index // 7]
            )
            CoFunderFactory(action=action)
            FollowUpNote.objects.create(
                action=action, author=scene.owner, date=COUNCIL_DAY, text=f"Note {index}"
            )
            AwarenessReport.objects.create(action=action, date=COUNCIL_DAY, events_held=1, people_reached=10)
            HistoryEntry.objects.create(
                plan=scene.plan, action=action, user=scene.owner, summary=f"Change {index}"
            )

    add_rows(2, 0)
    with django_assert_max_num_queries(15) as small:
        client.get(url("action", action.pk))
    add_rows(12, 2)
    with django_assert_max_num_queries(15) as large:
        response = client.get(url("action", action.pk))
    assert len(response.context["action"].notes.all()) == 14
    assert len(large.captured_queries) == len(small.captured_queries)


def test_portfolio_with_plans_renders_in_a_bounded_number_of_queries(
    login, cast, django_assert_max_num_queries
):
    advisor = cast.advisor

    def add_communes(count):
        for _ in range(count):
            commune = CommuneFactory()
            MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
            adopted = adopted_plan(commune)
            fill_plan(ActionPlanFactory(commune=commune, previous_version=adopted), 3, advisor)

    fill_plan(ActionPlanFactory(commune=cast.commune), 3, advisor)
    add_communes(2)
    client = login(advisor)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("communes:portfolio"))
    add_communes(12)
    with django_assert_max_num_queries(9) as large:
        response = client.get(reverse("communes:portfolio"))
    assert len(response.context["communes"]) == 15
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "v2 · " in response.content.decode()  # the latest version of each plan


def test_the_exports_query_count_does_not_grow_with_the_actions_and_co_funders(as_role, funded_plan):
    client = as_role("elected")
    counts = []
    for _round in range(2):
        for fmt in ("csv", "xlsx"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url("plan_export", funded_plan.pk, fmt)).status_code == 200
            counts.append(len(queries))
        for index in range(5):
            action = ActionFactory(plan=funded_plan, title=f"Action {index}")
            CoFunderFactory(action=action, name=f"Financeur {index}", amount=Decimal("10"))
            BudgetLineFactory(action=action, year=2025, kind="investment", forecast=Decimal("5"))
    assert counts[:2] == counts[2:]


def test_the_csv_follows_the_page_language(as_role, funded_plan, settings):
    client = as_role("elected")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url("plan_export", funded_plan.pk, "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, renovation = rows[0], rows[1]
    assert header[:2] == ["Number", "Title"] and header[-1] == "Co-funders"
    assert (renovation[9], renovation[-6]) == ("2025-01-06", "95500.5")


def test_the_xlsx_dates_follow_the_page_language(as_role, funded_plan, settings):
    client = as_role("elected")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sheet = workbook_of(client.get(url("plan_export", funded_plan.pk, "xlsx")))["Actions"]
    header = [cell.value for cell in sheet[1]]
    renovation = {title: cell for title, cell in zip(header, sheet[2], strict=True)}
    assert renovation["Start"].value.date() == datetime.date(2025, 1, 6)
    assert renovation["Start"].number_format == "YYYY-MM-DD"
