"""Real data is sparse: a dataset may cover 2 communes of the agglomeration, or some years only. The
pages say so (coverage per year, "partial" sums, a map message) instead of passing two communes' sums
off as the agglomeration's, and every table states its units; targets without figures say why."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from communes.models import CommuneOutline
from observatory import coverage as observatory_coverage
from observatory import selectors
from observatory.models import BatchStatus, Dataset, Observation
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    return [
        CommuneFactory(insee_code="38421", name="Saint-Martin-d'Hères", population=38000),
        CommuneFactory(insee_code="38151", name="Échirolles", population=37000),
        CommuneFactory(insee_code="38185", name="Grenoble", population=160000),
        CommuneFactory(insee_code="38486", name="Seyssins", population=7000),
    ]


def rows_of(code, year, scale=1.0):
    return [
        (code, year, "population", "", "", 10000 * scale, "inhabitants", ""),
        (code, year, "consumption", "residential", "electricity", 200000 * scale, "MWh", ""),
        (code, year, "emissions", "residential", "", 50000 * scale, "t CO2e", ""),
    ]


@pytest.fixture
def two_of_four(communes):
    """Two communes of four, in 2005 and 2020 (no renewable production at all)."""
    rows = []
    for year, scale in ((2005, 1.0), (2020, 0.8)):
        rows += rows_of("38421", year, scale) + rows_of("38151", year, scale)
    batch = import_rows(rows)
    assert batch.status == BatchStatus.DONE, batch.errors
    return batch


@pytest.fixture
def complete_then_partial(communes):
    """Every commune in 2005 and 2018; two of them in 2020; none in between."""
    rows = []
    for commune in communes:
        rows += rows_of(commune.insee_code, 2005) + rows_of(commune.insee_code, 2018, 0.9)
    rows += rows_of("38421", 2020, 0.8) + rows_of("38151", 2020, 0.8)
    batch = import_rows(rows)
    assert batch.status == BatchStatus.DONE, batch.errors
    return batch


def page(client, url_name, **params):
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    return client.get(reverse(url_name), params)


def text(html: str) -> str:
    # Collapses the markup's white space only: no-break spaces are part of the figures.
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def element(content: str, element_id: str, end: str) -> str:
    """The markup inside the element of this id, up to `end`."""
    return content.split(f'id="{element_id}"', 1)[1].split(">", 1)[1].split(end, 1)[0]


def table_rows(content: str, table_id: str) -> list[list[str]]:
    table = element(content, table_id, "</table>")
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]


# --- the selector's rule ------------------------------------------------------------------------------


def test_the_coverage_of_each_year_counts_communes_and_population_in_one_query(
    complete_then_partial, communes, django_assert_num_queries
):
    dataset = Dataset.objects.get(code="orcae")
    observations = Observation.objects.filter(dataset=dataset)
    ids = [commune.pk for commune in communes]
    with django_assert_num_queries(1):
        coverage, inhabitants = observatory_coverage.territory_coverage(observations, ids)
    assert (coverage.territory_communes, coverage.territory_population) == (4, 242000)
    assert coverage.complete_years == [2005, 2018] and coverage.partial_years == [2020]
    year = coverage.get(2020)
    assert (year.communes, year.population) == (2, 75000)
    assert inhabitants[2020] == pytest.approx({"38421": 8000, "38151": 8000})
    with translation.override("fr"):
        assert year.text == "2 communes sur 4 (31\u00a0% de la population)"
        assert coverage.get(2005).text == "toutes les communes (4)"
    with translation.override("en"):
        assert year.text == "2 communes of 4 (31% of the population)"


def test_totals_charts_and_targets_read_complete_years_only(complete_then_partial, communes):
    view = selectors.territory_observatory(
        commune_ids=[c.pk for c in communes],
        dataset=Dataset.objects.get(code="orcae"),
        territory_id=communes[0].territory_id,
    )
    assert view.emissions.years == [2005, 2018]
    assert view.emissions.totals == pytest.approx({2005: 200000, 2018: 180000})
    assert view.emissions.partial_totals == pytest.approx({2020: 80000})
    assert set(view.per_inhabitant(view.emissions)) == {2005, 2018}
    # The same two communes give the emissions and the population in 2020: a partial per-inhabitant value.
    assert view.partial_per_inhabitant(view.emissions) == pytest.approx({2020: 5.0})
    # The 2030 target (GHG −50 % in total) is measured on 2018, the latest complete year.
    target = next(item for item in view.ghg_targets if item.target.target_year == 2030)
    assert (target.latest_year, target.latest_value) == (2018, pytest.approx(180000))
    assert target.reason == ""


# --- the agglomeration's page -------------------------------------------------------------------------


def test_the_year_table_gives_units_coverage_and_partial_marks(client, complete_then_partial):
    content = page(client, "observatory:agglomeration").content.decode()
    header, *rows = table_rows(content, "years-table")
    assert header == [
        "Année",
        "Population (habitants)",
        "Consommation (MWh)",
        "par habitant (MWh)",
        "Émissions (t CO2e)",
        "par habitant (t CO2e)",
        "depuis la référence (%)",
        "Production EnR (MWh)",
        "part (%)",
        "Couverture",
    ]
    by_year = {row[0]: row for row in rows}
    assert list(by_year) == ["2005", "2018", "2020"]
    assert by_year["2005"][1:4] == ["40\u202f000", "800\u202f000", "20"]
    assert by_year["2005"][-1] == "toutes les communes (4)"
    assert "partiel" not in " ".join(by_year["2005"] + by_year["2018"])
    # 2020: two communes' sums, marked, with their coverage; no change since the reference.
    assert by_year["2020"][1] == "16\u202f000 partiel"
    assert by_year["2020"][4] == "80\u202f000 partiel"
    assert by_year["2020"][6] == "—"
    assert by_year["2020"][-1] == "2 communes sur 4 (31\u00a0% de la population)"
    note = text(element(content, "coverage-note", "</div>"))
    assert "Données partielles" in note and "2020 — 2 communes sur 4 (31\u00a0% de la population)" in note


def test_the_charts_draw_complete_years_only(client, complete_then_partial):
    response = page(client, "observatory:agglomeration")
    charts = response.context["charts"]
    assert charts["consumption"]["data"][0]["x"] == ["2005", "2018"]
    assert charts["emissions"]["data"][0]["x"] == ["2005", "2018"]  # years are categories


def test_two_communes_of_four_give_no_total_and_the_targets_say_why(client, two_of_four):
    response = page(client, "observatory:agglomeration")
    content = response.content.decode()
    # No chart of totals: a message instead.
    assert 'id="chart-consumption"' not in content and 'id="chart-emissions"' not in content
    assert content.count("Aucune année ne couvre tout le territoire") == 2
    # No renewable production at all: the chart says so, not that the data is partial.
    assert "Ce jeu de données ne contient aucune valeur de cette grandeur pour le territoire." in content
    header, *rows = table_rows(content, "targets-table")
    assert header[1:] == [
        "Référence 2005",
        "Valeur cible",
        "Dernière valeur",
        "Attendu selon la trajectoire",
        "Écart",
    ]
    for row in rows:
        assert row[1:] == ["—", "—", "—", "—", "—"] or row[0].startswith("EnR à"), row
        assert row[0].endswith("L'année de référence 2005 ne couvre qu'une partie du territoire."), row
    renewables = next(row for row in rows if row[0].startswith("EnR à 30"))
    # The share to reach is known (30 %); nothing measured: dashes, never a lone "%".
    assert renewables[1:] == ["—", "30,0\u00a0%", "—", "—", "—"]


def test_a_map_without_values_for_its_year_says_so(client, two_of_four):
    content = page(client, "observatory:agglomeration", indicator="renewable_share").content.decode()
    assert 'id="chart-map"' not in content and 'id="observatory-map"' not in content
    assert text(element(content, "map-message", "</p>")) == (
        "Aucune commune n'a de valeur de cet indicateur pour 2020 : il n'y a rien à cartographier."
    )


def test_a_map_of_some_communes_says_how_many(client, communes, two_of_four):
    for commune in communes:
        CommuneOutline.objects.create(commune=commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}')
    response = page(client, "observatory:agglomeration")
    content = response.content.decode()
    assert 'id="chart-map"' in content
    assert text(element(content, "map-message", "</p>")) == (
        "2 communes sur 4 ont une valeur pour 2020 ; les autres restent en blanc."
    )
    assert response.context["map"]["data"][0]["colorbar"]["title"]["text"] == (
        "Émissions par habitant (t CO2e)"
    )
    header = table_rows(content, "comparison-table")[0]
    assert header[1:] == [
        "Population (habitants)",
        "Consommation par habitant (MWh)",
        "Émissions par habitant (t CO2e)",
        "Évolution des émissions depuis la référence (%)",
        "Part des EnR (%)",
    ]


def test_a_communes_page_is_its_own_territory_and_complete(client, two_of_four):
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    content = client.get(reverse("observatory:commune", args=["38421"])).content.decode()
    assert 'id="coverage-note"' not in content
    assert "partiel" not in element(content, "years-table", "</table>")
    # A commune's values cover it whole: no coverage column to read.
    header, *rows = table_rows(content, "years-table")
    assert "Couverture" not in header and len(rows) == 2
    assert [row[-1] for row in rows] == ["—", "—"]  # no renewable production in this dataset
    assert 'id="chart-emissions"' in content
