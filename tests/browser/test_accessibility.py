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
from tests.browser.conftest import State, tour_problems, with_errors
from tests.browser.tours import assert_no_problem, choose_language

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
