"""A long CSV in the platform's own form, COPYed straight into the fact table (PostgreSQL,
observatory/importers/direct.py); a large one on two connections at once: the split threshold is
lowered so that small files are cut in two halves. Any other file, or a wrong one, goes the general way
(staging table, full report of bad rows), with the same result.

The same files go through SQLite's single connection: the results must be the same there."""

import io

import pytest
from django.db import connection

from communes.models import Commune
from observatory.importers.split import SPLIT_SETTING, split_point
from observatory.models import BatchStatus, Dataset, Observation, Sector, Status
from tests.factories import CommuneFactory, voironnais_territory
from tests.observatory.helpers import csv_text, import_rows, run_import, series_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections on PostgreSQL")

CODES = ["38421", "38151", "38185", "38169"]


@pytest.fixture(autouse=True)
def split_every_file(settings):
    setattr(settings, SPLIT_SETTING, 1)


@pytest.fixture
def communes(db):
    return [CommuneFactory(insee_code=code) for code in CODES]


def stored() -> dict:
    rows = Observation.objects.values_list("commune_id", "year", "quantity", "sector_id", "energy", "value")
    return {tuple(row[:5]): row[5] for row in rows}


def expected(rows) -> dict:
    factors = {"MWh": 1, "t CO2e": 1, "inhabitants": 1}
    values = {}
    for code, year, quantity, sector, energy, value, unit, _status in rows:
        values[(code, year, quantity, sector or None, energy or None)] = pytest.approx(value * factors[unit])
    return values


def worker_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute(r"SELECT count(*) FROM pg_class WHERE relname ~ '^obs_(direct|staging|new)_'")
        return cursor.fetchone()[0]


def test_the_split_point_is_a_line_start_near_the_middle_with_the_lines_before_it():
    text = csv_text([(str(index),) * 8 for index in range(100)]).encode()
    split = split_point(io.BytesIO(text), len(text), threshold=1)

    assert text[split.offset - 1 : split.offset] == b"\n"
    assert abs(split.offset - len(text) / 2) < 100  # the middle of the rows, two lines further at most
    assert split.lines_before == text[: split.offset].count(b"\n")


def test_a_small_file_or_one_with_quotes_in_its_first_half_is_not_split():
    small = csv_text([("1",) * 8 for _ in range(10)]).encode()
    quoted = csv_text([("a, b",) * 8 for _ in range(100)]).encode()

    assert split_point(io.BytesIO(small), len(small), threshold=10_000) is None
    assert split_point(io.BytesIO(quoted), len(quoted), threshold=1) is None


@pytest.mark.parametrize("grouped_by", ["commune", "year"])
def test_a_file_cut_in_two_imports_every_value_once(communes, grouped_by):
    # By year, both halves hold every commune.
    rows = series_rows(CODES, list(range(2015, 2021)), estimated_years=[2020])
    if grouped_by == "year":
        rows.sort(key=lambda row: row[1])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert (batch.rows_read, batch.rows_imported) == (len(rows), len(rows))
    assert batch.years == list(range(2015, 2021))
    assert stored() == expected(rows)
    assert Observation.objects.filter(status=Status.ESTIMATED).count() == len(rows) // 6
    if connection.vendor == "postgresql":  # COPYed straight in, one half on each connection
        assert {"part 1 · copy", "part 2 · copy", "part 1 · index", "part 2 · checks"} <= set(batch.timings)


def test_a_file_cut_in_two_imported_again_replaces_itself_and_a_smaller_import(settings, communes):
    rows = series_rows(CODES, [2019, 2020])
    setattr(settings, SPLIT_SETTING, 10**9)
    small = import_rows(rows[:5])  # one connection
    setattr(settings, SPLIT_SETTING, 1)

    first = import_rows(rows)
    second = import_rows(rows)

    assert first.status == second.status == BatchStatus.DONE
    assert stored() == expected(rows)
    assert set(Observation.objects.values_list("batch_id", flat=True)) == {second.pk}
    small.refresh_from_db()
    first.refresh_from_db()
    assert (small.replaced_by, first.replaced_by) == (first, second)


def test_a_value_repeated_across_the_two_halves_is_refused_with_both_lines(communes):
    rows = series_rows(CODES, [2019, 2020])
    first = rows[0]
    rows.append((f" {first[0]} ", *first[1:5], "1", *first[6:]))  # the same key, spelt otherwise
    before = import_rows(series_rows(CODES[:1], [2018]))

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert batch.error_count == 1
    [error] = batch.errors
    assert error["line"] == len(rows) + 1
    assert error["first_line"] == 2  # the line that gave the value first
    assert set(Observation.objects.values_list("batch_id", flat=True)) == {before.pk}


