"""The audit log as CSV, for a spreadsheet (in the page's language) or an auditor's tools."""

import csv
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from pcl.formatting import data_datetime, is_french
from pcl.spreadsheet import safe_cell

from .models import AuditEvent


class _Echo:
    """What csv.writer writes to, so that each row is streamed as soon as it is written."""

    def write(self, value: str) -> str:
        return value


def audit_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The rows of the log, UTF-8 with a BOM; every text cell through `pcl.spreadsheet.safe_cell`, so
    that an email tried as "=HYPERLINK(…)" or a deleted action's title cannot run as a formula (OWASP's
    CSV injection rule)."""
    writer = csv.writer(_Echo(), delimiter=";" if is_french() else ",")
    yield "\ufeff"
    yield writer.writerow(
        [_("Date"), _("Action"), _("Person"), _("Object"), _("On"), _("Commune"), _("Client address")]
    )
    for event in events:
        yield writer.writerow(
            [
                data_datetime(event.at),
                safe_cell(event.get_action_display()),
                safe_cell(event.actor_email),
                safe_cell(event.object_label),
                safe_cell(event.target),
                safe_cell(event.commune.name if event.commune else ""),
                safe_cell(event.ip_address or ""),
            ]
        )
