"""Back up the archive: ``manage.py backup_archive FOLDER`` (see newsroom/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup of the archive into a new folder: pg_dump on PostgreSQL, natural-key "
        "JSON (dumpdata) on SQLite, the media files, and a manifest of row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a new (or empty) folder to write the backup into")
        parser.add_argument(
            "--format",
            choices=["pg_dump", "dumpdata"],
            help="pg_dump (PostgreSQL only) or dumpdata JSON (any database, and the way to move "
            "between SQLite and PostgreSQL); default: pg_dump on PostgreSQL, dumpdata on SQLite",
        )
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, folder, format, database, **options):
        try:
            manifest = backup(Path(folder), fmt=format, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"backed up {rows:,} rows of {len(manifest.counts)} tables ({manifest.format}) "
            f"and {manifest.media_files} media files to {folder}"
        )
