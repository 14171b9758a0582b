from dataclasses import dataclass

import pytest
from django.core.cache import cache

from communes.models import Role
from pcl.celery import app as celery_app
from tests.factories import PASSWORD, CommuneFactory, MembershipFactory, UserFactory

pytest_plugins = ["tests.browser.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    """Tasks run in-process in tests, whether or not a broker is configured."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_test_settings(settings):
    # Real password hashing costs ~0.3 s per user; the cast alone has nine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Cast:
    """The fixed cast of the permission tests: one person per role around `commune`."""

    commune: object
    other_commune: object
    admin: object
    metro_officer: object
    advisor: object
    referent: object
    staff: object
    elected: object
    outsider: object


@pytest.fixture
def cast(db):
    commune = CommuneFactory(name="Saint-Martin-d'Hères", insee_code="38421")
    other = CommuneFactory(name="Échirolles", insee_code="38151")

    def member(role, full_name):
        return MembershipFactory(commune=commune, role=role, user__full_name=full_name).user

    outsider = UserFactory(full_name="Olivier Outsider")
    MembershipFactory(user=outsider, commune=other, role=Role.ADVISOR)
    return Cast(
        commune=commune,
        other_commune=other,
        admin=UserFactory(full_name="Alice Admin", is_superuser=True, is_staff=True),
        metro_officer=UserFactory(full_name="Marc Métro", is_metro_officer=True),
        advisor=member(Role.ADVISOR, "Claire Conseillère"),
        referent=member(Role.REFERENT, "Romain Référent"),
        staff=member(Role.STAFF, "Sandra Services"),
        elected=member(Role.ELECTED, "Émile Élu"),
        outsider=outsider,
    )


@pytest.fixture
def login(client):
    def login_as(user):
        client.force_login(user)
        return client

    return login_as


@pytest.fixture
def password():
    return PASSWORD
