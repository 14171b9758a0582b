"""The one way a figure becomes text: numbers, money, quantities, percentages, dates and periods, for the
pages, the charts, the PDFs, the DOCX, the XLSX and the CSV files.

Rules follow the active language (French when none is active):

- French: a narrow no-break space (U+202F) groups thousands, a comma marks decimals, a true minus sign
  (U+2212), money with two decimals and the euro sign after a no-break space ("4 200,50 €"), units after a
  no-break space ("1 235 MWh", "12 %"), "1er mars 2026" for the first of the month;
- English: a comma groups thousands, a point marks decimals, the same minus sign, "€4,200.50",
  "1,235 MWh", "12%", "1 March 2026".

Every rounding is half up ("6,15" → "6,2"), never a truncation. A missing value reads as a dash, never 0.
Dates use no-break spaces, so that a date never splits across two lines. Django's own number formats
(pcl/formats/) agree with these rules, so `{{ value }}` and `number(value)` read the same.

Free-text typography (French spacing of punctuation) lives here too: `typography` and `typography_html`.
"""

import html
import re
from datetime import date, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation

NBSP = "\u00a0"  # no-break space: before units, €, %, inside dates
NNBSP = "\u202f"  # narrow no-break space: French thousands separator, before ; ! ?
MINUS = "\u2212"
DASH = "—"

