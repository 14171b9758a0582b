"""Backups of the whole platform, the database and the media files in one archive, and their restore.

The archive (`.tar.gz`) holds, in this order:
- the database: `database.dump` (PostgreSQL, `pg_dump --format=custom` in the snapshot the counts were
  taken in) or `database.sqlite3` (SQLite, copied through SQLite's online backup API, so that a running
  instance is copied consistently);
- `media/…`, the uploaded and generated files of MEDIA_ROOT;
- `manifest.json`, written last: the archive format, the app version, the database vendor, when it was
  made, the latest applied migration of each app, the rows of each model, and the size and SHA-256 of
  every file above.

A restore checks everything before it changes anything (the archive reads whole and matches its
manifest, same database vendor, no migration the code does not know, a target without data unless
`replace`), then replaces the media files by renames (undone if the database fails) and the database in
one step: one transaction on PostgreSQL, the backup API into the target on SQLite.

This module is project wiring: it knows settings.DATABASES and MEDIA_ROOT, not the apps. The commands
(reporting/management/commands/backup.py, restore.py) say which tables are work tables and which
models are "data"."""

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

import pcl

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# Folders a restore stages its files in, inside MEDIA_ROOT (a Docker volume's mount point cannot be
# renamed, its entries can): never backed up, never counted as media.
STAGING_PREFIXES = (".restore-", ".previous-")
PG_CLIENT_DIRS = "/usr/lib/postgresql/*/bin"
CHUNK = 1 << 20


class BackupError(Exception):
    """What an operator is told when a backup or a restore cannot go on; nothing was changed."""


