"""Personal tokens: made and revoked in the account page, shown once, stored as a digest; and what a token
reads and writes, role by role, under the permission module of the pages (the matrix below covers every
operation of the API: `test_the_matrix_covers_every_operation`)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke, token_digest
from api.main import api
from tests.api.conftest import API, token_client
from tests.workgroups.helpers import tr

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("accounts:account")


# --- the account page ---------------------------------------------------------------------------


def test_a_person_creates_a_token_sees_it_once_and_only_its_digest_is_kept(login, cast):
    client = login(cast.advisor)
    response = client.post(reverse("accounts:token_create"), {"name": "Export SIG"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = response.context["raw_token"]
    assert raw.startswith("pcl_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=cast.advisor)
    assert (token.name, token.prefix, token.digest) == ("Export SIG", raw[:12], token_digest(raw))
    assert raw not in {token.digest, token.prefix}
    page = client.get(ACCOUNT).content.decode()
    assert "Export SIG" in page and token.prefix in page and raw not in page
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{API}/plans").status_code == 200


def test_a_token_needs_a_name(login, cast):
    response = login(cast.advisor).post(reverse("accounts:token_create"), {"name": "  "})
    assert response.status_code == 200 and "raw_token" not in response.context
    assert not ApiToken.objects.exists()


def test_the_account_page_lists_tokens_in_a_fixed_number_of_queries(
    login, cast, django_assert_max_num_queries
):
    client = login(cast.advisor)
    client.get(ACCOUNT)
    with django_assert_max_num_queries(12) as few:
        client.get(ACCOUNT)
    for number in range(8):
        api_token_create(user=cast.advisor, name=f"Outil {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(ACCOUNT).content.decode()
    assert "Outil 7" in page


def test_a_person_revokes_their_token_after_confirming_and_it_no_longer_opens_the_api(login, cast):
    token, raw = api_token_create(user=cast.advisor, name="Tableau de bord")
    client = login(cast.advisor)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 200  # the confirmation
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302 and response.url == ACCOUNT
    token.refresh_from_db()
    assert token.revoked_at is not None
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{API}/plans")
    assert answer.status_code == 401
    assert answer.json()["detail"] == tr(
        "This token is not valid: it is unknown, revoked, or its account is deactivated. "
        "Create a new one in your account page."
    )
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_anothers_token(login, cast):
    token, _raw = api_token_create(user=cast.advisor, name="Outil")
    assert login(cast.referent).post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_pages_need_signing_in(client, cast):
    token, _raw = api_token_create(user=cast.advisor, name="Outil")
    for url in (reverse("accounts:token_create"), reverse("accounts:token_revoke", args=[token.pk])):
        response = client.post(url, {"name": "x"})
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert ApiToken.objects.count() == 1


# --- tokens refused --------------------------------------------------------------------------------


def test_a_bad_a_revoked_or_a_deactivated_persons_token_is_refused_with_401(cast):
    token, raw = api_token_create(user=cast.referent, name="Outil")
    bad = [f"Bearer {raw}x", "Bearer pcl_unknown", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"]
    for header in bad:
        response = Client(HTTP_AUTHORIZATION=header).get(f"{API}/territories")
        assert response.status_code == 401, header
        assert response.json()["detail"]
    api_token_revoke(token=token)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{API}/territories").status_code == 401
    _token, raw = api_token_create(user=cast.elected, name="Outil")
    cast.elected.is_active = False
    cast.elected.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{API}/territories").status_code == 401


def test_the_session_does_not_authenticate_the_api(login, world):
    client = login(world.cast.advisor)  # a signed-in browser, no token: anonymous to the API
    ids = [plan["id"] for plan in client.get(f"{API}/plans").json()["results"]]
    assert ids == [world.published.pk]
    assert (
        client.patch(
            f"{API}/actions/{world.scene.action.pk}/follow-up",
            {"revision": 1},
            content_type="application/json",
        ).status_code
        == 401
    )


def test_a_token_records_when_it_was_last_used(cast):
    token, raw = api_token_create(user=cast.referent, name="Outil")
    Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"{API}/territories")
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- the permission matrix ----------------------------------------------------------------------------

# The cast (tests/conftest.py) around the scene's draft plan and its action (tests/actions/factories.py),
# beside the world's published plan (tests/api/conftest.py). "staff_owner" is responsible for the action.
PLAN_READERS = {"admin", "metro_officer", "advisor", "referent", "staff", "staff_owner", "elected"}
ACTION_EDITORS = {"admin", "advisor", "referent", "staff_owner"}
# The Métro's observatory: everyone with a part in the territory (the outsider advises another of its
# communes); not the other territory's people, not the public (the Métro's own dataset is not open).
METRO_NETWORK = PLAN_READERS | {"outsider"}
# The other commune's yearly report: its advisor (the outsider), the Métro's officer, the administrator.
REPORT_READERS = {"admin", "metro_officer", "outsider"}
ROLES = sorted(PLAN_READERS | {"outsider", "foreign_officer", "foreign_advisor", "anonymous"})


def ids(response, key="id"):
    return {row[key] for row in response.json()["results"]}


def listed(response, world, role, *, key="id", value, readers):
    """A list answers everyone; `value` is in it for `readers` only."""
    return response.status_code == 200 and (value in ids(response, key)) == (role in readers)


def found(response, world, role, *, readers):
    return response.status_code == (200 if role in readers else 404)


# (method, path as the schema names it) -> (request path, body, check(response, world, role))
def matrix(world):
    scene, cast = world.scene, world.cast
    territory = cast.territory.pk
    plan, action = scene.plan.pk, scene.action.pk
    everyone = lambda response, world, role: response.status_code == 200  # noqa: E731

    def follow_up(response, world, role):
        expected = 200 if role in ACTION_EDITORS else 401 if role == "anonymous" else 403
        if role in {"outsider", "foreign_officer", "foreign_advisor"}:
            expected = 404
        return response.status_code == expected

    closed = world.closed_dataset.code
    return {
        ("GET", "/api/v1/territories"): (f"{API}/territories", None, everyone),
        ("GET", "/api/v1/communes"): (f"{API}/communes", None, everyone),
        ("GET", "/api/v1/communes/{insee_code}"): (f"{API}/communes/38421", None, everyone),
        ("GET", "/api/v1/themes"): (f"{API}/themes", None, everyone),
        ("GET", "/api/v1/plans"): (
            f"{API}/plans",
            None,
            lambda r, w, role: listed(r, w, role, value=plan, readers=PLAN_READERS),
        ),
        ("GET", "/api/v1/plans/{plan_id}"): (
            f"{API}/plans/{plan}",
            None,
            lambda r, w, role: found(r, w, role, readers=PLAN_READERS),
        ),
        ("GET", "/api/v1/actions"): (
            f"{API}/actions",
            None,
            lambda r, w, role: listed(r, w, role, value=action, readers=PLAN_READERS),
        ),
        ("GET", "/api/v1/actions/{action_id}"): (
            f"{API}/actions/{action}",
            None,
            lambda r, w, role: found(r, w, role, readers=PLAN_READERS),
        ),
        ("PATCH", "/api/v1/actions/{action_id}/follow-up"): (
            f"{API}/actions/{action}/follow-up",
            {"revision": 1, "progress": 20},
            follow_up,
        ),
        ("GET", "/api/v1/datasets"): (
            f"{API}/datasets",
            None,
            lambda r, w, role: listed(r, w, role, key="code", value=closed, readers=METRO_NETWORK),
        ),
        ("GET", "/api/v1/observatory/series"): (
            f"{API}/observatory/series?dataset={closed}&territory={territory}&quantity=emissions",
            None,
            lambda r, w, role: found(r, w, role, readers=METRO_NETWORK),
        ),
        ("GET", "/api/v1/observatory/indicators"): (
            f"{API}/observatory/indicators?dataset={closed}&commune=38421",
            None,
            lambda r, w, role: found(r, w, role, readers=METRO_NETWORK),
        ),
        ("GET", "/api/v1/documents"): (
            f"{API}/documents",
            None,
            lambda r, w, role: listed(r, w, role, value=world.private_document.pk, readers=REPORT_READERS),
        ),
    }


def test_the_matrix_covers_every_operation(world):
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}
    assert operations == set(matrix(world))


def client_for(world, role) -> Client:
    return Client() if role == "anonymous" else token_client(world.scene.user(role))


@pytest.mark.parametrize("role", ROLES)
def test_a_token_reads_and_writes_what_the_pages_let_its_person(world, role):
    client = client_for(world, role)
    wrong = []
    for operation, (path, body, check) in matrix(world).items():
        if body is None:
            response = client.get(path)
        else:
            response = client.patch(path, body, content_type="application/json")
        if not check(response, world, role):
            wrong.append((operation, response.status_code, response.content[:200]))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_published_plan_and_its_actions(world, role):
    client = client_for(world, role)
    assert world.published.pk in ids(client.get(f"{API}/plans"))
    assert world.published_action.pk in ids(client.get(f"{API}/actions"))
    assert client.get(f"{API}/plans/{world.published.pk}").status_code == 200
    assert world.public_document.pk in ids(client.get(f"{API}/documents"))


def test_the_responsible_person_is_shown_to_the_plans_readers_only(world):
    path = f"{API}/actions/{world.published_action.pk}"
    assert client_for(world, "referent").get(path).json()["responsible"] == world.scene.owner.get_full_name()
    for role in ("anonymous", "outsider", "foreign_officer"):
        assert client_for(world, role).get(path).json()["responsible"] is None
