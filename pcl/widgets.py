"""Form widgets shared by every app."""

from datetime import date

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
