"""Observatory imports, all or nothing: the long CSV and the Agence ORE file, through the service (as the
Celery task runs it), the management command and the web pages.

Run on SQLite and on PostgreSQL: the importer loads the file with COPY on PostgreSQL and with INSERTs on
SQLite, and each backend has its own SQL dialect for the checks."""

import csv
import html
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from communes.models import Commune
from observatory import reference, services
from observatory.models import BatchStatus, ImportBatch, ImportFormat, Observation, Status
from tests import samples
from tests.factories import CommuneFactory, TerritoryFactory, UserFactory
from tests.observatory.helpers import (
    LONG_HEADER,
    ORE_HEADER,
    csv_text,
    dataset,
    import_rows,
    run_import,
    series_rows,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def communes(db):
    return {
        "38421": CommuneFactory(insee_code="38421", name="Saint-Martin-d'Hères"),
        "38151": CommuneFactory(insee_code="38151", name="Échirolles"),
    }


def stored(dataset_code="orcae"):
    """{(insee, year, quantity, sector, energy or source): (value, estimated)} of a dataset."""
    rows = Observation.objects.filter(dataset__code=dataset_code).values_list(
        "commune__insee_code", "year", "quantity", "sector__code", "energy", "value", "status"
    )
    return {
        (insee, year, quantity, sector, energy): (value, status == Status.ESTIMATED)
        for insee, year, quantity, sector, energy, value, status in rows
    }


def approx_values(values: dict) -> dict:
    return {key: (pytest.approx(value), estimate) for key, (value, estimate) in values.items()}


VALID_ROWS = [
    ("38421", 2019, "consumption", "residential", "electricity", "1500000", "kWh", "consolidated"),
    ("38421", 2019, "consumption", "tertiary", "natural_gas", "2,5", "GWh", "consolidated"),
    ("38421", 2019, "emissions", "residential", "", "1,25", "kt CO2e", "consolidated"),
    ("38421", 2019, "production", "", "photovoltaic", "420.5", "MWh", ""),
    ("38421", 2019, "population", "", "", "27000", "inhabitants", "consolidated"),
    ("38421", 2020, "emissions", "residential", "", "1100", "t CO2e", "estimated"),
    ("38151", 2020, "consumption", "residential", "electricity", "900", "MWh", "(e)"),
    ("38151", 2020, "emissions", "agriculture", "", "-12.5", "t CO2e", "consolidated"),
]
VALID_VALUES = {
    ("38421", 2019, "consumption", "residential", "electricity"): (1500.0, False),
    ("38421", 2019, "consumption", "tertiary", "natural_gas"): (2500.0, False),
    ("38421", 2019, "emissions", "residential", None): (1250.0, False),
    ("38421", 2019, "production", None, "photovoltaic"): (420.5, False),
    ("38421", 2019, "population", None, None): (27000.0, False),
    ("38421", 2020, "emissions", "residential", None): (1100.0, True),
    ("38151", 2020, "consumption", "residential", "electricity"): (900.0, True),
    ("38151", 2020, "emissions", "agriculture", None): (-12.5, False),
}


# --- a valid long file ----------------------------------------------------------------------------


def test_a_valid_long_file_is_imported_in_the_stored_units_with_its_provenance(communes):
    batch = import_rows(VALID_ROWS)

    assert batch.status == BatchStatus.DONE, batch.message
    assert (batch.rows_read, batch.rows_imported, batch.rows_skipped) == (8, 8, 0)
    assert (batch.error_count, batch.errors) == (0, [])
    assert batch.years == [2019, 2020]
    assert batch.started_at is not None and batch.finished_at is not None
    assert "8" in batch.message and "2019" in batch.message and "2020" in batch.message
    assert stored() == approx_values(VALID_VALUES)
    observations = Observation.objects.all()
    assert {(o.batch_id, o.dataset_id) for o in observations} == {(batch.pk, dataset("orcae").pk)}


def test_a_french_spreadsheet_export_is_read_semicolons_decimal_commas_bom_and_crlf(communes):
    text = csv_text(
        [
            ("38421", "2021", "consumption", "residential", "electricity", "1234,5", "MWh", "Consolidated"),
            ("38421", "2021", "emissions", "residential", "", "0,5", "kt CO2e", "Estimated"),
        ],
        delimiter=";",
    ).replace("\n", "\r\n")
    batch = run_import("\ufeff" + text)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert stored() == approx_values(
        {
            ("38421", 2021, "consumption", "residential", "electricity"): (1234.5, False),
            ("38421", 2021, "emissions", "residential", None): (500.0, True),
        }
    )


def test_the_command_imports_a_long_file(communes, tmp_path, capsys):
    path = tmp_path / "orcae.csv"
    path.write_text(csv_text(VALID_ROWS), encoding="utf-8")

    call_command("import_observatory", str(path), "--format", "long", "--dataset", "orcae")

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.original_name, batch.rows_imported) == (BatchStatus.DONE, "orcae.csv", 8)
    assert stored() == approx_values(VALID_VALUES)
    out = capsys.readouterr().out
    assert "8 values imported" in out and f"#{batch.pk}" in out


