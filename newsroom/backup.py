"""Back up the archive to a folder and restore it, checking that no row was lost on the way.

A backup is a folder holding:

- ``database.dump``: on PostgreSQL, ``pg_dump --format=custom`` of the whole database (schema, data,
  the search index and its SQL function), restored with ``pg_restore --clean --single-transaction``;
- ``database.json``: on SQLite, the JSON of ``dumpdata --natural-foreign`` (content types and
  permissions by name, so it loads into any freshly migrated database, SQLite or PostgreSQL;
  every row keeps its primary key), less what
  ``migrate`` and the search index rebuild make again: content types, permissions, sessions and
  the search documents. It is restored with ``loaddata`` in one transaction, then the search index
  is rebuilt;
- ``media.tar.gz``: the uploaded files (photos) under MEDIA_ROOT, when there are any;
- ``manifest.json``: the format, the database vendor, the migrations applied and the number of rows
  of every model. A restore compares the row counts with it and fails loudly on any difference.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from newsroom import changes

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
JSON_DUMP = "database.json"
MEDIA = "media.tar.gz"
FORMAT_PG = "pg_dump"
FORMAT_JSON = "dumpdata"

# What dumpdata leaves out: migrate makes content types and permissions again, sessions are
# throw-away, and the search documents are rebuilt from the articles after loading.
JSON_EXCLUDE = ("contenttypes", "auth.permission", "sessions", "search")
# Rows whose presence means a database already holds an archive (a restore would replace it).
ARCHIVE_MARKERS = ("newsroom.publication", "newsroom.issue", "newsroom.article", "auth.user")


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    format: str
    vendor: str
    created: str
    migrations: list[str]
    counts: dict[str, int]
    media_files: int

    def as_json(self) -> dict:
        return {
            "format": self.format,
            "vendor": self.vendor,
            "created": self.created,
            "migrations": self.migrations,
            "counts": self.counts,
            "media_files": self.media_files,
        }

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**{name: data[name] for name in cls.__dataclass_fields__})
        except FileNotFoundError:
            raise BackupError(f"{path}: no manifest; is {folder} a backup folder?") from None
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"{path}: not a backup manifest ({error})") from None


def _excluded(label: str) -> bool:
    app_label = label.split(".")[0]
    return label in JSON_EXCLUDE or app_label in JSON_EXCLUDE


def row_counts(*, using: str = DEFAULT_DB_ALIAS, dumped_only: bool = False) -> dict[str, int]:
    """Return the number of rows of every concrete model (only those dumpdata writes, if asked)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if model._meta.proxy or (dumped_only and _excluded(label)):
            continue
        counts[label] = model._base_manager.using(using).count()
    return dict(sorted(counts.items()))


