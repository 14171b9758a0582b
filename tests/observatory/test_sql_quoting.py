"""The importers write no value or name into SQL by hand: constants and names are quoted by the database
driver (psycopg.sql on PostgreSQL, SQLite's own quote() and the backend's quote_name on SQLite)."""

import re
from pathlib import Path

import pytest

from observatory.importers.common import sql_list, sql_literal, sql_name

IMPORTERS = Path(__file__).resolve().parents[2] / "observatory" / "importers"

pytestmark = pytest.mark.django_db


def test_no_importer_quotes_a_value_by_hand():
    hand_quoted = re.compile(r"""'\{[^}]*\}'""")  # '{value}' inside an f-string
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(IMPORTERS.glob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if hand_quoted.search(line)
    ]
    assert found == []


def test_constants_and_names_are_quoted_by_the_driver():
    assert sql_literal("l'an 2020; --") == "'l''an 2020; --'"
    assert sql_literal(2024) == "2024"
    assert sql_list(["estimé", "provisoire"]) == "'estimé', 'provisoire'"
    assert sql_name("obs_staging_7") == '"obs_staging_7"'
    with pytest.raises(ValueError):
        sql_name('obs"; drop table communes_commune; --')
