"""The accessibility tour of the network's administrator (see test_accessibility.py for what the tours
check); a module of its own, so that `--dist loadscope` can run it beside the anonymous tour."""

import pytest

from tests.browser.conftest import State, open_details, open_menu, sign_in, submit, with_errors
from tests.browser.tours import NOTHING_FOUND, USER_MENU, assert_no_problem
from tests.factories import PASSWORD, TerritoryFactory, voironnais_territory

# The administrator sees every territory; the observatory of the one with data (the first by name is another).
METRO_OBSERVATORY = "/observatory/?territory=grenoble-alpes-metropole"
METRO_NETWORK = "/reporting/?territory=grenoble-alpes-metropole"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_pages_have_no_accessibility_violation(live_server, page, network):
    """Everything the network's administrator runs: communes, signatories, audit, observatory imports and
    targets, catalogue, letters, documents, the network's dashboard, the territories compared; with their
    forms' errors."""
    n = network
    letter, entry = n["letter"].pk, n["entry"].pk
    steps = [
        "/portfolio/",
        open_menu("/portfolio/", "#nav-evaluation", "evaluation menu open"),
        open_menu("/portfolio/", USER_MENU, "account menu open"),
        "/communes/",
        f"/communes/?q={NOTHING_FOUND}",
        State("/communes/?page=2", "second page", shows=".pagination"),
        "/communes/38382/",
        "/communes/38382/edit/",
        with_errors("/communes/38382/edit/", clear=False, fill={"#id_population": "-5"}),
        "/communes/38382/invite/",
        with_errors("/communes/38382/invite/"),
        "/signatories/",
        "/signatories/?type=company",
        State("/signatories/?page=2", "second page", shows=".pagination"),
        "/signatories/new/",
        with_errors("/signatories/new/"),
        f"/signatories/{n['signatory'].pk}/edit/",
        "/account/",
        State("/account/", "saved", submit(clear=False), shows=".alert-success"),
        "/password/change/",
        with_errors("/password/change/"),
        "/audit/",
        State("/audit/?page=2", "second page", shows=".pagination"),
        f"/audit/?q={NOTHING_FOUND}",
        METRO_OBSERVATORY,
        open_details(METRO_OBSERVATORY),
        open_menu(METRO_OBSERVATORY, "main [data-bs-toggle=dropdown]", "downloads menu open"),
        "/observatory/imports/",
        "/observatory/imports/new/",
        with_errors("/observatory/imports/new/"),
        f"/observatory/imports/{n['batch'].pk}/",
        "/observatory/targets/",
        "/observatory/targets/new/",
        with_errors("/observatory/targets/new/", fill={"#id_target_year": "1800"}),
        f"/observatory/targets/{n['target'].pk}/edit/",
        "/catalogue/",
        f"/catalogue/?q={NOTHING_FOUND}",
        State("/catalogue/?page=2", "second page", shows=".pagination"),
        f"/catalogue/{entry}/",
        "/catalogue/new/",
        with_errors("/catalogue/new/"),
        f"/catalogue/{entry}/edit/",
        METRO_NETWORK,
        open_details(METRO_NETWORK),
        METRO_NETWORK + "&year_from=2023&year_to=2023",
        "/reporting/letters/",
        "/reporting/letters/new/",
        with_errors("/reporting/letters/new/"),
        f"/reporting/letters/{letter}/",
        f"/reporting/letters/{letter}/edit/",
        with_errors(f"/reporting/letters/{letter}/edit/"),
        State(f"/reporting/letters/{letter}/email/", "the email as sent", email=True),
        "/reporting/documents/",
        f"/reporting/documents/{n['document'].pk}/",
        "/workgroups/reminders/",
        "/territories/",
        "/territories/?sort=emissions",
        State("/territories/?page=2", "second page", shows=".pagination"),
        f"/territories/?sort={NOTHING_FOUND}",
    ]
    # Three territories on the platform, so that the territories compared have a second page.
    voironnais_territory()
    TerritoryFactory(siren="200030658", name="Communauté de communes du Grésivaudan", slug="gresivaudan")
    sign_in(page, live_server.url, "admin@example.org", PASSWORD)
    assert_no_problem(page, live_server.url, steps)
    phone = [
        open_menu("/communes/", ".navbar-toggler", "menu open"),
        "/signatories/",
        "/audit/",
        "/observatory/",
        "/observatory/imports/",
        "/observatory/targets/",
        "/reporting/",
        "/reporting/letters/",
        f"/reporting/letters/{letter}/edit/",
        "/reporting/documents/",
        "/territories/",
    ]
    assert_no_problem(page, live_server.url, phone, width=390)
