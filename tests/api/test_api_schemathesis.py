"""schemathesis against the API's own schema, in the test suite: every operation called with generated
parameters and bodies (bounded, derandomized), anonymously and with a token, on a database holding
published and unpublished plans, open and closed datasets: no server error, and every answer has a status,
a content type and a body its schema documents."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.services import api_token_create
from api.main import api

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# A few examples per operation keep the run under half a minute on two cores.
EXAMPLES = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def api_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))


# The schema the API serves at /api/v1/openapi.json (test_the_schema_served_is_the_one_tested), loaded
# when the module is collected (no request: the database is not open yet), called through WSGI.
schema = schemathesis.openapi.from_dict(api_schema())
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def unlimited(settings):
    settings.API_ANON_RATE = ""  # every generated call answered, none refused by the rate limit


@pytest.fixture(autouse=True)
def connection_kept():
    """The start and the end of a request close the database connection, the test's transaction with it:
    Django's own test client keeps it open across its requests, and so must these WSGI calls."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def advisor_token(world) -> str:
    """The advisor of the world's commune: reads its draft and published plans, edits their actions."""
    return api_token_create(user=world.cast.advisor, name="schemathesis")[1]


def no_repeated_key(pairs: list) -> dict:
    keys = [key for key, _value in pairs]
    assert len(keys) == len(set(keys)), keys  # Swagger UI refuses the whole schema ("duplicated mapping key")
    return dict(pairs)


def test_the_schema_served_is_the_one_tested(client):
    served = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_repeated_key)
    assert served == api_schema()


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_anonymous_calls_answer_as_the_schema_says(case, world):
    case.call_and_validate(checks=CHECKS)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_token_calls_answer_as_the_schema_says(case, advisor_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {advisor_token}"}, checks=CHECKS)