def test_imports_from_the_command_line_and_the_web_are_listed_with_what_replaced_what(
    communes, tmp_path, login, django_capture_on_commit_callbacks
):
    path = tmp_path / "orcae-2023.csv"
    path.write_text(csv_text(VALID_ROWS), encoding="utf-8")
    call_command("import_observatory", str(path), "--format", "long", "--dataset", "orcae")
    by_command = ImportBatch.objects.get()
    web = import_rows(VALID_ROWS, name="orcae-2024.csv")
    client = login(UserFactory(is_superuser=True))

    listing = client.get(reverse("observatory:imports")).content.decode()
    assert "orcae-2023.csv" in listing and "orcae-2024.csv" in listing
    assert reverse("observatory:import_detail", args=[web.pk]) in listing
    detail = client.get(reverse("observatory:import_detail", args=[by_command.pk]))
    assert detail.status_code == 200  # no uploader
    assert reverse("observatory:import_detail", args=[web.pk]) in detail.content.decode()  # replaced by


def test_the_command_refuses_an_unknown_dataset_or_a_missing_file(communes, tmp_path):
    path = tmp_path / "orcae.csv"
    path.write_text(csv_text(VALID_ROWS), encoding="utf-8")
    with pytest.raises(CommandError, match="agence-ore"):
        call_command("import_observatory", str(path), "--format", "long", "--dataset", "nope")
    with pytest.raises(CommandError, match="No file"):
        call_command(
            "import_observatory", str(tmp_path / "absent.csv"), "--format", "long", "--dataset", "orcae"
        )
    assert not Observation.objects.exists() and not ImportBatch.objects.exists()


# --- bad rows: nothing is imported, every bad row is reported ------------------------------------

BAD_ROWS = [
    ("38421", 2020, "consumption", "residential", "electricity", "100", "MWh", "consolidated"),  # 2: good
    ("99999", 2020, "consumption", "residential", "electricity", "100", "MWh", ""),  # 3
    ("38421", "20x0", "consumption", "residential", "electricity", "100", "MWh", ""),  # 4
    ("38421", 2020, "heat", "residential", "electricity", "100", "MWh", ""),  # 5
    ("38421", 2020, "consumption", "space", "electricity", "100", "MWh", ""),  # 6
    ("38421", 2020, "emissions", "residential", "electricity", "10", "t CO2e", ""),  # 7
    ("38421", 2020, "consumption", "tertiary", "electricity", "abc", "MWh", ""),  # 8
    ("38421", 2020, "consumption", "industry", "electricity", "-5", "MWh", ""),  # 9
    ("38421", 2020, "emissions", "tertiary", "", "10", "MWh", ""),  # 10
    ("38421", 2020, "emissions", "industry", "", "10", "t CO2e", "provisional"),  # 11
    ("38421", 2020, "emissions", "waste", "", "5", "t CO2e", ""),  # 12: good
    ("38421", 2020, "consumption", "residential", "electricity", "120", "MWh", ""),  # 13: repeats line 2
]
BAD_CELLS = {
    3: ("insee_code", "99999"),
    4: ("year", "20x0"),
    5: ("quantity", "heat"),
    6: ("sector", "space"),
    7: ("energy", "electricity"),
    8: ("value", "abc"),
    9: ("value", "-5"),
    10: ("unit", "MWh"),
    11: ("status", "provisional"),
}


