"""Text cells of the files a spreadsheet opens (CSV, XLSX), written so that no text a user typed runs
as a formula: OWASP's CSV-injection rule, for every export that writes user text (a plan's actions,
the observatory's tables and import reports).

A text starting with "=", "+", "-", "@", a tab or a carriage return would be read as a formula
("=HYPERLINK(…)", "@SUM(…)", "-2+3+cmd|' /C calc'!A0"). In a CSV it gets an apostrophe before it, which
is how spreadsheets mark a typed text; in an XLSX it is a string cell (never a formula) with the
quote-prefix style, so that it stays a text even once edited in the spreadsheet.

Numbers are not texts: a figure goes into a CSV through `pcl.formatting.data_number` and into an XLSX
as a number, and never comes here. A text that is a plain number ("-5", "-4,2": a value of an import
report, as it was typed) is no formula and is left as it is.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def safe_cell(value) -> str:
    """A text for a CSV cell: an apostrophe before a text a spreadsheet would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def safe_xlsx_text(cell) -> None:
    """Makes an openpyxl cell holding a text a string cell: openpyxl turns a str starting with "="
    into a formula; a text that looks like a formula also gets the quote prefix, as if typed "'=…"."""
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"
    if looks_like_formula(cell.value):
        cell.quotePrefix = True
