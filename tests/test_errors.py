"""Error pages (pcl/errors.py): a database that does not answer gets a 503 page, with no traceback."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def test_a_database_that_does_not_answer_gets_a_503_page_that_says_to_retry(production, cast, monkeypatch):
    production.force_login(cast.referent)

    def unreachable(self):
        raise OperationalError('connection failed: server closed the connection unexpectedly "secret-host"')

    monkeypatch.setattr(SessionStore, "_get_session_from_db", unreachable)
    response = production.get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    content = response.content.decode()
    assert "Service momentanément indisponible" in content
    assert "secret-host" not in content and "Traceback" not in content


def test_any_other_error_gets_the_500_page(production, cast, monkeypatch):
    production.force_login(cast.referent)

    def broken(self):
        raise RuntimeError("a bug named secret-bug")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", broken)
    response = production.get(reverse("home"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Erreur du serveur" in content
    assert "secret-bug" not in content


def test_an_error_raised_while_the_database_did_not_answer_gets_the_503_page(production, cast, monkeypatch):
    """A database error turned into another one on its way up (a template, a broken transaction)."""
    production.force_login(cast.referent)

    def unreachable_then_broken(self):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise TransactionManagementError("An error occurred in the current transaction.")  # noqa: B904

    monkeypatch.setattr(SessionStore, "_get_session_from_db", unreachable_then_broken)
    response = production.get(reverse("home"))
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.content.decode()
