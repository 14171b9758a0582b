"""The platform's long CSV written from the fact table: every value in the platform's own form, which
imports again as it is (straight into the fact table on PostgreSQL), for the agglomeration or a commune."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from observatory.models import BatchStatus, Observation
from tests.observatory.helpers import LONG_HEADER, dataset, import_rows, run_import, series_rows

pytestmark = pytest.mark.django_db


def stored(dataset_code="orcae") -> dict:
    rows = Observation.objects.filter(dataset__code=dataset_code).values_list(
        "commune_id", "year", "quantity", "sector_id", "energy", "value", "status"
    )
    return {tuple(row[:5]): (pytest.approx(row[5]), row[6]) for row in rows}


def download(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def imported(cast):
    rows = series_rows(
        [cast.commune.insee_code, cast.other_commune.insee_code], [2019, 2020], estimated_years=[2020]
    )
    # Given in kWh and with other spellings: the export gives the stored unit and the platform's codes.
    rows.append(
        (cast.commune.insee_code, 2018, "Consumption", "RESIDENTIAL", "wood_energy", 2500, "kWh", "(e)")
    )
    batch = import_rows(rows, user=cast.metro_officer)
    assert batch.status == BatchStatus.DONE, batch.errors
    return batch


def test_the_agglomeration_data_is_every_value_in_the_platform_form_in_key_order(login, cast, imported):
    text = download(login(cast.referent), reverse("observatory:agglomeration_data"))

    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == LONG_HEADER
    assert len(rows) - 1 == Observation.objects.count()
    assert rows[1:] == sorted(rows[1:], key=lambda row: (row[0], int(row[1]), row[2], row[3], row[4]))
    assert [
        cast.commune.insee_code,
        "2018",
        "consumption",
        "residential",
        "wood_energy",
        "2.5",
        "MWh",
        "estimated",
    ] in rows
    assert {(row[2], row[6]) for row in rows[1:]} == {
        ("population", "inhabitants"),
        ("consumption", "MWh"),
        ("emissions", "t CO2e"),
        ("production", "MWh"),
    }
    assert {row[7] for row in rows[1:]} == {"consolidated", "estimated"}


def test_the_data_imports_again_as_it_is_into_another_dataset(login, cast, imported):
    text = download(login(cast.metro_officer), reverse("observatory:agglomeration_data"))

    again = run_import(text, dataset_code="demo", user=cast.metro_officer)

    assert again.status == BatchStatus.DONE, again.errors
    assert stored("demo") == stored("orcae")
    # The platform's own form goes straight into the fact table.
    assert ("part 1 · copy" in again.timings) == (connection.vendor == "postgresql")


def test_a_commune_data_holds_its_values_only(login, cast, imported):
    text = download(login(cast.referent), reverse("observatory:commune_data", args=[cast.commune.insee_code]))

    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert rows
    assert {row[0] for row in rows} == {cast.commune.insee_code}
    assert len(rows) == Observation.objects.filter(commune=cast.commune).count()


def test_the_data_follows_the_dataset_chosen_on_the_page(login, cast, imported):
    run_import(
        "insee_code,year,quantity,sector,energy,value,unit,status\n"
        f"{cast.commune.insee_code},2021,population,,,1234,inhabitants,consolidated\n",
        dataset_code="demo",
        user=cast.metro_officer,
    )
    url = reverse("observatory:agglomeration_data") + f"?dataset={dataset('demo').pk}"

    rows = list(csv.reader(io.StringIO(download(login(cast.referent), url))))

    assert rows[1:] == [
        [
            cast.commune.insee_code,
            "2021",
            "population",
            "",
            "",
            "1234.0" if connection.vendor != "postgresql" else "1234",
            "inhabitants",
            "consolidated",
        ]
    ]


def test_without_data_the_export_is_its_header(login, cast):
    text = download(login(cast.referent), reverse("observatory:agglomeration_data"))

    assert text.splitlines() == [",".join(LONG_HEADER)]