@dataclass
class Manifest:
    vendor: str
    created_at: str
    migrations: dict[str, str]
    counts: dict[str, int]
    files: dict[str, dict] = field(default_factory=dict)
    app_version: str = pcl.__version__
    format: int = FORMAT

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.vendor]

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.files if name.startswith(f"{MEDIA}/"))

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise BackupError(
                    _("This archive has format %(found)s; this version reads format %(expected)s.")
                    % {"found": raw.get("format"), "expected": FORMAT}
                )
            manifest = cls(
                vendor=str(raw["vendor"]),
                created_at=str(raw["created_at"]),
                migrations={str(app): str(name) for app, name in raw["migrations"].items()},
                counts={str(label): int(count) for label, count in raw["counts"].items()},
                files={
                    str(name): {"size": int(f["size"]), "sha256": str(f["sha256"])}
                    for name, f in raw["files"].items()
                },
                app_version=str(raw["app_version"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(
                _("The archive's manifest cannot be read (%(error)s).") % {"error": error}
            ) from error
        if manifest.vendor not in DATABASE_FILES or manifest.database_file not in manifest.files:
            raise BackupError(_("The archive's manifest names no database file."))
        return manifest


# --- backup ---------------------------------------------------------------------------------------


def backup_create(*, destination: Path, exclude_table_prefixes: Sequence[str] = ()) -> Manifest:
    """Writes the archive to `destination` (through a `.partial` file renamed at the end, so that a
    half-written archive never bears the final name) and returns its manifest. Tables whose name starts
    with one of `exclude_table_prefixes` (work tables of running imports) are left out."""
    vendor = _vendor()
    partial = destination.with_name(destination.name + ".partial")
    try:
        # The dump is written next to the archive: on the disk chosen for backups, not in a small /tmp.
        with tempfile.TemporaryDirectory(prefix=".pcl-backup-", dir=destination.parent) as work:
            dump = Path(work) / DATABASE_FILES[vendor]
            if vendor == "postgresql":
                migrations, counts = _pg_dump(dump, exclude_table_prefixes)
            else:
                migrations, counts = _sqlite_copy(dump, exclude_table_prefixes)
            manifest = Manifest(
                vendor=vendor,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                migrations=migrations,
                counts=counts,
            )
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                manifest.files[dump.name] = _add_file(archive, dump, dump.name)
                media_root = Path(settings.MEDIA_ROOT)
                for path in media_files(media_root):
                    name = f"{MEDIA}/{path.relative_to(media_root).as_posix()}"
                    try:
                        manifest.files[name] = _add_file(archive, path, name)
                    except FileNotFoundError:
                        continue  # deleted since the folder was listed (a document regenerated meanwhile)
                content = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(content), int(datetime.now(UTC).timestamp()), 0o644
                archive.addfile(info, io.BytesIO(content))
        os.replace(partial, destination)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def media_files(media_root: Path) -> list[Path]:
    """Every regular file under MEDIA_ROOT but a restore's staging folders, in a stable order."""
    if not media_root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(media_root):
        if Path(folder) == media_root:
            dirs[:] = [name for name in dirs if not name.startswith(STAGING_PREFIXES)]
        dirs.sort()
        found += [Path(folder) / name for name in sorted(files) if (Path(folder) / name).is_file()]
    return found


class _HashingReader:
    """Reads a file once for the archive and hashes exactly the bytes that went into it."""

    def __init__(self, file):
        self.file, self.hash = file, hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.hash.update(data)
        return data


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as file:
        info = archive.gettarinfo(fileobj=file, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(file)
        archive.addfile(info, reader)
    return {"size": info.size, "sha256": reader.hash.hexdigest()}


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.") % {"vendor": connection.vendor}
        )
    return connection.vendor


def table_census(cursor, tables: Iterable[str]) -> tuple[dict[str, str], dict[str, int]]:
    """The latest applied migration of each app and the rows of each model's table, read through any
    DB-API cursor (Django's, or sqlite3's on the copy)."""
    tables = set(tables)
    migrations: dict[str, str] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            # Migration names start with their number: the greatest is the latest (no git needed).
            migrations[app] = max(name, migrations.get(app, ""))
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(meta.db_table)}")
            counts[meta.label_lower] = cursor.fetchone()[0]
    return dict(sorted(migrations.items())), dict(sorted(counts.items()))


def census() -> tuple[dict[str, str], dict[str, int]]:
    """The census of the configured database (after a restore: what it now holds)."""
    with connection.cursor() as cursor:
        return table_census(cursor, connection.introspection.table_names(cursor))


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_copy(target: Path, exclude_table_prefixes: Sequence[str]):
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        # The online backup API copies a consistent state even while the site writes.
        connection.connection.backup(copy)
        tables = _sqlite_tables(copy)
        for table in tables:
            if table.startswith(tuple(exclude_table_prefixes)):
                copy.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        copy.commit()
        copy.execute("VACUUM")
        return table_census(copy.cursor(), _sqlite_tables(copy))


def _sqlite_tables(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _sqlite_restore(source: Path) -> None:
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as restored:
        try:
            result = restored.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            result = str(error)
        if result != "ok":
            raise BackupError(_("The archive's database is damaged (%(error)s).") % {"error": result})
        connection.ensure_connection()
        try:
            # Into the target in one step: other connections see the old database or the new one.
            restored.backup(connection.connection)
        except sqlite3.Error as error:
            raise BackupError(
                _("The database could not be replaced (%(error)s).") % {"error": error}
            ) from error
    connection.close()


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    """The connection of settings.DATABASES for the PostgreSQL client programs, through libpq's
    environment variables (never on a command line, where other users would see the password)."""
    config = connection.settings_dict
    options = config.get("OPTIONS") or {}
    env = dict(os.environ)
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGSERVICE": options.get("service"),
        "PGPASSFILE": options.get("passfile"),
    }
    env.update({name: str(value) for name, value in values.items() if value})
    return env


def _client_version(path: str) -> int:
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return 0
    match = re.search(r"\) (\d+)", output)
    return int(match.group(1)) if match else 0


def pg_client(name: str) -> str:
    """The newest PostgreSQL client program `name` on PATH or in /usr/lib/postgresql/*/bin; it must be
    at least as new as the server (pg_dump refuses an older one's dump otherwise)."""
    candidates = [found for found in [shutil.which(name)] if found]
    candidates += [str(path) for path in Path("/").glob(f"{PG_CLIENT_DIRS.lstrip('/')}/{name}")]
    versions = {path: _client_version(path) for path in candidates}
    connection.ensure_connection()
    server = connection.pg_version // 10000
    if not versions:
        raise BackupError(
            _("%(program)s was not found: install the PostgreSQL %(version)s client (postgresql-client).")
            % {"program": name, "version": server}
        )
    path = max(versions, key=versions.get)
    if versions[path] < server:
        raise BackupError(
            _(
                "%(program)s %(client)s is older than the server (PostgreSQL %(server)s): "
                "install the client %(server)s."
            )
            % {"program": name, "client": versions[path], "server": server}
        )
    return path


def _run(args: list[str], **kwargs) -> None:
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, **kwargs)
    if result.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(args[0]).name, "error": _tail(result.stderr)}
        )


