"""The one template library for figures, dates and French typography: every filter is a thin wrapper
around pcl.formatting, so that a page, a PDF and an e-mail write the same value the same way.

    {{ value|number }}  {{ value|number:1 }}  {{ amount|money }}  {{ amount|money:0 }}
    {{ value|quantity:"MWh" }}  {{ share|percent:1 }}  {{ change|change }}  {{ delta|points }}
    {{ day|date_text }}  {{ day|date_text:"…" }}  {{ day|weekday_date_text }}  {{ day|short_date }}
    {{ moment|time_text }}  {{ moment|datetime_text }}  {{ moment|short_datetime }}  {{ text|typo }}

A missing value reads as a dash, never 0 (the date filters take another text for it as argument).
Ids and years are not figures: write them with `|stringformat:"d"` or `|unlocalize`, never grouped.
"""

import html

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from pcl import formatting

register = template.Library()


@register.filter
def number(value, decimals=0):
    """`12345.678|number:2` → "12 345,68" in French, "12,345.68" in English."""
    return formatting.number(value, int(decimals))


@register.filter
def money(value, decimals=2):
    """`4200.5|money` → "4 200,50 €" ("€4,200.50"); `|money:0` for headline figures."""
    return formatting.money(value, int(decimals))


@register.filter
def quantity(value, unit=""):
    """`1234.5|quantity:"MWh"` → "1 234,5 MWh": one decimal, none for a whole number."""
    return formatting.quantity(value, unit, formatting.auto_decimals(value))


@register.filter
def percent(value, decimals=0):
    """`-14|percent` → "−14 %" ("−14%")."""
    return formatting.percent(value, int(decimals))


@register.filter
def reduction(value, decimals=1):
    """A reduction stored as a positive percentage, written as the fall it is: `50|reduction` → "−50,0 %"."""
    amount = formatting.to_decimal(value)
    return formatting.percent(None if amount is None else -amount, int(decimals))


@register.filter
def change(value, decimals=1):
    """A change in %, always signed: "+3,2 %", "−14,0 %"."""
    return formatting.percent(value, int(decimals), signed=True)


@register.filter
def points(value, decimals=1):
    """A change of a share, in points: "+1,5 pt"."""
    return formatting.points(value, int(decimals))


@register.filter
def file_size(value):
    return formatting.file_size(value)


@register.filter
def date_text(value, empty=formatting.DASH):
    """`day|date_text` → "1er mars 2026"; `|date_text:"…"` for another text when there is no date."""
    return formatting.date_text(value or None, empty=empty)


@register.filter
def weekday_date_text(value, empty=formatting.DASH):
    """ "dimanche 1er mars 2026"."""
    return formatting.date_text(value or None, empty=empty, weekday=True)


@register.filter
def short_date(value, empty=formatting.DASH):
    """ "01/03/2026" in French, "2026-03-01" in English (dense tables)."""
    return formatting.short_date(value or None, empty=empty)


@register.filter
def time_text(value, empty=formatting.DASH):
    """ "18 h 30" / "6:30 p.m."."""
    return formatting.time_text(value or None, empty=empty)


@register.filter
def datetime_text(value, empty=formatting.DASH):
    """ "1er mars 2026 à 18 h 30"."""
    return formatting.datetime_text(value or None, empty=empty)


@register.filter
def weekday_datetime_text(value, empty=formatting.DASH):
    """ "dimanche 1er mars 2026 à 18 h 30"."""
    return formatting.datetime_text(value or None, empty=empty, weekday=True)


@register.filter
def short_datetime(value, empty=formatting.DASH):
    """ "01/03/2026 18 h 30"."""
    return formatting.short_datetime(value or None, empty=empty)


@register.filter
def month_text(value):
    """ "mars 2026"."""
    return formatting.month_text(value) if value else formatting.DASH


@register.filter
def typo(value):
    """Typography of free text in the active language (French spacing of punctuation), then escaped.
    Safe text (a translation kept with `{% translate ... as name %}`) is unescaped first; safe text
    with markup is left as it is."""
    if isinstance(value, SafeString):
        if "<" in value:
            return value
        value = html.unescape(value)
    return escape(formatting.typography(str(value or "")))


@register.filter
def stage_badge(commune):
    return format_html('<span class="badge stage-{}">{}</span>', commune.stage, commune.get_stage_display())