MONTHS_FR = [
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
MONTHS_SHORT_FR = [
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
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS_FR = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_SHORT_EN = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]


def is_french() -> bool:
    """Whether text is being written in French (the default when no language is active)."""
    return (translation.get_language() or "fr").startswith("fr")


def _separators() -> tuple[str, str]:
    """(thousands, decimal) of the active language."""
    return (NNBSP, ",") if is_french() else (",", ".")


# The significant digits a float is read with: every digit a page shows (a national total of a billion
# MWh keeps three decimals), none of the noise in the last bits of a sum of many values, whose order of
# addition varies from one computation to the next (28679400.500000004 or 28679400.499999996 for
# 28679400.5: both must read "28 679 401").
FLOAT_DIGITS = 12


def to_decimal(value) -> Decimal | None:
    """A Decimal from an int, a float (through its first FLOAT_DIGITS significant digits, so 6.15 stays
    6.15), a Decimal or a numeric string; None for None, "" and what is not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    try:
        number_ = Decimal(format(value, f".{FLOAT_DIGITS}g") if isinstance(value, float) else str(value))
    except (InvalidOperation, ValueError):
        return None
    return number_ if number_.is_finite() else None


def round_half_up(value, decimals: int = 0) -> Decimal | None:
    number_ = to_decimal(value)
    if number_ is None:
        return None
    return number_.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value, decimals: int = 0, *, group: bool = True, signed: bool = False, empty: str = DASH) -> str:
    """12345.678 → "12 345,68" (decimals=2) in French, "12,345.68" in English. `group=False` keeps
    "2005" a year; `signed=True` writes "+3"; None gives `empty`; zero is never "−0"."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return empty
    thousands, decimal_mark = _separators()
    digits = f"{abs(rounded):.{decimals}f}"
    whole, _dot, fraction = digits.partition(".")
    if group and len(whole) > 3:
        head = len(whole) % 3
        parts = ([whole[:head]] if head else []) + [whole[i : i + 3] for i in range(head, len(whole), 3)]
        whole = thousands.join(parts)
    text = whole + (decimal_mark + fraction if fraction else "")
    if rounded < 0:
        return MINUS + text
    if signed and rounded > 0:
        return "+" + text
    return text


def auto_decimals(value, decimals: int = 1) -> int:
    """`decimals`, or 0 when the value is a whole number (1 234 MWh, but 1 234,5 MWh)."""
    number_ = to_decimal(value)
    if number_ is None or number_ == number_.to_integral_value():
        return 0
    return decimals


def money(value, decimals: int = 2, *, signed: bool = False, empty: str = DASH) -> str:
    """4200.5 → "4 200,50 €" in French, "€4,200.50" in English. `decimals=0` for chart ticks and
    headline figures where cents would be noise."""
    text = number(value, decimals, signed=signed, empty="")
    if not text:
        return empty
    if is_french():
        return f"{text}{NBSP}€"
    if text[0] in (MINUS, "+"):
        return f"{text[0]}€{text[1:]}"
    return f"€{text}"


def quantity(value, unit: str = "", decimals: int = 0, *, signed: bool = False, empty: str = DASH) -> str:
    """1234.5, "MWh" → "1 235 MWh" (decimals=0) or "1 234,5 MWh" (decimals=1)."""
    text = number(value, decimals, signed=signed, empty="")
    if not text:
        return empty
    return f"{text}{NBSP}{unit_text(unit)}" if unit else text


def unit_text(unit: str) -> str:
    """A unit that never splits across two lines: "t CO2e" → "t CO2e" with a no-break space."""
    return _TONNES.sub(f"t{NBSP}CO2e", str(unit))


def file_size(size_bytes: int | None, *, empty: str = DASH) -> str:
    """26_528_972 → "25,3 Mo" in French, "25.3 MB" in English (1 MB = 2**20 bytes), "20 Mo" for a
    whole number; kilobytes below one megabyte, bytes below one kilobyte. Rounded *up* to a tenth, so
    that a file one byte over a limit never reads as the limit itself ("1,1 Mo", not "1 Mo")."""
    if size_bytes is None:
        return empty
    french = is_french()
    units = [(2**20, "Mo" if french else "MB"), (2**10, "ko" if french else "kB")]
    value, unit = Decimal(size_bytes), "octets" if french else "bytes"
    for scale, name in units:
        scaled = (Decimal(size_bytes) / scale).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
        if scaled >= 1:
            value, unit = scaled, name
            break
    return f"{number(value, auto_decimals(value))}{NBSP}{unit}"


def percent(value, decimals: int = 0, *, signed: bool = False, empty: str = DASH) -> str:
    """-14 → "−14 %" in French, "−14%" in English; with signed=True, 3 → "+3 %"."""
    text = number(value, decimals, signed=signed, empty="")
    if not text:
        return empty
    return f"{text}{NBSP}%" if is_french() else f"{text}%"


def points(value, decimals: int = 1, *, empty: str = DASH) -> str:
    """A change of a share, always signed: "+1,5 pt"."""
    text = number(value, decimals, signed=True, empty="")
    if not text:
        return empty
    return f"{text}{NBSP}pt"


def data_number(value, decimals: int = 6, *, machine: bool = False, empty: str = "") -> str:
    """A number for a data file (CSV) that a spreadsheet or a program reads back as a number: every
    digit up to `decimals` places (past them, float noise: 10214138.200000001 → "10214138,2"), trailing
    zeros dropped, no thousands separator and an ASCII minus (a spreadsheet reads neither U+202F nor
    U+2212 as part of a number), the decimal mark of the language, a point when `machine` is set."""
    rounded = round_half_up(value, decimals)
    if rounded is None:
        return empty
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text if machine or not is_french() else text.replace(".", ",")


def ratio(part, whole) -> float | None:
    """part / whole in %, or None when it has no meaning (no whole)."""
    return float(100 * part / whole) if part is not None and whole else None


def ordinal(value: int, *, feminine: bool = False) -> str:
    """1 → "1er" (or "1re"), 2 → "2e" in French; "1st", "2nd" in English."""
    if is_french():
        if value == 1:
            return "1re" if feminine else "1er"
        return f"{value}e"
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def _local(day):
    if isinstance(day, datetime) and timezone.is_aware(day):
        return timezone.localtime(day)
    return day


def date_text(day: date | datetime | None, *, empty: str = DASH, weekday: bool = False) -> str:
    """date(2026, 3, 1) → "1er mars 2026" in French, "1 March 2026" in English; no-break spaces so
    that the date never splits across two lines. Aware datetimes are read in local time.
    `weekday=True` names the day first: "dimanche 1er mars 2026", "Sunday 1 March 2026"."""
    if day is None:
        return empty
    day = _local(day)
    if is_french():
        first = "1er" if day.day == 1 else str(day.day)
        text = f"{first}{NBSP}{MONTHS_FR[day.month - 1]}{NBSP}{day.year}"
    else:
        text = f"{day.day}{NBSP}{MONTHS_EN[day.month - 1]}{NBSP}{day.year}"
    if weekday:
        names = WEEKDAYS_FR if is_french() else WEEKDAYS_EN
        text = f"{names[day.weekday()]}{NBSP}{text}"
    return text


def short_date(day: date | datetime | None, *, empty: str = DASH) -> str:
    """date(2026, 3, 1) → "01/03/2026" in French, "2026-03-01" in English (dense tables)."""
    if day is None:
        return empty
    day = _local(day)
    return f"{day:%d/%m/%Y}" if is_french() else f"{day:%Y-%m-%d}"


def date_input_value(day: date | datetime | None) -> str:
    """A date as a date field shows it and reads it back: the short date of the active language
    ("01/03/2026" in French, "2026-03-01" in English), "" when there is none. The formats in
    pcl/formats/ read this form first, and ISO 8601 in both languages."""
    return short_date(day, empty="")


def date_input_hint() -> str:
    """What a person types in a date field: "jj/mm/aaaa" in French, "yyyy-mm-dd" in English."""
    return "jj/mm/aaaa" if is_french() else "yyyy-mm-dd"


def datetime_input_value(moment: datetime | None) -> str:
    """A moment as a date-and-time field shows it and reads it back, in local time on a 24-hour clock:
    "14/09/2026 18:30" in French, "2026-09-14 18:30" in English; "" when there is none."""
    if moment is None:
        return ""
    moment = _local(moment)
    return f"{date_input_value(moment)} {moment:%H:%M}"


def datetime_input_hint() -> str:
    """What a person types in a date-and-time field: "jj/mm/aaaa hh:mm", "yyyy-mm-dd hh:mm"."""
    return f"{date_input_hint()} hh:mm"


def time_text(moment: datetime | None, *, empty: str = DASH) -> str:
    """An aware datetime's local time: "18 h 30" in French, "6:30 p.m." in English."""
    if moment is None:
        return empty
    moment = _local(moment)
    if is_french():
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d}{NBSP}{'a.m.' if moment.hour < 12 else 'p.m.'}"


