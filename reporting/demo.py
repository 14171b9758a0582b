"""Demonstration content of the reporting app: a draft issue of the Letter assembled from the demo
network's last full year, so that `make run` shows the whole flow. Idempotent."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Territory

from .letters import letter_assemble


def letters_demo_load() -> None:
    last_year = timezone.localdate().year - 1  # the demo's plans were deliberated in recent years
    for territory in (
        Territory.objects.filter(communes__isnull=False).exclude(letters__isnull=False).distinct()
    ):
        _demo_letter(territory, last_year)


def _demo_letter(territory, last_year: int) -> None:
    letter_assemble(
        territory=territory,
        period_start=date(last_year, 1, 1),
        period_end=date(last_year, 12, 31),
        user=None,
        title=_("La Lettre du Plan Climat — demonstration issue"),
    )
