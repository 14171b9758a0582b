"""The observatory's aggregates (observatory/totals.py): maintained by the import in its transaction, equal
to what the fact table sums to, read by the pages, renewed in the cache by every change, and analysed by
PostgreSQL before the import reports success."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from communes.models import Commune, CommuneOutline
from observatory import selectors
from observatory.importers.facts import partition_name
from observatory.models import (
    BatchStatus,
    Dataset,
    Observation,
    ObservationTotal,
    PlatformCoverage,
    PlatformTotal,
)
from observatory.totals import COMMUNE_COLUMNS, totals_rebuild
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory, voironnais_territory
from tests.observatory.helpers import import_rows, series_rows

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics of PostgreSQL")

CODES = ["38421", "38151", "38185", "38486"]


@pytest.fixture
def communes(db):
    return [
        CommuneFactory(insee_code=code, name=f"Commune {code}", population=10000 * (index + 1))
        for index, code in enumerate(CODES)
    ]


def snapshot():
    """Every aggregate row, comparable whatever its id."""

    def rows(model, fields):
        return sorted(
            (tuple(round(value, 6) if isinstance(value, float) else value for value in row))
            for row in model.objects.values_list(*fields)
        )

    return (
        rows(
            ObservationTotal,
            ["dataset_id", "batch_id", "commune_id", "year", *COMMUNE_COLUMNS],
        ),
        rows(
            PlatformTotal,
            [
                "dataset_id",
                "territory_id",
                "batch_id",
                "year",
                "quantity",
                "part",
                "code",
                "total",
                "estimates",
            ],
        ),
        rows(
            PlatformCoverage,
            [
                "dataset_id",
                "territory_id",
                "year",
                "communes",
                "population",
                "with_emissions",
                "emissions_and_population",
            ],
        ),
    )


def agglomeration_emissions(client, user) -> dict:
    """The agglomeration page's emissions by year, as its view builds them."""
    client.force_login(user)
    response = client.get(reverse("observatory:agglomeration"))
    assert response.status_code == 200
    return response.context["view"].emissions.totals


def test_the_import_keeps_aggregates_equal_to_the_sums_of_the_fact_table(communes):
    batch = import_rows(series_rows(CODES, [2018, 2019, 2020], estimated_years=[2020]))
    assert batch.status == BatchStatus.DONE, batch.errors
    kept = snapshot()
    totals_rebuild()
    assert snapshot() == kept
    totals = ObservationTotal.objects.get(commune_id="38151", year=2020)
    # Two sectors of (1000 * 2) * 0.98 / 10 and / 5, both estimated.
    assert totals.emissions == pytest.approx(1960 * 0.3)
    assert totals.emissions_estimates == 2
    coverage = PlatformCoverage.objects.get(year=2019)
    assert (coverage.communes, coverage.population, coverage.with_emissions) == (4, 100000, 4)


def test_a_second_import_replaces_the_aggregates_of_its_years_only(communes):
    import_rows(series_rows(CODES, [2018, 2019]))
    batch = import_rows(series_rows(CODES[:2], [2019], base=500.0))
    assert batch.status == BatchStatus.DONE, batch.errors
    kept = snapshot()
    totals_rebuild()
    assert snapshot() == kept
    assert set(PlatformTotal.objects.filter(year=2019).values_list("batch_id", flat=True)) == {batch.pk}
    assert PlatformCoverage.objects.get(year=2019).communes == 2
    assert PlatformCoverage.objects.get(year=2018).communes == 4


def test_a_new_import_shows_its_figures_on_the_next_page_at_once(client, communes):
    user = UserFactory(officer_of=TerritoryFactory())
    import_rows(series_rows(CODES, [2019, 2020]))
    before = agglomeration_emissions(client, user)
    assert before[2020] == pytest.approx(sum(1000 * (i + 1) * 0.99 * 0.3 for i in range(4)))
    import_rows(series_rows(CODES, [2020], base=2000.0))
    after = agglomeration_emissions(client, user)
    assert after[2020] == pytest.approx(sum(2000 * (i + 1) * 0.3 for i in range(4)))
    assert after[2019] == pytest.approx(before[2019])


