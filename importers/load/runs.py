"""A run of the importer: every file the paths name, in this process or in worker processes.

``import_paths`` keeps one name -> Person cache for the whole run, indexes the changes of
re-imported pages in batches of pages, and can load files in several worker processes
(``jobs``, PostgreSQL only). The ImportRun and its file reports are written outside the
pages' transactions and survive them.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.urls import get_resolver
from django.utils import timezone

from importers.load.batches import import_files, in_batches
from importers.load.files import DatedFile, PageFile, by_day, expand_paths
from importers.load.people import flag_missed_duplicates
from importers.load.reports import PageReport, RunFiles, RunReport
from newsroom import changes
from newsroom.models import ImportRun, Person

# During import_paths the search index is written once per this many pages, not per page.
INDEX_EVERY_PAGES = 200
# Files handed to a worker process at a time (with --jobs): it indexes search after each lot.
# A lot caps the size of its batches (settings.IMPORT_BATCH_PAGES). Towards a run's end lots
# shrink, down to MIN_FILES_PER_TASK, so the workers finish together (see plan_lots).
FILES_PER_TASK = 100
MIN_FILES_PER_TASK = 25


class _DryRunRollback(Exception):
    """Raised to roll back everything a dry run wrote."""


def import_paths(
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    started_by: str = "",
    progress: Callable[[int, int, PageReport], None] | None = None,
    jobs: int = 1,
) -> RunReport:
    """Import every file the paths name, each in its own transaction; return the run's report.

    A file that fails writes nothing and does not stop the others. With ``dry_run`` every
    file is loaded inside one transaction that is rolled back at the end, so the report
    says what would happen (people a file would create count for the files after it).
    The ImportRun is written outside those transactions and survives them.

    The search index is written every INDEX_EVERY_PAGES pages and before this returns,
    not after each page. ``jobs`` > 1 loads the files in that many worker processes, each
    with its own connection (PostgreSQL only, not in a dry run or inside a transaction;
    otherwise one process loads them all). Files are loaded a day at a time (days in order,
    each day's files in the order given; see files.by_day), an inside page waiting for its
    front page after the rest; the report lists them in the order given.
    """
    paths = [str(p) for p in paths]
    return import_page_files(expand_paths(paths), arguments=" ".join(paths), dry_run=dry_run,
                        started_by=started_by, progress=progress, jobs=jobs)


def import_page_files(
    page_files: list[PageFile],
    *,
    arguments: str = "",
    dry_run: bool = False,
    started_by: str = "",
    progress: Callable[[int, int, PageReport], None] | None = None,
    jobs: int = 1,
) -> RunReport:
    """Import these page files (named as the run's report should name them); see import_paths.

    The desk's intake (newsroom/intake/) calls this with the files of an upload, named
    ``intake-12/2021-03-19_01.md`` rather than by the temporary folder they were copied to.
    """
    # Each day's pages together (see by_day): the order the run loads and reports them in.
    dated = by_day(page_files)
    files = [item.file for item in dated]
    run = ImportRun.objects.create(
        started_by=started_by,
        arguments=" ".join([arguments, *(["--dry-run"] if dry_run else [])]).strip(),
        files_total=len(files),
    )
    recorded = RunFiles(run, dry_run=dry_run)

    def done(report: PageReport, position: int) -> None:
        recorded.add(report, position=position)
        if progress is not None:
            progress(recorded.count, len(files), report)

    # Inside pages that came before their front page: loaded again once the rest is in, as
    # (position, name). Reports arrive in ``dated``'s order; each keeps its file's position.
    waiting: list[tuple[int, str]] = []
    positions = iter(item.position for item in dated)

    def first_pass(report: PageReport) -> None:
        position = next(positions)
        if report.awaits_front_page:
            waiting.append((position, report.source))
        else:
            done(report, position)

    jobs = effective_jobs(jobs, dry_run=dry_run, files=len(files))
    duplicates_flagged = 0
    try:
        with transaction.atomic() if dry_run else nullcontext(), _frozen_heap():
            if jobs > 1:
                for chunk in _import_in_workers(dated, run=run, jobs=jobs):
                    for report in chunk:
                        first_pass(report)
                duplicates_flagged = flag_missed_duplicates(run)
            else:
                _import_serially(files, run=run, done=first_pass, dry_run=dry_run)
            if waiting:
                by_position = {item.position: item.file for item in dated}
                retried = iter(position for position, _name in waiting)
                _import_serially([by_position[position] for position, _name in waiting], run=run,
                                 done=lambda report: done(report, next(retried)), dry_run=dry_run)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    recorded.write()
    _finish(run, recorded, dry_run=dry_run, duplicates_flagged=duplicates_flagged)
    return RunReport(run=run, dry_run=dry_run)


def _finish(run: ImportRun, recorded: RunFiles, *, dry_run: bool, duplicates_flagged: int) -> None:
    """Save how the run ended and its totals (each file's report is an ImportedFile row)."""
    run.status = (
        ImportRun.Status.DRY_RUN if dry_run
        else ImportRun.Status.FAILED if recorded.failed
        else ImportRun.Status.SUCCEEDED
    )
    run.files_failed = recorded.failed
    run.finished_at = timezone.now()
    run.report = {"totals": {name: n for name, n in sorted(recorded.totals.items()) if n > 0}}
    if duplicates_flagged:
        run.report["duplicates_flagged_after_the_run"] = duplicates_flagged
    run.save()


@contextmanager
def _frozen_heap():
    """Leave the objects alive before the run (Django's apps, models, URLs, modules) out of
    the cyclic garbage collector's full collections while it lasts, in this process and in
    the worker processes it forks.

    A run allocates and frees model instances by the hundred thousand, which sets off full
    collections that would each walk every long-lived object again (measured with gc.callbacks
    over 302 whole-issue pages: 1.0 ms a page in full collections, 0.36 frozen). Nothing is freed later than it would be: those objects were alive anyway. Frozen
    before the fork, the workers' collections do not touch the parent's pages either. The
    objects are unfrozen afterwards unless the caller had frozen some (then it decides).
    """
    # The URL configuration too (the page reach names addresses after each batch's commit):
    # imported here once, not in each worker process after the fork.
    get_resolver().url_patterns  # noqa: B018
    frozen_by_caller = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_by_caller:
            gc.unfreeze()


def effective_jobs(jobs: int, *, dry_run: bool = False, files: int | None = None) -> int:
    """Return how many processes an import may use: 1 on SQLite, in a dry run or a transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    if jobs <= 1 or dry_run or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if files is not None:
        jobs = min(jobs, max(1, -(-files // FILES_PER_TASK)))
    return jobs


def _import_serially(files: list[PageFile], *, run: ImportRun, done, dry_run: bool = False) -> None:
    """Load the files one batch after another in this process, indexing search in batches
    (a dry run indexes nothing and stores no scan)."""
    people: dict[str, Person] = {}
    loaded = 0
    # Readers' cached pages are renewed at most once a second, not after every page.
    with changes.bulk() as changed:
        for batch in in_batches(files):
            for report in import_files(batch, run=run, people=people, store_scans=not dry_run):
                done(report)
            before, loaded = loaded, loaded + len(batch)
            if not dry_run and loaded // INDEX_EVERY_PAGES > before // INDEX_EVERY_PAGES:
                changed.flush()


# The name -> Person cache of a worker process, kept across the lots of files it loads.
_worker_people: dict[str, Person] = {}


def _import_in_workers(dated: list[DatedFile], *, run: ImportRun, jobs: int):
    """Yield the reports of lots of files loaded by ``jobs`` worker processes, in ``dated``'s order.

    A lot is whole days (plan_lots): no two processes load pages of one issue at once, so none
    waits for the other's lock on it.
    """
    tasks = [(lot, run.pk) for lot in plan_lots(dated, jobs)]
    # Fork without an open connection, so no worker shares the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_import_lot, tasks)
        pool.close()
        pool.join()


def plan_lots(dated: list[DatedFile], jobs: int) -> list[list[PageFile]]:
    """Return ``dated``'s files (by_day's list) cut into the lots the workers take in turn.

    A lot is whole days (a day's files are never split, unless they have no day) of at least
    FILES_PER_TASK files while plenty remain; towards the end a lot is the files remaining
    divided by ``jobs`` (guided scheduling), down to MIN_FILES_PER_TASK. Lots of one size
    left a worker idle at the end for the length of the last lot while the other finished
    its own (1.3 s of a 17 s run measured: docs/performance.md); smaller lots at the end
    cost a few more batches instead.
    """
    lots: list[list[PageFile]] = []
    lot: list[PageFile] = []
    remaining = len(dated)
    for index, (day, _position, file) in enumerate(dated):
        if not lot:
            size = min(FILES_PER_TASK, max(MIN_FILES_PER_TASK, -(-remaining // max(1, jobs))))
        lot.append(file)
        following = dated[index + 1].day if index + 1 < len(dated) else None
        if len(lot) >= size and (following != day or day is None):
            lots.append(lot)
            remaining -= len(lot)
            lot = []
    if lot:
        lots.append(lot)
    return lots


def _import_lot(task: tuple[list[PageFile], int]) -> list[PageReport]:
    """Load a lot of files in a worker process; index them for search before returning."""
    files, run_pk = task
    run = ImportRun(pk=run_pk)
    try:
        with changes.bulk():
            return [
                report
                for batch in in_batches(files)
                for report in import_files(batch, run=run, people=_worker_people, concurrent=True)
            ]
    finally:
        connections.close_all()
