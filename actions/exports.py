"""A plan's actions as CSV or XLSX: one row per action, budget per year and co-funding in columns; the
XLSX adds a sheet with one row per co-funder.

Cells keep their type: amounts, quantities and dates stay numbers and dates that a spreadsheet adds up
and sorts, shown with € and number formats in the XLSX. A text that starts like a formula (=, +, -, @)
is written as text, never run as a formula (pcl.spreadsheet): a string cell with the quote prefix in
the XLSX, an apostrophe before it in the CSV (what spreadsheets themselves do).
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from pcl.formatting import (
    XLSX_MONEY,
    data_number,
    is_french,
    list_text,
    money,
    short_date,
    xlsx_date,
)
from pcl.spreadsheet import safe_cell, safe_xlsx_text
from pcl.uploads import attachment_response

from .models import ActionPlan, BudgetKind, CoFunder, CoFunderStatus
from .selectors import action_is_late, with_flags

# The kinds of a column: how its cells are written and shown.
TEXT, INTEGER, QUANTITY, MONEY, DATE = "text", "integer", "quantity", "money", "date"
NUMBER_FORMATS = {
    INTEGER: "0",
    QUANTITY: "#,##0.0#",
    MONEY: XLSX_MONEY,
}
# Column widths in characters: wide enough for the values, never wider than a screen's third.
WIDTHS = {INTEGER: (6, 10), QUANTITY: (10, 16), MONEY: (12, 18), DATE: (11, 11), TEXT: (10, 48)}
TITLE_WIDTH = 60


@dataclass
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Table:
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [column.header for column in self.columns]


@dataclass
class PlanExport:
    actions: Table
    cofunders: Table


# The headers of the actions' table, by what each column holds: the export writes them in the page's
# language, the import (actions.imports) reads them back in either language.
HEADERS = {
    "number": gettext_lazy("Number"),
    "title": gettext_lazy("Title"),
    "axis": gettext_lazy("Axis"),
    "theme": gettext_lazy("Theme"),
    "origin": gettext_lazy("Origin"),
    "catalogue_action": gettext_lazy("Catalogue action"),
    "owner": gettext_lazy("Responsible"),
    "elected_referent": gettext_lazy("Elected referent"),
    "partners": gettext_lazy("Partners"),
    "start_date": gettext_lazy("Start"),
    "end_date": gettext_lazy("End"),
    "status": gettext_lazy("Status"),
    "progress": gettext_lazy("Progress (%)"),
    "late": gettext_lazy("Late"),
    "mwh_saved": gettext_lazy("Expected energy saved (MWh/year)"),
    "tco2e_avoided": gettext_lazy("Expected emissions avoided (t CO2e/year)"),
    "mwh_renewable": gettext_lazy("Expected renewable production (MWh/year)"),
    "achieved_mwh_saved": gettext_lazy("Achieved energy saved (MWh/year)"),
    "achieved_tco2e_avoided": gettext_lazy("Achieved emissions avoided (t CO2e/year)"),
    "achieved_mwh_renewable": gettext_lazy("Achieved renewable production (MWh/year)"),
    "forecast_total": gettext_lazy("Total forecast (€ excl. tax)"),
    "actual_total": gettext_lazy("Total actual (€ excl. tax)"),
    "cofunding_requested": gettext_lazy("Co-funding requested (€)"),
    "cofunding_granted": gettext_lazy("Co-funding granted (€)"),
    "cofunding_received": gettext_lazy("Co-funding received (€)"),
    "cofunders": gettext_lazy("Co-funders"),
}
# The budget of one year: "%(year)d" is replaced by the year.
YEAR_HEADERS = {
    "investment": gettext_lazy("%(year)d investment forecast (€ excl. tax)"),
    "operating": gettext_lazy("%(year)d operating forecast (€ excl. tax)"),
    "actual": gettext_lazy("%(year)d actual (€ excl. tax)"),
}
# The co-funders' sheet of the XLSX: one row per co-funder, tied to its action by the action's number.
COFUNDER_HEADERS = {
    "number": gettext_lazy("Action number"),
    "action": gettext_lazy("Action"),
    "name": gettext_lazy("Co-funder"),
    "status": gettext_lazy("Status"),
    "amount": gettext_lazy("Amount (€)"),
}
COFUNDER_KINDS = {"number": INTEGER, "amount": MONEY}
ACTION_KINDS = {
    "number": INTEGER,
    "start_date": DATE,
    "end_date": DATE,
    "progress": INTEGER,
    **dict.fromkeys(
        [
            "mwh_saved",
            "tco2e_avoided",
            "mwh_renewable",
            "achieved_mwh_saved",
            "achieved_tco2e_avoided",
            "achieved_mwh_renewable",
        ],
        QUANTITY,
    ),
    **dict.fromkeys(
        ["forecast_total", "actual_total", "cofunding_requested", "cofunding_granted", "cofunding_received"],
        MONEY,
    ),
}
BEFORE_YEARS = list(HEADERS)[: list(HEADERS).index("achieved_mwh_renewable") + 1]
AFTER_YEARS = list(HEADERS)[len(BEFORE_YEARS) :]


def year_header(key: str, year: int) -> str:
    return str(YEAR_HEADERS[key]) % {"year": year}


def _action_columns(years) -> list[Column]:
    columns = [Column(str(HEADERS[key]), ACTION_KINDS.get(key, TEXT)) for key in BEFORE_YEARS]
    for year in years:
        columns += [Column(year_header(key, year), MONEY) for key in YEAR_HEADERS]
    columns += [Column(str(HEADERS[key]), ACTION_KINDS.get(key, TEXT)) for key in AFTER_YEARS]
    return columns


def _cofunder_text(cofunder: CoFunder) -> str:
    return _("%(name)s: %(amount)s (%(status)s)") % {
        "name": cofunder.name,
        "amount": money(cofunder.amount),
        "status": cofunder.get_status_display().lower(),
    }


def plan_rows(*, plan: ActionPlan) -> PlanExport:
    """The actions and the co-funders of the plan (typed values: text, numbers, dates, None), in
    3 queries."""
    actions = list(
        with_flags(plan.actions.select_related("theme", "axis", "owner", "catalogue_action"))
        .prefetch_related(
            "budget_lines", Prefetch("cofunders", queryset=CoFunder.objects.order_by("name", "pk"))
        )
        .order_by("order", "pk")
    )
    years = list(plan.years)
    table = Table(_action_columns(years))
    cofunders = Table(
        [Column(str(header), COFUNDER_KINDS.get(key, TEXT)) for key, header in COFUNDER_HEADERS.items()]
    )
    for number, action in enumerate(actions, start=1):
        by_year = {year: {"investment": None, "operating": None, "actual": None} for year in years}
        for line in action.budget_lines.all():
            cell = by_year.setdefault(line.year, {"investment": None, "operating": None, "actual": None})
            key = "investment" if line.kind == BudgetKind.INVESTMENT else "operating"
            cell[key] = (cell[key] or Decimal(0)) + line.forecast
            if line.actual is not None:
                cell["actual"] = (cell["actual"] or Decimal(0)) + line.actual
        funding = {status: None for status in CoFunderStatus.values}
        for cofunder in action.cofunders.all():
            funding[cofunder.status] = (funding[cofunder.status] or Decimal(0)) + cofunder.amount
            cofunders.rows.append(
                [number, action.title, cofunder.name, cofunder.get_status_display(), cofunder.amount]
            )
        row = [
            number,
            action.title,
            str(action.axis or ""),
            str(action.theme),
            action.get_origin_display(),
            str(action.catalogue_action or ""),
            action.owner_label,
            action.elected_referent,
            action.partners,
            action.start_date,
            action.end_date,
            action.get_status_display(),
            action.progress,
            _("yes") if action_is_late(action) else _("no"),
            action.mwh_saved,
            action.tco2e_avoided,
            action.mwh_renewable,
            action.achieved_mwh_saved,
            action.achieved_tco2e_avoided,
            action.achieved_mwh_renewable,
        ]
        for year in years:
            row += [by_year[year]["investment"], by_year[year]["operating"], by_year[year]["actual"]]
        row += [action.forecast_total, action.actual_total]
        row += [funding[status] for status in CoFunderStatus.values]
        row.append(list_text([_cofunder_text(cofunder) for cofunder in action.cofunders.all()]))
        table.rows.append(row)
    return PlanExport(actions=table, cofunders=cofunders)


def _filename(plan: ActionPlan, extension: str) -> str:
    return f"plan-{slugify(plan.commune.name)}-v{plan.version}.{extension}"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return data_number(value)
    if hasattr(value, "isoformat"):
        return short_date(value)
    return safe_cell(value)


def csv_response(*, plan: ActionPlan, rows: PlanExport) -> HttpResponse:
    """The actions' table, in the page's language: semicolons, decimal commas and dd/mm/yyyy in French
    (what a French spreadsheet reads), UTF-8 with a BOM."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";" if is_french() else ",")
    writer.writerow(rows.actions.header)
    for row in rows.actions.rows:
        writer.writerow([_csv_value(value) for value in row])
    return response