def test_a_commune_joining_or_its_population_changing_shows_in_the_coverage_at_once(client, communes):
    user = UserFactory(officer_of=TerritoryFactory())
    import_rows(series_rows(CODES, [2020]))
    dataset = Dataset.objects.get(code="orcae")
    ids = list(Commune.objects.values_list("pk", flat=True))
    assert selectors.territory_observatory(commune_ids=ids, dataset=dataset).coverage.get(2020).is_complete
    commune = Commune.objects.get(insee_code="38151")
    commune.population = 55000
    commune.save()
    coverage = selectors.territory_observatory(commune_ids=ids, dataset=dataset).coverage.get(2020)
    assert (coverage.population, coverage.territory_population) == (135000, 135000)
    newcomer = CommuneFactory(insee_code="38000", name="Nouvelle", population=5000)
    view = selectors.territory_observatory(commune_ids=[*ids, newcomer.pk], dataset=dataset)
    with translation.override("en"):
        assert view.coverage.get(2020).text == "4 communes of 5 (96% of the population)"
    # No longer a total of the platform: kept apart as a partial sum.
    assert view.emissions.totals == {} and 2020 in view.emissions.partial_totals
    assert agglomeration_emissions(client, user) == {}


def test_a_deleted_commune_leaves_the_platform_totals(communes):
    import_rows(series_rows(CODES, [2020]))
    dataset = Dataset.objects.get(code="orcae")
    Commune.objects.get(insee_code="38486").delete()
    ids = list(Commune.objects.values_list("pk", flat=True))
    view = selectors.territory_observatory(commune_ids=ids, dataset=dataset)
    assert view.emissions.totals[2020] == pytest.approx(sum(1000 * (i + 1) * 0.3 for i in range(3)))


def test_a_communes_totals_follow_a_correction_of_its_insee_code(communes):
    import_rows(series_rows(CODES, [2020]))
    dataset = Dataset.objects.get(code="orcae")
    commune = Commune.objects.get(insee_code="38421")
    before = selectors.territory_observatory(commune_ids=[commune.pk], dataset=dataset).emissions.totals
    commune.insee_code = "38999"
    commune.save()
    assert not ObservationTotal.objects.filter(commune_id="38421").exists()
    assert ObservationTotal.objects.filter(commune_id="38999").count() == 1
    after = selectors.territory_observatory(commune_ids=[commune.pk], dataset=dataset).emissions.totals
    assert after == before != {}
    kept = snapshot()
    totals_rebuild()
    assert snapshot() == kept


def test_the_agglomerations_comparison_shows_fifty_communes_a_page_and_maps_those_with_outlines(client, db):
    codes = [f"38{number:03d}" for number in range(100, 155)]
    for code in codes:
        CommuneFactory(insee_code=code, name=f"Commune {code}", population=1000)
    import_rows(series_rows(codes, [2020]))
    # The territory's outlines (communes.outlines): thirty of the 55 communes have one.
    outlined = set(codes[:30])
    CommuneOutline.objects.bulk_create(
        CommuneOutline(commune=commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}')
        for commune in Commune.objects.filter(insee_code__in=outlined)
    )
    client.force_login(UserFactory(officer_of=TerritoryFactory()))
    first = client.get(reverse("observatory:agglomeration"), {"indicator": "renewable_share"})
    second = client.get(reverse("observatory:agglomeration"), {"page": 2})
    assert len(first.context["comparison"]) == 50
    assert [row.insee_code for row in second.context["comparison"]] == codes[50:]
    assert 'indicator=renewable_share&amp;page=2">' in first.content.decode()
    locations = first.context["map"]["data"][0]["locations"]
    assert set(locations) == outlined and "38100" in locations and "38151" not in locations
    # All have a value; the map's message says how many it leaves out for want of an outline.
    missing = len(set(codes) - outlined)
    assert 0 < missing < len(codes)
    assert first.context["map_message"] == (
        f"{missing} des 55 communes n'ont pas de contour sur cette plateforme : la carte ne les montre pas. "
        "Le tableau de comparaison ci-dessous donne leurs chiffres."
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_aggregates_from_the_values_already_imported(communes):
    executor = MigrationExecutor(connection)
    executor.migrate([("observatory", "0006_english_names")])
    old_apps = executor.loader.project_state([("observatory", "0006_english_names")]).apps
    dataset = old_apps.get_model("observatory", "Dataset").objects.get(code="orcae")
    batch = old_apps.get_model("observatory", "ImportBatch").objects.create(
        dataset=dataset, format="long", original_name="x.csv", file="x.csv", status="done"
    )
    old_observation = old_apps.get_model("observatory", "Observation")
    old_observation.objects.bulk_create(
        old_observation(
            dataset=dataset,
            batch=batch,
            commune_id=code,
            year=2020,
            quantity=quantity,
            sector_id=sector,
            value=value,
        )
        for code in CODES[:3]
        for quantity, sector, value in (
            ("emissions", "residential", 100.0),
            ("emissions", "road_transport", 50.0),
            ("population", None, 1000.0),
        )
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    totals = ObservationTotal.objects.get(commune_id="38151")
    assert (totals.emissions, totals.population, totals.consumption) == (150.0, 1000.0, None)
    assert PlatformTotal.objects.get(quantity="emissions", part="").total == 450.0
    assert (
        PlatformTotal.objects.get(quantity="emissions", part="sector", code="road_transport").total == 150.0
    )
    coverage = PlatformCoverage.objects.get(year=2020)
    assert (coverage.communes, coverage.population, coverage.emissions_and_population) == (3, 60000, 3)


# --- PostgreSQL: statistics and plans after an import ---------------------------------------------------


@postgres_only
def test_the_new_partition_has_statistics_when_the_import_reports_success(communes):
    batch = import_rows(series_rows(CODES, [2019, 2020]))
    assert batch.status == BatchStatus.DONE, batch.errors
    partition = partition_name(batch.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [partition])
        assert cursor.fetchone()[0] == Observation.objects.filter(batch=batch).count()
        for table, inherited in ((partition, False), ("observatory_observation", True)):
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = %s AND inherited = %s "
                "AND attname IN ('insee_code', 'year', 'quantity')",
                [table, inherited],
            )
            assert cursor.fetchone()[0] == 3, table
        cursor.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = 'observatory_observationtotal' "
            "AND attname = 'insee_code'"
        )
        assert cursor.fetchone()[0] == 1


