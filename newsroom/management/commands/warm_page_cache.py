"""Render the archive's issue and article pages into the page cache ahead of readers:
``manage.py warm_page_cache`` (newsroom/pagerefresh.py)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom.models import Issue
from newsroom.pagerefresh import CHUNK, render_dates, warm_archive


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--after {text!r}: give a date as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = (
        "Render every public issue and article page into the page cache, oldest date first, "
        f"{CHUNK} dates at a time; pages already cached and unchanged cost a lookup. Each chunk "
        "prints the last date it finished: run again with --after that date to resume. "
        "--queue hands the work to the task workers instead (each chunk queues the next)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--after", type=_date, help="start after this date (YYYY-MM-DD)")
        parser.add_argument("--limit", type=int, default=0,
                            help=f"stop after this many chunks of {CHUNK} dates (0: all)")
        parser.add_argument("--queue", action="store_true",
                            help="queue the warm-up for the task workers (manage.py db_worker)")

    def handle(self, *args, after=None, limit=0, queue=False, **options):
        if not settings.PAGE_CACHE:
            raise CommandError("PAGE_CACHE is off: there is no page cache to warm.")
        if settings.CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
            self.stderr.write("PAGE_CACHE_LOCATION is memory: pages warmed here stay in this "
                              "process and no server will see them.")
        start = after.isoformat() if after else ""
        if queue:
            warm_archive.enqueue(start, limit)
            self.stdout.write(f"queued: the archive's pages after {start or 'the first issue'}")
            return
        dates = (Issue.objects.with_public_articles().filter(date__gt=after or dt.date.min)
                 .order_by("date").values_list("date", flat=True).distinct())
        chunk, chunks, totals = [], 0, {"hit": 0, "rendered": 0, "failed": 0}
        for date in dates.iterator():
            chunk.append(date.isoformat())
            if len(chunk) == CHUNK:
                chunks += 1
                self._warm(chunk, totals)
                chunk = []
                if limit and chunks >= limit:
                    break
        else:
            if chunk:
                self._warm(chunk, totals)
        self.stdout.write(f"done: {totals['rendered']:,} pages rendered, {totals['hit']:,} "
                          f"already cached, {totals['failed']:,} not cacheable")

    def _warm(self, chunk: list[str], totals: dict) -> None:
        counts = render_dates(chunk)
        for name, count in counts.items():
            totals[name] += count
        self.stdout.write(f"up to {chunk[-1]}: {counts['rendered']} rendered, {counts['hit']} "
                          f"already cached (resume with --after {chunk[-1]})")