def _tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "?"


def _pg_dump(target: Path, exclude_table_prefixes: Sequence[str]):
    pg_dump = pg_client("pg_dump")
    if connection.in_atomic_block:
        raise BackupError(_("A backup cannot run inside a transaction."))
    with transaction.atomic(), connection.cursor() as cursor:
        # The counts and pg_dump see the same snapshot: the manifest describes exactly the dump.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = [
            t
            for t in connection.introspection.table_names(cursor)
            if not t.startswith(tuple(exclude_table_prefixes))
        ]
        found = table_census(cursor, tables)
        args = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        args += [f"--exclude-table={prefix}*" for prefix in exclude_table_prefixes]
        _run([*args, f"--file={target}"])
    return found


# Everything in the schema goes first, in the restore's transaction: a database migrated by newer code
# holds tables the dump does not know, which a later `migrate` would trip over. A site or worker still
# connected holds locks: the restore gives up after a minute (and changes nothing) rather than hang.
PG_CLEAR = """
SET client_min_messages = warning;
SET lock_timeout = '1min';
DO $$
DECLARE item record;
BEGIN
    FOR item IN
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
    LOOP
        EXECUTE format(
            CASE item.relkind
                WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I CASCADE'
                ELSE 'DROP TABLE IF EXISTS %I CASCADE'
            END, item.relname);
    END LOOP;
    -- The sequences that no dropped table owned.
    FOR item IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'S'
    LOOP
        EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', item.relname);
    END LOOP;
END $$;
"""


