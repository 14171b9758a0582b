"""The rows of an imported file as the actions they will become, each bad cell named by its line,
its column and why."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from pcl.formatting import NBSP, is_french, list_text, short_date

from ..exports import COFUNDER_HEADERS
from ..models import Action, ActionPlan, ActionStatus, BudgetKind, CoFunderStatus, Origin
from ..selectors import plan_import_references
from .columns import (
    DATE,
    FIELD_KINDS,
    LABELS,
    NOT_FIELDS,
    PERCENT,
    QUANTITY,
    STATUS_SYNONYMS,
    cofunder_keys,
    column_keys,
    normalize,
)
from .reading import CellError, Sheet, cell_text, parse_date, parse_decimal, parse_progress, read_sheet


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
class CofunderEntry:
    name: str
    amount: Decimal
    status: str

    @property
    def status_label(self) -> str:
        return CoFunderStatus(self.status).label


@dataclass
class ImportRow:
    line: int
    data: dict = field(default_factory=dict)  # Action fields, ready for actions.services.action_create
    axis_title: str = ""  # an axis the plan does not have yet: created with the actions
    catalogue_action: object = None
    budget: list[BudgetEntry] = field(default_factory=list)
    cofunders: list[CofunderEntry] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    number: str = ""  # the export's number of the action, which its co-funders refer to

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
    notes: list[str] = field(default_factory=list)
    other_errors: list[RowError] = field(default_factory=list)  # of lines tied to no action

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors] + self.other_errors


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
        # A file exported from an English page names its themes in English.
        themes.update({normalize(theme.name_en): theme for theme in references.themes if theme.name_en})
        return cls(
            theme_list=references.themes,
            axis_list=references.axes,
            themes=themes,
            axes={normalize(axis.title): axis for axis in references.axes},
            action_titles={normalize(title) for title in references.action_titles},
            catalogue={normalize(entry.title): entry for entry in references.catalogue},
            members={normalize(person.get_full_name()): person for person in references.people},
        )


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
    keys = column_keys(sheet.header)
    headers = {key: sheet.header[index] for index, key in keys.items()}
    names = {
        "status": {**STATUS_SYNONYMS, **_choice_names(ActionStatus)},
        "origin": _choice_names(Origin),
    }
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
                    data[key] = cell_text(value)
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
        _read_names(row, context=context, names=names, new_axes=new_axes, error=error)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            error(
                "end_date",
                _("The action ends (%(end)s) before it starts (%(start)s).")
                % {"end": short_date(end), "start": short_date(start)},
            )
        _read_budget(row, values, headers, plan, error)
        _check_fields(row, headers, error)
        row.number = cell_text(values.get("number"))
        rows.append(row)
    columns = [sheet.header[index] for index, key in keys.items() if key not in NOT_FIELDS]
    ignored = [
        text for index, text in enumerate(sheet.header) if text and keys.get(index) in (None, *NOT_FIELDS)
    ]
    result = ImportPreview(rows=rows, columns=columns, ignored=ignored, new_axes=list(new_axes.values()))
    if sheet.cofunders is not None:
        _read_cofunders(result, sheet.cofunders)
    elif "cofunders" in keys.values():
        texts = {
            cell_text(cells[index])
            for line, cells in sheet.lines
            for index, key in keys.items()
            if key == "cofunders" and index < len(cells)
        }
        if texts - {""}:
            result.notes.append(
                _(
                    "The co-funders are not imported from a CSV file: import the XLSX export, which lists "
                    "them on a sheet of their own, or add them on each action's schedule and budget page."
                )
            )
    return result


def _read_cofunders(result: ImportPreview, sheet) -> None:
    """The co-funders' sheet of a plan export: each line goes to the action with its number."""
    keys = cofunder_keys(sheet.header)
    headers = {key: sheet.header[index] for index, key in keys.items()}
    by_number = {row.number: row for row in result.rows if row.number}
    statuses = _choice_names(CoFunderStatus)
    for line, cells in sheet.lines:
        values = {key: cells[index] if index < len(cells) else None for index, key in keys.items()}
        number_text = cell_text(values.get("number"))
        row = by_number.get(number_text)
        errors = row.errors if row is not None else result.other_errors

        def error(key, message, line=line, errors=errors):
            column = f"{sheet.title} › {headers.get(key, COFUNDER_HEADERS[key])}"
            errors.append(RowError(line=line, column=column, message=message))

        if row is None:
            error(
                "number",
                _("No action of the first sheet has the number “%(value)s”.") % {"value": number_text},
            )
            continue
        name = cell_text(values.get("name"))
        if not name:
            error("name", _("The co-funder's name is missing."))
        try:
            amount = parse_decimal(values.get("amount"))
        except CellError as cell_error:
            error("amount", str(cell_error))
            amount = None
        else:
            if amount is None:
                error("amount", _("The amount is missing."))
        status_text = cell_text(values.get("status"))
        status = statuses.get(normalize(status_text)) if status_text else CoFunderStatus.REQUESTED
        if status is None:
            error(
                "status",
                _("Unknown status “%(value)s”: one of %(known)s.")
                % {"value": status_text, "known": allowed_text(CoFunderStatus.labels)},
            )
        if name and amount is not None and status:
            row.cofunders.append(CofunderEntry(name=name[:200], amount=amount, status=status))


def _read_names(row: ImportRow, *, context: ImportContext, names: dict, new_axes: dict, error) -> None:
    """The cells that name something: a theme, an axis, a status, an origin, a catalogue action, a
    person; replaced in `row.data` by what they name."""
    data = row.data
    theme_text = data.pop("theme", "")
    theme = context.themes.get(normalize(theme_text))
    if theme is None:
        known = allowed_text(known_theme.label for known_theme in context.theme_list)
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

    def choice(field: str, choices, default, unknown: str):
        """The choice a cell names (in either language); `default` when it is empty or unknown, the
        unknown one reported with `unknown` (a message with %(value)s and %(known)s)."""
        text = data.pop(field, "")
        if not text:
            return None
        value = names[field].get(normalize(text))
        if value is None:
            error(field, unknown % {"value": text, "known": allowed_text(choices.labels)})
        return value or default

    status = choice(
        "status", ActionStatus, ActionStatus.PLANNED, _("Unknown status “%(value)s”: one of %(known)s.")
    )
    if status:
        data["status"] = status
    # A commune's own table lists what it already undertook: déjà engagée. A plan export carries
    # each action's origin: read back as it was, so that a round trip changes nothing.
    data["origin"] = (
        choice("origin", Origin, Origin.ALREADY_ENGAGED, _("Unknown origin “%(value)s”: one of %(known)s."))
        or Origin.ALREADY_ENGAGED
    )
    catalogue_text = data.pop("catalogue_action", "")
    row.catalogue_action = context.catalogue.get(normalize(catalogue_text)) if catalogue_text else None
    owner_text = data.pop("owner", "")
    data["owner"] = context.members.get(normalize(owner_text)) if owner_text else None
    data["owner_name"] = "" if data["owner"] else owner_text


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


def max_bytes() -> int:
    return settings.ACTION_IMPORT_MAX_BYTES
