"""Demonstration content of the reporting app: a draft issue of the Letter assembled from the demo
network's last quarter, so that `make run` shows the whole flow. Idempotent."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from .letters import letter_assemble
from .models import Letter


def _last_quarter(today: date) -> tuple[date, date]:
    quarter = (today.month - 1) // 3
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end_month = 3 * quarter
    end = date(year + (end_month == 12), 1 if end_month == 12 else end_month + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def letters_demo_load() -> None:
    if Letter.objects.exists():
        return
    start, end = _last_quarter(timezone.localdate())
    letter_assemble(
        period_start=start,
        period_end=end,
        user=None,
        title=_("La Lettre du Plan Climat — demonstration issue"),
    )
