"""The rules of pcl.formatting, the one way a figure becomes text, pinned in French and in English; and
Django's own formats agreeing with them."""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy

from actions.charts import schedule_figure
from pcl.formatting import (
    MINUS,
    NBSP,
    NNBSP,
    auto_decimals,
    date_text,
    datetime_text,
    file_size,
    list_text,
    money,
    month_text,
    nbsp_punctuation,
    number,
    ordinal,
    percent,
    period_text,
    plotly_money,
    plotly_separators,
    points,
    quantity,
    short_date,
    short_datetime,
    time_text,
    typography,
    typography_html,
    year_label,
)
from reporting.charts import compared_trend_chart, deliberations_chart, impacts_chart

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# --- file sizes ---------------------------------------------------------------------------------


def test_file_sizes_in_french_round_up_to_a_tenth(french):
    assert file_size(int(25.25 * 2**20)) == f"25,3{NBSP}Mo"
    assert file_size(20 * 2**20) == f"20{NBSP}Mo"
    assert file_size(2**20 + 1) == f"1,1{NBSP}Mo"  # one byte over a 1 MB limit never reads "1 Mo"
    assert file_size(1536) == f"1,5{NBSP}ko"
    assert file_size(500) == f"500{NBSP}octets"
    assert file_size(600 * 2**20) == f"600{NBSP}Mo"
    assert file_size(None) == "—"


def test_file_sizes_in_english(english):
    assert file_size(int(25.25 * 2**20)) == f"25.3{NBSP}MB"
    assert file_size(2048) == f"2{NBSP}kB"
    assert file_size(12) == f"12{NBSP}bytes"


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (6.15, 1, "6,2"),  # a float is read through its significant digits, not 6.1499999…
        (6.25, 1, "6,3"),
        (Decimal("6.15"), 1, "6,2"),
        (2.5, 0, "3"),
        (-2.5, 0, f"{MINUS}3"),
        (0.5, 0, "1"),
        (1.005, 2, "1,01"),
        (Decimal("12345.678"), 2, f"12{NNBSP}345,68"),
        (1234567, 0, f"1{NNBSP}234{NNBSP}567"),
        (-4321.05, 2, f"{MINUS}4{NNBSP}321,05"),
        (999, 0, "999"),
        (0, 1, "0,0"),
    ],
)
def test_numbers_round_half_up_and_group_thousands_in_french(french, value, decimals, expected):
    assert number(value, decimals) == expected


@pytest.mark.parametrize("noise", [28679400.500000004, 28679400.499999996, 28679400.5])
def test_a_sum_reads_the_same_whatever_the_order_its_values_were_added_in(french, noise):
    """The same 28679400.5 t CO2e summed in two orders differs in its last bits: the page must show one
    figure, not 28 679 400 on one read and 28 679 401 on the next."""
    assert number(noise) == f"28{NNBSP}679{NNBSP}401"
    assert quantity(noise, "t CO2e", auto_decimals(noise)) == f"28{NNBSP}679{NNBSP}400,5{NBSP}t{NBSP}CO2e"
    assert auto_decimals(1234.0000000000002) == 0


def test_numbers_are_never_minus_zero(french):
    assert number(-0.4) == "0"
    assert number(Decimal("-0.04"), 1) == "0,0"
    assert percent(-0.2, signed=True) == f"0{NBSP}%"


def test_signed_numbers_carry_a_plus_and_a_true_minus(french):
    assert number(3, signed=True) == "+3"
    assert percent(3, signed=True) == f"+3{NBSP}%"
    assert percent(-14) == f"{MINUS}14{NBSP}%"
    assert points(1.25) == f"+1,3{NBSP}pt"
    assert points(-1.5) == f"{MINUS}1,5{NBSP}pt"


def test_a_missing_value_is_a_dash_never_zero(french):
    for text in (
        number(None),
        money(None),
        quantity(None, "MWh"),
        percent(""),
        points(None),
        date_text(None),
    ):
        assert text == "—"
    assert number("not a number") == "—"
    assert number(float("nan")) == "—"
    assert number(None, empty="") == ""


def test_years_and_ids_can_stay_ungrouped(french):
    assert number(2005, group=False) == "2005"
    assert year_label(2022, {2022}) == "2022 (e)"
    assert year_label(2023, {2022}) == "2023"


def test_numbers_in_english(english):
    assert number(Decimal("12345.678"), 2) == "12,345.68"
    assert number(-4321.05, 2) == f"{MINUS}4,321.05"
    assert number(6.15, 1) == "6.2"
    assert number(-2.5) == f"{MINUS}3"


def test_money_has_cents_and_its_sign_in_the_right_place(french):
    assert money(4200.5) == f"4{NNBSP}200,50{NBSP}€"
    assert money(Decimal("-4321.05")) == f"{MINUS}4{NNBSP}321,05{NBSP}€"
    assert money(Decimal("4200.50"), 0) == f"4{NNBSP}201{NBSP}€"  # headline figures, rounded half up
    with translation.override("en"):
        assert money(4200.5) == "€4,200.50"
        assert money(Decimal("-4321.05")) == f"{MINUS}€4,321.05"
        assert money(1200, signed=True) == "+€1,200.00"


