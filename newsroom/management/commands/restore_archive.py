"""Restore the archive from a backup folder: ``manage.py restore_archive FOLDER [--replace]``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a folder written by backup_archive into this database, then check every table's "
        "row count against the backup's manifest. Rebuilds the search index after a JSON restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by backup_archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the archive this database already holds (it is deleted first)",
        )
        parser.add_argument("--database", default="default", help="database alias (default: default)")

    def handle(self, *args, folder, replace, database, **options):
        try:
            manifest = restore(Path(folder), replace=replace, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"restored {rows:,} rows of {len(manifest.counts)} tables ({manifest.format}) and "
            f"{manifest.media_files} media files from {folder}; every table's count matches"
        )
