"""The `pcl_format` template library writes figures exactly as pcl.formatting does."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

from communes.templatetags.pcl_format import quantity

NNBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # between a number and its unit, inside dates
MINUS = "\u2212"


def render(source: str, **context) -> str:
    return Template("{% load pcl_format %}" + source).render(Context(context))


def test_quantities_read_the_french_way():
    with translation.override("fr"):
        assert quantity(1234.5, "MWh") == f"1{NNBSP}234,5{NBSP}MWh"
        assert quantity(Decimal("449509"), "hab.") == f"449{NNBSP}509{NBSP}hab."
        assert quantity(12) == "12"


def test_quantities_round_half_up_instead_of_truncating():
    with translation.override("fr"):
        assert quantity(6.15, "t") == f"6,2{NBSP}t"
        assert quantity(Decimal("6.149"), "t") == f"6,1{NBSP}t"


def test_quantities_read_the_english_way_in_english():
    with translation.override("en"):
        assert quantity(1234.5, "MWh") == f"1,234.5{NBSP}MWh"


def test_a_missing_value_is_a_dash_never_zero():
    assert quantity(None, "MWh") == "—"
    assert quantity("", "MWh") == "—"
    assert quantity(0, "MWh") == f"0{NBSP}MWh"


def test_the_figure_filters_follow_the_rules_in_french():
    with translation.override("fr"):
        text = render(
            "{{ a|money }}|{{ a|money:0 }}|{{ b|number:2 }}|{{ c|percent }}"
            "|{{ d|change }}|{{ e|points }}|{{ f|percent }}",
            a=Decimal("4200.50"),
            b=-4321.05,
            c=12,
            d=3.2,
            e=-1.25,
            f=None,
        )
    assert text == (
        f"4{NNBSP}200,50{NBSP}€|4{NNBSP}201{NBSP}€|{MINUS}4{NNBSP}321,05|12{NBSP}%|+3,2{NBSP}%|{MINUS}1,3{NBSP}pt|—"
    )


def test_the_figure_filters_follow_the_rules_in_english():
    with translation.override("en"):
        text = render("{{ a|money }}|{{ b|number:2 }}|{{ c|percent }}", a=Decimal("4200.5"), b=-4321.05, c=12)
    assert text == f"€4,200.50|{MINUS}4,321.05|12%"


def test_the_date_filters_write_1er_and_never_split_a_date():
    moment = datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("UTC"))  # 1 March, 0 h 30 in Paris
    with translation.override("fr"):
        text = render(
            "{{ d|date_text }}|{{ m|date_text }}|{{ m|time_text }}|{{ m|weekday_date_text }}"
            "|{{ d|short_date }}|{{ none|date_text:'…' }}|{{ none|short_date }}",
            d=date(2026, 3, 1),
            m=moment,
            none=None,
        )
    assert text == (
        f"1er{NBSP}mars{NBSP}2026|1er{NBSP}mars{NBSP}2026|0{NBSP}h{NBSP}30|dimanche{NBSP}1er{NBSP}mars{NBSP}2026"
        "|01/03/2026|…|—"
    )
    with translation.override("en"):
        assert render("{{ d|date_text }}|{{ m|time_text }}", d=date(2026, 3, 1), m=moment) == (
            f"1{NBSP}March{NBSP}2026|12:30{NBSP}a.m."
        )


def test_typo_spaces_french_punctuation_and_escapes():
    with translation.override("fr"):
        assert render("{{ t|typo }}", t="Objectif: <40%>!") == f"Objectif{NBSP}: &lt;40{NBSP}%&gt;{NNBSP}!"
    with translation.override("en"):
        assert render("{{ t|typo }}", t="Goal: 40%!") == "Goal: 40%!"
