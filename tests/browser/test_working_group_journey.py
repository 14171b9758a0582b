"""End to end: the advisor plans a meeting, the référent records its minutes, the portfolio's flag clears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communes.models import Role, Stage
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory
from workgroups.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def group_cell(page, commune_name):
    return page.locator("#portfolio-table tr", has_text=commune_name).locator("td").last


def test_a_quiet_group_meets_and_its_flag_clears(live_server, new_page):
    commune = CommuneFactory(
        name="Saint-Égrève",
        insee_code="38382",
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on="2006-05-04",
    )
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    referent = UserFactory(email="romain@example.org", full_name="Romain Référent")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    MembershipFactory(user=referent, commune=commune, role=Role.REFERENT)
    base = live_server.url

    # The portfolio flags the commune: it has no working group.
    page = new_page()
    sign_in(page, base, "claire@example.org", PASSWORD)
    assert "text-bg-danger" in group_cell(page, "Saint-Égrève").inner_html()

    # The advisor sets up the group and plans a meeting that was held three hours ago.
    group_cell(page, "Saint-Égrève").get_by_role("link").click()
    page.locator(f'form[action="/communes/{commune.insee_code}/group/setup/"] button').click()
    assert "Romain Référent" in page.locator("#group-members").inner_text()
    page.locator(f'a[href="/communes/{commune.insee_code}/group/meetings/new/"]').click()
    this_morning = timezone.localtime() - timedelta(hours=3)
    page.locator("#id_starts_at").fill(this_morning.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_place").fill("Mairie, salle du conseil")
    page.locator("#id_agenda").fill("Plan d'actions : point d'étape")
    page.locator("main form button[type=submit]").click()
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/meetings/{meeting.pk}/")

    # The référent records the minutes and who attended.
    referent_page = new_page()
    sign_in(referent_page, base, "romain@example.org", PASSWORD)
    referent_page.goto(f"{base}/meetings/{meeting.pk}/edit/")
    referent_page.locator("input[name=attendees]").first.check()
    referent_page.locator("#id_minutes").fill(
        "Le groupe valide le plan.\n\n- Relamping LED en 2027\n- Bilan en juin"
    )
    referent_page.locator("main form button[type=submit]").click()
    assert "Relamping LED en 2027" in referent_page.locator("#minutes li").first.inner_text()

    # Back on the advisor's portfolio, the group met today: no flag any more.
    page.goto(f"{base}/portfolio/")
    cell = group_cell(page, "Saint-Égrève")
    assert "text-bg-danger" not in cell.inner_html() and "text-bg-warning" not in cell.inner_html()
    assert this_morning.strftime("%d/%m/%Y") in cell.inner_text()
