"""Inputs that never store the wrong value, errors that are seen and reachable: in a real browser."""

from decimal import Decimal

import pytest

from actions.models import Action, BudgetLine
from communes.models import Role, Stage
from observatory.models import ImportBatch
from tests.actions.factories import ActionFactory, ActionPlanFactory
from tests.browser.conftest import page_problems, sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, TerritoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def action():
    commune = CommuneFactory(
        name="Saint-Égrève",
        insee_code="38382",
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on="2006-05-04",
    )
    referent = UserFactory(email="romain@example.org", full_name="Romain Référent")
    MembershipFactory(user=referent, commune=commune, role=Role.REFERENT)
    plan = ActionPlanFactory(commune=commune, title="Plan climat 2024-2030", start_year=2024, end_year=2030)
    return ActionFactory(plan=plan, title="Rénover le groupe scolaire", mwh_saved=Decimal("125"))


def choose_language(page, code: str) -> None:
    page.locator("#language-select").select_option(code)
    page.locator("form:has(#language-select) button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == code


def test_a_decimal_comma_typed_in_an_english_browser_is_stored_as_typed(live_server, new_page, action):
    page = new_page(locale="en-US")
    base = live_server.url
    sign_in(page, base, "romain@example.org", PASSWORD)
    choose_language(page, "en")

    # A quantity: the field shows the stored 125 as "125"; "12,5" replaces it, not "125".
    page.goto(f"{base}/actions/{action.pk}/edit/")
    field = page.locator("#id_mwh_saved")
    assert field.get_attribute("type") == "text" and field.get_attribute("inputmode") == "decimal"
    assert field.input_value() == "125"
    field.fill("12,5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/actions/{action.pk}/")
    action.refresh_from_db()
    assert action.mwh_saved == Decimal("12.50")
    change = page.locator("#history tbody tr", has_text="energy saved").inner_text()
    assert change.split("\t")[1:] == ["125", "12.5"]

    # Amounts with cents in the budget grid, with a narrow no-break space between thousands.
    page.goto(f"{base}/actions/{action.pk}/budget/")
    page.locator("#id_investment-forecast-2025").fill("1\u202f234,5")
    page.locator("#id_investment-actual-2025").fill("12,5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base}/actions/{action.pk}/")
    line = BudgetLine.objects.get(action=action)
    assert (line.forecast, line.actual) == (Decimal("1234.50"), Decimal("12.50"))
    budget = page.locator("main table", has_text="2025").first.inner_text()
    assert "€1,234.50" in budget and "€12.50" in budget
    # The form shows them back with their cents, in the page's language.
    page.goto(f"{base}/actions/{action.pk}/budget/")
    assert page.locator("#id_investment-forecast-2025").input_value() == "1,234.50"
    assert page.locator("#id_investment-actual-2025").input_value() == "12.50"


def test_a_failed_submit_opens_on_an_error_summary_that_leads_to_each_field(live_server, new_page, action):
    page = new_page()
    base = live_server.url
    sign_in(page, base, "romain@example.org", PASSWORD)
    page.goto(f"{base}/plans/{action.plan_id}/actions/new/")
    page.locator("#id_tco2e_avoided").fill("beaucoup")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == summary.get_attribute("id")
    assert page.title().startswith("Erreur\u00a0: Nouvelle action")
    assert summary.locator("h2").inner_text() == "Le formulaire contient 3 erreurs"
    assert page_problems(page) == ""

    summary.get_by_role("link", name="Titre").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    summary.get_by_role("link", name="Émissions évitées").click()
    assert page.evaluate("document.activeElement.id") == "id_tco2e_avoided"
    assert Action.objects.count() == 1

    # Fixed, the form saves.
    page.locator("#id_title").fill("Isoler les combles de la mairie")
    page.locator("#id_theme").select_option(index=1)
    page.locator("#id_tco2e_avoided").fill("2,5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert not page.title().startswith("Erreur")
    assert Action.objects.get(title="Isoler les combles de la mairie").tco2e_avoided == Decimal("2.50")


def test_the_shared_form_include_opens_on_its_error_summary(live_server, new_page, action):
    page = new_page()
    sign_in(page, live_server.url, "romain@example.org", PASSWORD)
    page.goto(f"{live_server.url}/plans/{action.plan_id}/edit/")
    page.locator("#id_title").fill("")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.activeElement.dataset.errorSummary") == ""
    assert page.title().startswith("Erreur\u00a0: ")
    assert page_problems(page) == ""


def test_keyboard_focus_is_clearly_visible_on_the_green_header(live_server, new_page, action):
    page = new_page()
    sign_in(page, live_server.url, "romain@example.org", PASSWORD)
    outlines = {}
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const element = document.activeElement;
                if (!element.closest("nav.navbar")) return null;
                const style = getComputedStyle(element);
                return [element.id || element.textContent.trim(), style.outlineStyle, style.outlineColor,
                        style.outlineWidth];
            }"""
        )
        if focused:
            outlines[focused[0]] = tuple(focused[1:])
    assert len(outlines) >= 4 and "language-select" in outlines
    assert set(outlines.values()) == {("solid", "rgb(255, 214, 10)", "3px")}


BAD_IMPORT = """insee_code,year,quantity,sector,energy,value,unit,status
38382,2024,population,,,16100,hab,estimated
38382,2024,emissions,residential,,beaucoup,t CO2e,estimated
"""


def test_an_import_with_errors_has_no_accessibility_violation(live_server, new_page, action, tmp_path):
    UserFactory(email="marc@example.org", full_name="Marc Métro", officer_of=TerritoryFactory())
    page = new_page()
    sign_in(page, live_server.url, "marc@example.org", PASSWORD)
    path = tmp_path / "wrong.csv"
    path.write_text(BAD_IMPORT, encoding="utf-8")
    page.goto(f"{live_server.url}/observatory/imports/new/")
    page.locator("#id_dataset").select_option(index=1)
    page.locator("#id_format").select_option("long")
    page.locator("#id_file").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()
    page.locator("#import-errors").wait_for()
    assert ImportBatch.objects.get().error_count >= 1
    link = page.locator("#import-result a")
    assert link.get_attribute("class") == "alert-link"
    assert page_problems(page) == ""
