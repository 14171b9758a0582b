"""manage.py backup and restore: a round trip into an empty database (the suite's own vendor: SQLite
locally, PostgreSQL in CI), and the archives a restore refuses without changing anything."""

import hashlib
import io
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from actions.models import Action, ActionPlan
from observatory.models import Observation
from pcl import backups
from reporting.models import DocumentKind, DocumentStatus, GeneratedDocument
from tests.actions.factories import ActionFactory, ActionPlanFactory, adopted_plan
from tests.factories import CommuneFactory
from tests.observatory.helpers import import_rows, series_rows

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def build_platform() -> None:
    """Two communes with plans and actions, a generated document and a signed deliberation (files in
    MEDIA_ROOT), and observatory values: one import (on PostgreSQL, its own partition) and one value
    written by hand (the default partition)."""
    meylan = CommuneFactory(name="Meylan", insee_code="38229")
    eybens = CommuneFactory(name="Eybens", insee_code="38158")
    plan = adopted_plan(meylan, title="Plan climat de Meylan")
    plan.deliberation_file.save("deliberation-signee.pdf", ContentFile(PDF + b"signed"))
    draft = ActionPlanFactory(commune=eybens, title="Plan climat d'Eybens")
    for title in ("Rénover l'école Béal", "Chaufferie bois", "Pistes cyclables"):
        ActionFactory(plan=plan, title=title)
    ActionFactory(plan=draft, title="Éclairage public LED")
    document = GeneratedDocument.objects.create(
        kind=DocumentKind.DELIBERATION, commune=meylan, plan=plan, plan_version=1, status=DocumentStatus.DONE
    )
    document.file.save("deliberation-meylan-v1.pdf", ContentFile(PDF))
    import_rows(series_rows(["38229", "38158"], [2019, 2020]))
    batch = Observation.objects.first().batch
    Observation.objects.create(
        dataset_id=batch.dataset_id,
        batch=batch,
        commune=meylan,
        year=2021,
        quantity="population",
        value=18000,
    )


def what_users_find(cursor) -> dict[str, list]:
    """Every plan, action, document and observatory value, read with plain SQL (any DB-API cursor)."""
    queries = {
        "plans": f"SELECT title, status, deliberation_file FROM {ActionPlan._meta.db_table}",
        "actions": f"SELECT title, plan_id FROM {Action._meta.db_table}",
        "documents": f"SELECT kind, plan_id, file FROM {GeneratedDocument._meta.db_table}",
        "values": f"SELECT insee_code, year, quantity, sector_code, energy, value, batch_id FROM "
        f"{Observation._meta.db_table}",
    }
    found = {}
    for name, sql in queries.items():
        cursor.execute(sql)
        found[name] = sorted(tuple("" if v is None else v for v in row) for row in cursor.fetchall())
    return found


def partitions(cursor) -> list[str]:
    """The observatory's partitions on PostgreSQL (none on SQLite)."""
    if connection.vendor != "postgresql":
        return []
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'observatory_observation'::regclass ORDER BY 1"
    )
    return [name for (name,) in cursor.fetchall()]


