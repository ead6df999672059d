"""Decode every page scan still pending now: ``manage.py verify_scans`` (newsroom/editorial/scanchecks.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from newsroom.editorial.scanchecks import verify_pending


class Command(BaseCommand):
    help = (
        "Decode every page scan not verified yet, here and now, as the task queue's worker would "
        "(after an import with no worker running): a scan that decodes is shown to readers, one "
        "that does not is hidden and flagged for editors."
    )

    def handle(self, *args, **options):
        counts = verify_pending()
        self.stdout.write(
            f"verified {counts.get('verified', 0):,} scans, {counts.get('failed', 0):,} failed "
            f"(flagged for editors), {counts.get('unread', 0):,} not readable from storage (still pending)"
        )
