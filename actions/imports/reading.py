"""The cells of an imported file: its first sheet (XLSX) or its text (CSV, UTF-8 with or without BOM,
semicolons or commas), and each cell read as a text, a date, a number or a percentage."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from pcl.formatting import number
from pcl.spreadsheet import FORMULA_STARTS

from .columns import HEADER_SEARCH_LINES, LABELS, MAX_LINES, MAX_ROWS, cofunder_keys, column_keys


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing of it is shown, nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CofunderSheet:
    """The co-funders' sheet of a plan export (XLSX): its name, header and non-empty lines."""

    title: str
    header: list[str]
    lines: list[tuple[int, list]]


@dataclass
class Sheet:
    """The cells of a file: its header line and the lines under it that are not empty."""

    header: list[str]
    header_line: int
    lines: list[tuple[int, list]]
    cofunders: CofunderSheet | None = None


def cell_text(value) -> str:
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
    return all(cell_text(cell) == "" for cell in cells)


def _xlsx_cofunders(content: bytes) -> CofunderSheet | None:
    """The first sheet after the actions' whose first line is the co-funders' header of the export."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # as in _xlsx_lines
        raise ImportFileError(_("The file cannot be read as an XLSX spreadsheet.")) from error
    try:
        for sheet in workbook.worksheets[1:]:
            lines = sheet.iter_rows(values_only=True)
            first = next(lines, None)
            header = [cell_text(cell) for cell in first or ()]
            if not {"number", "name"} <= set(cofunder_keys(header).values()):
                continue
            rows = []
            for line, cells in enumerate(lines, start=2):
                if line > MAX_LINES:
                    break
                if not _is_empty(cells):
                    rows.append((line, list(cells)))
            return CofunderSheet(title=sheet.title, header=header, lines=rows)
    except Exception as error:
        raise ImportFileError(_("The file cannot be read as an XLSX spreadsheet.")) from error
    finally:
        workbook.close()
    return None


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
            texts = [cell_text(cell) for cell in cells]
            if "title" in column_keys(texts).values():
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
    if "theme" not in column_keys(header).values():
        raise ImportFileError(
            _("The file has no “%(theme)s” column: every action needs a theme (see the template).")
            % {"theme": LABELS["theme"]}
        )
    if not rows:
        raise ImportFileError(_("The file has headers but no action under them."))
    cofunders = _xlsx_cofunders(content) if extension == "xlsx" else None
    return Sheet(header=header, header_line=header_line, lines=rows, cofunders=cofunders)


# --- cells --------------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
NUMBER_NOISE = re.compile(r"[\s\u00a0\u202f€%]|MWh|t\s*CO2e", re.IGNORECASE)


MAX_NUMBER = Decimal(10) ** 10  # what the amounts and quantities hold (12 digits, 2 of them decimals)


class CellError(ValueError):
    pass


def parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
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
        text = cell_text(value)
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
    if number_ >= MAX_NUMBER:
        raise CellError(_("%(value)s is too large a number.") % {"value": value})
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
