"""The import template: the header of the columns to fill in, an example line, and in the XLSX a help
sheet naming the values each column takes, in the page's language."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from pcl.formatting import data_number, is_french, short_date
from pcl.spreadsheet import safe_cell, safe_xlsx_text
from pcl.uploads import XLSX

from ..exports import YEAR_HEADERS, year_header
from ..models import ActionPlan, ActionStatus, Origin
from .columns import LABELS
from .rows import ImportContext, allowed_text

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

# --- template -----------------------------------------------------------------------------------


def _template_columns(plan: ActionPlan) -> list[str]:
    return [str(LABELS[key]) for key in TEMPLATE_KEYS] + [
        year_header(key, year) for year in plan.years for key in YEAR_HEADERS
    ]


def _example_row(plan: ActionPlan, context: ImportContext) -> list:
    theme = context.theme_list[0].label if context.theme_list else ""
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
        % {"values": allowed_text(t.label for t in context.theme_list)},
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
