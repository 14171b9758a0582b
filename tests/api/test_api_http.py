"""The API over HTTP: pages, filters, validation of the filters, ETags and cache headers, the anonymous
rate limit, and a fixed number of queries per list whatever its length."""

import pytest
from django.core.cache import cache
from django.test import Client

from actions.models import Theme
from actions.services import plan_publish
from tests.actions.factories import ActionFactory, BudgetLineFactory, MilestoneFactory, adopted_plan
from tests.api.conftest import API, token_client
from tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- pages ---------------------------------------------------------------------------------------------


def test_lists_come_in_pages_with_their_count_and_the_next_page(anonymous, world):
    first = anonymous.get(f"{API}/communes?limit=2").json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/communes?limit=2&offset=2"
    second = anonymous.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/communes?limit=2&offset=0"
    codes = [row["insee_code"] for row in first["results"] + second["results"]]
    assert codes == ["38151", "38421", "38563"]  # by name: Échirolles, Saint-Martin-d'Hères, Voiron


def test_a_page_is_at_most_the_largest_page_size(anonymous, world, settings):
    settings.API_MAX_PAGE_SIZE = 2
    assert len(results(anonymous.get(f"{API}/themes?limit=50"))) == 2
    assert anonymous.get(f"{API}/themes?limit=100000").status_code == 422
    assert anonymous.get(f"{API}/themes?limit=0").status_code == 422


# --- filters -------------------------------------------------------------------------------------------


@pytest.fixture
def plans(world):
    """Three published plans: the world's (Saint-Martin-d'Hères, 2024-2030, an action of the first theme in
    progress), Échirolles's (2018-2023, an action done of the second theme), Voiron's (another territory)."""
    cast = world.cast
    plan_publish(plan=world.unpublished, user=cast.admin, published=False)
    older = adopted_plan(cast.other_commune, title="Plan 2018", start_year=2018, end_year=2023)
    second_theme = Theme.objects.order_by("pk")[1]
    ActionFactory(plan=older, title="Action d'Échirolles", status="done", theme=second_theme)
    plan_publish(plan=older, user=cast.admin, published=True)
    voiron = adopted_plan(cast.foreign_commune, title="Plan de Voiron")
    ActionFactory(plan=voiron, title="Action de Voiron", status="planned")
    plan_publish(plan=voiron, user=cast.admin, published=True)
    return {"older": older, "voiron": voiron, "second_theme": second_theme}


def titles(response, key="title"):
    return sorted(row[key] for row in results(response))


def test_plans_filter_by_territory_commune_status_and_year(anonymous, world, plans):
    metro, voironnais = world.cast.territory.pk, world.cast.foreign_territory.pk
    published = world.published.title
    assert titles(anonymous.get(f"{API}/plans?territory={metro}")) == sorted([published, "Plan 2018"])
    assert titles(anonymous.get(f"{API}/plans?territory={voironnais}")) == ["Plan de Voiron"]
    assert titles(anonymous.get(f"{API}/plans?commune=38151")) == ["Plan 2018"]
    assert titles(anonymous.get(f"{API}/plans?status=follow_up&year=2020")) == ["Plan 2018"]
    assert titles(anonymous.get(f"{API}/plans?year=2026&territory={metro}")) == [published]
    assert titles(anonymous.get(f"{API}/plans?status=deliberated")) == []


def test_actions_filter_by_territory_commune_plan_status_theme_and_year(anonymous, world, plans):
    metro = world.cast.territory.pk
    assert titles(anonymous.get(f"{API}/actions?territory={metro}&status=done")) == ["Action d'Échirolles"]
    assert titles(anonymous.get(f"{API}/actions?commune=38563")) == ["Action de Voiron"]
    assert titles(anonymous.get(f"{API}/actions?plan={plans['older'].pk}")) == ["Action d'Échirolles"]
    assert titles(anonymous.get(f"{API}/actions?theme={plans['second_theme'].pk}")) == ["Action d'Échirolles"]
    assert titles(anonymous.get(f"{API}/actions?year=2019")) == ["Action d'Échirolles"]
    assert titles(anonymous.get(f"{API}/actions?status=in_progress")) == ["Isoler la mairie"]


