"""Amounts and quantities typed the French way are stored as typed, whichever language the page is in."""

from decimal import Decimal

import pytest
from django.conf import settings

from actions.models import BudgetLine, HistoryEntry
from tests.actions.factories import BudgetLineFactory
from tests.actions.helpers import action_data, grid_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_language(as_role):
    """A signed-in client whose pages are in the given language (the language switch's cookie)."""

    def client_of(role, language):
        client = as_role(role)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return client_of


def test_a_decimal_comma_typed_on_the_english_page_is_stored_as_a_decimal(in_language, scene):
    action = scene.action
    action.mwh_saved = Decimal("125")
    action.save()
    response = in_language("referent", "en").post(
        url("action_edit", action.pk),
        action_data(action, mwh_saved="12,5", tco2e_avoided="1 234,5", mwh_renewable="1,234.5"),
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.mwh_saved, action.tco2e_avoided, action.mwh_renewable) == (
        Decimal("12.50"),
        Decimal("1234.50"),
        Decimal("1234.50"),
    )
    changes = {
        change["field"]: (change["before"], change["after"]) for change in action.history.get().changes
    }
    assert changes["energy saved (MWh/year)"] == ("125", "12.5")
    assert changes["emissions avoided (t CO2e/year)"] == ("—", "1,234.5")


def test_amounts_with_cents_typed_in_french_are_stored_and_shown_with_their_cents(in_language, scene):
    action = scene.action
    line = BudgetLineFactory(action=action, year=2025, forecast=Decimal("1000"))
    data = grid_data(action, {"investment-forecast-2025": "1\u202f000,00", "investment-actual-2025": "12,5"})
    response = in_language("referent", "en").post(url("action_budget", action.pk), data)
    assert response.status_code == 302
    assert BudgetLine.objects.get(pk=line.pk).actual == Decimal("12.50")
    entry = HistoryEntry.objects.get(action=action)
    assert [(change["before"], change["after"]) for change in entry.changes] == [("—", "€12.50")]
    # The French page shows the amount with its cents, in the form and on the action's page.
    client = in_language("referent", "fr")
    assert 'value="12,50"' in client.get(url("action_budget", action.pk)).content.decode()
    assert "12,50\u00a0€" in client.get(url("action", action.pk)).content.decode()


def test_the_edit_form_shows_quantities_the_pages_language_way(in_language, scene):
    action = scene.action
    action.mwh_saved = Decimal("1234.50")
    action.save()
    assert (
        'value="1\u202f234,5"'
        in in_language("referent", "fr").get(url("action_edit", action.pk)).content.decode()
    )
    page = in_language("referent", "en").get(url("action_edit", action.pk)).content.decode()
    assert 'name="mwh_saved" value="1,234.5" inputmode="decimal"' in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_number_that_is_not_one_changes_nothing_and_says_why(in_language, scene, language):
    client = in_language("referent", language)
    action = scene.action
    response = client.post(url("action_edit", action.pk), action_data(action, mwh_saved="12,5 MWh"))
    assert response.status_code == 200
    page = response.content.decode()
    message = {"fr": "n&#x27;est pas un nombre", "en": "is not a number"}[language]
    assert message in page
    assert 'href="#id_mwh_saved"' in page
    action.refresh_from_db()
    assert (action.mwh_saved, action.revision) == (None, 1)
