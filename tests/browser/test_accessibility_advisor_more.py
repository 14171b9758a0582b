"""The accessibility tour of an advisor's pages, second part: the working group, the dashboard, the
documents, the observatory, the list to update, and a phone (see test_accessibility_advisor.py)."""

import pytest

from tests.browser.conftest import State, click, open_details, open_menu, sign_in, with_errors
from tests.browser.tours import assert_no_problem
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_group_dashboard_and_phone_pages_have_no_accessibility_violation(live_server, page, network):
    """The advisor's working group, meetings and decisions, dashboard, documents and observatory, each
    form sent back with its errors and the data tables opened; then a phone."""
    n = network
    plan, action, meeting = n["plan"].pk, n["action"].pk, n["meeting"].pk
    steps = [
        "/communes/38382/group/",
        "/communes/38382/group/edit/",
        "/communes/38382/group/members/new/",
        with_errors("/communes/38382/group/members/new/"),
        f"/communes/38382/group/members/{n['group'].members.first().pk}/",
        "/communes/38382/group/meetings/new/",
        with_errors("/communes/38382/group/meetings/new/"),
        f"/meetings/{meeting}/",
        open_details(f"/meetings/{meeting}/"),
        f"/meetings/{meeting}/edit/",
        f"/decisions/{n['decision'].pk}/edit/",
        with_errors(f"/decisions/{n['decision'].pk}/edit/"),
        f"/decisions/{n['decision'].pk}/delete/",
        "/communes/38382/dashboard/",
        open_details("/communes/38382/dashboard/"),
        "/communes/38382/documents/",
        open_details("/communes/38382/documents/"),
        "/observatory/communes/38382/",
        "/to-update/",
        State("/to-update/?page=2", "second page", shows=".pagination"),
        # Last, what removes data: a decision removed.
        click(f"/decisions/{n['decision'].pk}/delete/", "main form button[type=submit]", "decision removed"),
    ]
    sign_in(page, live_server.url, "claire@example.org", PASSWORD)
    assert_no_problem(page, live_server.url, steps)

    phone = [
        "/portfolio/",
        open_menu("/portfolio/", ".navbar-toggler", "menu open"),
        "/communes/",
        "/communes/38382/",
        f"/plans/{plan}/",
        open_menu(f"/plans/{plan}/", "#plan-more-button", "plan menu open"),
        f"/actions/{action}/",
        f"/actions/{action}/budget/",
        with_errors(f"/plans/{plan}/actions/new/"),
        f"/plans/{plan}/schedule/",
        f"/plans/{plan}/budget/",
        "/communes/38382/dashboard/",
        "/observatory/communes/38382/",
        "/to-update/",
        "/catalogue/",
    ]
    assert_no_problem(page, live_server.url, phone, width=390)
