"""axe-core (WCAG 2.1 A and AA rules, the basis of the RGAA) finds no violation on any page of the platform,
in any of its states: forms sent back with their errors, menus and dialogs opened, the data behind the
charts unfolded, filters that find nothing, a second page of a list, English, a phone's 390 px.

A few tours, one per role (each signs in once on one data set, then visits many pages and states): adding
a page is adding its path to a list, adding a state is one `State`/`with_errors`/`open_details`/`open_menu`
line. docs/accessibility.md lists which tour covers which page and state."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from communes import services as commune_services
from tests.browser.conftest import State, open_details, open_menu, sign_in, submit, tour_problems, with_errors
from tests.browser.tours import NOTHING_FOUND, USER_MENU, assert_no_problem, choose_language
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_without_an_account_have_no_accessibility_violation(live_server, page, network):
    """Signing in, a forgotten password, an invitation to follow, a page that does not exist."""
    user = network["advisor"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset = f"/password/reset/{uid}/{default_token_generator.make_token(user)}/"
    invited = f"/invitations/{commune_services.invitation_token(network['invitation'])}/"
    steps = [
        "/login/",
        with_errors("/login/"),
        with_errors("/login/", fill={"#id_username": "claire@example.org", "#id_password": "faux"}),
        "/password/reset/",
        with_errors("/password/reset/", fill={"#id_email": "pas-une-adresse"}),
        "/password/reset/sent/",
        "/password/reset/MQ/mauvais-jeton/",
        reset,
        # Django's confirm view moves the token into the session: the form now stands at .../set-password/.
        State(
            reset,
            "form with errors",
            lambda page: (
                page.locator("#id_new_password1").fill("court"),
                page.locator("#id_new_password2").fill("autre"),
                page.locator("main form button[type=submit]").click(),
                page.wait_for_load_state(),
            ),
            shows=".invalid-feedback, .errorlist, .is-invalid",
        ),
        "/password/reset/done/",
        invited,
        with_errors(invited),
        "/invitations/jeton-inconnu/",
        "/cette-page-n-existe-pas/",
    ]
    assert_no_problem(page, live_server.url, steps)
    assert_no_problem(page, live_server.url, ["/login/", "/password/reset/"], width=390)
    # A state the tour does not reach is reported, not passed over.
    unreached = State("/login/", "never", shows="#no-such-element")
    assert tour_problems(page, live_server.url, [unreached]) == {
        "/login/ [never]": "state not reached: nothing matches #no-such-element"
    }
    choose_language(page, "en")
    assert_no_problem(page, live_server.url, ["/login/", with_errors("/login/"), "/password/reset/"])


def test_administrator_pages_have_no_accessibility_violation(live_server, page, network):
    """Everything the network's administrator runs: communes, signatories, audit, observatory imports and
    targets, catalogue, letters, documents, the network's dashboard; with their forms' errors."""
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
        "/observatory/",
        open_details("/observatory/"),
        open_menu("/observatory/", "main [data-bs-toggle=dropdown]", "downloads menu open"),
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
        "/reporting/",
        open_details("/reporting/"),
        "/reporting/?year_from=2023&year_to=2023",
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
    ]
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
    ]
    assert_no_problem(page, live_server.url, phone, width=390)
