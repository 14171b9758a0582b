"""Template filters of the generated documents and the letter: French typography (through
`reporting.documents.formatting`) and the letter's plain text rendered safely."""

import html
from datetime import datetime
from itertools import groupby

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..documents import formatting

register = template.Library()


@register.filter
def fr_number(value, decimals=0):
    return formatting.fr_number(value, int(decimals))


@register.filter
def fr_money(value, decimals=0):
    return formatting.fr_money(value, int(decimals))


@register.filter
def fr_percent(value, decimals=0):
    return formatting.fr_percent(value, int(decimals))


@register.filter
def fr_change(value, decimals=1):
    """A change in %, always signed: "+3,2 %", "−14,0 %"."""
    return formatting.fr_percent(value, int(decimals), signed=True)


@register.filter
def fr_points(value, decimals=1):
    """A change of a share, in points: "+1,5 pt"."""
    if value is None:
        return formatting.DASH
    return f"{formatting.fr_number(value, int(decimals), signed=True)}{formatting.NBSP}pt"


@register.filter
def fr_date(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formatting.fr_date(value)


@register.filter
def fr_time(value):
    """An aware datetime's local time, the French way: "18 h 30"."""
    if value is None:
        return formatting.DASH
    value = timezone.localtime(value)
    return f"{value.hour}{formatting.NBSP}h{formatting.NBSP}{value.minute:02d}"


@register.filter
def typo(value):
    """French spacing of punctuation in free text, then escaped. Safe text (a translation kept with
    `{% translate ... as name %}`) is unescaped first; safe text with markup is left as it is."""
    if isinstance(value, SafeString):
        if "<" in value:
            return value
        value = html.unescape(value)
    return escape(formatting.nbsp_punctuation(str(value or "")))


def _is_item(line: str) -> bool:
    return line.lstrip().startswith("- ")


def letter_html(text: str) -> str:
    """Plain text as HTML: blank lines separate paragraphs, lines starting with “- ” make a list,
    other line breaks are kept. Every piece of text is escaped; nothing else is interpreted."""
    blocks = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        for is_list, run in groupby(lines, key=_is_item):
            if is_list:
                items = "".join(f"<li>{typo(line[2:].strip())}</li>" for line in run)
                blocks.append(f"<ul>{items}</ul>")
            else:
                blocks.append("<p>" + "<br>".join(typo(line) for line in run) + "</p>")
    return mark_safe("\n".join(blocks))  # every piece of text above went through typo(), which escapes


@register.filter
def letter_text(value):
    return letter_html(str(value or ""))
