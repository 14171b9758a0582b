"""Django's French formats, made to agree with pcl.formatting: `{{ value }}` of a number reads like
`number(value)` (narrow no-break space between thousands, decimal comma) and dates keep no-break spaces.
Input formats are Django's own. "1er" cannot be written in Django's date format: dates in words go
through the `date_text` filter."""

from django.conf.locale.fr.formats import *  # noqa: F403 (input formats and the rest stay Django's)

DATE_FORMAT = "j\u00a0F\u00a0Y"
TIME_FORMAT = "G\u00a0\\h\u00a0i"
DATETIME_FORMAT = "j\u00a0F\u00a0Y\u00a0\\à\u00a0G\u00a0\\h\u00a0i"
YEAR_MONTH_FORMAT = "F\u00a0Y"
MONTH_DAY_FORMAT = "j\u00a0F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y\u00a0G\u00a0\\h\u00a0i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"
NUMBER_GROUPING = 3
# What a date field reads: the short date first (the form `formatting.date_input_value` writes), then
# Django's other French forms; ISO 8601 ("2026-03-01") is always read too (Django adds it).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d"]
# What a date-and-time field reads: the form `formatting.datetime_input_value` writes first; ISO 8601
# ("2026-09-14T18:30") is read too.
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
]
