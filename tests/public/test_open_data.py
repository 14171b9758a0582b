"""The open data: the catalogue page and the files of open datasets and published plans, exactly as a
program reads them, and everything that must never be in them."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPlan, PlanStatus, Theme
from observatory import exports
from observatory.models import Dataset
from pcl.licences import OPEN_LICENCE, OPEN_LICENCE_URL
from public import open_data
from tests.actions.factories import ActionFactory, ActionPlanFactory, adopted_plan
from tests.factories import CommuneFactory, voironnais_territory
from tests.public.data_helpers import (
    SECRET_CLOSED_VALUE,
    SECRET_DEMO_VALUE,
    hidden_datasets,
    open_dataset,
    open_dataset_with_values,
    published_plan,
)

pytestmark = pytest.mark.django_db

DATASET_CSV = """insee_code,commune,year,quantity,sector,sector_name,energy,energy_name,value,unit,status
38151,Échirolles,2020,consumption,road_transport,Transport routier,oil_products,Produits pétroliers,4321,\
MWh,consolidated
38421,Saint-Martin-d'Hères,2020,consumption,residential,Résidentiel,electricity,Électricité,1234.5,MWh,consolidated
38421,Saint-Martin-d'Hères,2020,emissions,residential,Résidentiel,,,98.25,t CO2e,consolidated
38421,Saint-Martin-d'Hères,2020,population,,,,,26000,inhabitants,consolidated
38421,Saint-Martin-d'Hères,2020,production,,,photovoltaic,Photovoltaïque,12.75,MWh,estimated
"""


def dataset_url(code, fmt):
    return reverse("public:dataset_file", args=[code, fmt])


def plan_url(insee_code, version, fmt):
    return reverse("public:plan_file", args=[insee_code, version, fmt])


def content(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode()


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# --- a dataset's files ----------------------------------------------------------------------------


def test_a_datasets_csv_file_holds_its_values_to_the_digit(client, cast):
    open_dataset_with_values(cast)
    response = client.get(dataset_url("metro-ouvert", "csv"))
    assert response.status_code == 200
    assert response.streaming
    assert content(response) == DATASET_CSV
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="metro-ouvert.csv"'
    assert response["Link"] == f'<{OPEN_LICENCE_URL}>; rel="license"'
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]


def test_a_datasets_json_file_holds_its_description_licence_columns_and_values(client, cast):
    dataset = open_dataset_with_values(cast)
    response = client.get(dataset_url("metro-ouvert", "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="metro-ouvert.json"'
    document = json.loads(content(response))
    metadata = document["dataset"]
    assert metadata == {
        "code": "metro-ouvert",
        "name": "Observatoire ouvert de la Métro",
        "name_en": "The Métro's open observatory",
        "producer": "Grenoble-Alpes Métropole",
        "source_url": "https://data.example.org/observatoire",
        "description": "Séries ouvertes par commune.",
        "territory": "Grenoble-Alpes Métropole",
        "licence": OPEN_LICENCE,
        "licence_url": OPEN_LICENCE_URL,
        "updated_at": metadata["updated_at"],
    }
    batch = dataset.batches.get()
    assert metadata["updated_at"] == timezone.localtime(batch.finished_at).isoformat()
    assert [column["name"] for column in document["columns"]] == [
        column.name for column in open_data.DATASET_COLUMNS
    ]
    assert document["rows"] == [
        {
            "insee_code": code,
            "commune": commune,
            "year": 2020,
            "quantity": quantity,
            "sector": sector,
            "sector_name": sector_name,
            "energy": energy,
            "energy_name": energy_name,
            "value": value,
            "unit": unit,
            "status": status,
        }
        for code, commune, quantity, sector, sector_name, energy, energy_name, value, unit, status in [
            ("38151", "Échirolles", "consumption", "road_transport", "Transport routier", "oil_products",
             "Produits pétroliers", 4321, "MWh", "consolidated"),
            ("38421", "Saint-Martin-d'Hères", "consumption", "residential", "Résidentiel", "electricity",
             "Électricité", 1234.5, "MWh", "consolidated"),
            ("38421", "Saint-Martin-d'Hères", "emissions", "residential", "Résidentiel", "", "", 98.25,
             "t CO2e", "consolidated"),
            ("38421", "Saint-Martin-d'Hères", "population", "", "", "", "", 26000, "inhabitants",
             "consolidated"),
            ("38421", "Saint-Martin-d'Hères", "production", "", "", "photovoltaic", "Photovoltaïque", 12.75,
             "MWh", "estimated"),
        ]
    ]  # fmt: skip


def test_a_dataset_under_its_own_licence_states_it(client, cast):
    open_dataset_with_values(cast, licence="ODbL")
    response = client.get(dataset_url("metro-ouvert", "json"))
    metadata = json.loads(content(response))["dataset"]
    assert (metadata["licence"], metadata["licence_url"]) == (
        "ODbL",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    )
    assert response["Link"] == '<https://opendatacommons.org/licenses/odbl/1-0/>; rel="license"'


def test_a_dataset_file_streams_in_chunks_and_reads_the_values_in_chunks(client, cast, monkeypatch):
    """A million values are never held in memory: the rows are read in chunks (a server-side cursor on
    PostgreSQL) and written in chunks; the file is the same."""
    open_dataset_with_values(cast)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(open_data, "CHUNK_ROWS", 2)
    for fmt in ("csv", "json"):
        response = client.get(dataset_url("metro-ouvert", fmt))
        chunks = [chunk for chunk in response.streaming_content if chunk]
        assert len(chunks) >= 3
        text = b"".join(chunks).decode()
        if fmt == "csv":
            assert text == DATASET_CSV
        else:
            assert [row["value"] for row in json.loads(text)["rows"]] == [4321, 1234.5, 98.25, 26000, 12.75]


def test_a_dataset_file_is_revalidated_by_its_etag(client, cast):
    open_dataset_with_values(cast)
    first = client.get(dataset_url("metro-ouvert", "csv"))
    again = client.get(dataset_url("metro-ouvert", "csv"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    other_format = client.get(dataset_url("metro-ouvert", "json"))
    assert other_format["ETag"] != first["ETag"]


def test_a_dataset_without_values_yet_gives_its_header(client, cast):
    open_dataset(cast.territory)
    assert content(client.get(dataset_url("metro-ouvert", "csv"))) == DATASET_CSV.splitlines()[0] + "\n"
    assert json.loads(content(client.get(dataset_url("metro-ouvert", "json"))))["rows"] == []


def test_demonstration_and_closed_datasets_have_no_file_and_are_not_in_the_catalogue(client, cast):
    hidden_datasets(cast)
    open_dataset_with_values(cast)
    assert Dataset.objects.get(code="demo").is_demo
    assert not Dataset.objects.get(code="orcae").is_open
    for code in ("demo", "orcae", "no-such-dataset"):
        for fmt in ("csv", "json"):
            assert client.get(dataset_url(code, fmt)).status_code == 404
    page = client.get(reverse("public:open_data")).content.decode()
    assert 'id="dataset-metro-ouvert"' in page
    assert "demo" not in {dataset.code for dataset in Dataset.objects.filter(is_open=True)}
    for hidden in Dataset.objects.filter(code__in=["demo", "orcae"]):
        assert f'id="dataset-{hidden.code}"' not in page
        assert dataset_url(hidden.code, "csv") not in page
        assert hidden.name not in page and hidden.name_en not in page
    # Nor do their values leak into the open dataset's files.
    for fmt in ("csv", "json"):
        text = content(client.get(dataset_url("metro-ouvert", fmt)))
        assert str(int(SECRET_DEMO_VALUE)) not in text and str(int(SECRET_CLOSED_VALUE)) not in text


def test_a_dataset_no_longer_open_has_no_file(client, cast):
    dataset = open_dataset_with_values(cast)
    assert client.get(dataset_url("metro-ouvert", "csv")).status_code == 200
    dataset.is_open = False
    dataset.save()
    assert client.get(dataset_url("metro-ouvert", "csv")).status_code == 404
    assert 'id="dataset-metro-ouvert"' not in client.get(reverse("public:open_data")).content.decode()


@pytest.mark.parametrize("fmt", ["xml", "xlsx", "CSV", "csv.gz"])
def test_a_file_in_another_format_is_404(client, cast, fmt):
    open_dataset_with_values(cast)
    published_plan(cast)
    assert client.get(f"/open-data/datasets/metro-ouvert.{fmt}").status_code == 404
    assert client.get(f"/open-data/plans/38421-v1.{fmt}").status_code == 404


# --- a plan's files -------------------------------------------------------------------------------

PLAN_CSV_HEADER = [
    "insee_code", "plan_version", "action_id", "axis", "title", "theme", "status", "progress", "start_date",
    "end_date", "elected_referent", "budget_forecast", "budget_actual", "expected_mwh_saved",
    "expected_tco2e_avoided", "expected_mwh_renewable", "achieved_mwh_saved", "achieved_tco2e_avoided",
    "achieved_mwh_renewable", "milestone_count", "milestones_done",
]  # fmt: skip


def test_a_published_plans_csv_file_holds_its_actions(client, cast):
    plan, first, second = published_plan(cast)
    theme = Theme.objects.order_by("pk").first().name
    response = client.get(plan_url("38421", 1, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="plan-climat-38421-v1.csv"'
    assert response["Link"] == f'<{OPEN_LICENCE_URL}>; rel="license"'
    assert csv_rows(content(response)) == [
        PLAN_CSV_HEADER,
        ["38421", "1", str(first.pk), "Bâtiments › Écoles", "Rénover l'école Langevin", theme, "in_progress",
         "40", "2024-09-01", "2026-08-31", "Mme la maire adjointe", "152500", "42000.5", "120.5", "24.1", "",
         "30.25", "", "", "2", "1"],
        ["38421", "1", str(second.pk), "", "Éclairage public LED", theme, "planned", "0", "", "", "", "0", "",
         "", "", "", "", "", "", "0", "0"],
    ]  # fmt: skip


def test_a_published_plans_json_file_holds_the_plan_and_its_actions(client, cast):
    plan, first, second = published_plan(cast)
    theme = Theme.objects.order_by("pk").first().name
    response = client.get(plan_url("38421", 1, "json"))
    assert response["Content-Type"] == "application/json"
    document = json.loads(content(response))
    assert document["plan"] == {
        "insee_code": "38421",
        "commune": "Saint-Martin-d'Hères",
        "title": "Plan climat 2024-2030",
        "version": 1,
        "status": "follow_up",
        "start_year": 2024,
        "end_year": 2030,
        "deliberation_date": "2024-03-12",
        "deliberation_number": "2024-031",
        "published_on": "2024-04-02",
        "licence": OPEN_LICENCE,
        "licence_url": OPEN_LICENCE_URL,
    }
    assert document["actions"] == [
        {
            "action_id": first.pk,
            "axis": "Bâtiments › Écoles",
            "title": "Rénover l'école Langevin",
            "theme": theme,
            "status": "in_progress",
            "progress": 40,
            "start_date": "2024-09-01",
            "end_date": "2026-08-31",
            "elected_referent": "Mme la maire adjointe",
            "budget_forecast": 152500,
            "budget_actual": 42000.5,
            "expected_mwh_saved": 120.5,
            "expected_tco2e_avoided": 24.1,
            "expected_mwh_renewable": None,
            "achieved_mwh_saved": 30.25,
            "achieved_tco2e_avoided": None,
            "achieved_mwh_renewable": None,
            "milestone_count": 2,
            "milestones_done": 1,
            "milestones": [
                {"name": "Études", "due_date": "2024-12-15", "done_on": "2024-12-10"},
                {"name": "Travaux", "due_date": "2026-06-30", "done_on": None},
            ],
        },
        {
            "action_id": second.pk,
            "axis": "",
            "title": "Éclairage public LED",
            "theme": theme,
            "status": "planned",
            "progress": 0,
            "start_date": None,
            "end_date": None,
            "elected_referent": "",
            "budget_forecast": 0,
            "budget_actual": None,
            "expected_mwh_saved": None,
            "expected_tco2e_avoided": None,
            "expected_mwh_renewable": None,
            "achieved_mwh_saved": None,
            "achieved_tco2e_avoided": None,
            "achieved_mwh_renewable": None,
            "milestone_count": 0,
            "milestones_done": 0,
            "milestones": [],
        },
    ]


def test_plan_files_never_hold_people_notes_or_history(client, cast):
    plan, first, _second = published_plan(cast)
    first.owner = cast.staff
    first.updated_by = cast.advisor
    first.save()
    secrets = [
        cast.staff.get_full_name(),
        cast.staff.email,
        cast.referent.get_full_name(),  # published the plan, wrote the note
        cast.referent.email,
        cast.advisor.get_full_name(),
        cast.advisor.email,
        "Service des bâtiments secret",  # owner_name
        "Note interne confidentielle",  # a FollowUpNote
        "owner",
        "note",
        "history",
        "published_by",
    ]
    for fmt in ("csv", "json"):
        text = content(client.get(plan_url("38421", 1, fmt)))
        for secret in secrets:
            assert secret not in text, (fmt, secret)


def test_a_plan_not_published_has_no_file_and_is_not_in_the_catalogue(client, cast):
    adopted_plan(cast.other_commune)  # adopted, never published
    ActionPlanFactory(commune=CommuneFactory(insee_code="38185", name="Grenoble"))  # a draft
    for insee_code in ("38151", "38185"):
        for fmt in ("csv", "json"):
            assert client.get(plan_url(insee_code, 1, fmt)).status_code == 404
    page = client.get(reverse("public:open_data")).content.decode()
    assert "Échirolles" not in page and "Grenoble</a>" not in page
    assert 'id="no-plans"' in page


def test_a_draft_version_after_a_published_one_is_never_public(client, cast):
    plan, _first, _second = published_plan(cast)
    draft = ActionPlanFactory(commune=cast.commune, previous_version=plan, title="Plan révisé en cours")
    ActionFactory(plan=draft, title="Action encore secrète")
    assert draft.version == 2
    for fmt in ("csv", "json"):
        assert client.get(plan_url("38421", 2, fmt)).status_code == 404
        text = content(client.get(plan_url("38421", 1, fmt)))
        assert "Action encore secrète" not in text
    page = client.get(reverse("public:open_data")).content.decode()
    assert plan_url("38421", 1, "csv") in page
    assert plan_url("38421", 2, "csv") not in page and "Plan révisé en cours" not in page


def test_a_withdrawn_plan_has_no_file(client, cast):
    plan, _first, _second = published_plan(cast)
    ActionPlan.objects.filter(pk=plan.pk).update(published_at=None)
    for fmt in ("csv", "json"):
        assert client.get(plan_url("38421", 1, fmt)).status_code == 404
    assert client.get(plan_url("99999", 1, "csv")).status_code == 404


def test_a_plan_file_is_revalidated_by_its_etag(client, cast):
    published_plan(cast)
    first = client.get(plan_url("38421", 1, "csv"))
    assert client.get(plan_url("38421", 1, "csv"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# --- the column documentation ---------------------------------------------------------------------


def test_the_documentation_covers_exactly_the_columns_the_files_write(client, cast):
    open_dataset_with_values(cast)
    published_plan(cast)
    names = lambda columns: [column.name for column in columns]  # noqa: E731
    dataset_csv = content(client.get(dataset_url("metro-ouvert", "csv")))
    assert csv_rows(dataset_csv)[0] == names(open_data.DATASET_COLUMNS)
    dataset_json = json.loads(content(client.get(dataset_url("metro-ouvert", "json"))))
    assert list(dataset_json["dataset"]) == names(open_data.DATASET_FIELDS)
    assert all(list(row) == names(open_data.DATASET_COLUMNS) for row in dataset_json["rows"])
    plan_csv = content(client.get(plan_url("38421", 1, "csv")))
    assert csv_rows(plan_csv)[0] == names(open_data.PLAN_CSV_COLUMNS)
    plan_json = json.loads(content(client.get(plan_url("38421", 1, "json"))))
    assert list(plan_json["plan"]) == names(open_data.PLAN_FIELDS)
    assert [column["name"] for column in plan_json["columns"]] == names(open_data.ACTION_JSON_FIELDS)
    for action in plan_json["actions"]:
        assert list(action) == names(open_data.ACTION_JSON_FIELDS)
        assert all(list(milestone) == names(open_data.MILESTONE_FIELDS) for milestone in action["milestones"])

    # The page documents each list, every column of it once, with its type and meaning.
    page = client.get(reverse("public:open_data")).content.decode()
    documented = {
        "columns-dataset": open_data.DATASET_COLUMNS,
        "columns-dataset-metadata": open_data.DATASET_FIELDS,
        "columns-plan": open_data.PLAN_CSV_COLUMNS,
        "columns-plan-metadata": open_data.PLAN_FIELDS,
        "columns-plan-actions": open_data.ACTION_JSON_FIELDS,
        "columns-milestones": open_data.MILESTONE_FIELDS,
    }
    for doc_id, columns in documented.items():
        table = page.split(f'data-columns="{doc_id}"', 1)[1].split("</table>", 1)[0]
        assert table.count("<code>") == len(columns)
        for column in columns:
            assert f"<code>{column.name}</code>" in table
    assert all(column.description for columns in documented.values() for column in columns)


# --- the catalogue page ---------------------------------------------------------------------------


def test_the_catalogue_lists_open_datasets_and_published_plans_with_their_files(client, cast):
    open_dataset_with_values(cast)
    published_plan(cast)
    response = client.get(reverse("public:open_data"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    page = response.content.decode()
    row = page.split('id="dataset-metro-ouvert"', 1)[1].split("</tr>", 1)[0]
    assert "Observatoire ouvert de la Métro" in row and "Grenoble-Alpes Métropole" in row
    assert OPEN_LICENCE in row and OPEN_LICENCE_URL in row
    assert ">2020<" in row and ">5<" in row  # its years and its count of values
    assert dataset_url("metro-ouvert", "csv") in row and dataset_url("metro-ouvert", "json") in row
    plan_row = page.split('id="plan-38421"', 1)[1].split("</tr>", 1)[0]
    assert "Saint-Martin-d&#x27;Hères" in plan_row and "12/03/2024" in plan_row and "2024-031" in plan_row
    assert plan_url("38421", 1, "csv") in plan_row and plan_url("38421", 1, "json") in plan_row
    assert "<title>Données ouvertes" in page or "<title>Open data" in page
    assert 'property="og:title"' in page and "img/social-preview.png" in page


def test_the_catalogue_in_english(client, cast, settings):
    open_dataset_with_values(cast)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("public:open_data")).content.decode()
    assert "The Métro&#x27;s open observatory" in page
    assert '<html lang="en">' in page


def test_the_catalogue_page_costs_a_few_queries_whatever_the_number_of_plans(
    client, cast, django_assert_max_num_queries
):
    open_dataset_with_values(cast)
    open_dataset(cast.territory, code="second", name="Second jeu")
    voironnais = voironnais_territory()
    for index in range(12):
        commune = CommuneFactory(territory=cast.territory if index % 2 else voironnais)
        plan = adopted_plan(commune, published_at=timezone.now())
        ActionFactory(plan=plan)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("public:open_data")).content.decode()
    assert page.count('class="text-nowrap"><a href="/open-data/plans/') == 12
    assert 'href="#plans-grenoble-alpes-metropole"' in page
    with django_assert_max_num_queries(0):  # then from the cache until something changes
        client.get(reverse("public:open_data"))


def test_the_catalogue_shows_a_plan_as_soon_as_it_is_published(client, cast):
    plan = adopted_plan(cast.commune)
    assert 'id="plan-38421"' not in client.get(reverse("public:open_data")).content.decode()
    plan.published_at = timezone.now()
    plan.save()
    assert 'id="plan-38421"' in client.get(reverse("public:open_data")).content.decode()
    plan.published_at = None
    plan.status = PlanStatus.FOLLOW_UP
    plan.save()
    assert 'id="plan-38421"' not in client.get(reverse("public:open_data")).content.decode()


def test_the_files_are_the_same_in_every_language(client, cast, settings):
    open_dataset_with_values(cast)
    published_plan(cast)
    addresses = [
        dataset_url("metro-ouvert", "json"),
        dataset_url("metro-ouvert", "csv"),
        plan_url("38421", 1, "json"),
    ]
    french = [content(client.get(address)) for address in addresses]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert [content(client.get(address)) for address in addresses] == french


def test_a_text_that_looks_like_a_formula_never_runs_in_a_spreadsheet(client, cast):
    plan, first, _second = published_plan(cast)
    first.title = '=HYPERLINK("http://example.org","Cliquez")'
    first.save()
    rows = csv_rows(content(client.get(plan_url("38421", 1, "csv"))))
    assert rows[1][4] == "'" + first.title
    actions = json.loads(content(client.get(plan_url("38421", 1, "json"))))["actions"]
    assert actions[0]["title"] == first.title


def test_a_head_request_gives_a_datasets_headers_without_reading_its_values(
    client, cast, django_assert_max_num_queries
):
    open_dataset_with_values(cast)
    with django_assert_max_num_queries(1):
        response = client.head(dataset_url("metro-ouvert", "csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="metro-ouvert.csv"'
    assert b"".join(response.streaming_content) == b""
    assert client.post(dataset_url("metro-ouvert", "csv")).status_code == 405
