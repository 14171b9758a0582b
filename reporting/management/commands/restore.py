import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pcl import backups, formatting
from reporting.backups import data_models, figures_text


class Command(BaseCommand):
    # Messages speak the active language: the project's default (French) unless one is activated.
    help = (
        "Restores an archive of `manage.py backup`: the database and the media files, all or nothing. "
        "It refuses an archive of another database vendor or of a newer version, and a database that "
        "already holds data unless --replace is given. Stop the site and the workers first."
    )
    # Neither serves pages: they need not import the URLs and templates that the checks inspect (two
    # seconds saved for a nightly job, and a restore works whatever those say).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a database that already holds data, and the media files, by the archive's.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only read and check the archive; change nothing."
        )

    def handle(self, *args, archive, replace, check, **options):
        if not archive.is_file():
            raise CommandError(_("No archive at %(path)s.") % {"path": archive})
        if not check and not replace:
            self._refuse_if_in_use()
        staging = backups.staging_folder()
        try:
            manifest = backups.archive_open(path=archive, into=staging)
            backups.archive_check_compatible(manifest)
            self.stdout.write(
                _("Archive of %(date)s (version %(version)s, %(vendor)s), checked:")
                % {"date": manifest.created_at, "version": manifest.app_version, "vendor": manifest.vendor}
            )
            self.stdout.write(figures_text(manifest.counts, media_files=manifest.media_files))
            if check:
                return
            backups.archive_restore(staging=staging, manifest=manifest)
        except backups.BackupError as error:
            raise CommandError(_("%(error)s Nothing was changed.") % {"error": error}) from error
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _migrations, counts = backups.census()
        self.stdout.write(self.style.SUCCESS(_("Restored. The database now holds:")))
        self.stdout.write(figures_text(counts, media_files=backups.media_holds_files()))
        if counts != manifest.counts:
            self.stdout.write(self.style.WARNING(_("These counts differ from the archive's manifest.")))
        pending = backups.pending_migrations()
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    _("The archive predates %(count)s migrations of this version: run `manage.py migrate`.")
                    % {"count": formatting.number(pending)}
                )
            )

    def _refuse_if_in_use(self):
        holding = backups.database_holds_data(models=data_models())
        files = backups.media_holds_files()
        if holding or files:
            found = ", ".join([*holding, *([_("media files")] if files else [])])
            raise CommandError(
                _(
                    "The database or the media folder already holds data (%(found)s). Restore into an empty "
                    "database, or add --replace to replace it. Nothing was changed."
                )
                % {"found": found}
            )