def short_datetime(moment: datetime | None, *, empty: str = DASH) -> str:
    """ "01/03/2026 18 h 30" / "2026-03-01 6:30 p.m." (dense tables)."""
    if moment is None:
        return empty
    return f"{short_date(moment)}{NBSP}{time_text(moment)}"


def datetime_text(moment: datetime | None, *, empty: str = DASH, weekday: bool = False) -> str:
    """ "1er mars 2026 à 18 h 30" / "1 March 2026 at 6:30 p.m." (`weekday=True`: "dimanche 1er mars…")."""
    if moment is None:
        return empty
    joiner = "à" if is_french() else "at"
    return f"{date_text(moment, weekday=weekday)}{NBSP}{joiner}{NBSP}{time_text(moment)}"


def data_datetime(moment: datetime | None, *, empty: str = "") -> str:
    """A moment for a data file (CSV): local time in ISO 8601 with its offset,
    "2026-03-01T18:30:05+01:00", which spreadsheets and programs read in any language."""
    if moment is None:
        return empty
    return _local(moment).isoformat(timespec="seconds")


def month_text(day: date, *, short: bool = False) -> str:
    """date(2026, 3, 12) → "mars 2026" ("févr. 2026" when short, for chart axes)."""
    if is_french():
        names = MONTHS_SHORT_FR if short else MONTHS_FR
    else:
        names = MONTHS_SHORT_EN if short else MONTHS_EN
    return f"{names[day.month - 1]}{NBSP}{day.year}"