def test_a_bad_row_in_the_second_half_is_reported_on_its_line(communes):
    rows = series_rows(CODES, [2019, 2020])
    rows[-3] = (*rows[-3][:5], "beaucoup", *rows[-3][6:])
    rows[-2] = ("99999", *rows[-2][1:])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert [(error["line"], error["column"]) for error in batch.errors] == [
        (len(rows) - 1, "value"),
        (len(rows), "insee_code"),
    ]
    assert not Observation.objects.exists()


def test_a_negative_consumption_in_the_second_half_is_reported_on_its_line(communes):
    rows = series_rows(CODES, [2019, 2020])
    consumption = max(index for index, row in enumerate(rows) if row[2] == "consumption")
    rows[consumption] = (*rows[consumption][:5], "-5", *rows[consumption][6:])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert [(error["line"], error["column"]) for error in batch.errors] == [(consumption + 2, "value")]
    assert not Observation.objects.exists()


def test_a_row_with_too_many_fields_in_the_second_half_is_refused_naming_its_line(communes):
    rows = series_rows(CODES, [2019, 2020])
    rows[-2] = (*rows[-2], "surplus")

    batch = run_import(csv_text(rows))

    assert batch.status == BatchStatus.FAILED
    assert f"Line {len(rows)} " in batch.message
    assert not Observation.objects.exists()


@postgres_only
def test_a_refused_file_leaves_no_work_table_behind(communes):
    rows = series_rows(CODES, [2019, 2020])
    rows.append(rows[0])
    tables = worker_tables()

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert worker_tables() == tables


def direct(batch) -> bool:
    """Whether the import went the direct way (its parts' phases are in the batch's timings)."""
    return "part 1 · copy" in batch.timings


def test_a_small_file_in_the_platform_form_is_copied_straight_in_on_one_connection(settings, communes):
    setattr(settings, SPLIT_SETTING, 10**9)
    rows = series_rows(CODES, [2019, 2020], estimated_years=[2020])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert stored() == expected(rows)
    assert Observation.objects.filter(status=Status.ESTIMATED).count() == len(rows) // 2
    assert direct(batch) == (connection.vendor == "postgresql")
    assert "part 2 · copy" not in batch.timings


@pytest.mark.parametrize("split", [1, 10**9])
def test_other_spellings_and_units_go_the_general_way_to_the_same_values(settings, communes, split):
    setattr(settings, SPLIT_SETTING, split)
    rows = series_rows(CODES, [2019, 2020], estimated_years=[2020])
    spelt = [
        (
            f" {code} ",
            year,
            quantity.upper(),
            sector.upper(),
            energy,
            value * 1000 if unit == "MWh" else value,
            "kWh" if unit == "MWh" else unit,
            "e" if status == "estimated" else "",
        )
        for code, year, quantity, sector, energy, value, unit, status in rows
    ]

    batch = import_rows(spelt)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert stored() == expected(rows)
    assert Observation.objects.filter(status=Status.ESTIMATED).count() == len(rows) // 2
    assert not direct(batch)


@pytest.mark.parametrize("split", [1, 10**9])
def test_a_value_given_twice_in_the_platform_form_is_refused_with_both_lines(settings, communes, split):
    setattr(settings, SPLIT_SETTING, split)
    rows = series_rows(CODES, [2019, 2020])
    rows.insert(3, rows[1])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    [error] = batch.errors
    assert error["line"] == 5
    assert error["first_line"] == 3
    assert not Observation.objects.exists()


@pytest.mark.parametrize("split", [1, 10**9])
def test_an_unknown_commune_in_the_platform_form_is_reported_on_its_line(settings, communes, split):
    setattr(settings, SPLIT_SETTING, split)
    rows = series_rows([*CODES, "38999"], [2020])

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    lines = [error["line"] for error in batch.errors]
    assert lines == [index + 2 for index, row in enumerate(rows) if row[0] == "38999"]
    assert {error["column"] for error in batch.errors} == {"insee_code"}
    assert not Observation.objects.exists()


@postgres_only
def test_a_file_with_an_unknown_sector_in_the_platform_form_imports_nothing_and_names_it(communes):
    rows = series_rows(CODES, [2020])
    rows[-1] = (rows[-1][0], 2020, "emissions", "spaceships", "", 5, "t CO2e", "consolidated")
    tables = worker_tables()

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert [(error["line"], error["column"]) for error in batch.errors] == [(len(rows) + 1, "sector")]
    assert worker_tables() == tables