def media_contents(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


class EmptyDatabase:
    """A new empty database next to the suite's: a SQLite file, or a PostgreSQL database created on the
    same server (and dropped at the end)."""

    def __init__(self, tmp_path: Path):
        self.config = connection.settings_dict
        if connection.vendor == "sqlite":
            self.path = tmp_path / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"pcl_restore_{secrets.token_hex(6)}"
            self._admin(f'CREATE DATABASE "{self.name}"')
            c = self.config
            self.url = (
                f"postgres://{c['USER']}:{c['PASSWORD'] or ''}@{c['HOST']}:{c['PORT'] or 5432}/{self.name}"
            )

    def _connect(self, name):
        c = self.config
        return psycopg.connect(
            dbname=name,
            user=c["USER"],
            password=c["PASSWORD"] or None,
            host=c["HOST"],
            port=c["PORT"] or None,
        )

    def _admin(self, sql):
        with closing(self._connect("postgres")) as admin:
            admin.autocommit = True
            admin.execute(sql)

    @contextmanager
    def cursor(self):
        opened = sqlite3.connect(self.path) if connection.vendor == "sqlite" else self._connect(self.name)
        with closing(opened):
            yield opened.cursor()

    def tables(self, cursor) -> list[str]:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return [name for (name,) in cursor.fetchall()]

    def drop(self):
        if connection.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def empty_database(tmp_path):
    database = EmptyDatabase(tmp_path)
    yield database
    database.drop()


def manage(*args, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    """manage.py in its own process, pointed at another database and media folder, as on a new machine."""
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_finds_every_plan_action_document_and_value(
    media, tmp_path, empty_database
):
    build_platform()
    archive = tmp_path / "backup.tar.gz"
    output = io.StringIO()
    call_command("backup", output=archive, stdout=output)

    with connection.cursor() as cursor:
        before = what_users_find(cursor)
        partitions_before = partitions(cursor)
        migrations, counts = backups.table_census(cursor, connection.introspection.table_names(cursor))
    assert len(before["plans"]) == 2 and len(before["actions"]) == 4 and len(before["documents"]) == 1
    assert len(before["values"]) == 2 * 2 * 7 + 1
    if connection.vendor == "postgresql":  # the import's partition and the default one
        # (Other transactional tests on this database may have left partitions of their own: DDL is not
        # flushed between tests. The restore must bring back exactly what was there.)
        batch_id = Observation.objects.values_list("batch_id", flat=True).first()
        assert {f"observatory_observation_b{batch_id}", "observatory_observation_default"} <= set(
            partitions_before
        )
    media_before = media_contents(media)
    assert len(media_before) == 3  # the signed deliberation, the generated document, the imported file

    restored_media = tmp_path / "restored-media"
    result = manage("restore", str(archive), database_url=empty_database.url, media_root=restored_media)
    assert result.returncode == 0, result.stderr
    # What the operator reads: the figures counted in the restored database, and nothing to migrate.
    restored = re.split(r"Restored|Restauration terminée", result.stdout)[1]
    assert re.search(r"(observatory values|valeurs de l'observatoire) +29\n", restored)
    assert re.search(r"(actions) +4\n", restored) and re.search(r"(plans) +2\n", restored)
    assert "migrate" not in result.stdout

    with empty_database.cursor() as cursor:
        assert what_users_find(cursor) == before
        assert partitions(cursor) == partitions_before
        assert backups.table_census(cursor, empty_database.tables(cursor)) == (migrations, counts)
    assert media_contents(restored_media) == media_before
    assert not [p for p in restored_media.iterdir() if p.name.startswith(backups.STAGING_PREFIXES)]

    # The manifest says what the archive holds.
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile(backups.MANIFEST))
    assert manifest["vendor"] == connection.vendor
    assert manifest["counts"]["actions.action"] == 4
    assert manifest["counts"]["observatory.observation"] == 29
    assert manifest["migrations"]["observatory"] == migrations["observatory"]

    # Restored again over what is now in use (refused without --replace: tested below), with --replace.
    again = manage(
        "restore", str(archive), "--replace", database_url=empty_database.url, media_root=restored_media
    )
    assert again.returncode == 0, again.stderr
    with empty_database.cursor() as cursor:
        assert what_users_find(cursor) == before
    assert media_contents(restored_media) == media_before

    # A dump that breaks off midway (its manifest vouching for it): on PostgreSQL the schema was
    # already cleared and half the tables loaded in the restore's transaction when it fails.
    damaged = with_truncated_database(archive, tmp_path / "damaged.tar.gz")
    failed = manage(
        "restore", str(damaged), "--replace", database_url=empty_database.url, media_root=restored_media
    )
    assert failed.returncode != 0
    if connection.vendor == "postgresql":  # failed in the stream, not on the dump's table of contents
        assert "pg_restore" in failed.stderr and "damaged" not in failed.stderr
        assert "endommagée" not in failed.stderr
    assert "Nothing was changed" in failed.stderr or "Rien n'a été modifié" in failed.stderr
    with empty_database.cursor() as cursor:
        assert what_users_find(cursor) == before
    assert media_contents(restored_media) == media_before


# --- refusals: a clear message, and nothing changed ------------------------------------------------


def write_archive(path: Path, *, manifest: dict | None = None, files: dict[str, bytes]) -> Path:
    """A hand-made archive: `files`, then a manifest (by default one that describes them truly)."""
    if manifest is None:
        manifest = {
            "format": backups.FORMAT,
            "vendor": connection.vendor,
            "created_at": "2026-12-01T02:00:00+00:00",
            "app_version": "0.1.0",
            "migrations": {},
            "counts": {},
        }
    manifest.setdefault(
        "files",
        {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        },
    )
    with tarfile.open(path, "w:gz") as archive:
        for name, data in [*files.items(), (backups.MANIFEST, json.dumps(manifest).encode())]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def with_truncated_database(archive: Path, into: Path) -> Path:
    """The same archive, its database file cut short (a PostgreSQL dump in its last data, after its table
    of contents; a SQLite file at two thirds), with a manifest that vouches for it."""
    with tarfile.open(archive) as opened:
        members = {m.name: opened.extractfile(m).read() for m in opened.getmembers() if m.isfile()}
    manifest = json.loads(members.pop(backups.MANIFEST))
    name = backups.DATABASE_FILES[connection.vendor]
    data = members[name]
    members[name] = (
        data[: len(data) - 100] if connection.vendor == "postgresql" else data[: len(data) * 2 // 3]
    )
    del manifest["files"]
    return write_archive(into, manifest=manifest, files=members)


@pytest.fixture
def in_use(db, media):
    """A database and a media folder that hold someone's work."""
    plan = ActionPlanFactory(title="Plan en cours")
    (media / "actions").mkdir()
    (media / "actions" / "deliberation.pdf").write_bytes(PDF)
    return plan


def assert_nothing_changed(media: Path, plan) -> None:
    assert ActionPlan.objects.get(pk=plan.pk).title == "Plan en cours"
    assert media_contents(media) == {"actions/deliberation.pdf": hashlib.sha256(PDF).hexdigest()}


def database_name() -> str:
    return backups.DATABASE_FILES[connection.vendor]


def test_it_refuses_a_database_that_holds_data_without_replace(in_use, media, tmp_path, english):
    archive = write_archive(tmp_path / "a.tar.gz", files={database_name(): b"x", "media/new.pdf": PDF})
    with pytest.raises(
        CommandError, match=r"already holds data \(communes, action plans, media files\).*--replace"
    ):
        call_command("restore", str(archive))
    assert_nothing_changed(media, in_use)


@pytest.mark.parametrize(
    "content",
    [b"not an archive at all", b"\x1f\x8b\x08\x00" + secrets.token_bytes(200)],
    ids=["not-an-archive", "damaged-gzip"],
)
def test_it_refuses_an_archive_it_cannot_read(in_use, media, tmp_path, english, content):
    archive = tmp_path / "damaged.tar.gz"
    archive.write_bytes(content)
    with pytest.raises(CommandError, match=r"cannot be read.*Nothing was changed"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_it_refuses_a_truncated_archive(in_use, media, tmp_path, english):
    whole = write_archive(
        tmp_path / "whole.tar.gz",
        files={database_name(): secrets.token_bytes(50_000), "media/new.pdf": PDF},
    ).read_bytes()
    archive = tmp_path / "truncated.tar.gz"
    archive.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(CommandError, match=r"cannot be read.*Nothing was changed"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_it_refuses_a_file_altered_since_the_backup(in_use, media, tmp_path, english):
    manifest_files = {
        database_name(): {"size": 1, "sha256": hashlib.sha256(b"x").hexdigest()},
        "media/new.pdf": {"size": len(PDF), "sha256": hashlib.sha256(b"another file").hexdigest()},
    }
    manifest = {
        "format": backups.FORMAT,
        "vendor": connection.vendor,
        "created_at": "2026-12-01T02:00:00+00:00",
        "app_version": "0.1.0",
        "migrations": {},
        "counts": {},
        "files": manifest_files,
    }
    archive = write_archive(
        tmp_path / "a.tar.gz", manifest=manifest, files={database_name(): b"x", "media/new.pdf": PDF}
    )
    with pytest.raises(CommandError, match=r"media/new.pdf of the archive is damaged"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_it_refuses_an_archive_without_manifest(in_use, media, tmp_path, english):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as opened:
        info = tarfile.TarInfo("notes.txt")
        opened.addfile(info, io.BytesIO(b""))
    with pytest.raises(CommandError, match=r"has no manifest"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_it_refuses_an_archive_of_another_database_vendor(in_use, media, tmp_path, english):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = {
        "format": backups.FORMAT,
        "vendor": other,
        "created_at": "2026-12-01T02:00:00+00:00",
        "app_version": "0.1.0",
        "migrations": {},
        "counts": {},
    }
    archive = write_archive(
        tmp_path / "a.tar.gz", manifest=manifest, files={backups.DATABASE_FILES[other]: b"x"}
    )
    with pytest.raises(
        CommandError, match=rf"holds a {other} database; this platform runs on {connection.vendor}"
    ):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_it_refuses_an_archive_of_a_newer_version(in_use, media, tmp_path, english):
    manifest = {
        "format": backups.FORMAT,
        "vendor": connection.vendor,
        "created_at": "2026-12-01T02:00:00+00:00",
        "app_version": "9.0.0",
        "migrations": {"actions": "0999_from_the_future"},
        "counts": {},
    }
    archive = write_archive(tmp_path / "a.tar.gz", manifest=manifest, files={database_name(): b"x"})
    with pytest.raises(CommandError, match=r"newer version.*actions.0999_from_the_future"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)


def test_a_database_that_fails_to_restore_puts_the_media_files_back(in_use, media, tmp_path, english):
    """The media are swapped in first: when the database then fails, they are swapped back."""
    archive = write_archive(
        tmp_path / "a.tar.gz",
        files={database_name(): b"not a database dump", "media/reporting/new.pdf": PDF + b"new"},
    )
    with pytest.raises(CommandError, match=r"Nothing was changed"):
        call_command("restore", str(archive), "--replace")
    assert_nothing_changed(media, in_use)
    assert [p.name for p in media.iterdir()] == ["actions"]


def test_check_reads_the_archive_and_changes_nothing(in_use, media, tmp_path, english):
    archive = write_archive(tmp_path / "a.tar.gz", files={database_name(): b"x", "media/new.pdf": PDF})
    output = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=output)
    assert "checked" in output.getvalue()
    assert_nothing_changed(media, in_use)


def test_backup_refuses_to_overwrite_an_archive(db, tmp_path, english):
    existing = tmp_path / "backup.tar.gz"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match=r"already exists"):
        call_command("backup", output=existing)
    assert existing.read_bytes() == b"an earlier backup"


def test_backup_refuses_to_write_into_the_media_folder(db, media, english):
    with pytest.raises(CommandError, match=r"outside the media folder"):
        call_command("backup", output=media)
    assert list(media.iterdir()) == []
