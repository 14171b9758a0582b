"""French typography of the generated documents."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from reporting.documents.formatting import (
    MINUS,
    NBSP,
    NNBSP,
    fr_date,
    fr_list,
    fr_money,
    fr_number,
    fr_ordinal,
    fr_percent,
    nbsp_punctuation,
    typography,
    typography_html,
)


def test_numbers_group_thousands_with_narrow_no_break_spaces():
    assert fr_number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert fr_number(Decimal("12345.678"), 2) == f"12{NNBSP}345,68"
    assert fr_number(999) == "999"
    assert fr_number(-1500) == f"{MINUS}1{NNBSP}500"
    assert fr_number(2005, group=False) == "2005"
    assert fr_number(None) == "—"


def test_money_and_percent_keep_their_unit_on_the_line():
    assert fr_money(Decimal("12345.40")) == f"12{NNBSP}345{NBSP}€"
    assert fr_percent(-14) == f"{MINUS}14{NBSP}%"
    assert fr_percent(3, signed=True) == f"+3{NBSP}%"


def test_dates_read_the_french_way():
    assert fr_date(date(2026, 3, 12)) == f"12{NBSP}mars{NBSP}2026"
    assert fr_date(date(2026, 3, 1)) == f"1er{NBSP}mars{NBSP}2026"
    assert fr_ordinal(1, feminine=True) == "1re"
    assert fr_ordinal(3) == "3e"


def test_punctuation_gets_no_break_spaces():
    assert nbsp_punctuation("Objectif: 40%!") == f"Objectif{NBSP}: 40{NBSP}%{NNBSP}!"
    assert nbsp_punctuation("« Plan »") == f"«{NBSP}Plan{NBSP}»"
    assert nbsp_punctuation("Vu la loi ; considérant") == f"Vu la loi{NNBSP}; considérant"
    assert nbsp_punctuation("l'école") == "l\u2019école"


def test_punctuation_leaves_addresses_and_times_alone():
    assert nbsp_punctuation("https://example.org à 10:30") == "https://example.org à 10:30"


def test_lists_end_with_et():
    assert fr_list(["a", "b", "c"]) == "a, b et c"
    assert fr_list(["a"]) == "a"


def test_quantities_keep_their_unit_on_the_line():
    assert (
        nbsp_punctuation("5,5 MWh par habitant et 1,2 t CO2e")
        == f"5,5{NBSP}MWh par habitant et 1,2{NBSP}t{NBSP}CO2e"
    )


def test_html_typography_touches_text_and_leaves_markup_alone():
    markup = (
        "<style>a::after { content: leader('.') }</style>"
        '<p class="a:b">Objet: l&#x27;école &amp; la mairie ; <b>voir</b> « ici »</p>'
    )

    with translation.override("fr"):
        result = typography_html(markup)

    assert result == (
        "<style>a::after { content: leader('.') }</style>"
        f'<p class="a:b">Objet{NBSP}: l\u2019école &amp; la mairie{NNBSP}; <b>voir</b> «{NBSP}ici{NBSP}»</p>'
    )


def test_english_keeps_english_spacing():
    with translation.override("en"):
        assert typography("Subject: the plan; done") == "Subject: the plan; done"
        assert typography_html("<p>Subject: done</p>") == "<p>Subject: done</p>"
