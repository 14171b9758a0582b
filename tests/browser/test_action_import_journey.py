"""End to end: an advisor brings what a commune already does into a draft plan, from the import
template and from the export of the plan before it; a bad file and a bad line are refused, clearly and
accessibly, and nothing changes until the preview is confirmed."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from actions.models import Action, ActionStatus, Origin, PlanStatus, Theme
from communes.models import Role, Stage
from tests.actions.factories import ActionFactory, ActionPlanFactory, BudgetLineFactory, PlanAxisFactory
from tests.browser.conftest import page_problems, sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def text(locator) -> str:
    """The text as read, with ordinary spaces where French typography puts no-break ones."""
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def choose(page, name: str, content: bytes, mime: str = "text/csv") -> None:
    page.locator("#id_file").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    page.locator("#import-form button[type=submit]").click()
    page.wait_for_load_state()


def test_advisor_imports_a_template_and_an_export_into_a_draft_plan(live_server, new_page):
    commune = CommuneFactory(
        name="Seyssinet-Pariset",
        insee_code="38485",
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on="2008-05-17",
    )
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    lighting = Theme.objects.get(code="public_lighting")
    previous = ActionPlanFactory(
        commune=commune,
        title="Plan climat 2020-2025",
        start_year=2020,
        end_year=2025,
        status=PlanStatus.CLOSED,
        deliberation_date=datetime.date(2020, 9, 24),
    )
    axis = PlanAxisFactory(plan=previous, title="Sobriété")
    kept = ActionFactory(
        plan=previous,
        title="Extinction nocturne de l'éclairage",
        theme=lighting,
        axis=axis,
        origin=Origin.ALREADY_ENGAGED,
        start_date=datetime.date(2021, 1, 4),
        status=ActionStatus.DONE,
        progress=100,
    )
    BudgetLineFactory(action=kept, year=2021, kind="investment", forecast=Decimal("4200"))
    ActionFactory(
        plan=previous, title="Plan de mobilité des agents", origin=Origin.NEW, status=ActionStatus.IN_PROGRESS
    )
    draft = ActionPlanFactory(commune=commune, title="Plan climat 2021-2026", start_year=2021, end_year=2026)
    base = live_server.url

    page = new_page()
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.goto(f"{base}/plans/{draft.pk}/")
    page.locator("#plan-more-button").click()  # the import is in the plan's menu
    page.locator("#import-actions").click()
    assert page.url.endswith(f"/plans/{draft.pk}/import/")
    assert page_problems(page) == ""

    # A file that is no list of actions: refused, named, and nothing is kept.
    choose(page, "budget.csv", b"Compte;Montant\n6061;1200\n")
    error = text(page.locator("#id_file_error"))
    assert "« budget.csv »" in error and "Aucune colonne du fichier n’est connue" in error
    assert page_problems(page) == ""

    # The template, as downloaded: the preview shows its example line; a bad line blocks the import.
    with page.expect_download() as download:
        page.locator("#template-xlsx").click()
    template = Path(download.value.path()).read_bytes()
    choose(page, "modele.xlsx", template, XLSX_TYPE)
    assert page.url.endswith(f"/plans/{draft.pk}/import/preview/")
    assert page.locator("#import-rows tbody tr").count() == 1
    assert page_problems(page) == ""
    page.get_by_role("link", name="Importer des actions").click()
    choose(
        page, "actions.csv", "Titre;Thématique;Début;Fin\nCompostage;Déchets;01/03/2022;01/02/2022\n".encode()
    )
    errors = text(page.locator("#import-errors"))
    assert "Thématique inconnue « Déchets »" in errors and "L’action finit (01/02/2022)" in errors
    assert page.locator("#import-confirm button[name=confirm]").count() == 0
    assert page_problems(page) == ""
    page.locator("#import-confirm button[name=cancel]").click()
    assert Action.objects.filter(plan=draft).count() == 0

    # The export of the previous plan comes back with its axes, budget and origins.
    exported = page.request.get(f"{base}/plans/{previous.pk}/export.xlsx").body()
    page.goto(f"{base}/plans/{draft.pk}/import/")
    choose(page, "plan-2020.xlsx", exported, XLSX_TYPE)
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 2
    assert "Sobriété (nouveau)" in text(rows.nth(0))
    assert page_problems(page) == ""
    page.locator("#import-confirm button[name=confirm]").click()
    assert page.url.endswith(f"/plans/{draft.pk}/")
    assert "2 actions ont été importées." in text(page.locator("main"))
    table = page.locator("#actions-table tbody")
    assert "déjà engagée" in table.locator("tr", has_text="Extinction nocturne").inner_text()
    assert "déjà engagée" not in table.locator("tr", has_text="Plan de mobilité des agents").inner_text()
    imported = Action.objects.get(plan=draft, title="Extinction nocturne de l'éclairage")
    assert imported.budget_lines.get().forecast == Decimal("4200.00")

    # The template's example line, imported: marked already under way.
    page.locator("#plan-more-button").click()  # the import is in the plan's menu
    page.locator("#import-actions").click()
    choose(page, "modele.xlsx", template, XLSX_TYPE)
    page.locator("#import-confirm button[name=confirm]").click()
    example = table.locator("tr", has_text="Relamping LED")
    assert "déjà engagée" in example.inner_text()
    assert Action.objects.filter(plan=draft, origin=Origin.ALREADY_ENGAGED).count() == 2
