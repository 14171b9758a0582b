import copy
import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from kombu.exceptions import OperationalError
from pytest_django.fixtures import validate_django_db

from communes.models import Role
from pcl import jobs
from pcl.celery import app as celery_app
from tests import database_reset
from tests.factories import (
    PASSWORD,
    CommuneFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
    voironnais_territory,
)

pytest_plugins = ["tests.browser.fixtures"]


def pytest_configure(config):
    """Parallel workers (`pytest -n`) each use their own Redis database: tests clear the cache, which
    must not wipe what another worker's test is counting (sign-in failures, import progress)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    from django.conf import settings

    cache = settings.CACHES["default"]
    if "redis" not in cache["BACKEND"].lower():
        return
    url = urlsplit(cache["LOCATION"])
    database = int(url.path.strip("/") or 0) + 1 + int(worker[2:])
    location = urlunsplit(url._replace(path=f"/{database % 16}"))
    settings.CACHES = {**settings.CACHES, "default": {**cache, "LOCATION": location}}


# Every transactional test leaves the database as `migrate` made it (the reference data included),
# whatever ran before it on the worker: tests/database_reset.py.
database_reset.install()


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase (the same rule as its own)."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction_, reset_sequences, *_ = validate_django_db(marker)
        if transaction_ or reset_sequences:
            return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started after the test database is made and so stopped before it is
    dropped: its thread's database connection is closed by then (PostgreSQL otherwise waits 5 s for it at
    the end of the session, then refuses to drop the database: "being accessed by other users")."""
    return live_server


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    """Tasks run in-process in tests, whether or not a broker is configured."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True, scope="session")
def no_eager_beat():
    """The in-process beat (pcl/jobs.py EagerBeatMiddleware) never starts in tests: the first test that
    turns JOBS_EAGER_IN_BACKGROUND on would otherwise leave its thread running for the rest of the
    worker's run, sweeping stale jobs in the test database every 10 minutes, under whatever test runs
    then. tests/test_jobs.py checks when it starts, with its own flag."""
    jobs._beat_started.set()


@pytest.fixture
def broker_fails_after_commit(monkeypatch):
    """A real broker configuration whose queue answered when the job was asked for (require_queue)
    but refuses the job once the request's transaction has committed."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    monkeypatch.setattr(jobs, "queue_available", lambda: True)
    monkeypatch.setattr("celery.app.task.Task.apply_async", refuse)
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def language_back_to_default():
    """A request activates its language in the thread (pcl.middleware) and leaves it there; code a test
    runs outside a request afterwards (a service's message) speaks LANGUAGE_CODE again, as in a worker."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_test_settings(settings):
    # Real password hashing costs ~0.3 s per user; the cast alone has nine.
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Cast:
    """The fixed cast of the permission tests: one person per role around `commune`, of Grenoble-Alpes
    Métropole (`territory`), and a second territory, the Pays Voironnais (`foreign_territory`), with a
    commune, its officer and its advisor: nothing of one territory is visible from the other."""

    commune: object
    other_commune: object
    admin: object
    metro_officer: object
    advisor: object
    referent: object
    staff: object
    elected: object
    outsider: object
    territory: object = None
    foreign_territory: object = None
    foreign_commune: object = None
    foreign_officer: object = None
    foreign_advisor: object = None


def build_cast() -> Cast:
    territory = TerritoryFactory()
    commune = CommuneFactory(name="Saint-Martin-d'Hères", insee_code="38421", territory=territory)
    other = CommuneFactory(name="Échirolles", insee_code="38151", territory=territory)
    foreign_territory = voironnais_territory()
    foreign_commune = CommuneFactory(name="Voiron", insee_code="38563", territory=foreign_territory)

    def member(role, full_name):
        return MembershipFactory(commune=commune, role=role, user__full_name=full_name).user

    outsider = UserFactory(full_name="Olivier Outsider")
    MembershipFactory(user=outsider, commune=other, role=Role.ADVISOR)
    return Cast(
        commune=commune,
        other_commune=other,
        admin=UserFactory(full_name="Alice Admin", is_superuser=True, is_staff=True),
        metro_officer=UserFactory(full_name="Marc Métro", officer_of=territory),
        advisor=member(Role.ADVISOR, "Claire Conseillère"),
        referent=member(Role.REFERENT, "Romain Référent"),
        staff=member(Role.STAFF, "Sandra Services"),
        elected=member(Role.ELECTED, "Émile Élu"),
        outsider=outsider,
        territory=territory,
        foreign_territory=foreign_territory,
        foreign_commune=foreign_commune,
        foreign_officer=UserFactory(full_name="Valérie Voironnais", officer_of=foreign_territory),
        foreign_advisor=MembershipFactory(
            commune=foreign_commune, role=Role.ADVISOR, user__full_name="Victor Voiron"
        ).user,
    )


def shares_the_cast(module: pytest.Module) -> bool:
    """Whether every database test of the module starts from the cast, none of them transactional."""
    items = [item for item in module.session.items if getattr(item, "module", None) is module.obj]
    uses_database = [
        item
        for item in items
        if item.get_closest_marker("django_db") or "db" in item.fixturenames or is_transactional(item)
    ]
    return all("cast" in item.fixturenames and not is_transactional(item) for item in uses_database)


@pytest.fixture(scope="module")
def module_cast(request, django_db_setup, django_db_blocker):
    """The cast built once for a module whose every database test uses it (about 90 queries a test
    otherwise), in a transaction held open until the module ends, then rolled back. Each test's own
    transaction is a savepoint inside it, rolled back after the test: every test starts from the cast
    as it was built, as when each built its own. None for the other modules: their tests build theirs."""
    if not shares_the_cast(request.node):
        yield None
        return
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS):
            built = build_cast()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def cast(module_cast, db) -> Cast:
    """The fixed cast; the module's (copied, as Django's setUpTestData does, so that a test changing an
    instance leaves the next test the one in the database) or, in other modules, the test's own."""
    if module_cast is None:
        return build_cast()
    return copy.deepcopy(module_cast)


@pytest.fixture
def login(client):
    def login_as(user):
        client.force_login(user)
        return client

    return login_as


@pytest.fixture
def password():
    return PASSWORD