def _pg_restore(dump: Path) -> None:
    """pg_restore writes the dump as SQL, which psql runs after PG_CLEAR in one transaction that is
    committed only once pg_restore has read the whole dump: any error, on either side, rolls it all back."""
    pg_restore = pg_client("pg_restore")
    # psql of the same installation reads what this pg_restore writes (its \restrict lines among others).
    sibling = Path(pg_restore).with_name("psql")
    psql = str(sibling) if sibling.is_file() else pg_client("psql")
    listed = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, text=True, env=_pg_env())
    if listed.returncode:  # its table of contents is unreadable: nothing to start from
        raise BackupError(
            _("The archive's database is damaged (%(error)s).") % {"error": _tail(listed.stderr)}
        )
    connection.close()
    env = _pg_env()
    with tempfile.TemporaryFile("w+") as restore_errors, tempfile.TemporaryFile("w+") as psql_errors:
        reader = subprocess.Popen(
            [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_errors,
            env=env,
        )
        writer = subprocess.Popen(
            [psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_errors,
            env=env,
        )
        try:
            writer.stdin.write(f"BEGIN;\n{PG_CLEAR}\n".encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, CHUNK)
            if reader.wait() == 0:
                writer.stdin.write(b"\nCOMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped on an error: its message says which
        finally:
            reader.stdout.close()
            if reader.poll() is None:
                reader.kill()
                reader.wait()
            try:
                writer.stdin.close()
            except BrokenPipeError:
                pass
            writer.wait()
        # psql's error first: when it stops, pg_restore is killed and its own exit says nothing.
        for program, process, errors in (
            ("psql", writer, psql_errors),
            ("pg_restore", reader, restore_errors),
        ):
            if process.returncode:
                errors.seek(0)
                raise BackupError(
                    _("%(program)s failed: %(error)s") % {"program": program, "error": _tail(errors.read())}
                )


# --- restore --------------------------------------------------------------------------------------


def database_holds_data(*, models: Sequence) -> list[str]:
    """The verbose names (plural) of the `models` that have rows in the configured database."""
    tables = set(connection.introspection.table_names())
    return [
        str(model._meta.verbose_name_plural)
        for model in models
        if model._meta.db_table in tables and model._default_manager.exists()
    ]


def archive_open(*, path: Path, into: Path) -> Manifest:
    """Extracts the archive into `into` and checks it whole against its manifest; raises BackupError
    with the reason when it cannot be read, is incomplete or was altered."""
    if not path.is_file():
        raise BackupError(_("No archive at %(path)s.") % {"path": path})
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            _("The archive %(path)s cannot be read (%(error)s).")
            % {"path": path, "error": error or type(error).__name__}
        ) from error
    except Exception as error:  # zlib.error and the like: a damaged file
        raise BackupError(
            _("The archive %(path)s cannot be read (%(error)s).") % {"path": path, "error": error}
        ) from error
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(
            _("The archive %(path)s has no manifest: it is not a backup of this platform.") % {"path": path}
        )
    manifest = Manifest.from_json(manifest_path.read_bytes())
    found = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    missing, extra = sorted(set(manifest.files) - found), sorted(found - set(manifest.files))
    if missing or extra:
        raise BackupError(
            _("The archive does not match its manifest (missing: %(missing)s; unexpected: %(extra)s).")
            % {"missing": ", ".join(missing[:5]) or "-", "extra": ", ".join(extra[:5]) or "-"}
        )
    for name, expected in manifest.files.items():
        if _sha256(into / name) != expected["sha256"]:
            raise BackupError(
                _("The file %(name)s of the archive is damaged (checksum differs).") % {"name": name}
            )
    return manifest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def archive_check_compatible(manifest: Manifest) -> None:
    """Refuses an archive of another database vendor, or made by code with migrations this code lacks."""
    vendor = _vendor()
    if manifest.vendor != vendor:
        raise BackupError(
            _(
                "This archive holds a %(archive)s database; this platform runs on %(vendor)s. "
                "Restore it on %(archive)s."
            )
            % {"archive": manifest.vendor, "vendor": vendor}
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    newer = [f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known]
    if newer:
        raise BackupError(
            _(
                "This archive was made by a newer version of the platform (migrations unknown here: "
                "%(names)s). Update the code first."
            )
            % {"names": ", ".join(newer)}
        )


def pending_migrations() -> int:
    """How many migrations of the code the (restored) database lacks: `manage.py migrate` runs them."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return len(set(loader.disk_migrations) - set(loader.applied_migrations))


def media_holds_files() -> int:
    return len(media_files(Path(settings.MEDIA_ROOT)))


def archive_restore(*, staging: Path, manifest: Manifest) -> None:
    """Replaces MEDIA_ROOT's files and the database by those extracted in `staging` (inside MEDIA_ROOT,
    see `staging_folder`): the media first, by renames that are undone if the database fails."""
    media_root = Path(settings.MEDIA_ROOT)
    previous = media_root / f"{STAGING_PREFIXES[1]}{secrets.token_hex(4)}"
    moved_out: list[tuple[Path, Path]] = []
    moved_in: list[tuple[Path, Path]] = []
    new_media = staging / MEDIA
    try:
        previous.mkdir()
        for entry in sorted(media_root.iterdir()):
            if not entry.name.startswith(STAGING_PREFIXES):
                entry.rename(previous / entry.name)
                moved_out.append((entry, previous / entry.name))
        for entry in sorted(new_media.iterdir()) if new_media.is_dir() else []:
            entry.rename(media_root / entry.name)
            moved_in.append((entry, media_root / entry.name))
    except OSError as error:
        _undo(previous, moved_out, moved_in)
        raise BackupError(
            _("The media files could not be replaced (%(error)s).") % {"error": error}
        ) from error
    try:
        if manifest.vendor == "postgresql":
            _pg_restore(staging / manifest.database_file)
        else:
            _sqlite_restore(staging / manifest.database_file)
    except BaseException:
        _undo(previous, moved_out, moved_in)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def _undo(previous: Path, moved_out: list[tuple[Path, Path]], moved_in: list[tuple[Path, Path]]) -> None:
    """Puts MEDIA_ROOT back as it was: the archive's entries back into staging, the former ones back."""
    for source, target in reversed(moved_in):
        target.rename(source)
    for source, target in reversed(moved_out):
        target.rename(source)
    shutil.rmtree(previous, ignore_errors=True)


def staging_folder() -> Path:
    """A fresh folder inside MEDIA_ROOT (created if need be) for a restore's files: on the media's own
    file system, so that they are moved in by renames."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    staging = media_root / f"{STAGING_PREFIXES[0]}{secrets.token_hex(4)}"
    staging.mkdir()
    return staging
