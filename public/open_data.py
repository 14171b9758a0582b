"""The open data files: each open dataset's values and each published plan's actions, as CSV and JSON.

Every column is defined once here (`Column`): the files write exactly these, in this order, and the open
data page documents them from the same lists (name, type, unit, meaning), so the documentation cannot
drift from the files.

The files are for programs: UTF-8, a header row, commas, ISO dates, decimal points, codes rather than
labels, the same whatever the reader's language. A dataset's file streams (a dataset holds up to a million
values: never held in memory); a plan's is small and built whole.

What a plan's files hold is the public plan and nothing else: its actions' axis, title, theme, status,
progress, schedule, the elected referent (a public office), budget totals and impacts, milestones' names
and dates. Never the person responsible (`owner`, `owner_name`), notes, history, co-funders' details,
emails or who published or updated it."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from observatory.models import STORED_UNIT, Quantity, Status
from pcl.licences import OPEN_LICENCE, OPEN_LICENCE_URL
from pcl.spreadsheet import safe_cell

# How many rows a chunk of a streamed file holds: big enough that a million rows are a few hundred writes.
CHUNK_ROWS = 2000

# The licences whose text the files can link to, by the name a dataset gives (`Dataset.licence`).
LICENCE_URLS = {
    OPEN_LICENCE: OPEN_LICENCE_URL,
    "Licence Ouverte 2.0": OPEN_LICENCE_URL,
    "Open Database License (ODbL)": "https://opendatacommons.org/licenses/odbl/1-0/",
    "ODbL": "https://opendatacommons.org/licenses/odbl/1-0/",
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
}


def licence_url(licence: str) -> str:
    """The address of the licence's text, "" when the platform does not know it (the dataset's own web
    page then says its terms)."""
    return LICENCE_URLS.get(licence.strip(), "")


@dataclass(frozen=True)
class Column:
    """A column of a file (or a field of a JSON object): its name in the file, its type, its unit and
    what it means."""

    name: str
    type: str  # "string", "integer", "number", "date", "boolean" or "array"
    description: Promise | str
    unit: str = ""
    items: tuple = ()  # an array's items' fields (Columns)


def _formatted(message: Promise, **values) -> Promise:
    """`message % values`, translated when read (in the reader's language), not when the module loads."""
    return lazy(lambda: str(message) % values, str)()


# The types as the documentation names them.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("integer"),
    "number": _("number"),
    "date": _("date (YYYY-MM-DD)"),
    "array": _("list"),
}


# --- a dataset's values ---------------------------------------------------------------------------

QUANTITY_CODES = ", ".join(Quantity.values)
UNITS = ", ".join(f"{quantity} → {unit}" for quantity, unit in STORED_UNIT.items())

DATASET_COLUMNS = [
    Column("insee_code", "string", _("The commune's INSEE code (code officiel géographique).")),
    Column("commune", "string", _("The commune's name.")),
    Column("year", "integer", _("The year the value is of.")),
    Column(
        "quantity",
        "string",
        _formatted(
            _(
                "What is measured: %(codes)s (final energy consumption, greenhouse-gas emissions, "
                "renewable production, population)."
            ),
            codes=QUANTITY_CODES,
        ),
    ),
    Column("sector", "string", _("The sector's code (consumption and emissions); empty otherwise.")),
    Column("sector_name", "string", _("The sector's name, in French.")),
    Column(
        "energy",
        "string",
        _(
            "The energy carrier's code (consumption) or the renewable source's code (production); empty "
            "otherwise."
        ),
    ),
    Column("energy_name", "string", _("The energy carrier's or the renewable source's name, in French.")),
    Column("value", "number", _("The value, in the unit of the next column."), unit=_("see unit")),
    Column("unit", "string", _formatted(_("The value's unit, one per quantity: %(units)s."), units=UNITS)),
    Column(
        "status",
        "string",
        _formatted(
            _("%(consolidated)s, or %(estimated)s: a value not yet consolidated by its producer."),
            consolidated=Status.CONSOLIDATED.value,
            estimated=Status.ESTIMATED.value,
        ),
    ),
]