def applied_migrations(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return the migrations applied to the database, as 'app.name', sorted."""
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files() -> list[Path]:
    root = _media_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


# ------------------------------------------------------------------------------------ backup


def backup(folder: Path, *, fmt: str | None = None, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Write a backup of the database (and media files) into a new folder; return its manifest.

    ``fmt`` is FORMAT_PG (PostgreSQL only) or FORMAT_JSON (any database; the way to move an
    archive between SQLite and PostgreSQL); by default pg_dump on PostgreSQL, JSON elsewhere.
    """
    folder = Path(folder)
    connection = connections[using]
    fmt = fmt or (FORMAT_PG if connection.vendor == "postgresql" else FORMAT_JSON)
    if fmt not in (FORMAT_PG, FORMAT_JSON):
        raise BackupError(f"unknown backup format {fmt!r}: use {FORMAT_PG} or {FORMAT_JSON}")
    if fmt == FORMAT_PG and connection.vendor != "postgresql":
        raise BackupError(f"{FORMAT_PG} backs up PostgreSQL only; this database is {connection.vendor}")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} exists and is not empty; name a new folder for the backup")
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == FORMAT_PG:
        _pg_dump(connection.settings_dict, folder / PG_DUMP)
        counts = row_counts(using=using)
    else:
        # One read transaction, so the counts describe exactly the rows dumped.
        with transaction.atomic(using=using):
            _dump_json(folder / JSON_DUMP, using=using)
            counts = row_counts(using=using, dumped_only=True)
    media = _media_files()
    if media:
        with tarfile.open(folder / MEDIA, "w:gz") as archive:
            for path in media:
                archive.add(path, arcname=str(path.relative_to(_media_root())))
    manifest = Manifest(
        format=fmt,
        vendor=connection.vendor,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        migrations=applied_migrations(using=using),
        counts=counts,
        media_files=len(media),
    )
    (folder / MANIFEST).write_text(
        json.dumps(manifest.as_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


class ExactJSONEncoder(DjangoJSONEncoder):
    """Encode times with all their microseconds (DjangoJSONEncoder keeps milliseconds only).

    Without them a restored archive would not be the same archive: history records, the last
    modified times behind the public pages' ETags and the API's keyset cursors all change.
    """

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def _dump_json(path: Path, *, using: str) -> None:
    """Write what dumpdata would (natural foreign keys, the JSON_EXCLUDE left out), exactly."""
    app_list = {config: None for config in apps.get_app_configs() if config.models_module}
    models = [
        model
        for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True)
        if not model._meta.proxy and model._meta.managed
        and not _excluded(model._meta.label_lower)
    ]

    def rows():
        for model in models:
            yield from model._base_manager.using(using).order_by(model._meta.pk.name).iterator()

    with path.open("w", encoding="utf-8") as stream:
        # Content types, permissions and users by name; every row keeps its primary key, so
        # article URLs (/articles/<pk>/) and history stay as they were.
        serializers.serialize(
            "json", rows(), stream=stream, use_natural_foreign_keys=True, cls=ExactJSONEncoder
        )


def _pg_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Return a PostgreSQL client's command line and environment for a Django database."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(f"{program} not found; install the PostgreSQL client (postgresql-client)")
    args = [binary]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_dump(settings_dict: dict, path: Path) -> None:
    args, env = _pg_command("pg_dump", settings_dict)
    args += ["--format=custom", "--no-owner", "--no-privileges", f"--file={path}",
             f"--dbname={settings_dict['NAME']}"]  # fmt: skip
    _run(args, env)


# ----------------------------------------------------------------------------------- restore


def restore(folder: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Restore a backup folder into the database; return its manifest.

    Refuses to overwrite a database that already holds an archive unless ``replace``. Raises
    BackupError when the restored row counts differ from the manifest's.
    """
    folder = Path(folder)
    manifest = Manifest.read(folder)
    connection = connections[using]
    present = {
        label: count
        for label, count in row_counts(using=using).items()
        if label in ARCHIVE_MARKERS and count
    }
    if present and not replace:
        held = ", ".join(f"{count} {label}" for label, count in present.items())
        raise BackupError(
            f"the database already holds an archive ({held}); restoring replaces it: "
            "pass --replace if that is what you want"
        )
    if manifest.format == FORMAT_PG:
        if connection.vendor != "postgresql":
            raise BackupError(
                f"{folder / PG_DUMP} is a PostgreSQL dump; restore it into PostgreSQL "
                f"(this database is {connection.vendor})"
            )
        _pg_restore(connection, folder / PG_DUMP)
        ContentType.objects.clear_cache()
        counts = row_counts(using=using)
    elif manifest.format == FORMAT_JSON:
        missing = sorted(set(manifest.migrations) - set(applied_migrations(using=using)))
        if missing:
            raise BackupError(
                f"the backup was made after migrations this database lacks ({', '.join(missing)}); "
                "run `manage.py migrate` first"
            )
        try:
            with transaction.atomic(using=using):
                # Empty every table (migrate's content types and permissions are made again),
                # then load: a failure anywhere rolls both back and the database is as before.
                _flush(connection)
                call_command("loaddata", str(folder / JSON_DUMP), database=using, verbosity=0)
                counts = row_counts(using=using, dumped_only=True)
                _check_counts(manifest, counts)
        finally:
            # The flush made content types anew (or was rolled back): forget the cached ids.
            ContentType.objects.clear_cache()
        changes.rebuild_search_index(using=using)
    else:
        raise BackupError(f"{folder / MANIFEST}: unknown backup format {manifest.format!r}")
    _check_counts(manifest, counts)
    if (folder / MEDIA).exists():
        _media_root().mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            archive.extractall(_media_root(), filter="data")
    # A dump brings back the generation it was made at: move it past every page cached since.
    changes.archive_changed(using=using)
    return manifest


def _flush(connection) -> None:
    """Empty every table inside the current transaction (migrate's rows are made again)."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses to run while foreign-key checks of rows written earlier in this
        # transaction are pending: run them now, then defer them again for loaddata.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, database=connection.alias, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _check_counts(manifest: Manifest, counts: dict[str, int]) -> None:
    differences = [
        f"{label}: {expected} in the backup, {counts.get(label, 0)} restored"
        for label, expected in manifest.counts.items()
        if counts.get(label, 0) != expected
    ]
    if differences:
        raise BackupError("the restore lost or added rows: " + "; ".join(differences))


def _pg_restore(connection, path: Path) -> None:
    # pg_restore drops and re-creates every table: let go of our own connection's locks first.
    connection.close()
    args, env = _pg_command("pg_restore", connection.settings_dict)
    args += ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(path)]  # fmt: skip
    _run(args, env)
