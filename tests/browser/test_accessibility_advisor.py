"""The accessibility tour of an advisor's pages (see test_accessibility.py for what the tours check)."""

import pytest

from tests.browser.conftest import State, click, open_details, open_menu, sign_in, with_errors
from tests.browser.tours import BUDGET_CELL, assert_no_problem, choose_language
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_pages_have_no_accessibility_violation(live_server, page, network):
    """The advisor's commune, plan, actions, working group, dashboard, documents and observatory; each
    form sent back with its errors, the data tables and folded forms opened; a phone; English."""
    n = network
    plan, action, meeting = n["plan"].pk, n["action"].pk, n["meeting"].pk
    steps = [
        "/portfolio/",
        "/communes/38382/",
        "/communes/38382/plans/new/",
        with_errors("/communes/38382/plans/new/"),
        f"/plans/{plan}/",
        open_menu(f"/plans/{plan}/", "#plan-more-button", "plan menu open"),
        f"/plans/{plan}/?flag=late",
        f"/plans/{plan}/?status=done",
        f"/plans/{plan}/edit/",
        with_errors(f"/plans/{plan}/edit/"),
        f"/plans/{plan}/status/submitted/",
        f"/plans/{plan}/status/deliberated/",
        with_errors(f"/plans/{plan}/status/deliberated/"),
        f"/plans/{plan}/axes/",
        with_errors(f"/plans/{plan}/axes/", form="main form[novalidate]"),
        f"/plans/{plan}/schedule/",
        f"/plans/{plan}/budget/",
        f"/plans/{plan}/history/",
        f"/plans/{n['adopted'].pk}/",
        f"/plans/{n['adopted'].pk}/status/closed/",
        "/communes/38474/documents/",
        f"/plans/{plan}/import/",
        with_errors(f"/plans/{plan}/import/"),
        f"/plans/{plan}/actions/new/",
        with_errors(f"/plans/{plan}/actions/new/", fill={"#id_tco2e_avoided": "beaucoup"}),
        f"/actions/{action}/",
        open_details(f"/actions/{action}/"),
        f"/actions/{action}/edit/",
        with_errors(f"/actions/{action}/edit/"),
        f"/actions/{action}/planning/",
        with_errors(f"/actions/{action}/planning/", clear=False, fill={"#id_milestones-0-name": ""}),
        f"/actions/{action}/budget/",
        with_errors(f"/actions/{action}/budget/", clear=False, fill={BUDGET_CELL: "beaucoup"}),
        "/catalogue/",
        f"/catalogue/?plan={plan}",
        f"/catalogue/{n['entry'].pk}/?plan={plan}",
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
        # Last, what removes data: a deletion, a member withdrawn, an invitation revoked.
        click(f"/plans/{plan}/axes/", "#axes form button", "axis deleted"),
        click("/communes/38382/", "#pending-invitations form button", "invitation revoked"),
        click(f"/actions/{n['late'].pk}/", "form[action$='/delete/'] button", "action deleted"),
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

    choose_language(page, "en")
    english = [
        "/portfolio/",
        f"/plans/{plan}/",
        with_errors(f"/plans/{plan}/actions/new/"),
        "/communes/38382/dashboard/",
        "/observatory/communes/38382/",
    ]
    assert_no_problem(page, live_server.url, english)
