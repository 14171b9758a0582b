"""axe-core (WCAG 2.1 A and AA rules, the basis of the RGAA) finds no violation on the main pages."""

import pytest

from communes.models import Role, Stage
from tests.browser.conftest import axe_violations, describe, describe_tour, sign_in, tour_problems
from tests.factories import (
    PASSWORD,
    CommuneFactory,
    InvitationFactory,
    MembershipFactory,
    SignatoryFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network():
    commune = CommuneFactory(
        name="Saint-Égrève",
        insee_code="38382",
        stage=Stage.PLAN_IN_PREPARATION,
        charter_signed_on="2007-03-01",
    )
    admin = UserFactory(email="admin@example.org", full_name="Alice Admin", is_superuser=True, is_staff=True)
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)
    MembershipFactory(commune=commune, role=Role.REFERENT)
    InvitationFactory(commune=commune, invited_by=advisor)
    SignatoryFactory(name="ACTIS", signed_on="2005-06-14")
    return {"commune": commune, "admin": admin, "advisor": advisor}


def test_login_page_has_no_accessibility_violation(live_server, page):
    page.goto(f"{live_server.url}/login/")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


MAIN_PAGES = [
    "/portfolio/",
    "/communes/",
    "/communes/38382/",
    "/communes/38382/edit/",
    "/communes/38382/invite/",
    "/signatories/",
    "/signatories/new/",
    "/account/",
    "/audit/",
]


def test_main_pages_have_no_accessibility_violation(live_server, page, network):
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    problems = tour_problems(page, live_server.url, MAIN_PAGES)
    assert problems == {}, describe_tour(problems)