def period_text(start: date | None, end: date | None, *, empty: str = DASH) -> str:
    """Two dates as "janv. 2025 – août 2026" (or one of them, or `empty`)."""
    if start and end:
        return f"{month_text(start, short=True)} – {month_text(end, short=True)}"
    if start:
        return f"{'dès' if is_french() else 'from'} {month_text(start, short=True)}"
    if end:
        return f"{'jusqu’à' if is_french() else 'until'} {month_text(end, short=True)}"
    return empty


def list_text(items: list[str]) -> str:
    """["a", "b", "c"] → "a, b et c" ("a, b and c")."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    conjunction = "et" if is_french() else "and"
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def year_label(year: int, estimated=frozenset()) -> str:
    """A year as a category label, "2022 (e)" when its values are estimates."""
    return f"{year} (e)" if year in estimated else str(year)


def plotly_separators() -> str:
    """Plotly's `separators` layout key (decimal mark, then thousands) for the active language, so that
    chart ticks and hover labels read like the tables: ",\u202f" in French, ".," in English."""
    thousands, decimal_mark = _separators()
    return decimal_mark + thousands


def plotly_money(field: str = "y", decimals: int = 0) -> str:
    """A plotly hover template's amount, the euro sign where the language puts it: "%{y:,.0f} €" in
    French, "€%{y:,.0f}" in English (the separators come from `plotly_separators`)."""
    value = f"%{{{field}:,.{decimals}f}}"
    return f"{value}{NBSP}€" if is_french() else f"€{value}"


def plotly_number(field: str = "y", decimals: int = 0, unit: str = "") -> str:
    """A plotly hover template's figure with its unit after a no-break space, as `quantity` and `percent`
    write it: "%{y:,.1f} MWh", "%{y:,.1f} %" in French, "%{y:,.1f}%" in English."""
    value = f"%{{{field}:,.{decimals}f}}"
    if not unit:
        return value
    if unit == "%" and not is_french():
        return f"{value}%"
    return f"{value}{NBSP}{unit_text(unit)}"


def plotly_date(field: str = "x") -> str:
    """A plotly hover template's date as `short_date` writes it: "01/03/2026" in French, "2026-03-01"
    in English."""
    return f"%{{{field}|%d/%m/%Y}}" if is_french() else f"%{{{field}|%Y-%m-%d}}"


def colon() -> str:
    """What stands between a label and its value: " : " after a no-break space in French, ": " in English
    (for texts that no template's `typo` reaches, such as chart hover labels)."""
    return f"{NBSP}: " if is_french() else ": "


# Spreadsheet cells hold numbers, not text: these number formats tell the spreadsheet how to show them.
# Their codes are language-neutral ("," groups, "." marks decimals): the spreadsheet writes them with its
# reader's own separators, so that "4 200,50 €" in French reads "4,200.50 €" for an English reader.
XLSX_MONEY = '#,##0.00\u00a0"€"'
XLSX_DATE = "DD/MM/YYYY"
XLSX_DATE_ISO = "YYYY-MM-DD"


def xlsx_date() -> str:
    """A spreadsheet's date format as `short_date` writes dates: "DD/MM/YYYY" in French, ISO in English."""
    return XLSX_DATE if is_french() else XLSX_DATE_ISO


# --- free text ------------------------------------------------------------------------------------

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


def typography(text: str) -> str:
    """`nbsp_punctuation` when writing French; English keeps English spacing."""
    return nbsp_punctuation(text) if is_french() else text


# Text between tags, outside <style>, <script> and <title>; attributes are never touched.
_TEXT_NODES = re.compile(r"(<(style|script|title)\b.*?</\2\s*>)|(?<=>)([^<]+)(?=<)", re.DOTALL)


def typography_html(markup: str) -> str:
    """`typography` on every text node of an HTML document: the last pass before printing, so that
    the template's own words and the translations get the same spacing as the data."""
    if not is_french():
        return markup

    def fix(match: re.Match) -> str:
        if match.group(1):
            return match.group(1)
        return html.escape(nbsp_punctuation(html.unescape(match.group(3))), quote=False)

    return _TEXT_NODES.sub(fix, markup)
