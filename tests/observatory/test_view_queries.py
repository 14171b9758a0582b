"""The observatory's pages and exports read a fixed number of queries, whatever the number of communes
and years (out of tests/observatory/test_views.py, whose every test starts from the cast: these start
from their own communes alone)."""

import pytest
from django.urls import reverse

from observatory.models import BatchStatus, Dataset
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory, voironnais_territory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db

# Fixed whatever the data. (Each of the four series lists all three of sectors, carriers and sources to
# name its parts, where one list would do: six of these queries are spare.)
AGGLOMERATION_QUERIES = 22
COMMUNE_QUERIES = 21
AGGLOMERATION_EXPORT_QUERIES = 17
COMMUNE_EXPORT_QUERIES = 18


def load_communes(count: int, years: int):
    """The Métro's communes with values, and a second territory's (the Pays Voironnais) with values of
    its own dataset and of the Métro's years: the pages read the Métro's alone."""
    communes = [CommuneFactory(insee_code=f"{38500 + index}") for index in range(count)]
    batch = import_rows(
        series_rows([c.insee_code for c in communes], list(range(2024 - years, 2024)), estimated_years={2023})
    )
    assert batch.status == BatchStatus.DONE, batch.errors
    voironnais = voironnais_territory()
    others = [CommuneFactory(insee_code=f"{38700 + index}", territory=voironnais) for index in range(count)]
    Dataset.objects.create(code="voironnais", name="Voironnais", producer="CAPV", territory=voironnais)
    batch = import_rows(
        series_rows([c.insee_code for c in others], list(range(2024 - years, 2024))),
        dataset_code="voironnais",
    )
    assert batch.status == BatchStatus.DONE, batch.errors
    return communes


def people():
    """The Métro's officer (one territory), and the administrator reading the Métro (every territory:
    the page offers the territory selector)."""
    return [
        (UserFactory(officer_of=TerritoryFactory()), {}),
        (UserFactory(is_superuser=True, is_staff=True), {"territory": TerritoryFactory().slug}),
    ]


@pytest.mark.parametrize("count, years", [(10, 5), (30, 15)])
def test_the_agglomeration_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, count, years
):
    load_communes(count, years)
    for user, query in people():
        client.force_login(user)
        with django_assert_max_num_queries(AGGLOMERATION_QUERIES):
            response = client.get(reverse("observatory:agglomeration"), query)
        assert response.status_code == 200
        assert len(response.context["comparison"]) == count
        assert len(response.context["rows"]) == years


@pytest.mark.parametrize("count, years", [(10, 5), (30, 15)])
def test_the_commune_page_query_count_does_not_grow(client, django_assert_max_num_queries, count, years):
    communes = load_communes(count, years)
    for user, query in people():
        client.force_login(user)
        with django_assert_max_num_queries(COMMUNE_QUERIES):
            # (Each with its own query string: rendered for each, not read from the page cache.)
            response = client.get(reverse("observatory:commune", args=[communes[-1].insee_code]), query)
        assert response.status_code == 200
        assert len(response.context["rows"]) == years


@pytest.mark.parametrize("count, years", [(10, 5), (30, 15)])
def test_the_exports_query_count_does_not_grow(client, django_assert_max_num_queries, count, years):
    communes = load_communes(count, years)
    for user, query in people():
        client.force_login(user)
        with django_assert_max_num_queries(AGGLOMERATION_EXPORT_QUERIES):
            client.get(reverse("observatory:agglomeration_export"), query)
        with django_assert_max_num_queries(COMMUNE_EXPORT_QUERIES):
            client.get(reverse("observatory:commune_export", args=[communes[0].insee_code]))
