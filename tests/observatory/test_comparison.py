"""The agglomeration's communes compared: the page reads the figures of the communes it shows (a page of
the table, the map's outlined communes) and counts the others for the map's message from one cached
count, which says what a row of every commune would."""

import pytest
from django.urls import reverse

from communes.models import Commune
from observatory import selectors
from observatory.comparison import INDICATORS
from observatory.models import Dataset
from tests.factories import CommuneFactory, UserFactory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db

# Six communes: two outlined by the bundled map (38185, 38421), four without outlines.
CODES = ["38185", "38421", "01001", "01002", "01003", "01004"]


@pytest.fixture
def scene(db):
    for code in CODES:
        CommuneFactory(insee_code=code, name=f"Commune {code}", population=1000)
    rows = series_rows(CODES, [2005, 2020])
    # 01002 has no population in 2020, 01003 no emissions in 2005, 01004 no production (a zero) in 2020.
    rows = [row for row in rows if not (row[0] == "01002" and row[1] == 2020 and row[2] == "population")]
    rows = [row for row in rows if not (row[0] == "01003" and row[1] == 2005 and row[2] == "emissions")]
    rows = [
        (*row[:5], 0.0, *row[6:]) if row[0] == "01004" and row[1] == 2020 and row[2] == "production" else row
        for row in rows
    ]
    import_rows(rows)
    return Dataset.objects.get(code="orcae")


def test_the_counts_are_those_of_every_communes_row(scene):
    communes = list(Commune.objects.order_by("sort_name"))
    rows = selectors.communes_comparison(communes=communes, dataset=scene, year=2020, reference_year=2005)
    counts = selectors.comparison_counts(dataset=scene, year=2020, reference_year=2005)
    assert counts == {
        indicator: sum(1 for row in rows if getattr(row, indicator) is not None) for indicator in INDICATORS
    }
    assert counts == {
        "consumption_per_inhabitant": 5,
        "emissions_per_inhabitant": 5,
        "renewable_share": 5,
        "emissions_change": 5,
    }


def test_the_map_message_counts_every_commune_and_follows_a_new_import(client, scene):
    client.force_login(UserFactory(is_metro_officer=True))
    url = reverse("observatory:agglomeration")
    response = client.get(url, {"indicator": "emissions_change"})
    assert response.context["map_message"] == (
        "5 communes sur 6 ont une valeur pour 2020 ; les autres restent en blanc."
    )
    assert sorted(response.context["map"]["data"][0]["locations"]) == ["38185", "38421"]
    assert [row.insee_code for row in response.context["comparison"]] == [
        commune.insee_code for commune in Commune.objects.order_by("sort_name", "pk")
    ]
    # The missing emissions of 2005 come in: every commune has the indicator, the message goes.
    import_rows(series_rows(CODES, [2005]))
    assert client.get(url, {"indicator": "emissions_change"}).context["map_message"] == ""
