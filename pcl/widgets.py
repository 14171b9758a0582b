"""Form widgets shared by every app."""

from datetime import date, datetime

from django import forms

from pcl import formatting


class DateInput(forms.DateInput):
    """A date field in the page's language, not the browser's: a native date picker writes the date as
    the browser's locale does (02/14/2026 in an American browser on a French page), so the field is text,
    shows the short date of the active language and reads it (or ISO 8601) back (pcl/formats/)."""

    input_type = "text"

    def format_value(self, value):
        if isinstance(value, date):
            return formatting.date_input_value(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", formatting.date_input_hint())
        widget_attrs.setdefault("autocomplete", "off")
        widget_attrs.setdefault("size", 10)
        return context


class DateTimeInput(forms.DateTimeInput):
    """A date and time in the page's language, for the same reason as `DateInput`: "14/09/2026 18:30" in
    French, "2026-09-14 18:30" in English (and ISO 8601, "2026-09-14T18:30", in both)."""

    input_type = "text"

    def format_value(self, value):
        if isinstance(value, datetime):
            return formatting.datetime_input_value(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", formatting.datetime_input_hint())
        widget_attrs.setdefault("autocomplete", "off")
        widget_attrs.setdefault("size", 16)
        return context
