"""End to end, in a real browser: an advisor invites a référent, whose new account then works."""

import re

import pytest
from django.conf import settings
from django.core import mail

from communes.models import Membership, Role
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENT_PASSWORD = "Sobriete-energetique-2030"


def test_advisor_invites_a_referent_whose_account_then_works(live_server, new_page):
    commune = CommuneFactory(name="Saint-Égrève", insee_code="38382")
    CommuneFactory(name="Sassenage", insee_code="38474")
    advisor = UserFactory(email="claire@example.org", full_name="Claire Martin")
    MembershipFactory(user=advisor, commune=commune, role=Role.ADVISOR)

    # The advisor signs in and lands on her portfolio, which lists her commune only.
    page = new_page()
    sign_in(page, live_server.url, "claire@example.org", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Mon portefeuille"
    table = page.locator("#portfolio-table")
    assert table.get_by_role("link", name="Saint-Égrève").is_visible()
    assert "Sassenage" not in table.inner_text()

    # She opens the commune and invites its référent énergie-climat.
    table.get_by_role("link", name="Saint-Égrève").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Saint-Égrève")
    page.get_by_role("link", name="Inviter une personne").click()
    page.get_by_label("Adresse e-mail").fill("Romain.Referent@Example.org")
    page.get_by_label("Rôle dans la commune").select_option(Role.REFERENT)
    page.get_by_role("button", name="Envoyer l'invitation").click()
    assert "romain.referent@example.org" in page.locator(".alert-success").inner_text()
    assert "romain.referent@example.org" in page.locator("#pending-invitations").inner_text()

    # The référent receives the email and follows its link in another browser.
    assert [message.to for message in mail.outbox] == [["romain.referent@example.org"]]
    link = re.search(r"(/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert settings.SITE_URL + link in mail.outbox[0].body
    referent_page = new_page()
    referent_page.goto(live_server.url + link)
    referent_page.get_by_label("Nom complet").fill("Romain Référent")
    referent_page.get_by_label("Nouveau mot de passe*", exact=True).fill(REFERENT_PASSWORD)
    referent_page.get_by_label("Confirmation du nouveau mot de passe").fill(REFERENT_PASSWORD)
    referent_page.get_by_role("button", name="Créer mon compte").click()
    assert referent_page.get_by_role("heading", level=1).inner_text().startswith("Saint-Égrève")
    assert "Bienvenue" in referent_page.locator(".alert-success").inner_text()

    # Signed out and back in with the password he chose, he reaches his commune, with no edit rights.
    referent_page.get_by_role("button", name="Romain Référent").click()
    referent_page.get_by_role("button", name="Se déconnecter").click()
    sign_in(referent_page, live_server.url, "romain.referent@example.org", REFERENT_PASSWORD)
    assert referent_page.get_by_role("heading", level=1).inner_text().startswith("Saint-Égrève")
    assert referent_page.get_by_role("link", name="Inviter une personne").count() == 0
    assert (
        Membership.objects.filter(user__email="romain.referent@example.org", role=Role.REFERENT).count() == 1
    )

    # Back on the advisor's side, the référent now shows on the commune page.
    page.reload()
    assert "Romain Référent" in page.locator("#members-table").inner_text()