# The fields of the JSON file's "dataset" object.
DATASET_FIELDS = [
    Column("code", "string", _("The dataset's code: its files' addresses end with it.")),
    Column("name", "string", _("The dataset's name, in French.")),
    Column("name_en", "string", _("The dataset's name in English (empty: the French one).")),
    Column("producer", "string", _("Who produces the data.")),
    Column("source_url", "string", _("The producer's web page about the data.")),
    Column("description", "string", _("What the dataset holds, in French.")),
    Column("territory", "string", _("The territory the dataset covers (empty: a shared dataset).")),
    Column("licence", "string", _("The licence the data is published under.")),
    Column("licence_url", "string", _("The address of the licence's text (empty: see the source).")),
    Column("updated_at", "string", _("When its latest import finished (ISO 8601 date and time).")),
]


def dataset_metadata(dataset) -> dict:
    """The JSON file's "dataset" object (DATASET_FIELDS)."""
    updated = getattr(dataset, "last_import_at", None)
    return {
        "code": dataset.code,
        "name": dataset.name,
        "name_en": dataset.name_en,
        "producer": dataset.producer,
        "source_url": dataset.url,
        "description": dataset.description,
        "territory": dataset.territory.name if dataset.territory_id else "",
        "licence": dataset.open_licence,
        "licence_url": licence_url(dataset.open_licence),
        "updated_at": timezone.localtime(updated).isoformat() if updated else "",
    }


def dataset_rows(values: Iterable[tuple], names: dict[str, dict[str, str]]) -> Iterator[list]:
    """The file's rows (DATASET_COLUMNS) from the fact table's (observatory.exports.open_data_values), the
    names of sectors, carriers and sources beside their codes (`names`:
    observatory.selectors.part_names_in_french)."""
    sectors, carriers, sources = names["sector"], names["carrier"], names["source"]
    for insee_code, commune, year, quantity, sector, energy, value, status in values:
        energies = sources if quantity == Quantity.PRODUCTION else carriers
        yield [
            insee_code,
            commune,
            year,
            quantity,
            sector or "",
            sectors.get(sector, "") if sector else "",
            energy or "",
            energies.get(energy, "") if energy else "",
            value,
            STORED_UNIT.get(quantity, ""),
            status,
        ]


# --- a published plan's actions -------------------------------------------------------------------

PLAN_FIELDS = [
    Column("insee_code", "string", _("The commune's INSEE code.")),
    Column("commune", "string", _("The commune's name.")),
    Column("title", "string", _("The plan's title.")),
    Column("version", "integer", _("The plan's version (a new version follows each revision).")),
    Column(
        "status",
        "string",
        _(
            "deliberated, follow_up (in follow-up) or closed (closed and evaluated): only adopted plans are "
            "published."
        ),
    ),
    Column("start_year", "integer", _("The plan's first year.")),
    Column("end_year", "integer", _("The plan's last year.")),
    Column("deliberation_date", "date", _("The date of the council meeting that adopted the plan.")),
    Column("deliberation_number", "string", _("The number of the council's deliberation.")),
    Column("published_on", "date", _("The day the commune published this version.")),
    Column("licence", "string", _("The licence the plan is published under.")),
    Column("licence_url", "string", _("The address of the licence's text.")),
]

ACTION_STATUSES = "planned, in_progress, done, suspended, abandoned"

