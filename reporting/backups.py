"""What the backup and restore commands say about the apps' data (the archive itself: pcl/backups.py).

It lives in reporting, the app that reads all the others (as load_demo does)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from actions.models import Action, ActionPlan
from communes.models import Commune
from observatory.models import ImportBatch, Observation
from observatory.services import WORK_TABLE_PREFIXES
from pcl import formatting
from reporting.models import GeneratedDocument
from workgroups.models import MeetingDocument

# Tables of imports in progress: dropped by the nightly sweep, never backed up.
EXCLUDED_TABLE_PREFIXES = WORK_TABLE_PREFIXES


def data_models() -> list:
    """A database with a row in any of these holds someone's work: a restore will not overwrite it
    unless told to (a database just migrated holds only the reference lists, none of these)."""
    return [get_user_model(), Commune, ActionPlan, ImportBatch, Observation]


def figures(counts: dict[str, int], *, media_files: int) -> list[tuple[str, int]]:
    """The figures an operator checks after a backup or a restore, from a census's row counts."""

    def rows(*models) -> int:
        return sum(counts.get(model._meta.label_lower, 0) for model in models)

    return [
        (_("people"), rows(get_user_model())),
        (_("communes"), rows(Commune)),
        (_("plans"), rows(ActionPlan)),
        (_("actions"), rows(Action)),
        (_("documents (generated and attached)"), rows(GeneratedDocument, MeetingDocument)),
        (_("observatory values"), rows(Observation)),
        (_("media files"), media_files),
    ]


def figures_text(counts: dict[str, int], *, media_files: int) -> str:
    shown = figures(counts, media_files=media_files)
    width = max(len(label) for label, _count in shown)
    return "\n".join(f"  {label:<{width}}  {formatting.number(count):>12}" for label, count in shown)
