"""Every observatory page through the permission matrix, the figures they show, and query counts that do
not grow with the number of communes or years."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from communes.models import CommuneOutline, Role
from observatory import services
from observatory.models import (
    BatchStatus,
    Dataset,
    ImportBatch,
    Observation,
    PlatformCoverage,
    PlatformTotal,
    Target,
)
from pcl.spreadsheet import looks_like_formula
from tests.factories import MembershipFactory
from tests.observatory.helpers import dataset, import_rows, upload

pytestmark = pytest.mark.django_db

EVERYONE = ["admin", "metro_officer", "advisor", "referent", "staff", "elected", "outsider"]
COMMUNE_READERS = ["admin", "metro_officer", "advisor", "referent", "staff", "elected"]
MANAGERS = ["admin", "metro_officer"]
NOT_MANAGERS = ["advisor", "referent", "staff", "elected", "outsider"]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.fixture
def batch(cast):
    """A refused import, so that its detail page and its error report have something to show."""
    return import_rows(
        [("99999", 2020, "emissions", "residential", "", "1", "t CO2e", "")], user=cast.metro_officer
    )


def urls(cast, batch):
    insee = cast.commune.insee_code
    target = Target.objects.get(commune=None, target_year=2030)
    return {
        "agglomeration": reverse("observatory:agglomeration"),
        "agglomeration_export": reverse("observatory:agglomeration_export"),
        "commune": reverse("observatory:commune", args=[insee]),
        "commune_export": reverse("observatory:commune_export", args=[insee]),
        "agglomeration_data": reverse("observatory:agglomeration_data"),
        "outlines": reverse("observatory:outlines", args=[cast.territory.slug]),
        "commune_data": reverse("observatory:commune_data", args=[insee]),
        "imports": reverse("observatory:imports"),
        "import_new": reverse("observatory:import_new"),
        "import_detail": reverse("observatory:import_detail", args=[batch.pk]),
        "import_errors": reverse("observatory:import_errors", args=[batch.pk]),
        "import_retry": reverse("observatory:import_retry", args=[batch.pk]),
        "targets": reverse("observatory:targets"),
        "target_create": reverse("observatory:target_create"),
        "target_edit": reverse("observatory:target_edit", args=[target.pk]),
    }


ALL_URLS = [
    "agglomeration",
    "outlines",
    "agglomeration_export",
    "agglomeration_data",
    "commune",
    "commune_export",
    "commune_data",
    "imports",
    "import_new",
    "import_detail",
    "import_errors",
    "import_retry",
    "targets",
    "target_create",
    "target_edit",
]
OPEN_URLS = ["agglomeration", "agglomeration_export", "agglomeration_data", "outlines", "targets"]
COMMUNE_URLS = ["commune", "commune_export", "commune_data"]
MANAGER_URLS = ["imports", "import_new", "import_detail", "import_errors", "target_create", "target_edit"]
UPLOADER_URLS = ["import_retry"]  # POST only, by the manager who uploaded the file


# Among the cast every test of the module shares (tests/conftest.py, module_cast).
@pytest.mark.usefixtures("cast")
def test_every_url_of_the_app_is_in_the_matrix():
    from observatory.urls import urlpatterns

    assert sorted(pattern.name for pattern in urlpatterns) == sorted(ALL_URLS)
    assert sorted(OPEN_URLS + COMMUNE_URLS + MANAGER_URLS + UPLOADER_URLS) == sorted(ALL_URLS)


# --- the permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_login(client, cast, batch, name, method):
    before = (ImportBatch.objects.count(), Target.objects.count())
    assert_login_redirect(getattr(client, method)(urls(cast, batch)[name]))
    assert (ImportBatch.objects.count(), Target.objects.count()) == before


@pytest.mark.parametrize("name", OPEN_URLS)
@pytest.mark.parametrize("role", EVERYONE)
def test_the_agglomeration_and_the_targets_are_open_to_every_signed_in_person(login, cast, batch, name, role):
    assert login(getattr(cast, role)).get(urls(cast, batch)[name]).status_code == 200


@pytest.mark.parametrize("name", COMMUNE_URLS)
@pytest.mark.parametrize("role", COMMUNE_READERS)
def test_a_commune_observatory_is_open_to_its_members_the_metro_and_administrators(
    login, cast, batch, name, role
):
    assert login(getattr(cast, role)).get(urls(cast, batch)[name]).status_code == 200


@pytest.mark.parametrize("name", COMMUNE_URLS)
def test_a_commune_observatory_is_not_found_for_outsiders(login, cast, batch, name):
    client = login(cast.outsider)
    assert client.get(urls(cast, batch)[name]).status_code == 404
    # ... exactly as a commune that does not exist, and their own commune is open to them.
    assert client.get(reverse(f"observatory:{name}", args=["00000"])).status_code == 404
    assert client.get(reverse(f"observatory:{name}", args=[cast.other_commune.insee_code])).status_code == 200


@pytest.mark.parametrize("name", MANAGER_URLS)
@pytest.mark.parametrize("role", MANAGERS)
def test_imports_and_target_forms_are_for_administrators_and_the_metro(login, cast, batch, name, role):
    assert login(getattr(cast, role)).get(urls(cast, batch)[name]).status_code == 200


@pytest.mark.parametrize("name", MANAGER_URLS)
@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_imports_and_target_forms_are_forbidden_to_everyone_else(login, cast, batch, name, role):
    assert login(getattr(cast, role)).get(urls(cast, batch)[name]).status_code == 403


@pytest.mark.parametrize("role", [role for role in EVERYONE if role != "metro_officer"])
def test_only_the_uploader_may_try_an_import_again(login, cast, batch, role):
    url = urls(cast, batch)["import_retry"]
    assert login(getattr(cast, role)).post(url).status_code == 403
    assert login(cast.metro_officer).get(url).status_code == 405
    assert login(cast.metro_officer).post(url).status_code == 302


TARGET_DATA = {
    "reference_year": "2005",
    "target_year": "2040",
    "ghg_reduction_pct": "65",
    "ghg_basis": "total",
    "consumption_reduction_pct": "50",
    "consumption_basis": "per_inhabitant",
    "renewable_share_pct": "45",
    "source": "Trajectoire 2040",
}


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_create_and_edit_targets(login, cast, role):
    client = login(getattr(cast, role))

    # (The administrator sees every territory: the Métro is named; its officer's is the Métro.)
    response = client.post(
        reverse("observatory:target_create") + f"?territory={cast.territory.slug}", TARGET_DATA
    )
    assert response.status_code == 302
    assert response.url == reverse("observatory:targets") + f"?territory={cast.territory.slug}"
    created = Target.objects.get(commune=None, target_year=2040)
    assert (created.ghg_reduction_pct, created.source, created.territory) == (
        65,
        "Trajectoire 2040",
        cast.territory,
    )

    target = Target.objects.get(commune=None, target_year=2030)
    data = {**TARGET_DATA, "target_year": "2030", "ghg_reduction_pct": "55", "source": "Révision 2024"}
    response = client.post(reverse("observatory:target_edit", args=[target.pk]), data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.ghg_reduction_pct, target.source) == (55, "Révision 2024")
    listing = client.get(reverse("observatory:targets"), {"territory": cast.territory.slug}).content.decode()
    assert "Trajectoire 2040" in listing


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_people_cannot_post_targets(login, cast, role):
    client = login(getattr(cast, role))
    target = Target.objects.get(commune=None, target_year=2030)

    assert client.post(reverse("observatory:target_create"), TARGET_DATA).status_code == 403
    assert client.post(reverse("observatory:target_edit", args=[target.pk]), TARGET_DATA).status_code == 403
    assert not Target.objects.filter(target_year=2040).exists()
    target.refresh_from_db()
    assert target.source != "Trajectoire 2040"


def test_a_second_agglomeration_target_for_the_same_year_is_refused_by_the_form(login, cast):
    response = login(cast.metro_officer).post(
        reverse("observatory:target_create"), {**TARGET_DATA, "target_year": "2030"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Target.objects.filter(commune=None, target_year=2030).count() == 1


def test_a_target_year_before_its_reference_is_refused_by_the_form(login, cast):
    response = login(cast.metro_officer).post(
        reverse("observatory:target_create"), {**TARGET_DATA, "target_year": "2000"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Target.objects.filter(target_year=2000).exists()


def post_upload(client, text="insee_code,year,quantity,sector,energy,value,unit,status\n"):
    return client.post(
        reverse("observatory:import_new"),
        {
            "dataset": dataset().pk,
            "format": "long",
            "file": upload(text + "38421,2020,population,,,1,hab,\n"),
        },
    )


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_can_upload_a_file(login, cast, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(login(getattr(cast, role)))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("observatory:import_detail", args=[batch.pk])
    assert batch.status == BatchStatus.DONE, batch.errors


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_people_cannot_upload(login, cast, role, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_upload(login(getattr(cast, role)))
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


# --- what the pages show ----------------------------------------------------------------------------

COMMUNE_ROWS = [
    ("38421", 2005, "population", "", "", "25000", "inhabitants", ""),
    ("38421", 2005, "consumption", "residential", "electricity", "50000", "MWh", ""),
    ("38421", 2005, "emissions", "residential", "", "10000", "t CO2e", ""),
    ("38421", 2005, "production", "", "photovoltaic", "500", "MWh", ""),
    ("38421", 2021, "population", "", "", "26000", "inhabitants", ""),
    ("38421", 2021, "consumption", "residential", "electricity", "52000", "MWh", ""),
    ("38421", 2021, "emissions", "residential", "", "7800", "t CO2e", ""),
    ("38421", 2021, "production", "", "photovoltaic", "2600", "MWh", ""),
    ("38421", 2022, "population", "", "", "26000", "inhabitants", "estimated"),
    ("38421", 2022, "consumption", "residential", "electricity", "39000", "MWh", "estimated"),
    ("38421", 2022, "emissions", "residential", "", "6500", "t CO2e", "(e)"),
    ("38421", 2022, "production", "", "photovoltaic", "3900", "MWh", "estimated"),
    # Another commune's year, which the commune's page must not show.
    ("38151", 2015, "emissions", "residential", "", "999", "t CO2e", ""),
]


@pytest.fixture
def commune_data(cast):
    batch = import_rows(COMMUNE_ROWS, user=cast.metro_officer, name="orcae-2024.csv")
    assert batch.status == BatchStatus.DONE, batch.errors
    return batch


def years_table(content: str) -> str:
    return content.split('id="years-table"', 1)[1].split("</table>", 1)[0]


def test_the_commune_page_lists_the_years_marks_estimates_and_names_its_source(login, cast, commune_data):
    response = login(cast.referent).get(reverse("observatory:commune", args=[cast.commune.insee_code]))
    content = response.content.decode()

    table = years_table(content)
    assert "2005</th>" in table and "2021</th>" in table and "2022 (e)</th>" in table
    assert "2021 (e)" not in table and "2005 (e)" not in table
    assert "2015" not in table  # the other commune's year
    assert [row["year"] for row in response.context["rows"]] == [2005, 2021, 2022]

    provenance = content.split('id="provenance"', 1)[1].split("</p>", 1)[0]
    orcae = Dataset.objects.get(code="orcae")
    assert orcae.producer in provenance
    assert "orcae-2024.csv" in provenance
    assert 'id="demo-warning"' not in content


def parse_export(response):
    """The table for a spreadsheet: a source line, then the named columns."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    comment, header, data = lines[0], lines[1], lines[2:]
    return comment, [dict(zip(header, row, strict=True)) for row in data]


