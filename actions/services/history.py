"""Every change to a plan or an action is kept: who, when, each field before and after."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from pcl.fields import MoneyField
from pcl.formatting import date_text, datetime_text, money, number, to_decimal

from ..models import (
    HistoryEntry,
)

# --- history ------------------------------------------------------------------------------------


def _display(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.attname)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(instance, field.name)
        return str(related) if related is not None else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return date_text(value)
    if isinstance(value, int | float | Decimal):
        # By the field, not by how the value was typed: a stored 125.00 and a typed 12.5 read alike.
        if isinstance(field, MoneyField):  # euros always with their cents: "12,50 €"
            return money(value)
        # Every significant decimal up to the field's, none more: 125.00 → "125", 12.50 → "12,5".
        exponent = to_decimal(value).normalize().as_tuple().exponent
        return number(value, min(max(0, -exponent), getattr(field, "decimal_places", None) or 0))
    return str(value)


def snapshot(instance: models.Model, fields) -> dict[str, tuple[str, str]]:
    """{field name: (label, displayed value)} of the given fields."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        result[name] = (str(field.verbose_name), _display(instance, field))
    return result


def diff(before: dict, after: dict) -> list[dict]:
    return [
        {"field": after[name][0], "before": before[name][1], "after": after[name][1]}
        for name in after
        if name in before and before[name][1] != after[name][1]
    ]


def history_record(*, plan, user, summary: str, changes=(), action=None, revision=None) -> HistoryEntry:
    return HistoryEntry.objects.create(
        plan=plan, action=action, user=user, summary=summary, changes=list(changes), revision=revision
    )
