"""A plan's actions as CSV or XLSX: one row per action, budget per year in columns."""

import csv
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from pcl.formatting import XLSX_DATE, XLSX_MONEY

from .models import ActionPlan, BudgetKind
from .selectors import action_is_late, with_flags


def plan_rows(*, plan: ActionPlan) -> tuple[list[str], list[list]]:
    """The header and the rows (typed values: text, numbers, dates, None) of the export, in 2 queries."""
    actions = list(
        with_flags(plan.actions.select_related("theme", "axis", "owner", "catalogue_action"))
        .prefetch_related("budget_lines")
        .order_by("order", "pk")
    )
    years = list(plan.years)
    header = [
        _("Number"),
        _("Title"),
        _("Axis"),
        _("Theme"),
        _("Origin"),
        _("Catalogue action"),
        _("Responsible"),
        _("Elected referent"),
        _("Partners"),
        _("Start"),
        _("End"),
        _("Status"),
        _("Progress (%)"),
        _("Late"),
        _("Expected energy saved (MWh/year)"),
        _("Expected emissions avoided (t CO2e/year)"),
        _("Expected renewable production (MWh/year)"),
        _("Achieved energy saved (MWh/year)"),
        _("Achieved emissions avoided (t CO2e/year)"),
        _("Achieved renewable production (MWh/year)"),
    ]
    for year in years:
        header += [
            _("%(year)d investment forecast (€ excl. tax)") % {"year": year},
            _("%(year)d operating forecast (€ excl. tax)") % {"year": year},
            _("%(year)d actual (€ excl. tax)") % {"year": year},
        ]
    header += [_("Total forecast (€ excl. tax)"), _("Total actual (€ excl. tax)")]
    rows = []
    for number, action in enumerate(actions, start=1):
        by_year = {year: {"investment": None, "operating": None, "actual": None} for year in years}
        for line in action.budget_lines.all():
            cell = by_year.setdefault(line.year, {"investment": None, "operating": None, "actual": None})
            key = "investment" if line.kind == BudgetKind.INVESTMENT else "operating"
            cell[key] = (cell[key] or Decimal(0)) + line.forecast
            if line.actual is not None:
                cell["actual"] = (cell["actual"] or Decimal(0)) + line.actual
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
        rows.append(row)
    return header, rows


def _filename(plan: ActionPlan, extension: str) -> str:
    return f"plan-{slugify(plan.commune.name)}-v{plan.version}.{extension}"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")  # 12500.50 -> "12500,5"
    if hasattr(value, "isoformat"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_response(*, plan: ActionPlan, rows) -> HttpResponse:
    """French spreadsheet conventions: semicolons, decimal commas, dd/mm/yyyy, UTF-8 with a BOM."""
    header, data = rows
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "csv")}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in data:
        writer.writerow([_csv_value(value) for value in row])
    return response


def xlsx_response(*, plan: ActionPlan, rows) -> HttpResponse:
    header, data = rows
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Actions")[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
    for title, column in zip(header, sheet.iter_cols(min_row=2), strict=False):
        for cell in column:
            if hasattr(cell.value, "isoformat"):
                cell.number_format = XLSX_DATE
            elif "€" in title and isinstance(cell.value, int | float):
                cell.number_format = XLSX_MONEY
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["B"].width = 60
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, "xlsx")}"'
    return response
