"""Signing in (with throttling), signing out, password reset and change, the account page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_page_speaks_french_by_default_whatever_the_browser_asks(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "Connexion" in content


def test_language_switch_turns_the_interface_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Sign in" in content


def test_a_person_signs_in_with_their_email_in_any_case(client, password):
    user = UserFactory(email="claire@example.org")
    response = sign_in(client, "Claire@Example.org", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="claire@example.org")
    response = sign_in(client, "claire@example.org", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="claire@example.org")
    for _ in range(3):
        sign_in(client, "claire@example.org", "wrong")
    response = sign_in(client, "claire@example.org", password)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert [error.code for error in response.context["form"].non_field_errors().as_data()] == ["locked"]


def test_lockout_of_one_account_does_not_lock_another(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 2
    UserFactory(email="claire@example.org")
    UserFactory(email="thomas@example.org")
    for _ in range(2):
        sign_in(client, "claire@example.org", "wrong")
    assert sign_in(client, "thomas@example.org", password).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, settings, password):
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(email="claire@example.org")
    sign_in(client, "claire@example.org", "wrong")
    sign_in(client, "claire@example.org", "wrong")
    assert sign_in(client, "claire@example.org", password).status_code == 302
    client.logout()
    sign_in(client, "claire@example.org", "wrong")
    sign_in(client, "claire@example.org", "wrong")
    assert sign_in(client, "claire@example.org", password).status_code == 302


def test_an_inactive_account_cannot_sign_in(client, password):
    UserFactory(email="gone@example.org", is_active=False)
    assert sign_in(client, "gone@example.org", password).status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client, password):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_lets_a_person_choose_a_new_password(client):
    UserFactory(email="claire@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "claire@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-mot-de-passe-42", "new_password2": "Un-nouveau-mot-de-passe-42"},
    )
    assert response.status_code == 302
    assert sign_in(client, "claire@example.org", "Un-nouveau-mot-de-passe-42").status_code == 302


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_account_page_shows_roles_and_saves_the_name(client, cast):
    client.force_login(cast.referent)
    response = client.get(reverse("accounts:account"))
    assert "Saint-Martin-d&#x27;Hères" in response.content.decode()
    response = client.post(reverse("accounts:account"), {"full_name": "Romain R."})
    assert response.status_code == 302
    cast.referent.refresh_from_db()
    assert cast.referent.full_name == "Romain R."


def test_password_change(client, password):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Encore-un-autre-42",
            "new_password2": "Encore-un-autre-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Encore-un-autre-42")