def _sheet(sheet, table: Table, *, title_column: int | None = None) -> None:
    """Writes the table with its types and formats, a bold wrapped header frozen above an autofilter,
    and widths that fit the values."""
    sheet.append(table.header)
    for cell in sheet[1]:
        safe_xlsx_text(cell)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for values in table.rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in values])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        number_format = xlsx_date() if column.kind == DATE else NUMBER_FORMATS.get(column.kind)
        longest = 0
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if column.kind == TEXT and isinstance(cell.value, str):
                safe_xlsx_text(cell)  # "=HYPERLINK(…)" typed in a title stays a text
                longest = max(longest, len(cell.value))
            elif number_format and cell.value is not None:
                cell.number_format = number_format
                longest = max(longest, len(data_number(cell.value, 2)) + 3)
        low, high = WIDTHS[column.kind]
        if index == title_column:
            high = TITLE_WIDTH
        # The header wraps: a third of it is enough to read it in two or three lines.
        sheet.column_dimensions[letter].width = max(low, min(high, max(longest, len(column.header) // 3) + 2))
    sheet.freeze_panes = "C2" if title_column == 2 else "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{max(1, len(table.rows) + 1)}"
    # Printed: landscape, as wide as the page, the header repeated on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def xlsx_response(*, plan: ActionPlan, rows: PlanExport) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Actions")[:31]
    _sheet(sheet, rows.actions, title_column=2)
    _sheet(workbook.create_sheet(_("Co-funders")[:31]), rows.cofunders)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "xlsx")}"'
    return response


def signed_deliberation_response(plan):
    """The plan's signed deliberation as a PDF download under its clean name (the plan page's and the
    public page's link); 404 when none is attached."""
    if not plan.deliberation_file:
        raise Http404
    return attachment_response(
        plan.deliberation_file.open("rb"),
        filename=plan.signed_deliberation_name,
        content_type="application/pdf",
        keep_case=True,
    )