def assert_refused_with(batch, cells: dict, repeated_lines=()):
    assert batch.status == BatchStatus.FAILED
    assert batch.error_count == len(cells) + len(repeated_lines)
    assert [error["line"] for error in batch.errors] == sorted([*cells, *repeated_lines])
    for error in batch.errors:
        assert set(error) >= {"line", "column", "value", "reason"}
        assert error["reason"].strip(), error
        if error["line"] in cells:
            assert (error["column"], error["value"]) == cells[error["line"]], error
        else:
            assert error["column"] in LONG_HEADER, error
    assert str(batch.error_count) in batch.message
    assert batch.rows_imported == 0 and batch.years == []


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_one(communes):
    earlier = import_rows(
        [("38421", 2020, "consumption", "residential", "electricity", "77", "MWh", "consolidated")]
    )
    before = stored()

    batch = import_rows(BAD_ROWS)

    assert_refused_with(batch, BAD_CELLS, repeated_lines=[13])
    assert stored() == before
    assert Observation.objects.filter(batch_id=batch.pk).count() == 0
    earlier.refresh_from_db()
    assert earlier.replaced_by is None


def test_a_line_repeating_an_earlier_one_is_the_only_error_and_the_data_stays(communes):
    # On PostgreSQL a file whose only fault is a repeated line is caught by the unique index during the
    # insert, after the dataset's years were deleted: the deletion must be rolled back.
    earlier = import_rows([("38421", 2020, "emissions", "waste", "", "9", "t CO2e", "")])
    rows = [
        ("38421", 2020, "emissions", "residential", "", "10", "t CO2e", ""),
        ("38421", 2020, "emissions", "tertiary", "", "11", "t CO2e", ""),
        (" 38421 ", "2020", "Emissions", "Residential", "", "12", "t CO2e", ""),
    ]
    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert batch.error_count == 1
    assert [error["line"] for error in batch.errors] == [4]
    assert stored() == approx_values({("38421", 2020, "emissions", "waste", None): (9.0, False)})
    earlier.refresh_from_db()
    assert earlier.replaced_by is None


def test_empty_cells_are_reported_on_their_column(communes):
    # PostgreSQL's COPY reads an empty field as NULL, SQLite's reader as "": both must be refused alike.
    rows = [
        ("", 2020, "emissions", "residential", "", "10", "t CO2e", ""),  # 2
        ("38421", "", "emissions", "residential", "", "10", "t CO2e", ""),  # 3
        ("38421", 2020, "", "residential", "", "10", "t CO2e", ""),  # 4
        ("38421", 2020, "emissions", "", "", "10", "t CO2e", ""),  # 5
        ("38421", 2020, "consumption", "residential", "", "10", "MWh", ""),  # 6
        ("38421", 2020, "emissions", "tertiary", "", "", "t CO2e", ""),  # 7
        ("38421", 2020, "emissions", "industry", "", "10", "", ""),  # 8
    ]
    batch = import_rows(rows)

    assert_refused_with(
        batch,
        {
            2: ("insee_code", ""),
            3: ("year", ""),
            4: ("quantity", ""),
            5: ("sector", ""),
            6: ("energy", ""),
            7: ("value", ""),
            8: ("unit", ""),
        },
    )
    assert not Observation.objects.exists()


def test_the_command_lists_the_bad_rows_and_fails(communes, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(BAD_ROWS), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        call_command("import_observatory", str(path), "--format", "long", "--dataset", "orcae")

    message = str(raised.value)
    for line, (column, value) in BAD_CELLS.items():
        assert f"line {line}, column {column}, value “{value}”" in message
    assert "line 13, column" in message
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.error_count) == (BatchStatus.FAILED, 10)
    assert not Observation.objects.exists()


# --- files that cannot be read ----------------------------------------------------------------------


def test_a_file_missing_required_columns_is_refused_naming_them(communes):
    header = ["insee_code", "year", "quantity", "sector", "value", "status"]
    text = csv_text([("38421", 2020, "emissions", "residential", "10", "")], header=header)
    batch = run_import(text)

    assert batch.status == BatchStatus.FAILED
    assert "energy" in batch.message and "unit" in batch.message
    assert not Observation.objects.exists()


