"""The day's intake from upload to archive: preview writes nothing, a real worker imports.

Every test here runs the job in a separate ``manage.py db_worker`` process (tests/intake/worker.py)
against the test database, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import time

import pytest
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from newsroom.intake import jobs
from newsroom.intake.uploads import keep_intake, read_uploads
from newsroom.models import Article, ImportRun, Intake, Issue, Page
from tests.factories import make_user
from tests.intake.helpers import seed_uploads, uploaded
from tests.intake.worker import run_worker, start_worker

pytestmark = pytest.mark.django_db(transaction=True)

BROKEN = "# 浙江工人日报\n\n这一页没有报头，也没有日期。\n".encode()


def upload(client, files) -> Intake:
    response = client.post(reverse("admin:newsroom_intake_add"), {"files": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Intake.objects.latest("pk")


def test_upload_previews_and_writes_nothing_then_a_worker_imports(client, _scan_storage):
    editor = make_user("editor1", role="editor")
    client.force_login(editor)
    intake = upload(client, seed_uploads())
    assert intake.status == Intake.Status.PREVIEWED
    assert not Issue.objects.exists() and not Article.objects.exists()
    page = client.get(reverse("admin:newsroom_intake_change", args=[intake.pk])).content.decode()
    assert f"intake-{intake.pk}/2021-03-19_01.md" in page and "2021-03-19" in page and "2022-06-17" in page
    reports = jobs.preview_reports(intake)
    assert [r.status for r in reports] == ["created", "created"]
    assert all(r.summary()["created"] > 0 for r in reports)
    assert "确认导入" in page

    response = client.post(reverse("admin:newsroom_intake_confirm", args=[intake.pk]))
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == Intake.Status.QUEUED and intake.task_id
    assert DBTaskResult.objects.get(id=intake.task_id).status == "READY"
    assert not Issue.objects.exists()  # nothing until a worker runs it

    run_worker(_scan_storage)
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DONE, intake.error
    assert (intake.files_done, intake.files_total, intake.attempts) == (2, 2, 1)
    assert Issue.objects.count() == 2
    assert intake.run.status == ImportRun.Status.SUCCEEDED and intake.run.started_by == f"editor1 (intake-{intake.pk})"
    assert DBTaskResult.objects.get(id=intake.task_id).status == "SUCCESSFUL"
    page = client.get(reverse("admin:newsroom_intake_change", args=[intake.pk])).content.decode()
    assert reverse("admin:newsroom_importrun_change", args=[intake.run_id]) in page
    assert f"run__id__exact={intake.run_id}" in page
    assert "确认导入" not in page and "重新运行" not in page


def test_a_failing_file_fails_alone(client, _scan_storage):
    client.force_login(make_user("editor1", role="editor"))
    intake = upload(client, [*seed_uploads(), uploaded("2021-03-20_01.md", BROKEN)])
    failed = [r for r in jobs.preview_reports(intake) if r.failed]
    assert [r.source for r in failed] == [f"intake-{intake.pk}/2021-03-20_01.md"]
    page = client.get(reverse("admin:newsroom_intake_change", args=[intake.pk])).content.decode()
    assert "2021-03-20_01.md" in page and "nr-intake-failed" in page

    client.post(reverse("admin:newsroom_intake_confirm", args=[intake.pk]))
    run_worker(_scan_storage)
    intake.refresh_from_db()
    assert intake.status == Intake.Status.FAILED
    assert Issue.objects.count() == 2 and intake.run.files_failed == 1
    assert "重新运行" in client.get(reverse("admin:newsroom_intake_change", args=[intake.pk])).content.decode()


def whole_issues(tmp_path, count: int) -> list:
    from benchmarks.generate_issues import write_issues

    paths = write_issues(count, tmp_path / "day", seed=3)
    return [uploaded(path.name, path.read_bytes()) for path in paths]


def test_a_worker_killed_mid_job_leaves_whole_pages_and_the_job_runs_again(tmp_path, _scan_storage):
    editor = make_user("editor1", role="editor")
    files = whole_issues(tmp_path, 12)
    intake = keep_intake(read_uploads(files), editor)
    jobs.preview(intake, editor)
    jobs.confirm(intake, editor)

    # Batches of 5 pages: the job reports progress (and commits) 5 pages at a time.
    worker = start_worker(_scan_storage, batch=False, IMPORT_BATCH_PAGES="5")
    try:
        deadline = time.monotonic() + 120
        while Intake.objects.get(pk=intake.pk).files_done < 5:
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.05)
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    intake.refresh_from_db()
    assert intake.status == Intake.Status.RUNNING and intake.files_done < len(files)
    partial = Page.objects.count()
    assert 0 < partial < len(files)
    # Every page written is whole: each page row has its articles (no page without its text).
    assert not Page.objects.annotate(n=Count("issue__articles")).filter(n=0).exists()

    assert not jobs.can_run(intake)  # still counts as running until it stops moving
    with override_settings(INTAKE_STALE_SECONDS=0):
        assert jobs.can_run(intake)
        jobs.confirm(intake, editor)
    run_worker(_scan_storage)
    intake.refresh_from_db()
    assert intake.status == Intake.Status.DONE and intake.attempts == 2
    assert Page.objects.count() == len(files) == intake.files_done
    assert Issue.objects.count() == 12
    # Nothing twice: one article a (issue, page, position).
    duplicates = (Article.objects.values("issue", "page", "position").annotate(n=Count("pk")).filter(n__gt=1))
    assert not duplicates.exists()
