from decimal import Decimal

from django.utils import translation

from communes.templatetags.pcl_format import quantity

NNBSP = "\u00a0"  # French thousands separator (Django: no-break space)
NBSP = "\u00a0"  # between a number and its unit


def test_quantities_read_the_french_way():
    with translation.override("fr"):
        assert quantity(1234.5, "MWh") == f"1{NNBSP}234,5{NBSP}MWh"
        assert quantity(Decimal("449509"), "hab.") == f"449{NNBSP}509{NBSP}hab."
        assert quantity(12) == "12"


def test_quantities_read_the_english_way_in_english():
    with translation.override("en"):
        assert quantity(1234.5, "MWh") == f"1,234.5{NBSP}MWh"


def test_a_missing_value_is_a_dash_never_zero():
    assert quantity(None, "MWh") == "—"
    assert quantity(0, "MWh") == f"0{NBSP}MWh"
