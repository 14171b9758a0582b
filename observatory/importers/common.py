"""Shared pieces of the observatory imports: formats, units, errors, small SQL helpers."""

import csv
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Quantity

MAX_ERRORS = 1000


CHUNK = 1 << 20


LONG_COLUMNS = ["insee_code", "year", "quantity", "sector", "energy", "value", "unit", "status"]


ORE_COLUMNS = ["operateur", "annee", "filiere", "code_grand_secteur", "conso", "pdl", "code_commune"]


# Units accepted per quantity (compared lower-case, without spaces) and their factor to the stored unit.
UNITS = {
    Quantity.CONSUMPTION: {"kwh": 0.001, "mwh": 1, "gwh": 1000},
    Quantity.PRODUCTION: {"kwh": 0.001, "mwh": 1, "gwh": 1000},
    Quantity.EMISSIONS: {
        "kgco2e": 0.001,
        "tco2e": 1,
        "teqco2": 1,
        "tco2": 1,
        "ktco2e": 1000,
        "kteqco2": 1000,
    },
    Quantity.POPULATION: {"inhabitants": 1, "inhabitant": 1, "habitants": 1, "hab": 1, "hab.": 1},
}


ESTIMATED = ("estimated", "estimate", "e", "(e)", "estime", "estimé")


CONSOLIDATED = ("consolidated", "", "c", "consolide", "consolidé")


# Agence ORE: energy (filiere) and sector (code_grand_secteur) to the platform's codes.
ORE_CARRIERS = {"electricite": "electricity", "gaz": "natural_gas"}


ORE_SECTORS = {
    "residentiel": "residential",
    "tertiaire": "tertiary",
    "industrie": "industry",
    "agriculture": "agriculture",
    "inconnu": "unallocated",
}


# The columns a transform SELECT returns, in this order, for the fact table.
OBSERVATION_COLUMNS = (
    "dataset_id",
    "batch_id",
    "insee_code",
    "year",
    "quantity",
    "sector_code",
    "energy",
    "value",
    "status",
)


# What PostgreSQL's float8 accepts, but for NaN and infinities: the fast path casts without this test
# (a regular expression costs more per row than the cast) and both must agree.
NUMBER = r"^[-+]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][-+]?[0-9]+)?$"


YEAR = r"^(199[0-9]|20[0-9][0-9]|2100)$"


class ImportFailed(Exception):
    """The file was refused; `errors` lists the bad rows, `message` says why as a whole."""

    def __init__(self, message: str, errors: list[dict] | None = None, error_count: int = 0):
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.error_count = error_count or len(self.errors)


@dataclass
class ImportResult:
    rows_read: int = 0
    rows_imported: int = 0
    rows_skipped: int = 0
    years: list[int] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for `make bench`


class Timer:
    """Seconds spent per phase of one import."""

    def __init__(self):
        self.timings: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - started


Progress = Callable[[str, int, int], None]


def no_progress(phase: str, done: int, total: int) -> None:
    pass


class Dialect:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def matches(self, column: str, pattern: str) -> str:
        return f"{column} ~ '{pattern}'" if self.postgres else f"{column} REGEXP '{pattern}'"

    @property
    def float(self) -> str:
        return "double precision" if self.postgres else "REAL"


def read_header(handle) -> tuple[list[str], str]:
    first = handle.readline()
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(_("The file is not UTF-8 text: save it as CSV UTF-8 and try again.")) from error
    delimiter = ";" if text.count(";") > text.count(",") else ","
    header = [name.strip().lower() for name in next(csv.reader([text], delimiter=delimiter))]
    return header, delimiter


# Why a cell is wrong, by the code the checks give it: sentences translated when shown (the page's
# language, the command's), so that a batch refused while the worker spoke French reads in English on an
# English page. Each error is stored as {"line", "column", "value", "code", "reason"} (the reason in the
# language of the import, for older readers), with "first_line" for a repeated value.
ERROR_REASONS = {
    "unknown_commune": gettext_lazy("No commune of the platform has this INSEE code."),
    "bad_year": gettext_lazy("The year must be a whole number between 1990 and 2100."),
    "unknown_quantity": gettext_lazy(
        "The quantity must be consumption, emissions, production or population."
    ),
    "bad_sector": gettext_lazy(
        "The sector is unknown, missing (consumption and emissions need one) or given where none is "
        "expected (production, population)."
    ),
    "bad_energy": gettext_lazy(
        "The energy or renewable source is unknown for this quantity, missing, or given where none is "
        "expected (emissions, population)."
    ),
    "bad_value": gettext_lazy("The value must be a number, and only emissions may be negative."),
    "bad_unit": gettext_lazy("This unit is not allowed for this quantity."),
    "bad_status": gettext_lazy("The status must be consolidated or estimated (or left empty)."),
    "duplicate": gettext_lazy("The same value was already given on line %(line)s."),
    "ore_bad_energy": gettext_lazy("The energy (filiere) must be Electricité or Gaz."),
    "ore_bad_sector": gettext_lazy(
        "The sector (code_grand_secteur) must be RESIDENTIEL, TERTIAIRE, INDUSTRIE, AGRICULTURE or INCONNU."
    ),
    "ore_bad_consumption": gettext_lazy(
        "The consumption (conso) must be a positive number, or empty when secret."
    ),
}


def error_reason(error: dict) -> str:
    """The reason of a stored error as a sentence in the active language."""
    reason = ERROR_REASONS.get(error.get("code", ""))
    if reason is None:
        return error.get("reason", "")
    return str(reason) % {"line": error.get("first_line", "?")}


def fetch_errors(sql: str, params=()) -> tuple[list[dict], int, int]:
    """Counts the errors of `sql` and the lines they fall on, then lists the first errors. `sql` selects
    (line, column, code, value, position, first_line): every error of a line, in the order of the file's
    columns (`position`)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT line) FROM ({sql}) AS bad", params)
        count, lines = cursor.fetchone()
        if not count:
            return [], 0, 0
        cursor.execute(f"{sql} ORDER BY 1, 5 LIMIT {MAX_ERRORS}", params)
        errors = []
        for line, column, code, value, _position, first_line in cursor.fetchall():
            error = {
                "line": line,
                "column": column,
                "value": value if value is not None else "",
                "code": code,
            }
            if first_line is not None:
                error["first_line"] = first_line
            error["reason"] = error_reason(error)
            errors.append(error)
    return errors, count, lines


def problems_table(problems: list[tuple[str, str]]) -> str:
    """The problems a line may have, as a portable subquery: (problem, code, position)."""
    return " UNION ALL ".join(
        f"SELECT '{problem}' AS problem, '{code}' AS code, {position} AS position"
        for position, (problem, code) in enumerate(problems)
    )


def refuse(errors: list[dict], count: int, lines: int) -> None:
    raise ImportFailed(
        ngettext(
            "%(count)d row is wrong: nothing was imported. Correct it and import the file again.",
            "%(count)d rows are wrong: nothing was imported. Correct them and import the file again.",
            lines,
        )
        % {"count": lines},
        errors,
        count,
    )


def unit_rows() -> str:
    """The unit table as a portable subquery (SQLite has no column list on VALUES)."""
    return " UNION ALL ".join(
        f"SELECT '{quantity}' AS quantity, '{unit}' AS unit, {factor} AS factor"
        for quantity, units in UNITS.items()
        for unit, factor in units.items()
    )


def scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def years_of(sql: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(row[0] for row in cursor.fetchall())
