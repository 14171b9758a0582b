"""A list of actions from a spreadsheet (XLSX or CSV) read into rows ready to become actions of a draft
plan, each bad cell named by its line, its column and why, in the reader's language.

The file is either a commune's own table (the import template, or any table whose headers say what
its columns hold) or the plan export itself (actions.exports): the export's headers, in French or in
English, its cells (dd/mm/yyyy or ISO dates, decimal commas or points, the apostrophe that keeps a
text from running as a formula) and its budget columns per year read back to the same actions.
Nothing here writes: actions.services.plan_actions_import creates the rows, after this module has
checked them again against the plan as it is then.
"""

import csv
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font

from pcl.formatting import NBSP, data_number, is_french, list_text, number, short_date
from pcl.spreadsheet import FORMULA_STARTS, safe_cell, safe_xlsx_text
from pcl.uploads import CSV, XLSX

from .exports import HEADERS, YEAR_HEADERS, year_header
from .models import Action, ActionPlan, ActionStatus, BudgetKind, Origin
from .selectors import plan_import_references

IMPORT_TYPES = (XLSX, CSV)
MAX_ROWS = 500  # actions per file: more is no commune's list, rather a wrong file
MAX_LINES = 20_000  # lines read at most, empty ones included (a sheet formatted down to row 1 048 576)
HEADER_SEARCH_LINES = 10  # a commune's table may have a title or notes above its header

