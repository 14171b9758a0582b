"""Figures and texts written into data files (CSV): what a spreadsheet or a program reads back."""

import pytest
from django.utils import translation

from pcl.formatting import data_number, data_text


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
        (None, ""),
    ],
)
def test_a_text_that_a_spreadsheet_would_run_as_a_formula_is_marked_as_text(text, written):
    assert data_text(text) == written
