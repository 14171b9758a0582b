"""Django's English formats, made to agree with pcl.formatting: `{{ value }}` of a number reads like
`number(value)` ("1,234.5") and dates keep no-break spaces ("1 March 2026", "6:30 p.m.")."""

from django.conf.locale.en.formats import *  # noqa: F403 (input formats and the rest stay Django's)

DATE_FORMAT = "j\u00a0F\u00a0Y"
TIME_FORMAT = "g:i\u00a0a"
DATETIME_FORMAT = "j\u00a0F\u00a0Y\u00a0\\a\\t\u00a0g:i\u00a0a"
YEAR_MONTH_FORMAT = "F\u00a0Y"
MONTH_DAY_FORMAT = "j\u00a0F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d\u00a0g:i\u00a0a"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# What a date field reads: ISO 8601 first (the short date `formatting.date_input_value` writes), then
# a date in words ("1 March 2026", "1 Mar 2026"). Not "03/01/2026": British and American readers
# would take it for two different days.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y"]
# What a date-and-time field reads: the form `formatting.datetime_input_value` writes first; ISO 8601
# ("2026-09-14T18:30") is read too.
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
