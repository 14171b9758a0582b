"""End to end: an advisor builds a plan's budget in one grid (French amounts), picks a catalogue action
for the plan they came from, uses the plan page's menu, and edits then removes a meeting decision."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actions import services
from actions.models import ActionPlan, BudgetLine, CatalogueAction, Origin, PlanStatus
from communes.models import Role
from tests.browser.conftest import describe_tour, page_problems, sign_in, tour_problems
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory
from workgroups import services as group_services
from workgroups.models import Decision, Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# A <select> is cut when its longest choice is wider than the room its box leaves for text.
FITS_ITS_LONGEST_OPTION = """element => {
    if (element.tagName !== "SELECT") return element.scrollWidth <= element.clientWidth + 1;
    const style = getComputedStyle(element);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    const longest = Math.max(...[...element.options].map(option => context.measureText(option.text).width));
    const room = element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return longest <= room + 1;
}"""


def plain(text: str) -> str:
    """Figures as the page writes them, with ordinary spaces (French uses no-break ones)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.fixture
def advisor_plan():
    commune = CommuneFactory(name="Saint-Égrève", insee_code="38382")
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    plan = services.plan_create(
        commune=commune, title="Plan climat", start_year=2025, end_year=2030, user=advisor
    )
    action = services.action_create(
        plan=plan, data={"origin": Origin.NEW}, user=advisor, catalogue_action=CatalogueAction.objects.first()
    )
    return advisor, plan, action


def test_an_advisor_fills_an_action_budget_in_one_grid(live_server, page, advisor_plan):
    _advisor, plan, action = advisor_plan
    base = live_server.url
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.goto(f"{base}/actions/{action.pk}/")
    page.get_by_role("link", name="Budget par année").click()
    assert page.url.endswith(f"/actions/{action.pk}/budget/")
    assert page_problems(page) == ""

    # Every year of the plan is a column; each cell is named by its row and year.
    grid = page.locator("#budget-grid")
    assert [plain(text) for text in grid.locator("thead th").all_inner_texts()[1:-1]] == [
        str(year) for year in range(2025, 2031)
    ]
    page.get_by_label("Investissement, prévu, 2025").fill("12 500,50")
    page.get_by_label("Investissement, prévu, 2026").fill("80 000")
    page.get_by_label("Investissement, réalisé, 2025").fill("12 000")
    page.get_by_label("Fonctionnement, prévu, 2027").fill("1 500,25")
    page.get_by_label("Fonctionnement, réalisé, 2027").fill("300")
    page.get_by_role("button", name="Enregistrer le budget").click()
    assert page.url.endswith(f"/actions/{action.pk}/")
    assert list(
        action.budget_lines.order_by("year", "kind").values_list("year", "kind", "forecast", "actual")
    ) == [
        (2025, "investment", Decimal("12500.50"), Decimal("12000.00")),
        (2026, "investment", Decimal("80000.00"), None),
        (2027, "operating", Decimal("1500.25"), Decimal("300.00")),
    ]

    # The grid shows the saved amounts and the totals per row and per year.
    page.goto(f"{base}/actions/{action.pk}/budget/")
    assert plain(page.get_by_label("Investissement, prévu, 2025").input_value()) == "12 500,50"
    assert plain(page.locator("#budget-total-forecast").inner_text()) == "94 000,75 €"
    assert plain(page.locator("#budget-total-actual").inner_text()) == "12 300,00 €"
    investment_forecast = page.locator("#budget-grid tbody tr").first.locator("td").last
    assert plain(investment_forecast.inner_text()) == "92 500,50 €"
    assert page.locator("[role=region][tabindex='0'][aria-labelledby='budget-grid-caption']").count() == 1

    # The plan's budget page adds them up by year.
    page.goto(f"{base}/plans/{plan.pk}/budget/")
    summary = plain(page.locator("#budget-summary").inner_text())
    assert "12 500,50 €" in summary and "80 000,00 €" in summary and "94 000,75 €" in summary

    # A bad amount: the message is in its cell, tied to it, and nothing is saved.
    page.goto(f"{base}/actions/{action.pk}/budget/")
    page.get_by_label("Investissement, prévu, 2026").fill("90 000")
    page.get_by_label("Fonctionnement, réalisé, 2028").fill("douze")
    page.get_by_role("button", name="Enregistrer le budget").click()
    cell = page.get_by_label("Fonctionnement, réalisé, 2028")
    assert cell.get_attribute("aria-invalid") == "true"
    described_by = cell.get_attribute("aria-describedby")
    assert "n'est pas un nombre" in page.locator(f"#{described_by}").inner_text()
    # The error summary at the top links to the cell.
    assert page.locator(f'.error-summary a[href="#{cell.get_attribute("id")}"]').count() == 1
    assert "Rien n'a été enregistré" in page.locator("#budget-error").inner_text()
    assert BudgetLine.objects.get(action=action, year=2026).forecast == Decimal("80000")
    assert page_problems(page) == ""

    # Once the council has voted, the forecasts are read-only and the amounts spent still editable.
    ActionPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.FOLLOW_UP, deliberation_date=datetime.date(2026, 1, 20)
    )
    page.goto(f"{base}/actions/{action.pk}/budget/")
    assert page.get_by_label("Investissement, prévu, 2026").is_disabled()
    page.get_by_label("Investissement, réalisé, 2026").fill("79 500")
    page.get_by_role("button", name="Enregistrer le budget").click()
    assert page.url.endswith(f"/actions/{action.pk}/")
    assert BudgetLine.objects.get(action=action, year=2026).actual == Decimal("79500")
    page.goto(f"{base}/actions/{action.pk}/budget/")
    assert page_problems(page) == ""


