"""The agglomeration's communes compared: the page reads the figures of the communes it shows (a page of
the table, the map's outlined communes) and counts the others for the map's message from one cached
count, which says what a row of every commune would."""

import pytest
from django.urls import reverse

from communes.models import Commune, CommuneOutline
from observatory import selectors
from observatory.comparison import INDICATORS
from observatory.models import Dataset
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory, voironnais_territory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db

# Six communes: two with an outline (38185, 38421), four without.
CODES = ["38185", "38421", "01001", "01002", "01003", "01004"]


@pytest.fixture
def scene(db):
    for code in CODES:
        commune = CommuneFactory(insee_code=code, name=f"Commune {code}", population=1000)
        if code in CODES[:2]:
            CommuneOutline.objects.create(
                commune=commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}'
            )
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
    counts = selectors.comparison_counts(
        dataset=scene, year=2020, reference_year=2005, territory_id=TerritoryFactory().pk
    )
    assert counts == {
        indicator: sum(1 for row in rows if getattr(row, indicator) is not None) for indicator in INDICATORS
    }
    assert counts == {
        "consumption_per_inhabitant": 5,
        "emissions_per_inhabitant": 5,
        "renewable_share": 5,
        "emissions_change": 5,
    }


NO_OUTLINE = (
    "4 des 6 communes n'ont pas de contour sur cette plateforme : la carte ne les montre pas. "
    "Le tableau de comparaison ci-dessous donne leurs chiffres."
)


def test_the_map_says_how_many_communes_it_cannot_draw_for_want_of_an_outline(client, scene):
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    url = reverse("observatory:agglomeration")
    response = client.get(url, {"indicator": "emissions_change"})
    # The two communes drawn have a value; four of six have no outline: not "left blank", left out.
    assert response.context["map_message"] == NO_OUTLINE
    assert sorted(response.context["map"]["data"][0]["locations"]) == ["38185", "38421"]
    assert [row.insee_code for row in response.context["comparison"]] == [
        commune.insee_code for commune in Commune.objects.order_by("sort_name", "pk")
    ]
    # The missing emissions of 2005 come in: the outlines still miss.
    import_rows(series_rows(CODES, [2005]))
    assert client.get(url, {"indicator": "emissions_change"}).context["map_message"] == NO_OUTLINE


def test_a_commune_on_the_map_without_a_value_is_counted_as_left_blank(client, scene):
    Commune.objects.filter(insee_code__in=CODES[2:]).delete()  # only the two outlined communes remain
    import_rows(series_rows(["38185"], [2005, 2020]))  # these years now hold 38185's values only
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    response = client.get(reverse("observatory:agglomeration"), {"indicator": "emissions_change"})
    assert response.context["map_message"] == (
        "1 communes sur 2 ont une valeur pour 2020 ; les autres restent en blanc."
    )


def test_without_any_outline_the_map_is_left_out_and_says_why(client, db):
    for code in CODES[2:]:
        CommuneFactory(insee_code=code, name=f"Commune {code}", population=1000)
    import_rows(series_rows(CODES[2:], [2005, 2020]))
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    response = client.get(reverse("observatory:agglomeration"))
    content = response.content.decode()
    assert 'id="chart-map"' not in content and 'id="observatory-map"' not in content
    assert response.context["map_message"] == (
        "Aucune des 4 communes n'a de contour sur cette plateforme : il n'y a pas de carte à dessiner. "
        "Le tableau de comparaison ci-dessous donne leurs chiffres."
    )
    assert len(response.context["comparison"]) == 4


def test_the_counts_are_those_of_the_territorys_communes_only(scene):
    """A commune of another territory with values of a shared dataset counts in its territory's."""
    shared = Dataset.objects.create(code="national", name="National", producer="État")
    voiron = CommuneFactory(insee_code="38563", name="Voiron", territory=voironnais_territory())
    import_rows(series_rows([*CODES, voiron.insee_code], [2005, 2020]), dataset_code="national")
    metro = selectors.comparison_counts(
        dataset=shared, year=2020, reference_year=2005, territory_id=TerritoryFactory().pk
    )
    voironnais = selectors.comparison_counts(
        dataset=shared, year=2020, reference_year=2005, territory_id=voiron.territory_id
    )
    assert metro == dict.fromkeys(INDICATORS, 6)
    assert voironnais == dict.fromkeys(INDICATORS, 1)
