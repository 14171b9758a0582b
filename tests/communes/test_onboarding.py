"""`manage.py territory_create`: a territory, its communes, outlines, agency and default targets, all or
nothing; and migration 0008, which stores the shipped outlines of the Métro's communes."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from communes.models import Agency, Commune, CommuneOutline, Epci, Territory
from communes.outlines import SHIPPED_SOURCE, territory_geojson
from observatory.models import Target
from observatory.national_targets import NATIONAL_SOURCE
from tests.factories import CommuneFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

VOIRONNAIS, METRO = "243800984", "200040715"
VOIRONNAIS_COMMUNES = 31
AIN_EPCI = "200069193"  # the first EPCI of the national list, whose name the platform does not know


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command("territory_create", *args, stdout=out)
    return out.getvalue()


def square(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y]]]}


def geojson_file(tmp_path: Path, features: list[dict], name="outlines.geojson") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def feature(properties: dict, geometry: dict | None) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def nothing_written():
    return (
        not Territory.objects.filter(siren=VOIRONNAIS).exists()
        and not Commune.objects.filter(epci__siren=VOIRONNAIS).exists()
    )


def test_it_onboards_the_pays_voironnais_with_its_communes_and_the_national_targets():
    output = run("--epci", VOIRONNAIS, "--agency", "Agence de l'énergie du Voironnais")

    territory = Territory.objects.get(siren=VOIRONNAIS)
    assert (territory.name, territory.slug) == (
        "Communauté d'agglomération du Pays Voironnais",
        "pays-voironnais",
    )
    assert territory.climate_plan_name == "Plan Climat Air Énergie Territorial du Pays Voironnais"
    assert Commune.objects.filter(territory=territory).count() == VOIRONNAIS_COMMUNES
    assert Commune.objects.get(insee_code="38563").territory == territory
    assert list(Agency.objects.get().territories.all()) == [territory]
    targets = Target.objects.filter(territory=territory, commune__isnull=True).order_by("target_year")
    assert [
        (t.reference_year, t.target_year, t.ghg_reduction_pct, t.renewable_share_pct, t.source)
        for t in targets
    ] == [
        (1990, 2030, 40, 33, NATIONAL_SOURCE),
        (1990, 2050, Decimal("83.3"), None, NATIONAL_SOURCE),
    ]
    assert "Stratégie nationale bas-carbone" in NATIONAL_SOURCE
    territory.refresh_from_db()
    assert territory.reference_year == 1990
    assert "Territory Communauté d'agglomération du Pays Voironnais (SIREN 243800984) created" in output
    assert "Communes: 31 created, 0 updated; 31 in the territory." in output
    assert "31 communes have no outline (the map leaves them out): Bilieu, Charancieu" in output
    assert "Agency Agence de l'énergie du Voironnais created, serving the territory." in output
    assert "GHG −40% in 2030 against 1990, renewables at 33% of consumption; GHG −83.3% in 2050" in output


def test_running_it_again_changes_nothing_and_keeps_the_territorys_own_targets():
    run("--epci", VOIRONNAIS, "--agency", "Agence de l'énergie du Voironnais")
    territory = Territory.objects.get(siren=VOIRONNAIS)
    Target.objects.filter(territory=territory, target_year=2050).update(ghg_reduction_pct=90)

    output = run("--epci", VOIRONNAIS, "--agency", "Agence de l'énergie du Voironnais")

    assert Territory.objects.count() == Territory.objects.filter(pk__lte=territory.pk).count()
    assert Commune.objects.filter(territory=territory).count() == VOIRONNAIS_COMMUNES
    assert Agency.objects.count() == 1
    assert Target.objects.filter(territory=territory).count() == 2
    assert Target.objects.get(territory=territory, target_year=2050).ghg_reduction_pct == 90
    assert "updated" in output and "Communes: 0 created, 31 updated" in output
    assert "Agency Agence de l'énergie du Voironnais serves the territory." in output
    assert "Targets: the territory's own 2 kept (no national default added)." in output


def test_a_territory_with_its_own_targets_gets_no_national_default():
    territory = TerritoryFactory(siren=METRO)
    Target.objects.filter(territory=territory).delete()
    Target.objects.create(territory=territory, reference_year=2005, target_year=2030, ghg_reduction_pct=50)

    run("--epci", METRO)

    assert list(Target.objects.filter(territory=territory).values_list("source", flat=True)) == [""]


def test_the_metro_onboarded_gets_its_own_targets_not_the_national_ones():
    output = run("--epci", METRO)

    territory = Territory.objects.get(siren=METRO)
    targets = Target.objects.filter(territory=territory, commune__isnull=True).order_by("target_year")
    assert [(t.reference_year, t.target_year) for t in targets] == [(2005, 2014), (2005, 2020), (2005, 2030)]
    assert NATIONAL_SOURCE not in {t.source for t in targets}
    assert territory.climate_plan_name == "Plan Climat Air Énergie Territorial de Grenoble-Alpes Métropole"
    assert "Targets: the territory's own, which the platform ships, for 2014, 2020, 2030." in output


@pytest.mark.parametrize(
    "siren, message",
    [
        ("12345", "A SIREN number has nine digits."),
        ("243800985", "243800985 is not a valid SIREN number (its check digit is wrong)."),
    ],
)
def test_a_bad_siren_is_refused_and_writes_nothing(siren, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run("--epci", siren)
    assert not Territory.objects.filter(siren=siren).exists() and not Commune.objects.exists()


def test_an_epci_absent_from_the_national_list_is_refused():
    with pytest.raises(CommandError, match="No commune of EPCI 200000008 in communes-france.csv"):
        run("--epci", "200000008", "--name", "Nowhere")
    assert not Territory.objects.filter(siren="200000008").exists()


def test_an_epci_the_platform_does_not_know_by_name_needs_one():
    with pytest.raises(CommandError, match="does not know the name of EPCI 200069193.*--name"):
        run("--epci", AIN_EPCI)
    assert not Territory.objects.filter(siren=AIN_EPCI).exists() and not Epci.objects.exists()

    run("--epci", AIN_EPCI, "--name", "CC de la Dombes", "--slug", "dombes")

    territory = Territory.objects.get(siren=AIN_EPCI)
    assert (territory.name, territory.slug) == ("CC de la Dombes", "dombes")
    assert Epci.objects.get(siren=AIN_EPCI).name == "CC de la Dombes"
    assert Commune.objects.filter(territory=territory).exists()


def test_a_short_name_taken_by_another_territory_is_refused():
    TerritoryFactory(siren=AIN_EPCI, name="CC de la Dombes", slug="voironnais")
    with pytest.raises(CommandError, match="(?i)short name already exists"):
        run("--epci", VOIRONNAIS, "--slug", "voironnais")
    assert nothing_written()


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json at all", "voironnais.geojson is not a GeoJSON file"),
        ('{"type": "Feature", "geometry": null}', "is not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": {}}', "has no list of features"),
    ],
)
def test_a_file_that_is_not_geojson_is_refused_and_nothing_is_written(tmp_path, content, message):
    path = tmp_path / "voironnais.geojson"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        run("--epci", VOIRONNAIS, "--outlines", str(path))

    assert nothing_written() and not CommuneOutline.objects.filter(commune__insee_code="38563").exists()


def test_a_geojson_with_no_outline_of_the_territory_is_refused(tmp_path):
    path = geojson_file(
        tmp_path,
        [
            feature({"code": "38563"}, {"type": "Point", "coordinates": [5.59, 45.36]}),
            feature({"code": "38185"}, square(5.7, 45.1)),  # Grenoble: another territory's
            feature({"nom": "Voiron"}, square(5.5, 45.3)),  # no code
        ],
    )
    with pytest.raises(
        CommandError, match=r"holds no outline of this territory's communes \(3 features read"
    ):
        run("--epci", VOIRONNAIS, "--outlines", str(path))
    assert nothing_written()


def test_outlines_matching_part_of_the_communes_say_which_lack_one(tmp_path):
    path = geojson_file(
        tmp_path,
        [
            feature({"code": "38563", "nom": "Voiron"}, square(5.59, 45.36)),  # france-geojson
            feature(
                {"INSEE_COM": "38565"},
                {"type": "MultiPolygon", "coordinates": [square(5.6, 45.3)["coordinates"]]},
            ),
            feature({"insee": "38239"}, {"type": "LineString", "coordinates": [[5.5, 45.3], [5.6, 45.3]]}),
            feature({"code": "38185"}, square(5.7, 45.1)),
        ],
        name="admin-express-38.geojson",
    )

    output = run("--epci", VOIRONNAIS, "--outlines", str(path), "--outlines-source", "IGN Admin Express 2024")

    territory = Territory.objects.get(siren=VOIRONNAIS)
    outlines = CommuneOutline.objects.filter(commune__territory=territory).order_by("commune__insee_code")
    assert [(o.commune.insee_code, o.source) for o in outlines] == [
        ("38563", "IGN Admin Express 2024"),
        ("38565", "IGN Admin Express 2024"),
    ]
    assert json.loads(outlines[0].geometry) == square(5.59, 45.36)
    assert json.loads(outlines[1].geometry)["type"] == "MultiPolygon"
    assert "Outlines: 2 communes outlined from IGN Admin Express 2024." in output
    assert "29 communes have no outline (the map leaves them out): Bilieu," in output
    assert "Moirans" in output and "Voiron," not in output
    assert not CommuneOutline.objects.filter(commune__insee_code="38185").exists()
    # The territory's map reads them.
    codes = [f["properties"]["code"] for f in json.loads(territory_geojson(territory.pk))["features"]]
    assert codes == ["38563", "38565"]


def test_a_new_file_replaces_the_outlines_it_holds(tmp_path):
    first = geojson_file(tmp_path, [feature({"code": "38563"}, square(5.5, 45.3))], name="first.geojson")
    run("--epci", VOIRONNAIS, "--outlines", str(first))
    second = geojson_file(tmp_path, [feature({"code": "38563"}, square(5.6, 45.4))], name="second.geojson")

    run("--epci", VOIRONNAIS, "--outlines", str(second))

    outline = CommuneOutline.objects.get(commune__insee_code="38563")
    assert json.loads(outline.geometry) == square(5.6, 45.4)
    assert outline.source.startswith("second.geojson (")


def test_the_metro_gets_the_outlines_the_platform_ships():
    CommuneOutline.objects.all().delete()

    output = run("--epci", METRO)

    assert CommuneOutline.objects.filter(commune__territory__siren=METRO).count() == 49
    assert set(CommuneOutline.objects.values_list("source", flat=True)) == {SHIPPED_SOURCE}
    assert "Outlines: 49 communes outlined from IGN Admin Express" in output
    assert "Every commune has an outline." in output
    # Run again: the outlines are there, nothing to import.
    assert "Outlines: no file given. Every commune has an outline." in run("--epci", METRO)


@pytest.mark.django_db(transaction=True)
def test_the_migration_stores_the_shipped_outlines_of_the_metros_communes_that_exist():
    territory = TerritoryFactory()
    CommuneFactory(insee_code="38185", name="Grenoble", territory=territory)
    CommuneFactory(insee_code="38151", name="Échirolles", territory=territory)
    CommuneFactory(insee_code="38563", name="Voiron", territory=territory)  # not in the shipped file
    executor = MigrationExecutor(connection)
    executor.migrate([("communes", "0007_territory_required")])
    assert not CommuneOutline.objects.exists()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    outlines = CommuneOutline.objects.order_by("commune__insee_code")
    assert [(o.commune.insee_code, o.source) for o in outlines] == [
        ("38151", SHIPPED_SOURCE),
        ("38185", SHIPPED_SOURCE),
    ]
    assert json.loads(outlines[1].geometry)["type"] in ("Polygon", "MultiPolygon")