def test_the_plan_page_menu_the_catalogue_for_the_plan_and_filters_that_wrap(live_server, page, advisor_plan):
    _advisor, plan, _action = advisor_plan
    base = live_server.url
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.goto(f"{base}/plans/{plan.pk}/")

    # The menu opens from the keyboard, says so, and its entries are reachable with the arrows.
    button = page.locator("#plan-more-button")
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#plan-more-menu").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator(f'#plan-more-menu a[href="/plans/{plan.pk}/export.csv"]').is_visible()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.closest('#plan-more-menu') !== null")
    assert focused
    assert page_problems(page) == ""
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"

    # The filters are never cut: each one fits in the page, from a phone to a wide screen.
    for width in (390, 768, 1024, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        fields = page.locator("form.filter-bar select, form.filter-bar button").all()
        assert len(fields) >= 6
        for field in fields:
            box = field.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
            assert field.evaluate(FITS_ITS_LONGEST_OPTION), (width, field.get_attribute("name"), box)
    page.set_viewport_size({"width": 1280, "height": 900})

    # From the plan to the catalogue and back: the plan is remembered.
    page.goto(f"{base}/plans/{plan.pk}/")
    page.get_by_role("link", name="Choisir dans le catalogue").click()
    assert page.url.endswith(f"/catalogue/?plan={plan.pk}")
    page.locator("#catalogue-table tbody tr").nth(3).get_by_role("link").click()
    assert f"?plan={plan.pk}" in page.url
    assert page.locator("#id_plan").input_value() == str(plan.pk)
    assert page_problems(page) == ""
    page.locator("form[action$='/add-to-plan/'] button[type=submit]").click()
    assert page.url.endswith(f"/plans/{plan.pk}/")
    assert page.locator("#actions-table tbody tr").count() == 2


def test_decisions_are_edited_and_removed_with_their_history(live_server, page, advisor_plan):
    advisor, plan, action = advisor_plan
    group = group_services.group_setup(commune=plan.commune, user=advisor)
    meeting = group_services.meeting_save(
        meeting=Meeting(group=group, starts_at=timezone.now() - datetime.timedelta(days=3)), user=advisor
    )
    decision = group_services.decision_save(
        decision=Decision(meeting=meeting, text="Lancer l'audit des écoles."), actions=[action], user=advisor
    )
    base = live_server.url
    sign_in(page, base, "claire@example.org", PASSWORD)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    page.locator(f'a[href="/decisions/{decision.pk}/edit/"]').click()
    page.wait_for_url(f"**/decisions/{decision.pk}/edit/")
    assert page_problems(page) == ""
    page.get_by_label("Décision").fill("Lancer l'audit des écoles en mai.")
    page.locator("main form button[type=submit]").click()
    assert page.url.endswith(f"/meetings/{meeting.pk}/#decisions")
    assert "Lancer l'audit des écoles en mai." in page.locator("#decisions").inner_text()

    page.locator(f'a[href="/decisions/{decision.pk}/delete/"]').click()
    page.wait_for_url(f"**/decisions/{decision.pk}/delete/")
    assert page_problems(page) == ""
    page.get_by_role("button", name="Retirer la décision").click()
    assert not Decision.objects.exists()
    history = page.locator("#meeting-history").inner_text()
    assert (
        "Décision retirée" in history and "Décision modifiée" in history and "Décision enregistrée" in history
    )
    problems = tour_problems(page, base, [f"/meetings/{meeting.pk}/"])
    assert problems == {}, describe_tour(problems)
