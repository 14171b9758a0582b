"""The accessibility tour of an advisor's pages, first part: the commune, its plans and actions, the
catalogue (see test_accessibility.py for what the tours check). The working group, dashboard, documents,
observatory and phone pages are in test_accessibility_advisor_more.py: two modules, so that
`--dist loadscope` runs the advisor's long tour on both workers."""

import pytest

from tests.browser.conftest import click, open_details, open_menu, sign_in, with_errors
from tests.browser.tours import BUDGET_CELL, assert_no_problem, choose_language
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advisor_pages_have_no_accessibility_violation(live_server, page, network):
    """The advisor's commune, plans and actions, the catalogue; each form sent back with its errors, the
    data tables and folded forms opened; English."""
    n = network
    plan, action = n["plan"].pk, n["action"].pk
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
        # Last, what removes data: a deletion, an invitation revoked.
        click(f"/plans/{plan}/axes/", "#axes form button", "axis deleted"),
        click("/communes/38382/", "#pending-invitations form button", "invitation revoked"),
        click(f"/actions/{n['late'].pk}/", "form[action$='/delete/'] button", "action deleted"),
    ]
    sign_in(page, live_server.url, "claire@example.org", PASSWORD)
    assert_no_problem(page, live_server.url, steps)

    choose_language(page, "en")
    english = [
        "/portfolio/",
        f"/plans/{plan}/",
        with_errors(f"/plans/{plan}/actions/new/"),
        "/communes/38382/dashboard/",
        "/observatory/communes/38382/",
    ]
    assert_no_problem(page, live_server.url, english)