# The columns of an action, in both files (the CSV file puts PLAN_KEY_COLUMNS first, the JSON file
# puts the milestones last).
ACTION_COLUMNS = [
    Column("action_id", "integer", _("The action's number on the platform (stable).")),
    Column("axis", "string", _("The plan's axis the action belongs to (“axis › sub-axis”); empty: none.")),
    Column("title", "string", _("The action's title.")),
    Column("theme", "string", _("The action's theme.")),
    Column("status", "string", _formatted(_("The action's status: %(codes)s."), codes=ACTION_STATUSES)),
    Column("progress", "integer", _("How far the action has gone, from 0 to 100."), unit="%"),
    Column("start_date", "date", _("When the action starts (empty: not set).")),
    Column("end_date", "date", _("When the action ends (empty: not set).")),
    Column("elected_referent", "string", _("The elected official who carries the action.")),
    Column(
        "budget_forecast",
        "number",
        _("The sum of the action's forecast budget, every year and type, excluding tax."),
        unit="€",
    ),
    Column(
        "budget_actual",
        "number",
        _("The sum of what was actually spent, excluding tax (empty: nothing recorded yet)."),
        unit="€",
    ),
    Column("expected_mwh_saved", "number", _("Energy saved per year, expected."), unit="MWh/year"),
    Column(
        "expected_tco2e_avoided", "number", _("Emissions avoided per year, expected."), unit="t CO2e/year"
    ),
    Column(
        "expected_mwh_renewable", "number", _("Renewable production per year, expected."), unit="MWh/year"
    ),
    Column("achieved_mwh_saved", "number", _("Energy saved per year, achieved."), unit="MWh/year"),
    Column(
        "achieved_tco2e_avoided", "number", _("Emissions avoided per year, achieved."), unit="t CO2e/year"
    ),
    Column(
        "achieved_mwh_renewable", "number", _("Renewable production per year, achieved."), unit="MWh/year"
    ),
    Column("milestone_count", "integer", _("How many milestones the action has.")),
    Column("milestones_done", "integer", _("How many of them are done.")),
]

# The CSV file repeats on each row which plan the action is of (a file of several plans joins on them).
PLAN_KEY_COLUMNS = [
    Column("insee_code", "string", _("The commune's INSEE code.")),
    Column("plan_version", "integer", _("The plan's version.")),
]
PLAN_CSV_COLUMNS = PLAN_KEY_COLUMNS + ACTION_COLUMNS

MILESTONE_FIELDS = [
    Column("name", "string", _("The milestone.")),
    Column("due_date", "date", _("When it is due.")),
    Column("done_on", "date", _("When it was done (empty: not yet).")),
]
# The JSON file's actions: the columns, then their milestones.
ACTION_JSON_FIELDS = ACTION_COLUMNS + [
    Column(
        "milestones",
        "array",
        _("The action's milestones, each with its name, due date and completion date."),
        items=tuple(MILESTONE_FIELDS),
    ),
]


def plan_metadata(plan) -> dict:
    """The JSON file's "plan" object (PLAN_FIELDS)."""
    return {
        "insee_code": plan.commune.insee_code,
        "commune": plan.commune.name,
        "title": plan.title,
        "version": plan.version,
        "status": plan.status,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "deliberation_date": _iso(plan.deliberation_date),
        "deliberation_number": plan.deliberation_number,
        "published_on": _iso(timezone.localdate(plan.published_at)),
        "licence": OPEN_LICENCE,
        "licence_url": OPEN_LICENCE_URL,
    }


def _axis_paths(axes) -> dict[int, str]:
    by_id = {axis.pk: axis for axis in axes}

    def path(axis) -> str:
        parts, seen = [], set()
        while axis is not None and axis.pk not in seen:
            seen.add(axis.pk)
            parts.append(axis.title)
            axis = by_id.get(axis.parent_id)
        return " › ".join(reversed(parts))

    return {axis.pk: path(axis) for axis in axes}


def _sum(values) -> Decimal | None:
    values = [value for value in values if value is not None]
    return sum(values, Decimal(0)) if values else None


