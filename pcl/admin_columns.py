"""Date and year columns of the administration's lists: dates written by pcl.formatting ("1er mars 2026",
no-break spaces), which Django's own date formats cannot write; years as years, which Django would group
as numbers ("2 024")."""

from django.contrib import admin
from django.db import models

from pcl.formatting import date_text, datetime_text


def date_column(model: type[models.Model], name: str):
    """A `list_display` entry for the date or datetime field `name`: titled and sorted as the field."""
    field = model._meta.get_field(name)
    write = datetime_text if isinstance(field, models.DateTimeField) else date_text

    @admin.display(description=field.verbose_name, ordering=name)
    def column(instance):
        return write(getattr(instance, name), empty="-")

    column.__name__ = name
    return column


def year_column(model: type[models.Model], name: str):
    """A `list_display` entry for a year kept as an integer: "2024", never grouped as a figure ("2 024")."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(instance):
        value = getattr(instance, name)
        return "-" if value is None else str(value)

    column.__name__ = name
    return column
