"""End to end: an advisor builds a plan from the catalogue, the référent fills budgets and milestones,
the advisor records the deliberation, and the portfolio's count of deliberated plans moves."""

import pytest

from actions.models import ActionPlan, BudgetLine, Milestone, Origin, PlanStatus
from communes.models import Role, Stage
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def deliberated_count(page) -> str:
    return page.locator("#figure-deliberated_plans .display-6").inner_text()


def test_advisor_and_referent_build_and_deliberate_a_plan(live_server, new_page):
    commune = CommuneFactory(
        name="Saint-Égrève", insee_code="38382", stage=Stage.SIGNATORY, charter_signed_on="2006-05-04"
    )
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    referent = UserFactory(email="romain@example.org", full_name="Romain Référent")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    MembershipFactory(user=referent, commune=commune, role=Role.REFERENT)
    base = live_server.url

    page = new_page()
    sign_in(page, base, "claire@example.org", PASSWORD)
    assert deliberated_count(page) == "0"

    # The advisor creates the plan from the commune page.
    page.locator("#portfolio-table").get_by_role("link", name="Saint-Égrève").click()
    page.locator(f'a[href="/communes/{commune.insee_code}/plans/new/"]').click()
    page.locator("#id_start_year").fill("2025")
    page.locator("#id_end_year").fill("2030")
    page.locator("main form button[type=submit]").click()
    plan = ActionPlan.objects.get(commune=commune)
    assert page.url.endswith(f"/plans/{plan.pk}/")

    # Three actions from the catalogue...
    for index in range(3):
        page.goto(f"{base}/catalogue/")
        page.locator("#catalogue-table tbody tr").nth(index * 5).get_by_role("link").click()
        page.locator("#id_plan").select_option(str(plan.pk))
        page.locator("form[action$='/add-to-plan/'] button[type=submit]").click()
        assert "/actions/" in page.url
    # ... and one already under way.
    page.goto(f"{base}/plans/{plan.pk}/")
    page.locator("#plan-more-button").click()  # "add an action already under way" is in the plan's menu
    page.locator(f'a[href="/plans/{plan.pk}/actions/new/?origin=already_engaged"]').click()
    page.locator("#id_title").fill("Suivi mensuel des consommations des écoles")
    page.locator("#id_theme").select_option(index=1)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/plans/{plan.pk}/")
    assert page.locator("#actions-table tbody tr").count() == 4
    assert plan.actions.filter(origin=Origin.ALREADY_ENGAGED).count() == 1
    assert plan.actions.filter(catalogue_action__isnull=False).count() == 3

    # The référent fills a milestone and a budget line of the first action.
    action = plan.actions.order_by("order").first()
    referent_page = new_page()
    sign_in(referent_page, base, "romain@example.org", PASSWORD)
    referent_page.goto(f"{base}/actions/{action.pk}/")
    referent_page.locator(f'a[href="/actions/{action.pk}/planning/"]').click()
    referent_page.locator("#id_milestones-0-name").fill("Consultation des entreprises")
    referent_page.locator("#id_milestones-0-due_date").fill("2026-03-31")
    referent_page.locator("#id_cofunders-0-name").fill("Région Auvergne-Rhône-Alpes")
    referent_page.locator("#id_cofunders-0-amount").fill("20000")
    referent_page.locator("main form button[type=submit]").click()
    assert referent_page.url.endswith(f"/actions/{action.pk}/")
    assert "Consultation des entreprises" in referent_page.locator("#milestones-table").inner_text()
    assert Milestone.objects.get(action=action).name == "Consultation des entreprises"
    referent_page.locator(f'a[href="/actions/{action.pk}/budget/"]').click()
    referent_page.locator("#id_investment-forecast-2026").fill("85000")
    referent_page.locator("main form button[type=submit]").click()
    assert referent_page.url.endswith(f"/actions/{action.pk}/")
    assert BudgetLine.objects.get(action=action).forecast == 85000

    # The advisor takes the plan through the working group to the council.
    for status in ("submitted", "validated"):
        page.goto(f"{base}/plans/{plan.pk}/")
        page.locator(f'a[href="/plans/{plan.pk}/status/{status}/"]').click()
        page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/plans/{plan.pk}/")
    page.locator(f'a[href="/plans/{plan.pk}/status/deliberated/"]').click()
    page.locator("#id_deliberation_date").fill("2026-01-20")
    page.locator("#id_deliberation_number").fill("DEL-2026-004")
    page.locator("main form button[type=submit]").click()
    plan.refresh_from_db()
    assert (plan.status, plan.deliberation_number) == (PlanStatus.DELIBERATED, "DEL-2026-004")
    assert "DEL-2026-004" in page.locator("main").inner_text()

    # The portfolio now counts one deliberated plan, in 2026.
    page.goto(f"{base}/portfolio/")
    assert deliberated_count(page) == "1"
    assert "2026" in page.locator("#figure-deliberated_plans").inner_text()
    commune.refresh_from_db()
    assert commune.stage == Stage.PLAN_DELIBERATED