def test_quantities_and_percentages_keep_their_unit_on_the_line(french):
    assert quantity(1234.5, "MWh") == f"1{NNBSP}235{NBSP}MWh"
    assert quantity(1234.5, "MWh", 1) == f"1{NNBSP}234,5{NBSP}MWh"
    assert quantity(6.15, "t CO2e", 1) == f"6,2{NBSP}t{NBSP}CO2e"
    assert percent(12.25, 1) == f"12,3{NBSP}%"
    with translation.override("en"):
        assert quantity(1234.5, "MWh", 1) == f"1,234.5{NBSP}MWh"
        assert percent(12) == "12%"


def test_chart_separators_and_amounts_follow_the_language(french):
    assert plotly_separators() == f",{NNBSP}"
    assert plotly_money() == f"%{{y:,.0f}}{NBSP}€"
    assert deliberations_chart({2024: 1}).figure["layout"]["separators"] == f",{NNBSP}"
    with translation.override("en"):
        assert plotly_separators() == ".,"
        assert plotly_money("x", 2) == "€%{x:,.2f}"
        assert deliberations_chart({2024: 1}).figure["layout"]["separators"] == ".,"


def test_chart_hover_labels_write_units_colons_and_dates_by_the_language(french):
    """What a reader sees on hovering a chart: the unit after a no-break space (none before "%" in
    English), a no-break space before the colon in French, dates as in the tables."""
    trend = compared_trend_chart(
        commune_name="Meylan",
        commune_values={2020: 4.2},
        agglomeration_values={2020: 5.1},
        unit="%",
        caption="",
    )
    assert (
        trend.figure["data"][0]["hovertemplate"]
        == f"Meylan<br>%{{x}}{NBSP}: %{{y:,.2f}}{NBSP}%<extra></extra>"
    )
    summary = SimpleNamespace(
        expected={"mwh_saved": 1, "tco2e_avoided": 2, "mwh_renewable": 3},
        achieved={"mwh_saved": 1, "tco2e_avoided": 2, "mwh_renewable": 3},
        total=3,
    )
    hovers = [trace["hovertemplate"] for trace in impacts_chart(summary).figure["data"]]
    assert f"Attendu{NBSP}: %{{y:,.1f}}{NBSP}t{NBSP}CO2e<extra></extra>" in hovers
    plan = SimpleNamespace(start_year=2026, end_year=2030)
    assert (
        schedule_figure(plan=plan, actions=[])["data"][1]["hovertemplate"]
        == "%{text}<br>%{x|%d/%m/%Y}<extra></extra>"
    )
    with translation.override("en"):
        trend = compared_trend_chart(
            commune_name="Meylan", commune_values={2020: 4.2}, agglomeration_values={}, unit="%", caption=""
        )
        assert trend.figure["data"][0]["hovertemplate"] == "Meylan<br>%{x}: %{y:,.2f}%<extra></extra>"
        hovers = [trace["hovertemplate"] for trace in impacts_chart(summary).figure["data"]]
        assert f"Expected: %{{y:,.1f}}{NBSP}MWh<extra></extra>" in hovers
        assert schedule_figure(plan=plan, actions=[])["data"][1]["hovertemplate"] == (
            "%{text}<br>%{x|%Y-%m-%d}<extra></extra>"
        )


def test_a_unit_never_splits_from_its_figure_nor_within_itself(french):
    assert quantity(Decimal("24.5"), "t CO2e", 1) == f"24,5{NBSP}t{NBSP}CO2e"
    assert quantity(3, "t CO2e par habitant") == f"3{NBSP}t{NBSP}CO2e par habitant"
    assert quantity(1500, gettext_lazy("inhabitants")) == f"1{NNBSP}500{NBSP}habitants"  # a lazy unit


# --- dates --------------------------------------------------------------------------------------


def test_the_first_of_the_month_is_1er_and_a_date_never_splits(french):
    assert date_text(date(2026, 3, 1)) == f"1er{NBSP}mars{NBSP}2026"
    assert date_text(date(2026, 3, 12)) == f"12{NBSP}mars{NBSP}2026"
    assert date_text(date(2026, 3, 1), weekday=True) == f"dimanche{NBSP}1er{NBSP}mars{NBSP}2026"
    assert " " not in date_text(date(2026, 12, 31))
    assert ordinal(1, feminine=True) == "1re"
    assert ordinal(3) == "3e"


def test_dates_in_english(english):
    assert date_text(date(2026, 3, 1)) == f"1{NBSP}March{NBSP}2026"
    assert short_date(date(2026, 3, 1)) == "2026-03-01"
    assert ordinal(2) == "2nd"
    assert ordinal(11) == "11th"


def test_aware_datetimes_are_read_in_local_time(french):
    moment = datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("UTC"))  # already 1 March in Paris
    assert date_text(moment) == f"1er{NBSP}mars{NBSP}2026"
    assert time_text(moment) == f"0{NBSP}h{NBSP}30"
    assert short_date(moment) == "01/03/2026"
    assert datetime_text(moment) == f"1er{NBSP}mars{NBSP}2026{NBSP}à{NBSP}0{NBSP}h{NBSP}30"
    with translation.override("en"):
        assert time_text(datetime(2026, 3, 1, 18, 30, tzinfo=PARIS)) == f"6:30{NBSP}p.m."