def parse_machine_export(response) -> list[dict]:
    """The table for a program: plain CSV, stable headers on the first line."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def number(text):
    return None if text == "" else float(text.replace(",", "."))


def test_the_commune_export_has_one_row_per_year_with_per_inhabitant_values(login, cast, commune_data):
    response = login(cast.elected).get(
        reverse("observatory:commune_export", args=[cast.commune.insee_code]), {"variant": "machine"}
    )
    rows = parse_machine_export(response)

    assert "observatoire-saint-martin-dheres-donnees.csv" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert [(row["dataset"], row["year"], row["status"]) for row in rows] == [
        ("orcae", "2005", "consolidated"),
        ("orcae", "2021", "consolidated"),
        ("orcae", "2022", "estimated"),
    ]
    by_year = {
        row["year"]: {key: number(value) for key, value in row.items() if key not in ("status", "dataset")}
        for row in rows
    }
    assert by_year["2005"] == {
        "year": 2005,
        "population": 25000,
        "consumption_mwh": 50000,
        "consumption_mwh_per_inhabitant": pytest.approx(2.0),
        "emissions_t_co2e": 10000,
        "emissions_t_co2e_per_inhabitant": pytest.approx(0.4),
        "emissions_change_since_reference_pct": pytest.approx(0.0),
        "renewable_production_mwh": 500,
        "renewable_share_pct": pytest.approx(1.0),
        "communes_with_values": 1,
        "communes_of_territory": 1,
    }
    assert by_year["2021"]["consumption_mwh_per_inhabitant"] == pytest.approx(2.0)
    assert by_year["2021"]["emissions_t_co2e_per_inhabitant"] == pytest.approx(0.3)
    assert by_year["2021"]["emissions_change_since_reference_pct"] == pytest.approx(-22.0)
    assert by_year["2022"]["consumption_mwh_per_inhabitant"] == pytest.approx(1.5)
    assert by_year["2022"]["emissions_t_co2e_per_inhabitant"] == pytest.approx(0.25)
    assert by_year["2022"]["emissions_change_since_reference_pct"] == pytest.approx(-35.0)
    assert by_year["2022"]["renewable_share_pct"] == pytest.approx(10.0)


def test_the_spreadsheet_table_runs_no_text_as_a_formula_and_keeps_negative_numbers(
    login, cast, commune_data
):
    Dataset.objects.filter(code="orcae").update(name='=HYPERLINK("http://evil.example","orcae")')
    response = login(cast.referent).get(reverse("observatory:commune_export", args=[cast.commune.insee_code]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = [cell for row in rows for cell in row]
    assert rows[0] == ['# =HYPERLINK("http://evil.example","orcae")']  # a comment, never a formula
    assert [cell for cell in cells if looks_like_formula(cell)] == []
    assert "-22" in cells and "-35" in cells  # a fall in emissions stays a number


def test_the_agglomeration_export_adds_up_the_communes(login, cast, commune_data):
    url = reverse("observatory:agglomeration_export")
    rows = parse_machine_export(login(cast.outsider).get(url, {"variant": "machine"}))
    assert [row["year"] for row in rows] == ["2005", "2015", "2021", "2022"]
    row_2015 = next(row for row in rows if row["year"] == "2015")
    # Only emissions that year, no population: no per-inhabitant value, and no zeros invented.
    assert (row_2015["emissions_t_co2e"], row_2015["population"]) == ("999", "")
    assert row_2015["consumption_mwh"] == row_2015["emissions_t_co2e_per_inhabitant"] == ""


BIG_ROWS = [
    ("38421", 2005, "population", "", "", "158000", "inhabitants", ""),
    ("38421", 2005, "consumption", "residential", "electricity", "10214138.2", "MWh", ""),
    ("38421", 2005, "emissions", "residential", "", "2345678.91", "t CO2e", ""),
    ("38421", 2022, "population", "", "", "160000", "inhabitants", "estimated"),
    ("38421", 2022, "consumption", "residential", "electricity", "9876543.21", "MWh", "estimated"),
    ("38421", 2022, "emissions", "residential", "", "1234567.8", "t CO2e", "estimated"),
]


def test_the_table_for_a_spreadsheet_speaks_french_and_keeps_every_digit(login, cast):
    import_rows(BIG_ROWS, user=cast.metro_officer)
    response = login(cast.elected).get(reverse("observatory:commune_export", args=["38421"]))
    assert response.content.startswith("\ufeff".encode())  # spreadsheets read it as UTF-8
    assert "observatoire-saint-martin-dheres.csv" in response["Content-Disposition"]
    comment, rows = parse_export(response)
    assert "ORCAE" in comment[0]
    first, last = rows
    assert list(first) == [
        "Année",
        "Statut",
        "Population",
        "Consommation d’énergie finale (MWh)",
        "Consommation par habitant (MWh/hab.)",
        "Émissions de gaz à effet de serre (t CO2e)",
        "Émissions par habitant (t CO2e/hab.)",
        "Évolution des émissions depuis 2005 (%)",
        "Production renouvelable (MWh)",
        "Part renouvelable de la consommation (%)",
        "Communes ayant des valeurs",
        "Communes du territoire",
    ]
    assert (first["Communes ayant des valeurs"], first["Communes du territoire"]) == ("1", "1")
    assert first["Consommation d’énergie finale (MWh)"] == "10214138,2"  # not 1,02141e+07
    assert first["Émissions de gaz à effet de serre (t CO2e)"] == "2345678,91"
    assert first["Consommation par habitant (MWh/hab.)"] == "64,646444"  # 10214138.2 / 158000
    assert (first["Statut"], last["Statut"]) == ("consolidée", "estimée")
    assert last["Évolution des émissions depuis 2005 (%)"] == "-47,368423"  # a minus a spreadsheet reads
    assert last["Production renouvelable (MWh)"] == ""  # no value, no zero invented


def test_the_table_for_a_program_stays_the_same_in_every_language(login, cast, client, settings):
    import_rows(BIG_ROWS, user=cast.metro_officer)
    client = login(cast.elected)
    url = reverse("observatory:commune_export", args=["38421"])
    french = client.get(url, {"variant": "machine"}).content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(url, {"variant": "machine"}).content == french
    rows = list(csv.DictReader(io.StringIO(french.decode("utf-8"))))
    assert rows[0]["consumption_mwh"] == "10214138.2" and rows[1]["status"] == "estimated"
    assert rows[1]["emissions_change_since_reference_pct"] == "-47.368423"
    english = client.get(url)
    lines = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert lines[1][:4] == ["Year", "Status", "Population", "Final energy consumption (MWh)"]
    assert lines[2][3] == "10214138.2" and lines[3][1] == "estimated"


def test_the_page_offers_the_three_files_and_says_what_each_is_for(login, cast, commune_data):
    content = login(cast.elected).get(reverse("observatory:commune", args=["38421"])).content.decode()
    downloads = content.split('id="downloads"', 1)[1].split("</ul>", 1)[0]
    export = reverse("observatory:commune_export", args=["38421"])
    assert f'href="{export}"' in downloads and f'href="{export}?variant=machine"' in downloads
    assert reverse("observatory:commune_data", args=["38421"]) in downloads
    assert "pour un tableur" in downloads and "pour un programme" in downloads
    assert "réimporte" in downloads or "relit" in downloads


def test_the_agglomeration_page_compares_the_communes(login, cast, commune_data):
    for commune in (cast.commune, cast.other_commune):
        CommuneOutline.objects.create(commune=commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}')
    response = login(cast.staff).get(reverse("observatory:agglomeration"))
    content = response.content.decode()

    assert response.status_code == 200
    assert 'id="comparison-table"' in content and 'id="chart-map"' in content
    comparison = {row.insee_code: row for row in response.context["comparison"]}
    assert comparison["38421"].emissions_per_inhabitant == pytest.approx(0.25)
    assert comparison["38151"].emissions_per_inhabitant is None
    assert reverse("observatory:commune", args=["38421"]) in content


def test_a_page_without_data_says_so(login, cast):
    content = login(cast.advisor).get(reverse("observatory:commune", args=["38421"])).content.decode()
    assert 'id="years-table"' not in content and 'id="demo-warning"' not in content
    assert reverse("observatory:import_new") not in content  # the advisor cannot import

    content = login(cast.metro_officer).get(reverse("observatory:agglomeration")).content.decode()
    assert reverse("observatory:import_new") in content


def test_demonstration_data_is_flagged_on_the_page(login, cast):
    import_rows(COMMUNE_ROWS, dataset_code="demo", user=cast.metro_officer)

    for url in (reverse("observatory:commune", args=["38421"]), reverse("observatory:agglomeration")):
        content = login(cast.advisor).get(url).content.decode()
        assert 'id="demo-warning"' in content
        assert Dataset.objects.get(code="demo").producer in content


def test_real_data_comes_first_and_the_demo_stays_flagged_when_chosen(login, cast, commune_data):
    import_rows(COMMUNE_ROWS, dataset_code="demo", user=cast.metro_officer)
    client = login(cast.advisor)
    url = reverse("observatory:commune", args=["38421"])

    first = client.get(url)
    assert first.context["dataset"].code == "orcae"
    assert 'id="demo-warning"' not in first.content.decode()

    chosen = client.get(url, {"dataset": Dataset.objects.get(code="demo").pk})
    assert chosen.context["dataset"].code == "demo"
    assert 'id="demo-warning"' in chosen.content.decode()
    comment, _rows = parse_export(
        client.get(
            reverse("observatory:commune_export", args=["38421"]), {"dataset": chosen.context["dataset"].pk}
        )
    )
    assert "démonstration" in comment[0].lower()


def test_a_sector_code_is_fixed_once_created_as_observations_name_it_by_code(login, cast):
    from observatory.models import Sector

    client = login(cast.admin)
    sector = Sector.objects.get(code="residential")

    change = client.get(reverse("admin:observatory_sector_change", args=[sector.pk]))
    add = client.get(reverse("admin:observatory_sector_add"))

    assert change.status_code == add.status_code == 200
    assert 'name="code"' not in change.content.decode()
    assert 'name="code"' in add.content.decode()
    client.post(
        reverse("admin:observatory_sector_change", args=[sector.pk]),
        {"code": "housing", "name": sector.name, "order": sector.order},
    )
    sector.refresh_from_db()
    assert sector.code == "residential"


def test_a_refused_value_that_looks_like_a_formula_stays_a_text_in_the_error_report(login, cast):
    batch = import_rows(
        [('=HYPERLINK("http://example.org")', 2020, "emissions", "residential", "", "@SUM(1)", "t CO2e", "")],
        user=cast.metro_officer,
    )
    response = login(cast.metro_officer).get(reverse("observatory:import_errors", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = [row[2] for row in rows[1:]]
    # The refused commune code and value (every error of the row), each as a text.
    assert values == ['\'=HYPERLINK("http://example.org")', "'@SUM(1)"]


# --- two territories: nothing of one is visible or changeable from the other ----------------------


@pytest.fixture
def foreign_referent(cast):
    return MembershipFactory(commune=cast.foreign_commune, role=Role.REFERENT).user


@pytest.fixture
def foreign_dataset(cast):
    return Dataset.objects.create(
        code="voironnais", name="Voironnais", producer="Pays Voironnais", territory=cast.foreign_territory
    )


def metro_urls(cast, batch):
    """The Métro's observatory: its pages named by its slug, its commune's pages, its batch and target."""
    territory = {"territory": cast.territory.slug}
    found = urls(cast, batch)
    return {
        **{
            name: f"{found[name]}?territory={cast.territory.slug}" for name in OPEN_URLS if name != "outlines"
        },
        "outlines": found["outlines"],
        **{name: found[name] for name in COMMUNE_URLS + ["import_detail", "import_errors", "target_edit"]},
        "target_create": reverse("observatory:target_create")
        + "?"
        + "&".join(f"{k}={v}" for k, v in territory.items()),
    }


@pytest.mark.parametrize("role", ["foreign_officer", "foreign_advisor", "foreign_referent"])
def test_people_of_another_territory_find_nothing_of_the_metros_observatory(
    login, cast, batch, role, foreign_referent
):
    person = foreign_referent if role == "foreign_referent" else getattr(cast, role)
    client = login(person)
    for name, url in metro_urls(cast, batch).items():
        assert client.get(url).status_code == 404, name
    assert client.post(urls(cast, batch)["import_retry"]).status_code in (403, 404)
    # Their own territory's page is theirs, and names it.
    page = client.get(reverse("observatory:agglomeration"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Pays Voironnais" in content and "Grenoble" not in content


def test_the_officer_of_another_territory_changes_nothing_of_the_metros(login, cast, batch):
    client = login(cast.foreign_officer)
    target = Target.objects.get(territory=cast.territory, commune=None, target_year=2030)
    assert client.post(reverse("observatory:target_edit", args=[target.pk]), TARGET_DATA).status_code == 404
    url = reverse("observatory:target_create") + f"?territory={cast.territory.slug}"
    assert client.post(url, TARGET_DATA).status_code == 404
    assert client.post(urls(cast, batch)["import_retry"]).status_code == 404
    # Their own new target is their territory's.
    assert client.post(reverse("observatory:target_create"), TARGET_DATA).status_code == 302
    assert Target.objects.get(target_year=2040).territory == cast.foreign_territory
    target.refresh_from_db()
    assert target.source != "Trajectoire 2040"


def test_the_imports_list_and_form_show_the_officers_territory_only(login, cast, batch, foreign_dataset):
    client = login(cast.foreign_officer)
    listing = client.get(reverse("observatory:imports")).content.decode()
    assert batch.original_name not in listing
    assert reverse("observatory:import_detail", args=[batch.pk]) not in listing
    form = client.get(reverse("observatory:import_new")).context["form"]
    assert list(form.fields["dataset"].queryset) == [foreign_dataset]
    # The Métro's dataset posted all the same: refused by the form, nothing stored.
    before = ImportBatch.objects.count()
    response = client.post(
        reverse("observatory:import_new"),
        {"dataset": dataset().pk, "format": "long", "file": upload("insee_code\n")},
    )
    assert response.status_code == 200 and response.context["form"].errors["dataset"]
    assert ImportBatch.objects.count() == before
    # The Métro's officer sees the Métro's import, not the Voironnais's dataset.
    metro = login(cast.metro_officer)
    assert batch.original_name in metro.get(reverse("observatory:imports")).content.decode()
    assert (
        foreign_dataset
        not in metro.get(reverse("observatory:import_new")).context["form"].fields["dataset"].queryset
    )


def test_a_shared_dataset_is_imported_by_the_administrator_only(login, cast):
    shared = Dataset.objects.create(code="national", name="National", producer="État")
    for role in ("metro_officer", "foreign_officer"):
        form = login(getattr(cast, role)).get(reverse("observatory:import_new")).context["form"]
        assert shared not in form.fields["dataset"].queryset
    assert (
        shared
        in login(cast.admin).get(reverse("observatory:import_new")).context["form"].fields["dataset"].queryset
    )


def test_rows_of_another_territorys_communes_are_refused_on_their_line(cast, foreign_dataset, english):
    batch = import_rows(
        [
            ("38563", 2020, "emissions", "residential", "", "10", "t CO2e", ""),
            ("38421", 2020, "emissions", "residential", "", "20", "t CO2e", ""),
        ],
        dataset_code="voironnais",
        user=cast.foreign_officer,
    )
    assert batch.status == BatchStatus.FAILED
    assert [(error["line"], error["column"], error["value"]) for error in batch.errors] == [
        (3, "insee_code", "38421")
    ]
    assert "not of the dataset's territory" in batch.errors[0]["reason"]
    assert not Observation.objects.filter(dataset=foreign_dataset).exists()


def test_a_value_imported_for_voiron_leaves_the_metros_figures_as_they_were(
    login, cast, commune_data, foreign_dataset
):
    client = login(cast.admin)
    url = reverse("observatory:agglomeration_export")
    metro = {"territory": cast.territory.slug, "variant": "machine"}
    before = parse_machine_export(client.get(url, metro))
    # Voiron's values: in the Voironnais's own dataset, and in the Métro's dataset's years (a shared one).
    shared = Dataset.objects.create(code="national", name="National", producer="État", priority=1)
    for code in ("voironnais", "national"):
        batch = import_rows(
            [
                ("38563", year, "emissions", "residential", "", "777777", "t CO2e", "")
                for year in (2005, 2015, 2021, 2022)
            ],
            dataset_code=code,
            user=cast.admin,
        )
        assert batch.status == BatchStatus.DONE, batch.errors
    assert parse_machine_export(client.get(url, {**metro, "dataset": dataset().pk})) == before
    # The shared dataset, read from the Métro: none of Voiron's values.
    national = client.get(reverse("observatory:agglomeration_data"), {**metro, "dataset": shared.pk})
    assert b"38563" not in b"".join(national.streaming_content)
    assert PlatformTotal.objects.filter(territory=cast.territory, dataset=shared).count() == 0
    # ... and the Voironnais's page has them.
    rows = parse_machine_export(
        client.get(
            url, {"territory": cast.foreign_territory.slug, "variant": "machine", "dataset": shared.pk}
        )
    )
    assert {row["emissions_t_co2e"] for row in rows} == {"777777"}
    coverage = PlatformCoverage.objects.filter(territory=cast.foreign_territory, dataset=shared)
    assert {(row.year, row.communes) for row in coverage} == {(2005, 1), (2015, 1), (2021, 1), (2022, 1)}


def test_the_map_reads_the_territorys_outlines(login, cast):
    CommuneOutline.objects.create(commune=cast.commune, geometry='{"type":"Point","coordinates":[5.7,45.2]}')
    CommuneOutline.objects.create(
        commune=cast.foreign_commune, geometry='{"type":"Point","coordinates":[5.6,45.4]}'
    )
    client = login(cast.referent)
    response = client.get(reverse("observatory:outlines", args=[cast.territory.slug]))
    assert response["Content-Type"] == "application/geo+json"
    codes = [feature["properties"]["code"] for feature in json.loads(response.content)["features"]]
    assert codes == [cast.commune.insee_code]
    assert "private" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    again = client.get(
        reverse("observatory:outlines", args=[cast.territory.slug]), HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    assert (
        login(cast.referent)
        .get(reverse("observatory:outlines", args=[cast.foreign_territory.slug]))
        .status_code
        == 404
    )


def test_a_communes_target_must_be_of_the_territorys_communes(cast):
    target = Target(commune=cast.foreign_commune, reference_year=2005, target_year=2040, ghg_reduction_pct=50)
    with pytest.raises(ValidationError, match="n'est pas du territoire de l'objectif"):
        services.target_save(target=target, territory=cast.territory)
    assert not Target.objects.filter(commune=cast.foreign_commune).exists()
    services.target_save(target=target, territory=cast.foreign_territory)
    assert Target.objects.get(commune=cast.foreign_commune).territory == cast.foreign_territory