@pytest.mark.parametrize("split", [1, 10**9])
@pytest.mark.parametrize(
    ("row", "column"),
    [
        (("emissions", "residential", "electricity", 5, "t CO2e"), "energy"),
        (("population", "residential", "", 5, "inhabitants"), "sector"),
        (("production", "", "electricity", 5, "MWh"), "energy"),
        (("consumption", "residential", "", 5, "MWh"), "energy"),
        (("consumption", "", "electricity", 5, "MWh"), "sector"),
        (("emissions", "residential", "", 5, "MWh"), "unit"),
    ],
    ids=["emissions-energy", "population-sector", "production-carrier", "no-energy", "no-sector", "unit"],
)
def test_a_sector_energy_or_unit_its_quantity_does_not_take_is_refused_on_its_line(
    settings, communes, split, row, column
):
    """The direct path checks which sector and energy each quantity takes on the part's aggregates,
    not on each row: a wrong one in the last line (of the second half) still fails the whole file."""
    setattr(settings, SPLIT_SETTING, split)
    rows = series_rows(CODES, [2019, 2020])
    rows.append((rows[-1][0], 2021, *row, "consolidated"))
    tables = worker_tables() if connection.vendor == "postgresql" else 0

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    assert [(error["line"], error["column"]) for error in batch.errors] == [(len(rows) + 1, column)]
    assert not Observation.objects.exists()
    if connection.vendor == "postgresql":
        assert worker_tables() == tables


@pytest.mark.parametrize("split", [1, 10**9])
def test_when_every_hash_collides_the_exact_count_decides(settings, monkeypatch, communes, split):
    """The 64-bit hash only spares the exact count of repeated keys: with a hash that is the same for
    every row, a right file still imports and a value given twice is still refused."""
    from observatory.importers import facts

    monkeypatch.setattr(facts, "KEY_HASH", "0")
    setattr(settings, SPLIT_SETTING, split)
    rows = series_rows(CODES, [2019, 2020])

    good = import_rows(rows)
    twice = import_rows([*rows, rows[0]])

    assert good.status == BatchStatus.DONE, (good.message, good.errors)
    assert direct(good) == (connection.vendor == "postgresql")
    assert twice.status == BatchStatus.FAILED
    assert [error["line"] for error in twice.errors] == [len(rows) + 2]
    assert stored() == expected(rows)


@pytest.mark.parametrize("grouped_by", ["commune", "year"])
def test_a_value_given_in_both_halves_in_the_platform_form_is_refused_with_both_lines(communes, grouped_by):
    # By commune, the halves share one commune at most; by year, they share them all.
    rows = series_rows(CODES, [2019, 2020])
    if grouped_by == "year":
        rows.sort(key=lambda row: row[1])
    rows.append(rows[0])  # the first half's first value, again at the end of the second half

    batch = import_rows(rows)

    assert batch.status == BatchStatus.FAILED
    [error] = batch.errors
    assert error["line"] == len(rows) + 1
    assert error["first_line"] == 2
    assert not Observation.objects.exists()


@pytest.mark.parametrize("split", [1, 10**9])
def test_a_code_with_a_quote_and_a_semicolon_is_imported_as_data_not_sql(settings, communes, split):
    """The codes of the platform's lists are written into the direct path's checks as SQL literals
    (psycopg.sql.Literal); the general path compares them as data. A code that would end the literal and
    the statement if pasted in by hand is a code like any other on both."""
    setattr(settings, SPLIT_SETTING, split)
    code = "x'); drop table communes_commune; --"
    Sector.objects.create(code=code, name="Usine")
    rows = series_rows(CODES, [2020])
    rows.append((CODES[0], 2020, "emissions", code, "", 42.5, "t CO2e", "consolidated"))

    batch = import_rows(rows)

    assert batch.status == BatchStatus.DONE, (batch.message, batch.errors)
    assert direct(batch) == (connection.vendor == "postgresql")
    assert stored() == expected(rows)
    assert Observation.objects.get(sector__code=code).value == 42.5
    assert Commune.objects.count() == len(CODES)


def test_a_file_in_the_platforms_form_naming_another_territorys_commune_is_refused_on_its_line(communes):
    """The direct path checks the parts' list of communes against the dataset's territory (not each
    row); any other territory's commune sends the file the general way, which names its lines."""
    voironnais = voironnais_territory()
    CommuneFactory(insee_code="38563", name="Voiron", territory=voironnais)
    Dataset.objects.create(code="voironnais", name="Voironnais", producer="CAPV", territory=voironnais)
    rows = series_rows(["38563", CODES[0]], [2019, 2020])  # consolidated values in the stored units
    tables = worker_tables() if connection.vendor == "postgresql" else 0
    batch = import_rows(rows, dataset_code="voironnais")

    assert batch.status == BatchStatus.FAILED
    refused = {(error["value"], error["column"]) for error in batch.errors}
    assert refused == {(CODES[0], "insee_code")}
    assert batch.error_count == sum(1 for row in rows if row[0] == CODES[0])
    assert not Observation.objects.exists()
    if connection.vendor == "postgresql":  # the parts' tables are gone with the attempt
        assert worker_tables() == tables
    # Voiron's own rows alone import, straight into the fact table where PostgreSQL runs.
    batch = import_rows([row for row in rows if row[0] == "38563"], dataset_code="voironnais")
    assert batch.status == BatchStatus.DONE, batch.errors
    assert set(Observation.objects.values_list("commune_id", flat=True)) == {"38563"}
