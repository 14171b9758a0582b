"""Form fields shared by every app: numbers typed the French way, whatever the page's language.

A référent types "12,5" or "1 234,50"; an English page must not read that as Django's English input does
(the comma taken for a thousands separator: 125). The rule, the same in both languages:

- every space is dropped (ordinary, no-break U+00A0, narrow no-break U+202F, thin U+2009);
- a comma marks the decimals ("12,5");
- when both a comma and a point appear, the last one marks the decimals and the other groups thousands
  ("1.234,5" and "1,234.5" are both 1234.5), in groups of three digits;
- anything else (letters, two decimal marks, "1.234.567", a lone separator followed by exactly three
  digits in a field with fewer decimals, which reads as a thousands separator to half the readers) is
  refused with a message that says how to write it.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pcl import formatting

SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
MINUS_SIGNS = ("\u2212", "\u2013")  # the minus sign our pages write, and the dash some keyboards give
DIGITS = re.compile(r"\d+")
GROUP = re.compile(r"\d{3}")


class AmbiguousNumber(ValueError):
    pass


def parse_decimal(text: str, *, decimal_places: int | None = None) -> Decimal:
    """The number a person typed, read with the rule above. Raises ValueError when it is not a number,
    AmbiguousNumber when it could be read two ways."""
    value = SPACES.sub("", str(text))
    for minus in MINUS_SIGNS:
        value = value.replace(minus, "-")
    sign = ""
    if value[:1] in ("-", "+"):
        sign, value = value[0], value[1:]
    if not value or not all(char.isascii() and (char.isdigit() or char in ",.") for char in value):
        raise ValueError(text)
    marks = [char for char in value if char in ",."]
    if not marks:
        return Decimal(sign + value)
    if len(set(marks)) == 2:
        decimal_mark = marks[-1]
        thousands_mark = "." if decimal_mark == "," else ","
        if marks.count(decimal_mark) > 1:
            raise ValueError(text)
        whole, fraction = value.split(decimal_mark)
        groups = whole.split(thousands_mark)
        if not 1 <= len(groups[0]) <= 3 or not all(GROUP.fullmatch(group) for group in groups[1:]):
            raise ValueError(text)
        whole = "".join(groups)
    else:
        mark = marks[0]
        if len(marks) > 1:
            # "1.234.567" or "1,234,567": thousands without decimals, never guessed; "1,2,3" is a slip.
            if all(GROUP.fullmatch(group) for group in value.split(mark)[1:]):
                raise AmbiguousNumber(text)
            raise ValueError(text)
        whole, fraction = value.split(mark)
        if len(fraction) == 3 and whole.strip("0") and decimal_places is not None and decimal_places < 3:
            # "1,234" or "1.234" in a field with two decimals: one thousand two hundred and
            # thirty-four to many readers; reading it as 1.234 would only fail later, less clearly.
            raise AmbiguousNumber(text)
    if not (whole or fraction) or not all(DIGITS.fullmatch(part) for part in (whole, fraction) if part):
        raise ValueError(text)
    return Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")


class DecimalInput(forms.TextInput):
    """A text input, not type="number": browsers localise number inputs their own way (a French
    browser on an English page and the reverse) and silently drop what they cannot read. The value
    is written the active language's way ("1 234,50"); `decimals=None` writes the significant
    decimals only ("12,5", "1 234")."""

    def __init__(self, attrs=None, *, decimals: int | None = None):
        super().__init__({"inputmode": "decimal", **(attrs or {})})
        self.decimals = decimals

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            decimals = self.decimals
            if decimals is None:
                exponent = formatting.to_decimal(value).normalize().as_tuple().exponent
                decimals = max(0, -exponent) if isinstance(exponent, int) else 0
            # English groups thousands with a comma, which this field reads as a decimal mark when
            # there are no decimals: "1,234" is written "1234" there, "1,234.50" stays grouped.
            group = formatting.is_french() or decimals > 0
            return formatting.number(value, decimals, group=group, empty="")
        return super().format_value(value)


class DecimalField(forms.DecimalField):
    """Django's DecimalField, reading what people type with `parse_decimal` in every language.
    `money=True` always shows the cents ("12,50")."""

    widget = DecimalInput
    default_error_messages = {
        "invalid": _(
            "“%(value)s” is not a number: write it with digits, and a comma or a point before the "
            "decimals (1 234,5 or 1234.5)."
        ),
        "ambiguous": _(
            "“%(value)s” can be read two ways: write thousands with a space and decimals with a comma "
            "(1 234 or 1,25)."
        ),
    }

    def __init__(self, *, money: bool = False, **kwargs):
        self.money = money
        super().__init__(**kwargs)
        decimals = self.decimal_places if money else None
        if isinstance(self.widget, DecimalInput):
            self.widget.decimals = decimals

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        text = str(value).strip()
        try:
            return parse_decimal(text, decimal_places=self.decimal_places)
        except AmbiguousNumber:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text}
            ) from None
        except (ValueError, InvalidOperation):
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": text}
            ) from None


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a short list (themes, advisors, datasets) read with one plain query. Django reads
    them through `QuerySet.iterator()`, which on PostgreSQL opens a server-side cursor (DECLARE, FETCH,
    CLOSE: three round trips where one does), meant for lists too long to hold in memory."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for item in self.queryset:  # the field's own copy of the queryset: read once per form
            yield self.choice(item)


class ModelChoiceField(forms.ModelChoiceField):
    """A choice among a short list of objects, read in one query (ListedChoiceIterator)."""

    iterator = ListedChoiceIterator