def test_communes_and_datasets_filter_by_territory(anonymous, world):
    assert titles(anonymous.get(f"{API}/communes?territory={world.cast.foreign_territory.pk}"), "name") == [
        "Voiron"
    ]
    assert titles(anonymous.get(f"{API}/datasets?territory={world.cast.territory.pk}"), "code") == [
        "open-api"
    ]


@pytest.mark.parametrize(
    "query, field",
    [
        ("/plans?status=adopted", "status"),
        ("/actions?status=late", "status"),
        ("/actions?year=20", "year"),
        ("/actions?theme=abc", "theme"),
        ("/plans?commune=Grenoble", "commune"),
        ("/observatory/series?dataset=open-api&territory=1&quantity=heat", "quantity"),
    ],
)
def test_an_unknown_filter_value_is_422_naming_the_filter_and_why(anonymous, world, query, field):
    response = anonymous.get(API + query)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][0] == "query" and error["loc"][-1] == field and error["msg"]


def test_the_observatory_needs_a_territory_or_a_commune_of_it(anonymous, world):
    response = anonymous.get(f"{API}/observatory/series?dataset=open-api&quantity=emissions")
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "territory"]]
    foreign = world.cast.foreign_territory.pk
    response = anonymous.get(
        f"{API}/observatory/indicators?dataset=open-api&commune=38421&territory={foreign}"
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", "commune"]]
    unknown = anonymous.get(f"{API}/observatory/series?dataset=open-api&territory=999999&quantity=emissions")
    assert unknown.status_code == 404


# --- ETags and cache headers ------------------------------------------------------------------------


def test_a_client_with_the_same_answer_gets_304_and_a_changed_one_200(anonymous, world):
    path = f"{API}/plans/{world.published.pk}"
    first = anonymous.get(path)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"].startswith("public, max-age=")
    again = anonymous.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    world.published.deliberation_number = "2024-099"
    world.published.save()
    changed = anonymous.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_token_answers_are_private_and_vary_on_the_token(world):
    response = token_client(world.cast.advisor).get(f"{API}/plans")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response["Vary"]
    assert "ETag" in response


def test_errors_and_writes_are_never_cached(anonymous, world):
    response = anonymous.get(f"{API}/plans/{world.draft.pk}")
    assert response.status_code == 404 and response["Cache-Control"] == "no-store" and "ETag" not in response


# --- the anonymous rate limit --------------------------------------------------------------------------


def test_anonymous_use_is_limited_and_told_when_to_retry(world, settings):
    settings.API_ANON_RATE = "3/min"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    client = Client()
    assert [client.get(f"{API}/themes").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(f"{API}/themes")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60 and refused.json()["detail"]
    # Another address has its own count; a token is not limited.
    assert Client(REMOTE_ADDR="192.0.2.7").get(f"{API}/themes").status_code == 200
    token = token_client(world.cast.referent)
    assert {token.get(f"{API}/themes").status_code for _ in range(5)} == {200}


def test_no_rate_means_no_limit(world, settings):
    settings.API_ANON_RATE = ""
    client = Client()
    assert {client.get(f"{API}/themes").status_code for _ in range(5)} == {200}


# --- queries -------------------------------------------------------------------------------------------


def more_published_actions(world, count: int) -> None:
    plan = adopted_plan(world.cast.foreign_commune, title="Plan de Voiron")
    for number in range(count):
        action = ActionFactory(plan=plan, title=f"Action {number}")
        MilestoneFactory(action=action)
        BudgetLineFactory(action=action)
    plan_publish(plan=plan, user=world.cast.admin, published=True)
    CommuneFactory(name="Voreppe", insee_code="38565", territory=world.cast.foreign_territory)


LISTS = ["/territories", "/communes", "/themes", "/plans", "/actions", "/datasets", "/documents"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ["anonymous", "advisor"])
def test_each_list_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries, path, role):
    client = Client() if role == "anonymous" else token_client(getattr(world.cast, role))
    client.get(API + path)
    with django_assert_max_num_queries(10) as few:
        assert client.get(API + path).status_code == 200
    more_published_actions(world, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(API + path).status_code == 200