def plan_actions(plan) -> list[dict]:
    """Each action of the plan (read with its axes, themes, milestones and budget lines:
    actions.selectors.plan_with_actions) as ACTION_JSON_FIELDS, milestones as MILESTONE_FIELDS."""
    axes = _axis_paths(list(plan.axes.all()))
    actions = []
    for action in plan.actions.all():
        milestones = list(action.milestones.all())
        lines = list(action.budget_lines.all())
        actions.append(
            {
                "action_id": action.pk,
                "axis": axes.get(action.axis_id, ""),
                "title": action.title,
                "theme": action.theme.name,
                "status": action.status,
                "progress": action.progress,
                "start_date": _iso(action.start_date),
                "end_date": _iso(action.end_date),
                "elected_referent": action.elected_referent,
                "budget_forecast": _sum(line.forecast for line in lines) or Decimal(0),
                "budget_actual": _sum(line.actual for line in lines),
                "expected_mwh_saved": action.mwh_saved,
                "expected_tco2e_avoided": action.tco2e_avoided,
                "expected_mwh_renewable": action.mwh_renewable,
                "achieved_mwh_saved": action.achieved_mwh_saved,
                "achieved_tco2e_avoided": action.achieved_tco2e_avoided,
                "achieved_mwh_renewable": action.achieved_mwh_renewable,
                "milestone_count": len(milestones),
                "milestones_done": sum(1 for milestone in milestones if milestone.done_on),
                "milestones": [
                    {
                        "name": milestone.name,
                        "due_date": _iso(milestone.due_date),
                        "done_on": _iso(milestone.done_on),
                    }
                    for milestone in milestones
                ],
            }
        )
    return actions


def plan_csv(plan, actions: list[dict]) -> str:
    key = {"insee_code": plan.commune.insee_code, "plan_version": plan.version}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in PLAN_CSV_COLUMNS])
    for action in actions:
        row = key | action
        writer.writerow([csv_value(row[column.name]) for column in PLAN_CSV_COLUMNS])
    return buffer.getvalue()


def plan_json(plan, actions: list[dict]) -> str:
    document = {
        "plan": plan_metadata(plan),
        "columns": columns_doc(ACTION_JSON_FIELDS),
        "actions": [
            {column.name: json_value(action[column.name]) for column in ACTION_JSON_FIELDS}
            for action in actions
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# --- writing values -------------------------------------------------------------------------------


def csv_value(value) -> str:
    """A value as a CSV file for programs writes it: numbers with a decimal point and every digit (no
    exponent for the usual sizes, "1000" for a whole 1000.0), ISO dates, empty for None, texts that a
    spreadsheet would run as a formula after an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        number = json_value(value)
        if isinstance(number, int):
            return str(number)
        return format(value.normalize(), "f") if isinstance(value, Decimal) else repr(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    # A text someone typed (an action's title) never runs as a formula in a spreadsheet that opens the
    # file (pcl.spreadsheet); the JSON files keep it as typed.
    return safe_cell(value)


def json_value(value):
    """A value as the JSON files write it: a Decimal or a whole float as a number (1000, not "1000.00"
    nor 1000.0), dates as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    return value


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def csv_stream(columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """The CSV file, header first, in chunks of CHUNK_ROWS rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_value(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_stream(head: dict, columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """A JSON object: `head`'s keys, then "rows": one object per row (keys: the columns' names), written
    in chunks of CHUNK_ROWS rows."""
    names = [column.name for column in columns]
    opening = json.dumps(head, ensure_ascii=False, indent=1)
    yield (opening[:-2] + (',\n "rows": [' if head else '{\n "rows": [')).encode()
    parts = []
    for count, row in enumerate(rows, start=1):
        item = json.dumps(
            dict(zip(names, (json_value(value) for value in row), strict=True)), ensure_ascii=False
        )
        parts.append(("\n  " if count == 1 else ",\n  ") + item)
        if count % CHUNK_ROWS == 0:
            yield "".join(parts).encode()
            parts = []
    parts.append("\n ]\n}\n")
    yield "".join(parts).encode()


def columns_doc(columns: list[Column]) -> list[dict]:
    """The columns as the JSON files document them: in the platform's language (French), whatever the
    reader's, like the rest of the files (a file is the same for everyone)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _columns_doc(columns)


def _columns_doc(columns: list[Column]) -> list[dict]:
    documented = []
    for column in columns:
        entry = {
            "name": column.name,
            "type": column.type,
            "unit": str(column.unit),
            "description": str(column.description),
        }
        if column.items:
            entry["items"] = _columns_doc(list(column.items))
        documented.append(entry)
    return documented
