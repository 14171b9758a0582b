"""End to end: a référent opens "À mettre à jour", finds the late action first, and updates its status,
progress, this year's spending and a note in one save."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from actions.models import Action, ActionStatus, BudgetKind, BudgetLine, FollowUpNote, HistoryEntry
from communes.models import Role
from tests.actions.factories import ActionFactory, BudgetLineFactory, adopted_plan
from tests.browser.conftest import page_problems, sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_referent_updates_the_late_action_from_the_to_update_list(live_server, new_page):
    today = timezone.localdate()
    commune = CommuneFactory(name="Saint-Égrève", insee_code="38382")
    referent = UserFactory(email="romain@example.org", full_name="Romain Référent")
    MembershipFactory(user=referent, commune=commune, role=Role.REFERENT)
    plan = adopted_plan(commune, start_year=today.year - 1, end_year=today.year + 4)
    ActionFactory(
        plan=plan,
        title="Isolation de la mairie",
        status=ActionStatus.IN_PROGRESS,
        end_date=today.replace(year=today.year + 2),
    )
    late = ActionFactory(
        plan=plan,
        title="Chaufferie bois de l'école",
        status=ActionStatus.PLANNED,
        end_date=today - datetime.timedelta(days=10),
    )
    BudgetLineFactory(action=late, year=today.year, kind=BudgetKind.INVESTMENT, forecast=Decimal("80000"))
    base = live_server.url

    page = new_page()
    sign_in(page, base, "romain@example.org", PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="À mettre à jour"
    ).click()
    assert page.url == f"{base}/to-update/"
    items = page.locator("#to-update > li")
    assert items.count() == 2
    assert "Chaufferie bois de l'école" in items.first.inner_text()
    assert "en retard" in items.first.inner_text()
    assert (found := page_problems(page)) == "", found

    items.first.get_by_role("link", name="Mettre à jour").click()
    assert page.url == f"{base}/actions/{late.pk}/follow-up/"
    assert (found := page_problems(page)) == "", found
    form = page.locator("#follow-up-form")
    form.locator("#id_status").select_option("in_progress")
    form.locator("#id_progress").fill("35")
    form.locator("#id_spending_investment").fill("12500")
    form.locator("#id_note").fill("Marché attribué, travaux en janvier.")
    form.get_by_role("button", name="Enregistrer le suivi").click()

    assert page.url == f"{base}/actions/{late.pk}/"
    heading = page.locator("main h1 + p").inner_text()
    assert "En cours" in heading and "35" in heading
    assert "12\u202f500,00\xa0€" in page.locator("#budget-table").inner_text()
    assert "Marché attribué, travaux en janvier." in page.locator("#notes").inner_text()
    history = page.locator("#history > li")
    assert history.count() == 1
    assert "Suivi mis à jour" in history.first.inner_text()

    late.refresh_from_db()
    assert (late.status, late.progress) == (ActionStatus.IN_PROGRESS, 35)
    assert BudgetLine.objects.get(action=late, year=today.year).actual == Decimal("12500")
    assert FollowUpNote.objects.get(action=late).author == referent
    assert HistoryEntry.objects.filter(action=late).count() == 1
    assert Action.objects.get(pk=late.pk).revision == 2

    # The plan page filters the late actions; on a phone its filters wrap, none is cut.
    page.goto(f"{base}/plans/{plan.pk}/?flag=late")
    rows = page.locator("#actions-table tbody tr")
    assert rows.count() == 1 and "Chaufferie bois de l'école" in rows.first.inner_text()
    page.goto(f"{base}/plans/{plan.pk}/?flag=stale")
    assert (found := page_problems(page)) == "", found
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/plans/{plan.pk}/")
    filters = page.locator("form[method=get] select")
    assert filters.count() == 6
    for index in range(filters.count()):
        box = filters.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, index
