"""The accessibility tours of a commune's référent and élu (test_accessibility.py says what tours check)."""

import pytest

from tests.browser.conftest import open_details, sign_in, with_errors
from tests.browser.tours import assert_no_problem
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_referent_and_elected_pages_have_no_accessibility_violation(live_server, new_page, network):
    """The référent's follow-up (with its errors); what an élu reads."""
    plan, late, meeting = network["plan"].pk, network["late"].pk, network["meeting"].pk
    page = new_page()
    sign_in(page, live_server.url, "romain@example.org", PASSWORD)
    referent = [
        "/communes/38382/",
        "/to-update/",
        f"/actions/{late}/follow-up/",
        with_errors(f"/actions/{late}/follow-up/", clear=False, fill={"#id_progress": "250"}),
        open_details(f"/actions/{late}/follow-up/"),
        f"/actions/{late}/",
        f"/actions/{late}/planning/",
        f"/plans/{plan}/",
        f"/meetings/{meeting}/",
        f"/meetings/{meeting}/edit/",
        with_errors(f"/meetings/{meeting}/edit/", clear=False, fill={"#id_starts_at": "demain"}),
    ]
    assert_no_problem(page, live_server.url, referent)

    page = new_page()
    sign_in(page, live_server.url, "emile@example.org", PASSWORD)
    elected = [
        "/communes/38382/",
        f"/plans/{plan}/",
        "/communes/38382/dashboard/",
        open_details("/communes/38382/dashboard/"),
        "/communes/38382/documents/",
        "/communes/38382/group/",
        "/observatory/communes/38382/",
        # A page the élu may not open.
        "/audit/",
    ]
    assert_no_problem(page, live_server.url, elected)
