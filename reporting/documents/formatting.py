"""French typography for generated documents: numbers, money, dates, ordinals and the spaces French
punctuation wants. Every generated document (PDF, .docx, SVG charts) formats through these helpers, so
that "12 345 €" or "1er mars 2026" read the same everywhere.

The spaces follow the Imprimerie nationale's rules: a narrow no-break space (U+202F) groups thousands
and precedes ; ! ? ; a no-break space (U+00A0) precedes : and units (€, %, MWh) and pads « guillemets ».
"""

import html
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

NBSP = "\u00a0"  # espace insécable
NNBSP = "\u202f"  # espace fine insécable
MINUS = "\u2212"
DASH = "—"

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_SHORT = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


def fr_number(
    value, decimals: int = 0, *, group: bool = True, signed: bool = False, empty: str = DASH
) -> str:
    """12345.678 → "12 345,68" (decimals=2): comma for decimals, narrow no-break spaces between
    thousands, a true minus sign. `group=False` keeps "2005" a year. None gives `empty`."""
    if value is None:
        return empty
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = number < 0
    digits = f"{abs(number):.{decimals}f}"
    whole, _dot, fraction = digits.partition(".")
    if group and len(whole) > 3:
        head = len(whole) % 3
        parts = ([whole[:head]] if head else []) + [whole[i : i + 3] for i in range(head, len(whole), 3)]
        whole = NNBSP.join(parts)
    text = whole + ("," + fraction if fraction else "")
    if negative and number != 0:
        return MINUS + text
    if signed and number > 0:
        return "+" + text
    return text


def fr_money(value, decimals: int = 0, *, empty: str = DASH) -> str:
    """12345 → "12 345 €" (amounts are excluding tax; the documents say so once in their headings)."""
    if value is None:
        return empty
    return f"{fr_number(value, decimals)}{NBSP}€"


def fr_quantity(value, unit: str, decimals: int = 0, *, empty: str = DASH) -> str:
    """1234.5, "MWh" → "1 235 MWh"."""
    if value is None:
        return empty
    return f"{fr_number(value, decimals)}{NBSP}{unit}"


def fr_percent(value, decimals: int = 0, *, signed: bool = False, empty: str = DASH) -> str:
    """-14 → "−14 %" ; with signed=True, 3 → "+3 %"."""
    if value is None:
        return empty
    return f"{fr_number(value, decimals, signed=signed)}{NBSP}%"


def fr_ordinal(number: int, *, feminine: bool = False) -> str:
    """1 → "1er" (or "1re"), 2 → "2e"."""
    if number == 1:
        return "1re" if feminine else "1er"
    return f"{number}e"


def fr_date(day: date | datetime | None, *, empty: str = DASH) -> str:
    """date(2026, 3, 12) → "12 mars 2026"; the first of the month is "1er mars 2026"."""
    if day is None:
        return empty
    number = fr_ordinal(1) if day.day == 1 else str(day.day)
    return f"{number}{NBSP}{MONTHS[day.month - 1]}{NBSP}{day.year}"


def fr_month(day: date) -> str:
    """date(2026, 3, 12) → "mars 2026"."""
    return f"{MONTHS[day.month - 1]}{NBSP}{day.year}"


def fr_month_short(day: date) -> str:
    """date(2026, 2, 1) → "févr. 2026" (chart axes)."""
    return f"{MONTHS_SHORT[day.month - 1]}{NBSP}{day.year}"


def fr_period(start: date | None, end: date | None, *, empty: str = DASH) -> str:
    """Two dates as "janv. 2025 – août 2026" (or one of them, or `empty`)."""
    if start and end:
        return f"{fr_month_short(start)} – {fr_month_short(end)}"
    if start:
        return f"dès {fr_month_short(start)}"
    if end:
        return f"jusqu'à {fr_month_short(end)}"
    return empty


# A space (or none) before a double punctuation mark that ends a word: not "http://", not "10:30".
_BEFORE_TALL = re.compile(r"(?<=[^\s/])[ \u00a0\u202f]?([;!?])(?=\s|$|[»)\]])")
_BEFORE_COLON = re.compile(r"(?<=[^\s/:])[ \u00a0\u202f]?:(?=\s|$)")
_ABBREVIATION = re.compile(r"\b(n°|N°|L\.|art\.|p\.) ")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]?")
_BEFORE_CLOSING = re.compile(r"[ \u00a0\u202f]?»")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_BEFORE_UNIT = re.compile(r"(?<=\d) (?=(?:MWh|GWh|kWh|t CO2e|€)(?!\w))")
_TONNES = re.compile(r"\bt CO2e")


def nbsp_punctuation(text: str) -> str:
    """French spacing of punctuation in free text: "Objectif: 40%!" → "Objectif : 40 % !" with
    no-break spaces, so that a line never starts with ":" or "»"; typographic apostrophes."""
    if not text:
        return text
    text = _BEFORE_TALL.sub(lambda match: NNBSP + match.group(1), text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _AFTER_OPENING.sub("«" + NBSP, text)
    text = _BEFORE_CLOSING.sub(NBSP + "»", text)
    text = re.sub(r"(?<=\d) ?%", NBSP + "%", text)
    text = _ABBREVIATION.sub(lambda match: match.group(1) + NBSP, text)
    text = _BEFORE_UNIT.sub(NBSP, text)
    text = _TONNES.sub(f"t{NBSP}CO2e", text)
    return _STRAIGHT_APOSTROPHE.sub("\u2019", text)


def writing_french() -> bool:
    """Whether documents are being written in French (the default when no language is active)."""
    return (translation.get_language() or "fr").startswith("fr")


def typography(text: str) -> str:
    """`nbsp_punctuation` when writing French (the documents' default); English keeps English spacing."""
    return nbsp_punctuation(text) if writing_french() else text


# Text between tags, outside <style>, <script> and <title>; attributes are never touched.
_TEXT_NODES = re.compile(r"(<(style|script|title)\b.*?</\2\s*>)|(?<=>)([^<]+)(?=<)", re.DOTALL)


def typography_html(markup: str) -> str:
    """`typography` on every text node of an HTML document: the last pass before printing, so that
    the template's own words and the translations get the same spacing as the data."""
    if not writing_french():
        return markup

    def fix(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        return html.escape(nbsp_punctuation(html.unescape(match.group(3))), quote=False)

    return _TEXT_NODES.sub(fix, markup)


def fr_list(items: list[str], conjunction: str = "et") -> str:
    """["a", "b", "c"] → "a, b et c"."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]
