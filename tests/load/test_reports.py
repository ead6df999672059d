"""A run's reports: kept as ImportedFile rows, written as the run goes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings

from importers.load import (
    import_paths,
    reports,
)
from newsroom.models import (
    ImportedFile,
    ImportRun,
)
from tests.load.pages import (
    SEED_2021,
    SEED_2022,
    seed_pages,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ runs and paths


def test_an_import_run_is_recorded_with_its_files_and_counts():
    result = import_paths([SEED_2021, SEED_2022], started_by="tester")
    run = ImportRun.objects.get()
    assert run == result.run
    assert (run.status, run.files_total, run.files_failed, run.started_by) == (
        "succeeded", 2, 0, "tester")
    assert run.finished_at is not None
    files = list(run.files.all())
    assert [(f.position, f.source, f.status) for f in files] == [
        (1, "seeds/000_08ceee72487f69f5.txt", "created"),
        (2, "seeds/002_758893745608affc.txt", "created")]
    assert files[0].counts["articles"] == {"created": 5}
    assert [f.issue.date for f in files] == [dt.date(2021, 3, 19), dt.date(2022, 6, 17)]
    assert run.report["totals"]["created"] == (5 + 2 + 4 + 7) + (4 + 3 + 3)
    # The command's table and the caller read the same reports back from the rows.
    assert [(r.source, r.status, r.issue_id) for r in result.files] == [
        (f.source, f.status, f.issue_id) for f in files]
    assert result.files[0].summary() == {
        "created": 5 + 2 + 4 + 7, "updated": 0, "unchanged": 0, "kept": 0,
        "flags": result.files[0].counts["flags"]["created"]}
    assert result.files[0].counts["flags"]["created"] > 0


def test_a_runs_file_reports_are_written_as_it_goes_not_held_to_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "FILE_RECORDS_PER_WRITE", 2)
    monkeypatch.setattr(django_settings, "IMPORT_BATCH_PAGES", 1)
    seed_pages(tmp_path, range(1, 6))
    stored_when_reported = []

    def progress(index, total, report):
        stored_when_reported.append(ImportedFile.objects.count())

    result = import_paths([tmp_path], progress=progress)

    # Written two at a time (when the second of a pair is reported), the last one at the end.
    assert stored_when_reported == [0, 2, 2, 4, 4]
    assert len(result.files) == 5 and result.files[-1].source.endswith("04-05.txt")
    assert [r.status for r in result.files[1:3]] == ["created", "created"]
    assert result.ok and result.failures == []
