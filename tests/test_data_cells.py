"""Figures and texts written into data files (CSV, XLSX): what a spreadsheet or a program reads back."""

import io

import openpyxl
import pytest
from django.utils import translation

from pcl.formatting import data_number
from pcl.spreadsheet import safe_cell, safe_xlsx_text


@pytest.mark.parametrize(
    ("value", "french", "machine"),
    [
        (10214138.2, "10214138,2", "10214138.2"),  # every digit, never "1,02141e+07"
        (10214138.200000001, "10214138,2", "10214138.2"),  # float noise past six places dropped
        (-4321.05, "-4321,05", "-4321.05"),  # an ASCII minus, no thousands separator
        (0.30000000000000004, "0,3", "0.3"),
        (2005, "2005", "2005"),
        (1e-7, "0", "0"),  # never "-0", never an exponent
        (None, "", ""),
    ],
)
def test_a_number_keeps_its_digits_and_reads_back_as_a_number(value, french, machine):
    with translation.override("fr"):
        assert data_number(value) == french
        assert data_number(value, machine=True) == machine
        if value is not None:
            assert float(data_number(value).replace(",", ".")) == pytest.approx(value, abs=1e-6)
    with translation.override("en"):
        assert data_number(value) == machine


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 4 76 00 00 00", "'+33 4 76 00 00 00"),
        ("-moins de voitures", "'-moins de voitures"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Rénover l'école", "Rénover l'école"),
        ("-5", "-5"),  # a refused negative value reads as it was typed
        ("-4321,05", "-4321,05"),
        ("-5+cmd|' /C calc'!A0", "'-5+cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("a=1+1", "a=1+1"),
        (None, ""),
    ],
)
def test_a_text_that_a_spreadsheet_would_run_as_a_formula_is_marked_as_text(text, written):
    assert safe_cell(text) == written


def test_an_xlsx_text_that_looks_like_a_formula_is_a_quoted_string_never_a_formula():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(['=HYPERLINK("http://x")', "@SUM(A1)", "\t=1", "Rénover l'école", -4.2, "-4,2"])
    assert sheet["A1"].data_type == "f"  # what openpyxl makes of a text starting with "="
    for cell in sheet[1]:
        safe_xlsx_text(cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = openpyxl.load_workbook(buffer).active[1]
    assert [cell.value for cell in cells] == [
        '=HYPERLINK("http://x")',
        "@SUM(A1)",
        "\t=1",
        "Rénover l'école",
        -4.2,
        "-4,2",
    ]
    assert [cell.data_type for cell in cells] == ["s", "s", "s", "s", "n", "s"]
    assert [bool(cell.quotePrefix) for cell in cells] == [True, True, True, False, False, False]
