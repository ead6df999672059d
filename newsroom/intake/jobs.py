"""The day's intake, step by step: preview (a dry run), confirm (a job on the queue), run, run again.

Each step is one function over an Intake, called by the desk (newsroom/admin/intake.py) and by
the queue's worker (newsroom/intake/tasks.py). The import itself is the importer's own
(``importers.load.import_page_files``, what ``manage.py import_pages`` runs too): the files are
copied from the intake storage into a temporary folder on the machine that runs the step
(a worker may run on another machine than the desk) and named ``intake-<id>/<file>`` in the
run's report. Each page loads in its own transaction, so a file that fails, or a worker that
dies, leaves no page half-written; running an intake again is safe, since a re-import
duplicates nothing and keeps what editors corrected.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from importers.load import import_page_files
from importers.load.files import PAGE_SUFFIXES, PageFile
from importers.load.reports import PageReport
from importers.parse import read_page
from importers.records import ParseError
from newsroom.intake.uploads import intake_storage
from newsroom.models import ImportRun, Intake

logger = logging.getLogger(__name__)

PERMISSION = "newsroom.import_pages"


def check_permission(user) -> None:
    if not user.has_perm(PERMISSION):
        raise PermissionDenied("import_pages")


def label(intake: Intake) -> str:
    return f"intake-{intake.pk}"


@contextlib.contextmanager
def materialized(intake: Intake) -> Iterator[list[PageFile]]:
    """Copy an intake's files into a temporary folder; yield its pages, named ``intake-<id>/<file>``."""
    storage = intake_storage()
    with tempfile.TemporaryDirectory(prefix=f"newsroom-{label(intake)}-") as folder:
        pages = []
        for row in intake.files.order_by("name"):
            target = Path(folder) / row.name
            with storage.open(row.stored_name, "rb") as source, open(target, "wb") as out:
                for chunk in source.chunks():
                    out.write(chunk)
            if target.suffix.lower() in PAGE_SUFFIXES:
                pages.append(PageFile(name=f"{label(intake)}/{row.name}", path=target))
        yield pages


def _headers(pages: list[PageFile]) -> list[dict]:
    """What each page file reads as: its date, page number and name, its articles (or its error)."""
    found = []
    for file in pages:
        entry = {"file": file.name}
        try:
            page = read_page(file.path.read_bytes(), file.name)
        except ParseError as error:
            entry["error"] = str(error)
        else:
            entry.update({
                "date": page.issue.date.isoformat() if page.issue.date else "",
                "page": page.page,
                "page_name": page.page_name,
                "articles": len(page.articles),
                "headlines": [article.headline for article in page.articles[:8]],
            })
        found.append(entry)
    return found


def preview(intake: Intake, user) -> Intake:
    """Run the import as a dry run (nothing written to the archive); keep its report on the intake."""
    check_permission(user)
    with materialized(intake) as pages:
        headers = _headers(pages)
        result = import_page_files(pages, arguments=label(intake), dry_run=True,
                                   started_by=_started_by(user, intake))
    intake.preview = {"pages": headers}
    intake.preview_run = result.run
    intake.status = Intake.Status.PREVIEWED
    intake.save(update_fields=["preview", "preview_run", "status"])
    return intake


def preview_reports(intake: Intake) -> list[PageReport]:
    """The dry run's report of each file, as the command prints it (PageReport)."""
    if intake.preview_run_id is None:
        return []
    return [PageReport.from_record(row) for row in intake.preview_run.files.order_by("position")]


def can_run(intake: Intake, *, now: dt.datetime | None = None) -> bool:
    """Return whether the intake may be started (again): previewed, ended in failure, or stalled."""
    if intake.status in (Intake.Status.PREVIEWED, Intake.Status.FAILED, Intake.Status.ERROR):
        return True
    if intake.status in (Intake.Status.QUEUED, Intake.Status.RUNNING):
        last = intake.progress_at or intake.queued_at
        stale_after = dt.timedelta(seconds=settings.INTAKE_STALE_SECONDS)
        return last is not None and (now or timezone.now()) - last > stale_after
    return False


def confirm(intake: Intake, user) -> Intake:
    """Put the intake's import on the queue (the first time, or again after a failure or a dead worker)."""
    from newsroom.intake.tasks import import_intake

    check_permission(user)
    if not can_run(intake):
        raise ValueError(f"intake {intake.pk} is {intake.status}: it cannot be started now")
    now = timezone.now()
    Intake.objects.filter(pk=intake.pk).update(status=Intake.Status.QUEUED, queued_at=now,
                                               progress_at=now, error="")
    result = import_intake.enqueue(intake.pk)
    Intake.objects.filter(pk=intake.pk).update(task_id=str(result.id))
    intake.refresh_from_db()
    return intake


def _started_by(user, intake: Intake) -> str:
    name = getattr(user, "username", "") or "?"
    return f"{name} ({label(intake)})"


def run(intake_id: int) -> dict:
    """Import an intake's files (the queue's job); return what the job did."""
    intake = Intake.objects.select_related("uploaded_by").get(pk=intake_id)
    now = timezone.now()
    Intake.objects.filter(pk=intake_id).update(
        status=Intake.Status.RUNNING, started_at=now, progress_at=now, finished_at=None,
        files_done=0, attempts=F("attempts") + 1, error="")

    def progress(index: int, total: int, report: PageReport) -> None:
        Intake.objects.filter(pk=intake_id).update(files_done=index, files_total=total,
                                                   progress_at=timezone.now())

    try:
        with materialized(intake) as pages:
            result = import_page_files(pages, arguments=label(intake), progress=progress,
                                       started_by=_started_by(intake.uploaded_by, intake),
                                       jobs=settings.INTAKE_IMPORT_JOBS)
    except Exception as error:
        logger.exception("intake %s: the import stopped", intake_id)
        Intake.objects.filter(pk=intake_id).update(
            status=Intake.Status.ERROR, error=f"{type(error).__name__}: {error}", finished_at=timezone.now())
        raise
    failed = len(result.failures)
    Intake.objects.filter(pk=intake_id).update(
        status=Intake.Status.FAILED if failed else Intake.Status.DONE, run=result.run,
        files_done=result.run.files_total, finished_at=timezone.now(), progress_at=timezone.now())
    return {"intake": intake_id, "run": result.run.pk, "files": result.run.files_total, "failed": failed}


def runs_of(intake: Intake) -> list[ImportRun]:
    """The import runs an intake's jobs made (one a run), newest first."""
    return list(ImportRun.objects.filter(arguments=label(intake)).exclude(status=ImportRun.Status.DRY_RUN)
                .order_by("-started_at"))