def _plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _plan_nodes(child)


@postgres_only
def test_the_first_territory_read_after_an_import_loops_over_no_partition(db):
    """The demo's agglomeration: 49 communes, 20 years. Planned without statistics, the partition looked
    small and its rows were read once per commune of the territory (a nested loop over a sequential
    scan): 1.7 s instead of 72 ms."""
    codes = [f"38{number:03d}" for number in range(100, 149)]
    for code in codes:
        CommuneFactory(insee_code=code, name=f"Commune {code}", population=1000)
    batch = import_rows(series_rows(codes, list(range(2005, 2025))))
    assert batch.status == BatchStatus.DONE, batch.errors
    partition = partition_name(batch.pk)
    ids = list(Commune.objects.values_list("pk", flat=True))
    # The values of a set of communes, the read that still goes to the fact table (by sector and energy).
    query = Observation.objects.filter(
        dataset=batch.dataset_id, commune__in=Commune.objects.filter(pk__in=ids)
    )
    sql, params = query.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # The communes' table described by its 49 rows, as autovacuum would have it: on a test database
        # its statistics are otherwise those of whatever earlier tests wrote and rolled back (a table of
        # some hundred communes here), and the join's estimate follows them, not the partition's.
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Commune._meta.db_table)}")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    # The planner knows how many rows come: without statistics it guessed a few dozen of 6,860, and a
    # join on so few rows is a loop.
    assert 0.5 < plan["Plan Rows"] / query.count() < 2, json.dumps(plan, indent=1)
    for node in _plan_nodes(plan):
        if node["Node Type"] == "Nested Loop":
            inner = [child for child in node.get("Plans", []) if child.get("Parent Relationship") == "Inner"]
            scans = [item for child in inner for item in _plan_nodes(child)]
            assert not any(
                item["Node Type"] == "Seq Scan" and item.get("Relation Name") == partition for item in scans
            ), json.dumps(plan, indent=1)


def test_a_commune_moving_territory_takes_its_values_to_its_new_territorys_totals(communes):
    shared = Dataset.objects.create(code="national", name="National", producer="État")
    import_rows(series_rows(CODES, [2020]), dataset_code="national")
    metro, voironnais = TerritoryFactory(), voironnais_territory()
    commune = Commune.objects.get(insee_code="38486")  # the fourth: 4 000 MWh, 1 200 t CO2e
    commune.territory = voironnais
    commune.save()
    coverage = {row.territory_id: row.communes for row in PlatformCoverage.objects.filter(dataset=shared)}
    assert coverage == {metro.pk: 3, voironnais.pk: 1}

    def emissions(territory):
        row = PlatformTotal.objects.get(dataset=shared, territory=territory, quantity="emissions", part="")
        return row.total

    assert emissions(voironnais) == pytest.approx(1200)
    assert emissions(metro) == pytest.approx(sum(1000 * (i + 1) * 0.3 for i in range(3)))
    kept = snapshot()
    totals_rebuild()
    assert snapshot() == kept
