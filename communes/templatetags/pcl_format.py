"""Display helpers shared by every app's templates: French number formats with units, stage badges."""

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

register = template.Library()

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"


@register.filter
def quantity(value, unit=""):
    """`1234.5|quantity:"MWh"` reads `1 234,5 MWh` in French; a missing value reads as a dash, never 0."""
    if value is None or value == "":
        return "—"
    decimals = 0 if float(value).is_integer() else 1
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}{NO_BREAK_SPACE}{unit}" if unit else text


@register.filter
def stage_badge(commune):
    return format_html('<span class="badge stage-{}">{}</span>', commune.stage, commune.get_stage_display())
