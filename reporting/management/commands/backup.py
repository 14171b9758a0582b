from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pcl import backups, formatting
from reporting.backups import EXCLUDED_TABLE_PREFIXES, figures_text


class Command(BaseCommand):
    # Messages speak the active language: the project's default (French) unless one is activated.
    help = (
        "Writes one archive (.tar.gz) of the database (PostgreSQL through pg_dump, SQLite through its "
        "online backup API) and of the media files, with a manifest: version, migrations, row counts and "
        "checksums. `manage.py restore ARCHIVE` puts it back. Safe while the site runs."
    )
    # Neither serves pages: they need not import the URLs and templates that the checks inspect (two
    # seconds saved for a nightly job, and a restore works whatever those say).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            default=Path("."),
            help="Archive file, or folder to write pcl-backup-YYYYMMDD-HHMMSS.tar.gz in (default: here).",
        )

    def handle(self, *args, output, **options):
        if output.is_dir():
            output = output / f"pcl-backup-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
        if output.exists():
            raise CommandError(_("%(path)s already exists: choose another name.") % {"path": output})
        if not output.parent.is_dir():
            raise CommandError(_("No folder at %(path)s.") % {"path": output.parent})
        if output.parent.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
            # The archive would take in its own partial file, and the next backup all the earlier ones.
            raise CommandError(
                _("Write the archive outside the media folder %(path)s.") % {"path": settings.MEDIA_ROOT}
            )
        try:
            manifest = backups.backup_create(
                destination=output, exclude_table_prefixes=EXCLUDED_TABLE_PREFIXES
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        size = formatting.number(output.stat().st_size / 1_000_000, 1)
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s (%(size)s MB):") % {"path": output, "size": size}
            )
        )
        self.stdout.write(figures_text(manifest.counts, media_files=manifest.media_files))
