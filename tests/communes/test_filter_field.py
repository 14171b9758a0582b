"""Filter bars render their fields without crispy-forms' templates, in the markup crispy-forms gives them."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from communes.selectors import TerritoryOption
from communes.templatetags.form_errors import filter_field, territory_options


class Filters(forms.Form):
    q = forms.CharField(label="Rechercher", required=False)
    stage = forms.ChoiceField(
        label="Étape", required=False, choices=[("", "Toutes"), ("a", "L'étape <a>"), ("b", "B & C")]
    )
    year = forms.TypedChoiceField(coerce=int, required=False, choices=[("", "—"), (2024, "2024")])
    theme = forms.ChoiceField(required=False, choices=[("Groupe", [("x", "X")])])
    start = forms.DateField(required=False, help_text="Le premier jour.")


def same_markup(html: str) -> str:
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", re.sub(r"\s+", " ", str(html)))).strip()


@pytest.mark.parametrize("data", [None, {"q": "mairie", "stage": "a", "year": "2024"}, {"stage": "z"}])
def test_a_filter_field_reads_as_crispy_forms_writes_it(data):
    ours, theirs = Filters(data), Filters(data)  # crispy-forms changes the widget's classes it renders
    if data:
        ours.is_valid(), theirs.is_valid()
    for field in ours:
        expected = same_markup(as_crispy_field(theirs[field.name]))
        assert same_markup(filter_field(field)) == expected, field.name


def test_a_field_in_error_keeps_its_message_and_invalid_state():
    form = Filters({"stage": "z"})
    form.is_valid()
    html = filter_field(form["stage"])
    assert "is-invalid" in html and "invalid-feedback" in html


def test_territory_options_escape_names_and_select_the_chosen_one():
    choices = [TerritoryOption(1, "a-b", "Agglo <A> & B"), TerritoryOption(2, "c", "Communauté d'Oisans")]

    html = territory_options(choices, choices[1], "Tous les territoires")

    assert html == (
        '<option value="">Tous les territoires</option>'
        '<option value="a-b">Agglo &lt;A&gt; &amp; B</option>'
        '<option value="c" selected>Communauté d&#x27;Oisans</option>'
    )
