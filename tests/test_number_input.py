"""Numbers typed the French way are read right in both languages (pcl.forms), and every decimal model
field of the project uses that reading (pcl.fields)."""

import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import models
from django.utils import translation

from actions.models import Action, BudgetLine, CatalogueAction, CoFunder
from observatory.models import Target
from pcl import fields
from pcl import forms as pcl_forms

LANGUAGES = ["fr", "en"]


def refusal(field, typed: str, language: str) -> list[str]:
    """The messages refusing `typed`, written in `language` (they are lazy: read them while active)."""
    with translation.override(language):
        try:
            field.clean(typed)
        except ValidationError as error:
            return error.messages
    pytest.fail(f"{typed!r} was accepted")


READ = [
    ("12,5", Decimal("12.5")),
    ("12.5", Decimal("12.5")),
    ("1 234,5", Decimal("1234.5")),
    ("1\u00a0234,5", Decimal("1234.5")),  # no-break space
    ("1\u202f234,50", Decimal("1234.50")),  # narrow no-break space, as our pages write it
    (" 1 234 567,89 ", Decimal("1234567.89")),
    ("1.234,5", Decimal("1234.5")),
    ("1,234.5", Decimal("1234.5")),  # English grouping: the last mark is the decimal one
    ("1,234,567.89", Decimal("1234567.89")),
    ("0,125", Decimal("0.125")),
    (",5", Decimal("0.5")),
    ("12,", Decimal("12")),
    ("-3,5", Decimal("-3.5")),
    ("\u22123,5", Decimal("-3.5")),  # the minus sign our pages write
    ("45", Decimal("45")),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("typed, expected", READ)
def test_it_reads_french_and_english_numbers_in_both_languages(language, typed, expected):
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=3, required=False)
    with translation.override(language):
        assert field.clean(typed) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_never_reads_a_decimal_comma_as_a_thousands_separator(language):
    field = BudgetLine._meta.get_field("forecast").formfield()
    with translation.override(language):
        assert field.clean("12,5") == Decimal("12.5")
        assert field.clean("12,50") == Decimal("12.50")


MALFORMED = [
    "abc",
    "12a",
    "1,2,3",
    "1,23.4",
    "1.2.3,4",
    "12,5.6,7",
    "1e5",
    "NaN",
    "--3",
    ",",
    "1 234,5 €",
    "½",
]


@pytest.mark.parametrize("typed", MALFORMED)
def test_it_refuses_what_is_not_a_number_with_a_french_message(typed):
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=2)
    assert refusal(field, typed, "fr") == [
        f"«\u00a0{typed}\u00a0» n'est pas un nombre\u00a0: écrivez-le en chiffres, avec une virgule ou un "
        "point avant les décimales (1\u202f234,5 ou 1234.5)."
    ]


def test_it_refuses_what_is_not_a_number_with_an_english_message():
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=2)
    assert refusal(field, "12a", "en") == [
        "“12a” is not a number: write it with digits, and a comma or a point before the decimals "
        "(1 234,5 or 1234.5)."
    ]


@pytest.mark.parametrize("typed", ["1,234", "1.234", "1.234.567", "1,234,567"])
def test_it_refuses_a_number_that_reads_two_ways(typed):
    # With two decimals at most, "1,234" is one thousand two hundred and thirty-four to many readers.
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=2)
    assert refusal(field, typed, "fr") == [
        f"«\u00a0{typed}\u00a0» peut se lire de deux façons\u00a0: séparez les milliers par une espace et "
        "les décimales par une virgule (1\u202f234 ou 1,25)."
    ]
    assert refusal(field, typed, "en")[0].startswith(f"“{typed}” can be read two ways")


def test_three_decimals_are_decimals_where_the_field_keeps_them():
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=3)
    assert field.clean("1,234") == Decimal("1.234")


def test_too_many_decimals_are_refused_not_rounded():
    field = BudgetLine._meta.get_field("forecast").formfield()
    assert refusal(field, "12,5555", "en") == ["Ensure that there are no more than 2 decimal places."]


@pytest.mark.parametrize(
    "language, value, money, shown",
    [
        ("fr", Decimal("1234.5"), True, "1\u202f234,50"),
        ("en", Decimal("1234.5"), True, "1,234.50"),
        ("fr", Decimal("12.50"), False, "12,5"),
        ("en", Decimal("12.50"), False, "12.5"),
        ("fr", Decimal("1234.00"), False, "1\u202f234"),
        # An English comma would read back as a decimal mark: no grouping without decimals.
        ("en", Decimal("1234.00"), False, "1234"),
        ("fr", None, True, ""),
    ],
)
def test_the_input_shows_the_value_the_active_languages_way_and_reads_it_back(language, value, money, shown):
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=2, money=money, required=False)
    with translation.override(language):
        markup = field.widget.render("amount", value)
        assert f'value="{shown}"' in markup if shown else "value=" not in markup
        assert 'type="text"' in markup and 'inputmode="decimal"' in markup
        if value is not None:
            assert field.clean(shown) == value


def test_a_bound_value_is_shown_as_typed():
    field = pcl_forms.DecimalField(max_digits=12, decimal_places=2)
    assert 'value="12,5 x"' in field.widget.render("amount", "12,5 x")


def test_every_decimal_model_field_reads_numbers_the_french_way():
    decimal_fields = [
        field
        for model in apps.get_app_configs()
        for model in model.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DecimalField)
    ]
    assert decimal_fields
    plain = [
        f"{field.model.__name__}.{field.name}"
        for field in decimal_fields
        if not isinstance(field, fields.DecimalField)
    ]
    assert plain == []
    assert all(isinstance(field.formfield(), pcl_forms.DecimalField) for field in decimal_fields)


def test_no_form_of_the_project_uses_djangos_own_decimal_field():
    # Django's reads "12,5" its own way; a form's decimal field is pcl.forms.DecimalField.
    plain = []
    for app in ["accounts", "actions", "communes", "observatory", "reporting", "workgroups"]:
        module = importlib.import_module(f"{app}.forms")
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                plain += [
                    f"{module.__name__}.{name}.{field_name}"
                    for field_name, field in form_class.base_fields.items()
                    if isinstance(field, forms.DecimalField) and not isinstance(field, pcl_forms.DecimalField)
                ]
    assert plain == []


@pytest.mark.parametrize(
    "model, name, money",
    [
        (BudgetLine, "forecast", True),
        (BudgetLine, "actual", True),
        (CoFunder, "amount", True),
        (CatalogueAction, "cost_min", True),
        (Action, "mwh_saved", False),
        (Action, "achieved_tco2e_avoided", False),
        (Target, "ghg_reduction_pct", False),
    ],
)
def test_amounts_in_euros_show_their_cents(model, name, money):
    field = model._meta.get_field(name).formfield()
    assert field.money is money
    with translation.override("fr"):
        shown = field.widget.render(name, Decimal("12.5"))
    assert ('value="12,50"' if money else 'value="12,5"') in shown


@pytest.mark.django_db
def test_the_fields_need_no_migration():
    # `deconstruct` names Django's DecimalField: swapping the class changed no schema.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