def test_an_ore_file_imported_as_a_long_file_is_refused_naming_the_missing_columns(communes):
    text = csv_text([("GRDF", 2021, "Gaz", "RESIDENTIEL", "X", "1", "1", "38421")], ORE_HEADER, ";")
    batch = run_import(text)

    assert batch.status == BatchStatus.FAILED
    for column in ("insee_code", "quantity", "value", "unit"):
        assert column in batch.message


def test_a_file_whose_header_is_not_utf8_is_refused_clearly(communes):
    text = "insee_code,année,year,quantity,sector,energy,value,unit,status\n"
    batch = run_import(text.encode("latin-1"))

    assert batch.status == BatchStatus.FAILED
    assert "UTF-8" in batch.message
    assert not Observation.objects.exists()


@pytest.mark.parametrize("good_rows_before", [0, 900], ids=["early", "late"])
def test_a_file_whose_rows_are_not_utf8_is_refused_clearly(communes, good_rows_before):
    # A spreadsheet saved as "CSV (Windows)": the header is plain ASCII, a row holds a Latin-1 "é".
    sectors = [code for code, _name, _name_en in reference.SECTORS]
    rows = [
        ("38421", 1990 + n % 100, "emissions", sectors[n // 100], "", n, "t CO2e", "")
        for n in range(good_rows_before)
    ]
    rows.append(("38421", 2020, "emissions", "residential", "", "10", "t CO2e", "estimé"))
    batch = run_import(csv_text(rows).encode("cp1252"))

    assert batch.status == BatchStatus.FAILED
    assert "UTF-8" in batch.message or "UTF8" in batch.message
    assert not Observation.objects.exists()


def test_a_row_with_too_many_fields_is_refused_naming_its_line(communes):
    text = csv_text(
        [
            ("38421", 2020, "emissions", "residential", "", "10", "t CO2e", ""),
            ("38421", 2020, "emissions", "tertiary", "", "10", "t CO2e", "", "surplus"),
            ("38421", 2020, "emissions", "industry", "", "10", "t CO2e", ""),
        ]
    )
    batch = run_import(text)

    assert batch.status == BatchStatus.FAILED
    assert "3" in batch.message
    assert not Observation.objects.exists()


def test_a_row_with_too_few_fields_is_refused_naming_its_line(communes):
    text = csv_text(
        [
            ("38421", 2020, "emissions", "residential", "", "10", "t CO2e", ""),
            ("38421", 2020, "emissions", "tertiary", "", "10", "t CO2e", ""),
            ("38421", 2020, "emissions"),
        ]
    )
    batch = run_import(text)

    assert batch.status == BatchStatus.FAILED
    assert "4" in batch.message
    assert not Observation.objects.exists()


# --- importing again ----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_and_the_first_batch_is_replaced(communes):
    first = import_rows(VALID_ROWS)
    count = Observation.objects.count()

    second = import_rows(VALID_ROWS)

    assert second.status == BatchStatus.DONE
    assert Observation.objects.count() == count == 8
    assert stored() == approx_values(VALID_VALUES)
    assert set(Observation.objects.values_list("batch_id", flat=True)) == {second.pk}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.replaced_by == second
    assert second.replaced_by is None


def test_a_new_file_replaces_the_years_it_covers_and_keeps_the_others(communes):
    first = import_rows(
        [
            ("38421", 2019, "emissions", "residential", "", "100", "t CO2e", ""),
            ("38421", 2020, "emissions", "residential", "", "90", "t CO2e", "estimated"),
            ("38421", 2020, "emissions", "tertiary", "", "50", "t CO2e", "estimated"),
        ]
    )
    # The consolidated 2020 values, without the tertiary row, and a new year.
    second = import_rows(
        [
            ("38421", 2020, "emissions", "residential", "", "88", "t CO2e", ""),
            ("38421", 2021, "emissions", "residential", "", "80", "t CO2e", "estimated"),
        ]
    )

    assert second.years == [2020, 2021]
    assert stored() == approx_values(
        {
            ("38421", 2019, "emissions", "residential", None): (100.0, False),
            ("38421", 2020, "emissions", "residential", None): (88.0, False),
            ("38421", 2021, "emissions", "residential", None): (80.0, True),
        }
    )
    first.refresh_from_db()
    assert first.replaced_by is None  # 2019 still comes from it


def test_importing_another_year_leaves_the_first_year_and_other_datasets_alone(communes):
    first = import_rows([("38421", 2019, "emissions", "residential", "", "100", "t CO2e", "")])
    import_rows(
        [("38421", 2020, "emissions", "residential", "", "7", "t CO2e", "")],
        dataset_code="demo",
    )
    second = import_rows([("38421", 2020, "emissions", "residential", "", "90", "t CO2e", "")])

    assert stored() == approx_values(
        {
            ("38421", 2019, "emissions", "residential", None): (100.0, False),
            ("38421", 2020, "emissions", "residential", None): (90.0, False),
        }
    )
    assert stored("demo") == approx_values({("38421", 2020, "emissions", "residential", None): (7.0, False)})
    first.refresh_from_db()
    assert (first.replaced_by, second.years) == (None, [2020])


def test_a_refused_file_does_not_replace_the_earlier_import(communes):
    first = import_rows(VALID_ROWS)
    refused = import_rows(BAD_ROWS)

    assert refused.status == BatchStatus.FAILED
    first.refresh_from_db()
    assert first.replaced_by is None
    assert stored() == approx_values(VALID_VALUES)


def test_values_created_one_by_one_are_replaced_for_the_years_the_file_covers(communes):
    # Rows written outside the import (the shell, fixtures) land in PostgreSQL's default partition.
    earlier = ImportBatch.objects.create(
        dataset=dataset(), format="long", original_name="x.csv", file="x.csv"
    )
    for year in (2019, 2020):
        Observation.objects.create(
            dataset=dataset(),
            batch=earlier,
            commune=communes["38421"],
            year=year,
            quantity="population",
            value=1,
        )

    batch = import_rows([("38421", 2020, "population", "", "", "27000", "inhabitants", "")])

    assert batch.status == BatchStatus.DONE, batch.message
    assert stored() == approx_values(
        {
            ("38421", 2019, "population", None, None): (1.0, False),
            ("38421", 2020, "population", None, None): (27000.0, False),
        }
    )


def test_running_a_finished_batch_again_changes_nothing(communes):
    batch = import_rows(VALID_ROWS)

    again = services.batch_run(batch=batch)

    assert again.status == BatchStatus.DONE, again.message
    assert again.finished_at == batch.finished_at  # not run a second time
    assert Observation.objects.count() == 8
    assert stored() == approx_values(VALID_VALUES)


def test_numbers_are_read_with_a_sign_a_decimal_comma_or_point_and_an_exponent(communes):
    rows = [
        ("38421", 2020, "emissions", "residential", "", "+2e3", "kg CO2e", ""),
        ("38421", 2020, "emissions", "tertiary", "", " -0,5 ", "t CO2e", ""),
        ("38421", 2020, "emissions", "industry", "", ".25", "kt CO2e", ""),
        ("38421", 2020, "emissions", "waste", "", "NaN", "t CO2e", ""),
        ("38421", 2020, "emissions", "agriculture", "", "Infinity", "t CO2e", ""),
    ]

    refused = import_rows(rows)
    batch = import_rows(rows[:3])

    assert_refused_with(refused, {5: ("value", "NaN"), 6: ("value", "Infinity")})
    assert batch.status == BatchStatus.DONE, batch.message
    assert stored() == approx_values(
        {
            ("38421", 2020, "emissions", "residential", None): (2.0, False),
            ("38421", 2020, "emissions", "tertiary", None): (-0.5, False),
            ("38421", 2020, "emissions", "industry", None): (250.0, False),
        }
    )


def test_the_import_reports_the_time_of_each_phase(communes):
    batch = import_rows(VALID_ROWS)

    assert {"copy", "write"} <= set(batch.timings)
    assert all(seconds >= 0 for seconds in batch.timings.values())


# --- Agence ORE --------------------------------------------------------------------------------------


@pytest.fixture
def ore_communes(communes):
    return {**communes, "01001": CommuneFactory(insee_code="01001", name="L'Abergement-Clémenciat")}


def ore_import(rows, **kwargs):
    return run_import(
        csv_text(rows, ORE_HEADER, ";"), dataset_code="agence-ore", file_format=ImportFormat.ORE, **kwargs
    )


ORE_ROWS = [
    ("GRDF", "2021", "Gaz", "RESIDENTIEL", "Saint-Martin-d'Hères", "1200,5", "300", "38421"),
    ("Régaz", "2021", "Gaz", "RESIDENTIEL", "Saint-Martin-d'Hères", "99,5", "20", "38421"),
    ("Enedis", "2021", "ELECTRICITE", "TERTIAIRE", "Saint-Martin-d'Hères", "800", "50", "38421"),
    ("Enedis", "2021", "ELECTRICITE", "RESIDENTIEL", "Grenoble", "5000", "999", "38185"),  # not ours
    ("Enedis", "2021", "ELECTRICITE", "INDUSTRIE", "Saint-Martin-d'Hères", "", "2", "38421"),  # secret
    ("Enedis", "2021", "ELECTRICITE", "RESIDENTIEL", "L'Abergement-Clémenciat", "42", "10", "1001"),
]


def test_an_ore_file_adds_up_operators_and_skips_other_communes_and_secret_values(ore_communes):
    batch = ore_import(ORE_ROWS)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert stored("agence-ore") == approx_values(
        {
            ("38421", 2021, "consumption", "residential", "natural_gas"): (1300.0, False),
            ("38421", 2021, "consumption", "tertiary", "electricity"): (800.0, False),
            ("01001", 2021, "consumption", "residential", "electricity"): (42.0, False),
        }
    )
    assert (batch.rows_read, batch.rows_imported, batch.rows_skipped) == (6, 3, 2)
    assert (batch.error_count, batch.years) == (0, [2021])
    assert set(Observation.objects.values_list("batch_id", "dataset__code")) == {(batch.pk, "agence-ore")}


def test_an_ore_file_imported_twice_does_not_double_the_sums(ore_communes):
    first = ore_import(ORE_ROWS)
    second = ore_import(ORE_ROWS)

    assert second.status == BatchStatus.DONE
    assert Observation.objects.count() == 3
    assert stored("agence-ore")[("38421", 2021, "consumption", "residential", "natural_gas")][0] == (
        pytest.approx(1300.0)
    )
    first.refresh_from_db()
    assert first.replaced_by == second


@pytest.mark.parametrize("filiere", ["Electricité", "ELECTRICITE", "électricité", "Électricité"])
def test_the_ore_energy_is_read_whatever_its_accents_and_case(ore_communes, filiere):
    # The refusal message itself asks for "Electricité or Gaz".
    batch = ore_import([("Enedis", "2021", filiere, "RESIDENTIEL", "SMH", "10", "1", "38421")])

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert stored("agence-ore") == approx_values(
        {("38421", 2021, "consumption", "residential", "electricity"): (10.0, False)}
    )


def test_an_unknown_ore_energy_is_an_error(ore_communes):
    rows = [
        ("GRDF", "2021", "Gaz", "RESIDENTIEL", "Saint-Martin-d'Hères", "10", "3", "38421"),
        ("X", "2021", "Fioul", "RESIDENTIEL", "Saint-Martin-d'Hères", "10", "3", "38421"),
        ("Y", "2021a", "Gaz", "TERTIAIRE", "Saint-Martin-d'Hères", "10", "3", "38421"),
        ("Z", "2021", "Gaz", "SPATIAL", "Saint-Martin-d'Hères", "10", "3", "38421"),
        ("W", "2021", "Gaz", "INDUSTRIE", "Saint-Martin-d'Hères", "-3", "3", "38421"),
    ]
    batch = ore_import(rows)

    assert batch.status == BatchStatus.FAILED
    assert batch.error_count == 4
    cells = {error["line"]: (error["column"], error["value"]) for error in batch.errors}
    assert cells == {
        3: ("filiere", "Fioul"),
        4: ("annee", "2021a"),
        5: ("code_grand_secteur", "SPATIAL"),
        6: ("conso", "-3"),
    }
    assert all(error["reason"].strip() for error in batch.errors)
    assert not Observation.objects.exists()


def test_an_ore_file_missing_columns_is_refused_naming_them(ore_communes):
    header = ["operateur", "annee", "filiere", "code_grand_secteur", "conso", "code_commune"]
    batch = run_import(
        csv_text([("GRDF", "2021", "Gaz", "RESIDENTIEL", "10", "38421")], header, ";"),
        dataset_code="agence-ore",
        file_format=ImportFormat.ORE,
    )
    assert batch.status == BatchStatus.FAILED
    assert "pdl" in batch.message


def test_the_command_imports_an_ore_file(ore_communes, tmp_path):
    path = tmp_path / "conso-elec-gaz-annuelle-par-secteur-commune.csv"
    path.write_text(csv_text(ORE_ROWS, ORE_HEADER, ";"), encoding="utf-8")

    call_command("import_observatory", str(path), "--format", "ore", "--dataset", "agence-ore")

    batch = ImportBatch.objects.get()
    assert (batch.status, batch.rows_imported, batch.rows_skipped) == (BatchStatus.DONE, 3, 2)
    assert len(stored("agence-ore")) == 3


# --- through the web pages -----------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    return UserFactory(full_name="Marc Métro", officer_of=TerritoryFactory())


def post_import(client, text, *, dataset_code="orcae", file_format="long", name="observatoire.csv"):
    return client.post(
        reverse("observatory:import_new"),
        {
            "dataset": dataset(dataset_code).pk,
            "format": file_format,
            "file": upload(text, name),
            "version_date": "2024-03-15",
        },
    )


def test_an_upload_is_queued_then_imported_and_its_page_shows_the_result(
    communes, officer, login, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_import(client, csv_text(VALID_ROWS))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("observatory:import_detail", args=[batch.pk])
    # Queued once, after the commit (the other callback renews the version of the dashboards' figures).
    queued = [callback for callback in callbacks if "_enqueue_on_commit" in callback.__qualname__]
    assert len(queued) == 1
    assert batch.status == BatchStatus.DONE, batch.message
    assert (batch.uploaded_by, batch.original_name, str(batch.version_date)) == (
        officer,
        "observatoire.csv",
        "2024-03-15",
    )
    assert batch.file.name.endswith(".csv") and batch.file.storage.exists(batch.file.name)
    assert stored() == approx_values(VALID_VALUES)

    page = client.get(response.url)
    content = page.content.decode()
    assert page.status_code == 200
    assert 'id="import-result"' in content and "alert-success" in content
    assert html.escape(batch.message) in content
    assert "Marc Métro" in content


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "observatoire.csv",
            samples.ELF,
            "n'est pas un fichier CSV : son contenu est celui d'un programme exécutable.",
        ),
        (
            "observatoire.csv",
            samples.HTML,
            "n'est pas un fichier CSV : son contenu est celui d'une page HTML.",
        ),
        (
            "observatoire.csv",
            samples.SVG_WITH_SCRIPT,
            "n'est pas un fichier CSV : son contenu est celui d'une image SVG.",
        ),
        (
            "observatoire.csv",
            samples.xlsx(),
            "n'est pas un fichier CSV : son contenu est celui d'un document bureautique",
        ),
        ("observatoire.xlsx", samples.xlsx(), "n'est pas d'un type accepté (csv, txt)."),
        ("observatoire.csv", b"", "est vide."),
        ("observatoire.csv", "insee_code;année\n".encode("cp1252"), "n'est pas encodé en UTF-8"),
    ],
    ids=["elf", "html", "svg", "xlsx-as-csv", "xlsx", "empty", "cp1252"],
)
def test_an_upload_that_is_not_a_utf8_csv_is_refused_and_changes_nothing(
    communes, officer, login, media, name, content, message, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_import(login(officer), content, name=name)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"]).replace("\xa0", " ")
    assert not ImportBatch.objects.exists() and not callbacks
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_upload_over_the_limit_is_refused_with_both_sizes(communes, officer, login, media, settings):
    settings.OBSERVATORY_IMPORT_MAX_BYTES = 2**10

    response = post_import(login(officer), csv_text(VALID_ROWS) + "#" * 2**10)

    assert "la limite est de 1 ko." in " ".join(response.context["form"].errors["file"]).replace("\xa0", " ")
    assert not ImportBatch.objects.exists()


def test_an_upload_is_stored_under_a_name_of_its_own(
    communes, officer, login, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_import(login(officer), csv_text(VALID_ROWS), name="../../etc/données 2024.csv")

    batch = ImportBatch.objects.get()
    assert batch.original_name == "données 2024.csv"
    assert batch.file.name.startswith("observatory/imports/") and batch.file.name.endswith(".csv")
    assert ".." not in batch.file.name and "donn" not in batch.file.name
    assert batch.status == BatchStatus.DONE, batch.message


def test_the_progress_fragment_is_served_to_htmx_and_polls_until_the_end(communes, officer, login):
    client = login(officer)
    batch = services.batch_create(
        dataset=dataset(), file_format="long", upload=upload(csv_text(VALID_ROWS)), user=officer
    )  # not committed in a test: the task does not run, the batch waits
    url = reverse("observatory:import_detail", args=[batch.pk])

    waiting = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert waiting.lstrip().startswith('<div id="import-status"')
    assert "<html" not in waiting and "<nav" not in waiting
    assert f'hx-get="{url}"' in waiting and 'role="progressbar"' in waiting

    services.batch_run(batch=batch)
    done = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-status"' in done and 'id="import-result"' in done
    assert "hx-get" not in done  # polling stops
    assert "<html" not in done

    full = client.get(url).content.decode()
    assert "<html" in full and 'id="import-status"' in full


def test_a_refused_upload_shows_its_errors_and_offers_them_as_csv(
    communes, officer, login, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(client, csv_text(BAD_ROWS))
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and batch.error_count == 10

    page = client.get(response.url).content.decode()
    errors_url = reverse("observatory:import_errors", args=[batch.pk])
    assert 'id="import-errors"' in page and errors_url in page and "alert-danger" in page

    export = client.get(errors_url)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"] == f'attachment; filename="erreurs-import-{batch.pk}.csv"'
    assert export["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 4
    data = {int(line): (column, value, reason) for line, column, value, reason in rows[1:]}
    assert len(rows) == 1 + 10
    for line, (column, value) in BAD_CELLS.items():
        assert data[line][:2] == (column, value)
        assert data[line][2].strip()
    assert 13 in data
    assert not Observation.objects.exists()


def test_an_ore_upload_through_the_web(ore_communes, login, django_capture_on_commit_callbacks):
    # Agence ORE's national series is a shared dataset: the administrator imports it.
    client = login(UserFactory(is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_import(
            client, csv_text(ORE_ROWS, ORE_HEADER, ";"), dataset_code="agence-ore", file_format="ore"
        )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.status, batch.rows_imported, batch.rows_skipped) == (BatchStatus.DONE, 3, 2)


def test_only_csv_files_are_accepted_by_the_upload_form(communes, officer, login):
    response = post_import(login(officer), csv_text(VALID_ROWS), name="observatoire.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_the_result_message_groups_the_thousands_in_the_language_of_the_page(communes):
    rows = series_rows(list(communes), list(range(1990, 2070)))  # 2 communes, 80 years, 7 values each
    with translation.override("fr"):
        batch = import_rows(rows)

    assert batch.status == BatchStatus.DONE
    assert (
        batch.message.replace("\u202f", " ")
        .replace("\xa0", " ")
        .startswith("1 120 valeurs importées pour 1990")
    )


def test_a_communes_values_follow_a_correction_of_its_insee_code(communes):
    batch = import_rows(VALID_ROWS)
    assert batch.status == BatchStatus.DONE
    commune = Commune.objects.get(insee_code="38421")
    count = Observation.objects.filter(commune=commune).count()
    assert count

    commune.insee_code = "38999"
    commune.save()

    assert Observation.objects.filter(commune_id="38999").count() == count
    assert not Observation.objects.filter(commune_id="38421").exists()
    assert Observation.objects.filter(commune=commune).count() == count