# What each column of the import holds: the export's own keys (actions.exports.HEADERS) that come back
# as a field of the action, plus a description the export does not carry.
TEXT, DATE, QUANTITY, PERCENT = "text", "date", "quantity", "percent"
FIELD_KINDS = {
    "title": TEXT,
    "description": TEXT,
    "axis": TEXT,
    "theme": TEXT,
    "origin": TEXT,
    "catalogue_action": TEXT,
    "owner": TEXT,
    "elected_referent": TEXT,
    "partners": TEXT,
    "start_date": DATE,
    "end_date": DATE,
    "status": TEXT,
    "progress": PERCENT,
    "mwh_saved": QUANTITY,
    "tco2e_avoided": QUANTITY,
    "mwh_renewable": QUANTITY,
    "achieved_mwh_saved": QUANTITY,
    "achieved_tco2e_avoided": QUANTITY,
    "achieved_mwh_renewable": QUANTITY,
}
LABELS = {**HEADERS, "description": gettext_lazy("Description")}
# Columns of the export the platform computes (totals, lateness, co-funding sums): known, not read.
COMPUTED = (
    "number",
    "late",
    "forecast_total",
    "actual_total",
    "cofunding_requested",
    "cofunding_granted",
    "cofunding_received",
    "cofunders",
)
# Headers communes write in their own tables (compared without case nor accents), besides the export's.
SYNONYMS = {
    "title": (
        "titre",
        "intitule",
        "intitule de l'action",
        "action",
        "nom de l'action",
        "name",
        "action title",
    ),
    "description": ("descriptif", "detail"),
    "axis": ("axe", "axe strategique", "strategic axis"),
    "theme": ("theme", "thematique", "domaine"),
    "owner": ("porteur", "pilote", "service pilote", "responsible person", "owner"),
    "start_date": ("date de debut", "debut", "start date"),
    "end_date": ("date de fin", "fin", "echeance", "end date"),
    "status": ("etat", "statut"),
    "progress": ("avancement", "avancement (%)", "progress"),
}
# Statuses as communes write them (the feminine of "action", common words), besides the labels.
STATUS_SYNONYMS = {
    "realisee": ActionStatus.DONE,
    "terminee": ActionStatus.DONE,
    "termine": ActionStatus.DONE,
    "finished": ActionStatus.DONE,
    "prevue": ActionStatus.PLANNED,
    "prevu": ActionStatus.PLANNED,
    "a lancer": ActionStatus.PLANNED,
    "suspendue": ActionStatus.SUSPENDED,
    "abandonnee": ActionStatus.ABANDONED,
    "engagee": ActionStatus.IN_PROGRESS,
}
TEMPLATE_KEYS = (
    "title",
    "description",
    "axis",
    "theme",
    "owner",
    "elected_referent",
    "partners",
    "start_date",
    "end_date",
    "status",
    "progress",
    "mwh_saved",
    "tco2e_avoided",
    "mwh_renewable",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing of it is shown, nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class BudgetEntry:
    year: int
    kind: str
    forecast: Decimal
    actual: Decimal | None = None

    @property
    def kind_label(self) -> str:
        return BudgetKind(self.kind).label


@dataclass
class ImportRow:
    line: int
    data: dict = field(default_factory=dict)  # Action fields, ready for actions.services.action_create
    axis_title: str = ""  # an axis the plan does not have yet: created with the actions
    catalogue_action: object = None
    budget: list[BudgetEntry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def forecast_total(self) -> Decimal:
        return sum((entry.forecast for entry in self.budget), Decimal(0))

    @property
    def actual_total(self) -> Decimal | None:
        actuals = [entry.actual for entry in self.budget if entry.actual is not None]
        return sum(actuals, Decimal(0)) if actuals else None

    def origin_label(self) -> str:
        return Origin(self.data.get("origin", Origin.ALREADY_ENGAGED)).label

    def status_label(self) -> str:
        return ActionStatus(self.data.get("status", ActionStatus.PLANNED)).label


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    columns: list[str]  # the file's headers that are read
    ignored: list[str]  # the file's headers that are not
    new_axes: list[str]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


@dataclass
class Sheet:
    """The cells of a file: its header line and the lines under it that are not empty."""

    header: list[str]
    header_line: int
    lines: list[tuple[int, list]]


@dataclass
class ImportContext:
    """The names a file's cells are matched against, compared through `normalize`."""

    theme_list: list
    axis_list: list
    themes: dict
    axes: dict
    action_titles: set
    catalogue: dict
    members: dict

    @classmethod
    def of(cls, plan: ActionPlan) -> "ImportContext":
        references = plan_import_references(plan=plan)
        themes = {normalize(theme.code): theme for theme in references.themes}
        themes.update({normalize(theme.name): theme for theme in references.themes})
        return cls(
            theme_list=references.themes,
            axis_list=references.axes,
            themes=themes,
            axes={normalize(axis.title): axis for axis in references.axes},
            action_titles={normalize(title) for title in references.action_titles},
            catalogue={normalize(entry.title): entry for entry in references.catalogue},
            members={normalize(person.get_full_name()): person for person in references.people},
        )


# --- reading the file ---------------------------------------------------------------------------


def normalize(text) -> str:
    """A header or a name as compared: no accent, no case, one space between words, straight
    apostrophes."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(character for character in text if not unicodedata.combining(character))
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.casefold().split())


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # The apostrophe the export (pcl.spreadsheet.safe_cell) puts before a text a spreadsheet would run.
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _is_empty(cells) -> bool:
    return all(_cell_text(cell) == "" for cell in cells)


def _xlsx_lines(content: bytes):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean "unreadable"
        raise ImportFileError(_("The file cannot be read as an XLSX spreadsheet.")) from error
    try:
        sheet = workbook.worksheets[0]
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(cells)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The file cannot be read as an XLSX spreadsheet.")) from error
    finally:
        workbook.close()


def _csv_lines(content: bytes):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file is not UTF-8 text: save it again as “CSV UTF-8” and try again.")
        ) from error
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ImportFileError(
            _("Line %(line)s cannot be read as CSV (%(reason)s).")
            % {"line": reader.line_num, "reason": error}
        ) from error


def read_sheet(content: bytes, extension: str) -> Sheet:
    """The header and the non-empty lines of the file's first sheet; ImportFileError when it cannot be
    read, has no known header or too many lines."""
    lines = _xlsx_lines(content) if extension == "xlsx" else _csv_lines(content)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list]] = []
    for line, cells in lines:
        if line > MAX_LINES:
            break
        if header is None:
            if line > HEADER_SEARCH_LINES:
                break
            texts = [_cell_text(cell) for cell in cells]
            if "title" in _column_keys(texts).values():
                header, header_line = texts, line
            continue
        if _is_empty(cells):
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s actions: import it in several parts.")
                % {"max": number(MAX_ROWS)}
            )
    if header is None:
        raise ImportFileError(
            _(
                "No column of the file is known: the first lines must hold the headers, among them "
                "“%(title)s” (see the template)."
            )
            % {"title": LABELS["title"]}
        )
    if not rows:
        raise ImportFileError(_("The file has headers but no action under them."))
    return Sheet(header=header, header_line=header_line, lines=rows)


# --- columns ------------------------------------------------------------------------------------


@functools.cache
def _header_aliases() -> tuple[dict[str, str], list[tuple[re.Pattern, str]]]:
    """{normalized header: key} and [(pattern of a year's header, budget key)], in French and English."""
    aliases: dict[str, str] = {}
    patterns = []
    for language in ("fr", "en"):
        with translation.override(language):
            for key, label in LABELS.items():
                aliases[normalize(label)] = key
            for key in YEAR_HEADERS:
                text = re.escape(normalize(year_header(key, 1111))).replace("1111", r"(\d{4})")
                patterns.append((re.compile(f"^{text}$"), key))
    for key, names in SYNONYMS.items():
        for name in names:
            aliases.setdefault(normalize(name), key)
    return aliases, patterns


def _column_keys(header: list[str]) -> dict[int, object]:
    """{column index: key} for the known headers: a field's key, ("investment"|"operating"|"actual",
    year) for a year's budget, or "computed". The first column with a key wins."""
    aliases, patterns = _header_aliases()
    keys: dict[int, object] = {}
    seen = set()
    for index, text in enumerate(header):
        name = normalize(text)
        if not name:
            continue
        key = aliases.get(name)
        if key is None:
            for pattern, budget_key in patterns:
                match = pattern.match(name)
                if match:
                    key = (budget_key, int(match.group(1)))
                    break
        if key in COMPUTED:
            key = "computed"
        if key is None or (key in seen and key != "computed"):
            continue
        seen.add(key)
        keys[index] = key
    return keys


# --- cells --------------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f€%]|MWh|t\s*CO2e", re.IGNORECASE)


class CellError(ValueError):
    pass


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date (expected dd/mm/yyyy).") % {"value": text})


def parse_decimal(value) -> Decimal | None:
    """12.5, "12,5", "1 234,56 €", "1,234.56" → a Decimal; None for an empty cell."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        number_ = Decimal(str(value))
    else:
        text = _cell_text(value)
        if not text:
            return None
        cleaned = NUMBER_NOISE.sub("", text).replace("\u2212", "-")
        if "," in cleaned and "." in cleaned:
            # The last mark is the decimal one: "1.234,5" (French) or "1,234.5" (English).
            thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
            cleaned = cleaned.replace(thousands, "")
        cleaned = cleaned.replace(",", ".")
        try:
            number_ = Decimal(cleaned)
        except InvalidOperation as error:
            raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from error
    if not number_.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if number_ < 0:
        raise CellError(_("%(value)s is negative: amounts and quantities cannot be.") % {"value": value})
    return number_.quantize(Decimal("0.01"))


def parse_progress(value) -> int:
    number_ = parse_decimal(value)
    if number_ is None:
        return 0
    if number_ != number_.to_integral_value():
        raise CellError(_("The progress is a whole number of percent, not %(value)s.") % {"value": value})
    if number_ > 100:
        raise CellError(_("The progress must be between 0 and 100 (%(value)s).") % {"value": value})
    return int(number_)


def _choice_names(choices) -> dict[str, str]:
    """{normalized code or label, in French and English: value} of a TextChoices."""
    names = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                names[normalize(label)] = value
                names[normalize(value)] = value
    return names


def allowed_text(values) -> str:
    return list_text([f"«{NBSP}{value}{NBSP}»" if is_french() else f"“{value}”" for value in values])


# --- rows ---------------------------------------------------------------------------------------


def preview_rows(*, sheet: Sheet, context: ImportContext, plan: ActionPlan) -> ImportPreview:
    """The rows of the sheet as the actions they will become, each with its errors (none: ready)."""
    keys = _column_keys(sheet.header)
    headers = {key: sheet.header[index] for index, key in keys.items()}
    statuses, origins = {**STATUS_SYNONYMS, **_choice_names(ActionStatus)}, _choice_names(Origin)
    seen_titles: dict[str, int] = {}
    new_axes: dict[str, str] = {}
    rows = []
    for line, cells in sheet.lines:
        row = ImportRow(line=line)
        values = {key: cells[index] if index < len(cells) else None for index, key in keys.items()}

        def error(key, message, row=row, line=line):
            row.errors.append(
                RowError(line=line, column=str(headers.get(key, LABELS.get(key, key))), message=message)
            )

        data = row.data
        for key, kind in FIELD_KINDS.items():
            if key not in values:
                continue
            value = values[key]
            try:
                if kind == DATE:
                    data[key] = parse_date(value)
                elif kind == QUANTITY:
                    data[key] = parse_decimal(value)
                elif kind == PERCENT:
                    data[key] = parse_progress(value)
                else:
                    data[key] = _cell_text(value)
            except CellError as cell_error:
                error(key, str(cell_error))
        title = data.get("title", "")
        if not title:
            error("title", _("The title is missing."))
        else:
            name = normalize(title)
            if name in context.action_titles:
                error("title", _("The plan already has an action “%(title)s”.") % {"title": title})
            elif name in seen_titles:
                error(
                    "title",
                    _("The same title is on line %(line)s of the file.") % {"line": seen_titles[name]},
                )
            else:
                seen_titles[name] = line
        theme_text = data.pop("theme", "")
        theme = context.themes.get(normalize(theme_text))
        if theme is None:
            known = allowed_text(theme.name for theme in context.theme_list)
            if theme_text:
                error(
                    "theme",
                    _("Unknown theme “%(value)s”: one of %(known)s.") % {"value": theme_text, "known": known},
                )
            else:
                error("theme", _("The theme is missing: one of %(known)s.") % {"known": known})
        data["theme"] = theme
        axis_text = data.pop("axis", "")
        data["axis"] = context.axes.get(normalize(axis_text))
        if axis_text and data["axis"] is None:
            row.axis_title = new_axes.setdefault(normalize(axis_text), axis_text)
        status_text = data.pop("status", "")
        if status_text:
            status = statuses.get(normalize(status_text))
            if status is None:
                error(
                    "status",
                    _("Unknown status “%(value)s”: one of %(known)s.")
                    % {"value": status_text, "known": allowed_text(ActionStatus.labels)},
                )
            data["status"] = status or ActionStatus.PLANNED
        # A commune's own table lists what it already undertook: déjà engagée. A plan export carries
        # each action's origin: read back as it was, so that a round trip changes nothing.
        origin_text = data.pop("origin", "")
        data["origin"] = Origin.ALREADY_ENGAGED
        if origin_text:
            origin = origins.get(normalize(origin_text))
            if origin is None:
                error(
                    "origin",
                    _("Unknown origin “%(value)s”: one of %(known)s.")
                    % {"value": origin_text, "known": allowed_text(Origin.labels)},
                )
            data["origin"] = origin or Origin.ALREADY_ENGAGED
        catalogue_text = data.pop("catalogue_action", "")
        row.catalogue_action = context.catalogue.get(normalize(catalogue_text)) if catalogue_text else None
        owner_text = data.pop("owner", "")
        data["owner"] = context.members.get(normalize(owner_text)) if owner_text else None
        data["owner_name"] = "" if data["owner"] else owner_text
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            error(
                "end_date",
                _("The action ends (%(end)s) before it starts (%(start)s).")
                % {"end": short_date(end), "start": short_date(start)},
            )
        _read_budget(row, values, headers, plan, error)
        _check_fields(row, headers, error)
        rows.append(row)
    columns = [sheet.header[index] for index, key in keys.items() if key != "computed"]
    ignored = [
        text for index, text in enumerate(sheet.header) if text and keys.get(index) in (None, "computed")
    ]
    return ImportPreview(rows=rows, columns=columns, ignored=ignored, new_axes=list(new_axes.values()))


def _read_budget(row: ImportRow, values: dict, headers: dict, plan: ActionPlan, error) -> None:
    """The year's forecast by kind, and its actual spending (the export sums it over both kinds: it
    goes back on the investment line, or the operating one when only that has a forecast)."""
    years: dict[int, dict] = {}
    for key, value in values.items():
        if not isinstance(key, tuple):
            continue
        kind, year = key
        try:
            amount = parse_decimal(value)
        except CellError as cell_error:
            error(key, str(cell_error))
            continue
        if amount is None:
            continue
        if year not in plan.years:
            error(
                key,
                _("Budget year %(year)s is outside the plan period %(start)d–%(end)d.")
                % {"year": year, "start": plan.start_year, "end": plan.end_year},
            )
            continue
        years.setdefault(year, {})[kind] = amount
    for year, amounts in sorted(years.items()):
        lines = {
            kind: BudgetEntry(year=year, kind=kind, forecast=amounts[name])
            for name, kind in (("investment", BudgetKind.INVESTMENT), ("operating", BudgetKind.OPERATING))
            if name in amounts
        }
        actual = amounts.get("actual")
        if actual is not None:
            line = lines.get(BudgetKind.INVESTMENT) or lines.get(BudgetKind.OPERATING)
            if line is None:
                line = lines[BudgetKind.INVESTMENT] = BudgetEntry(
                    year=year, kind=BudgetKind.INVESTMENT, forecast=Decimal(0)
                )
            line.actual = actual
        row.budget += [lines[kind] for kind in BudgetKind.values if kind in lines]


# Fields whose model checks (lengths, choices) are run on the preview; the relations are looked up
# above, the constraints are checked again when the actions are created.
CHECKED_FIELDS = {
    "title": "title",
    "description": "description",
    "owner_name": "owner",
    "elected_referent": "elected_referent",
    "partners": "partners",
}


def _check_fields(row: ImportRow, headers: dict, error) -> None:
    action = Action(**{name: value for name, value in row.data.items() if name in CHECKED_FIELDS})
    exclude = [f.name for f in Action._meta.get_fields() if f.concrete and f.name not in CHECKED_FIELDS]
    try:
        action.clean_fields(exclude=exclude)
    except ValidationError as validation_error:
        already = {error_.column for error_ in row.errors}
        for name, messages in validation_error.message_dict.items():
            key = CHECKED_FIELDS.get(name, name)
            if str(headers.get(key, LABELS.get(key, key))) not in already:  # one error per cell
                error(key, " ".join(messages))


def preview_file(
    *, content: bytes, extension: str, context: ImportContext, plan: ActionPlan
) -> ImportPreview:
    return preview_rows(sheet=read_sheet(content, extension), context=context, plan=plan)


# --- template -----------------------------------------------------------------------------------


def _template_columns(plan: ActionPlan) -> list[str]:
    return [str(LABELS[key]) for key in TEMPLATE_KEYS] + [
        year_header(key, year) for year in plan.years for key in YEAR_HEADERS
    ]


def _example_row(plan: ActionPlan, context: ImportContext) -> list:
    theme = context.theme_list[0].name if context.theme_list else ""
    axis = context.axis_list[0].title if context.axis_list else ""
    start = date(plan.start_year, 3, 1)
    values = {
        "title": _("LED relamping of the primary school"),
        "description": _("Replacement of the 120 fluorescent tubes with LED panels."),
        "axis": axis,
        "theme": theme,
        "owner": _("Technical services"),
        "elected_referent": "",
        "partners": "",
        "start_date": start,
        "end_date": date(plan.start_year, 12, 31),
        "status": ActionStatus.IN_PROGRESS.label,
        "progress": 40,
        "mwh_saved": Decimal("12.5"),
        "tco2e_avoided": None,
        "mwh_renewable": None,
    }
    row = [str(values[key]) if key in ("status",) else values[key] for key in TEMPLATE_KEYS]
    for year in plan.years:
        row += [Decimal("18000") if year == plan.start_year else None, None, None]
    return row


def _help_rows(plan: ActionPlan, context: ImportContext) -> list[list[str]]:
    explanations = {
        "title": _("Required. One line per action; a title the plan already has is refused."),
        "description": _("Optional: what the action is, where, for whom."),
        "axis": _("Optional. An axis of the plan, or a new one, created with the actions."),
        "theme": _("Required. One of: %(values)s.")
        % {"values": allowed_text(t.name for t in context.theme_list)},
        "owner": _("The person or service responsible (a member's full name links their account)."),
        "elected_referent": _("Optional: the elected member following the action."),
        "partners": _("Optional."),
        "start_date": _("A date, dd/mm/yyyy (or yyyy-mm-dd)."),
        "end_date": _("A date, not before the start."),
        "status": _("One of: %(values)s (empty: planned).") % {"values": allowed_text(ActionStatus.labels)},
        "progress": _("A whole number from 0 to 100 (empty: 0)."),
        "mwh_saved": _("Expected yearly figure, a number (decimal comma or point)."),
        "tco2e_avoided": _("Expected yearly figure, a number (decimal comma or point)."),
        "mwh_renewable": _("Expected yearly figure, a number (decimal comma or point)."),
    }
    rows = [[str(LABELS[key]), explanations[key]] for key in TEMPLATE_KEYS]
    rows.append(
        [
            _("Budget columns per year"),
            _(
                "For each year of the plan (%(start)d–%(end)d): the investment and operating forecasts "
                "and what was spent, in euros excluding tax."
            )
            % {"start": plan.start_year, "end": plan.end_year},
        ]
    )
    rows.append(
        [
            str(LABELS["origin"]),
            _(
                "Every imported action is marked “%(origin)s”, unless the file has this column "
                "(a plan export)."
            )
            % {"origin": Origin.ALREADY_ENGAGED.label},
        ]
    )
    if context.axis_list:
        rows.append([_("Axes of the plan"), allowed_text(axis.title for axis in context.axis_list)])
    return rows


def template_response(*, plan: ActionPlan, context: ImportContext, extension: str) -> HttpResponse:
    """An empty table to fill in, in the page's language: the header, an example line, and in the XLSX
    a second sheet saying what each column takes."""
    header = _template_columns(plan)
    example = _example_row(plan, context)
    stem = _("actions-import-template")
    filename = f"{stem}.{extension}"
    if extension == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";" if is_french() else ",")
        writer.writerow(header)
        writer.writerow([_template_csv_value(value) for value in example])
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Actions")[:31]
        sheet.append(header)
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in example])
        for cell in sheet[1]:
            safe_xlsx_text(cell)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in sheet[2]:
            safe_xlsx_text(cell)
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
        for index, column in enumerate(sheet.columns, start=1):
            sheet.column_dimensions[column[0].column_letter].width = 40 if index <= 2 else 18
        sheet.freeze_panes = "B2"
        help_sheet = workbook.create_sheet(_("Help")[:31])
        help_sheet.append([_("Column"), _("What to write")])
        for cell in help_sheet[1]:
            cell.font = Font(bold=True)
        for values in _help_rows(plan, context):
            help_sheet.append(values)
        for row in help_sheet.iter_rows():
            for cell in row:
                safe_xlsx_text(cell)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet.column_dimensions["A"].width = 40
        help_sheet.column_dimensions["B"].width = 90
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _template_csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | Decimal):
        return data_number(value)
    if isinstance(value, date):
        return short_date(value)
    return safe_cell(value)


def max_bytes() -> int:
    return settings.ACTION_IMPORT_MAX_BYTES