def test_months_and_periods(french):
    assert month_text(date(2026, 2, 1)) == f"février{NBSP}2026"
    assert month_text(date(2026, 2, 1), short=True) == f"févr.{NBSP}2026"
    assert period_text(date(2025, 1, 6), date(2026, 8, 28)) == f"janv.{NBSP}2025 – août{NBSP}2026"
    assert period_text(None, None, empty="not dated") == "not dated"


def test_lists_end_with_the_language_s_conjunction(french):
    assert list_text(["a", "b", "c"]) == "a, b et c"
    assert list_text(["a", ""]) == "a"
    with translation.override("en"):
        assert list_text(["a", "b"]) == "a and b"


# --- Django's own formats agree -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("value", [1234567.5, Decimal("4321.05"), 999, 12345])
def test_djangos_number_format_and_template_output_read_like_number(language, value):
    # Separators and grouping agree; Django writes negatives with a hyphen and cuts decimals instead of
    # rounding them, which is why every displayed figure goes through the pcl_format filters.
    decimals = 1 if isinstance(value, float) else 2 if isinstance(value, Decimal) else 0
    with translation.override(language):
        expected = number(value, decimals)
        assert number_format(value, decimal_pos=decimals, use_l10n=True) == expected
        assert Template("{{ value }}").render(Context({"value": value})) == expected


def test_djangos_date_formats_keep_dates_on_one_line(french):
    day = date(2026, 3, 12)
    assert date_format(day) == date_text(day)
    assert date_format(day, "SHORT_DATE_FORMAT") == short_date(day)
    moment = datetime(2026, 3, 12, 18, 30, tzinfo=PARIS)
    assert date_format(moment, "DATETIME_FORMAT") == datetime_text(moment)
    assert (
        date_format(moment, "SHORT_DATETIME_FORMAT")
        == short_datetime(moment)
        == f"12/03/2026{NBSP}18{NBSP}h{NBSP}30"
    )
    with translation.override("en"):
        assert date_format(moment, "DATETIME_FORMAT") == datetime_text(moment)
        assert date_format(day) == date_text(day)
        assert date_format(day, "SHORT_DATE_FORMAT") == short_date(day)


def test_ids_and_years_stay_ungrouped_where_templates_say_so(french):
    template = Template('{% load l10n %}<a href="/x/{{ id|unlocalize }}/">{{ year|stringformat:"d" }}</a>')
    assert template.render(Context({"id": 12345, "year": 2026})) == '<a href="/x/12345/">2026</a>'


# --- free text ----------------------------------------------------------------------------------


def test_punctuation_gets_no_break_spaces(french):
    assert nbsp_punctuation("Objectif: 40%!") == f"Objectif{NBSP}: 40{NBSP}%{NNBSP}!"
    assert nbsp_punctuation("« Plan »") == f"«{NBSP}Plan{NBSP}»"
    assert nbsp_punctuation("Vu la loi ; considérant") == f"Vu la loi{NNBSP}; considérant"
    assert nbsp_punctuation("l'école") == "l\u2019école"
    assert nbsp_punctuation("https://example.org à 10:30") == "https://example.org à 10:30"
    assert (
        nbsp_punctuation("5,5 MWh par habitant et 1,2 t CO2e")
        == f"5,5{NBSP}MWh par habitant et 1,2{NBSP}t{NBSP}CO2e"
    )


def test_typography_follows_the_language():
    with translation.override("en"):
        assert typography("Goal: 40%!") == "Goal: 40%!"
    with translation.override("fr"):
        assert typography("But: 40%!") == f"But{NBSP}: 40{NBSP}%{NNBSP}!"


def test_html_typography_touches_text_and_leaves_markup_alone(french):
    markup = (
        "<style>a::after { content: leader('.') }</style>"
        '<p class="a:b">Objet: l&#x27;école &amp; la mairie ; <b>voir</b> « ici »</p>'
    )
    assert typography_html(markup) == (
        "<style>a::after { content: leader('.') }</style>"
        f'<p class="a:b">Objet{NBSP}: l\u2019école &amp; la mairie{NNBSP}; <b>voir</b> «{NBSP}ici{NBSP}»</p>'
    )


# --- one home -----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "actions", "communes", "observatory", "reporting", "workgroups", "pcl"]


def test_templates_format_figures_and_dates_only_through_pcl_format():
    forbidden = re.compile(r"\|(floatformat|intcomma|intword|naturalday|date|time)\b(?!_)")
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in (ROOT / "templates").rglob("*")
        if path.suffix in {".html", ".txt", ".xml"}
        for match in forbidden.finditer(path.read_text())
    ]
    assert found == []


def test_python_code_formats_figures_only_through_pcl_formatting():
    forbidden = re.compile(
        r"django\.utils\.formats|django\.contrib\.humanize\.templatetags|\bnumber_format\("
    )
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and forbidden.search(path.read_text())
    ]
    assert found == []
