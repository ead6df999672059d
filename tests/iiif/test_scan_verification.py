"""A scan decoded in the background: queued when its change commits, hidden from readers until
it decoded, detached and flagged when it does not (newsroom/editorial/scanchecks.py)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from newsroom.editorial import set_scan
from newsroom.editorial.scanchecks import verify_scans
from newsroom.models import Page, ReviewFlag, ScanVerification
from newsroom.scans import raster
from tests.factories import make_page
from tests.iiif import BASE
from tests.iiif.test_scan_formats import jpeg_damaged_in_the_middle
from tests.scans import page_scan

pytestmark = pytest.mark.django_db

URLS = [BASE, f"{BASE}/info.json", f"{BASE}/full/max/0/default.jpg", f"{BASE}/0,0,256,256/256,/0/default.jpg",
        f"{BASE}/full/!200,200/0/default.jpg"]
MANIFEST = "/iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json"


@pytest.fixture(autouse=True)
def _background(settings, tmp_path):
    """Scans decoded by the task queue, as in production (the tests' default decodes at once)."""
    settings.SCAN_VERIFY_INLINE = False
    settings.IIIF_CACHE_DIR = tmp_path / "iiif-cache"
    raster.forget()
    yield
    raster.forget()


def attach(issue, data, name, django_capture_on_commit_callbacks) -> Page:
    page = make_page(issue=issue, number=2)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_scan(page, data, name)
    assert len(callbacks) == 1  # the task is queued once the change commits
    page.refresh_from_db()
    return page


def run_queued() -> None:
    """Run the queued verify tasks here, as the worker would."""
    for result in DBTaskResult.objects.filter(status="READY", task_path__endswith="verify_scans"):
        verify_scans.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])


def test_a_new_scan_is_pending_hidden_from_readers_and_seen_by_staff_until_it_decodes(
        client, issue, editor_user, django_capture_on_commit_callbacks):
    page = attach(issue, page_scan("JPEG", width=600, height=800), "p2.jpg", django_capture_on_commit_callbacks)
    assert page.scan_verification == ScanVerification.PENDING
    assert DBTaskResult.objects.filter(task_path__endswith="verify_scans").count() == 1
    for url in URLS:
        assert client.get(url).status_code == 404, url
    client.force_login(editor_user)
    assert client.get(f"{BASE}/info.json").status_code == 200
    client.logout()

    run_queued()
    page.refresh_from_db()
    assert page.scan_verification == ScanVerification.VERIFIED and page.scan_verified_at
    for url in URLS:
        assert client.get(url).status_code in (200, 303), url


def test_a_jpeg_damaged_in_its_middle_is_detached_and_flagged_by_the_verify_job(
        client, issue, editor_user, django_capture_on_commit_callbacks):
    page = attach(issue, jpeg_damaged_in_the_middle(width=600, height=800), "2021-03-19_02.jpg",
                  django_capture_on_commit_callbacks)
    assert page.scan_verification == ScanVerification.PENDING  # the check at upload let it in
    run_queued()
    page.refresh_from_db()
    assert page.scan_verification == ScanVerification.FAILED
    assert "cannot be decoded" in page.scan_verification_error
    flag = ReviewFlag.objects.open().get(code="scan_unreadable", issue=issue)
    assert "2021-03-19_02.jpg" in flag.display_message and "第 2 版" in flag.display_message
    for url in [*URLS, MANIFEST]:
        assert client.get(url).status_code in (404, 410), url
    client.force_login(editor_user)
    for url in URLS:
        assert client.get(url).status_code in (404, 410), url  # nothing to serve, to anyone

    # A sound scan replacing it verifies, and the flag closes.
    with django_capture_on_commit_callbacks(execute=True):
        set_scan(page, page_scan("JPEG", width=600, height=800), "better.jpg")
    run_queued()
    page.refresh_from_db()
    assert page.scan_verification == ScanVerification.VERIFIED
    assert not ReviewFlag.objects.open().filter(code="scan_unreadable").exists()


def test_the_same_scan_again_is_not_queued_nor_decoded_again(issue, django_capture_on_commit_callbacks):
    data = page_scan("JPEG", width=300, height=420)
    page = attach(issue, data, "p2.jpg", django_capture_on_commit_callbacks)
    run_queued()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_scan(page, data, "p2.jpg")
    assert callbacks == []
    page.refresh_from_db()
    assert page.scan_verification == ScanVerification.VERIFIED


def test_verify_scans_decodes_every_pending_scan_now(issue, django_capture_on_commit_callbacks):
    page = attach(issue, page_scan("PNG", width=300, height=420), "p2.png", django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("verify_scans", stdout=out)
    assert "verified 1 scans, 0 failed" in out.getvalue()
    page.refresh_from_db()
    assert page.scan_verification == ScanVerification.VERIFIED
    assert Page.objects.with_public_scan().filter(pk=page.pk).exists()
