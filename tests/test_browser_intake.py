"""The editor's daily intake in a real browser: upload the day's files, read the preview, confirm,
watch the background job (a real ``db_worker`` process) import them, follow the result.

Screenshots for the README: the preview, and the finished job.
"""

from __future__ import annotations

import pytest

from newsroom.models import Intake, Issue
from tests.browser import *  # noqa: F403  (the chromium and page fixtures)
from tests.browser import PASSWORD, PHONE, log_in, screenshot
from tests.factories import make_user
from tests.intake.helpers import seed_files
from tests.intake.worker import start_worker
from tests.scans import page_scan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROKEN = "# 浙江工人日报\n\n这一页没有报头，也没有日期。\n".encode()




def day_files(tmp_path):
    folder = tmp_path / "day"
    folder.mkdir()
    first, second = seed_files()
    (folder / "2021-03-19_01.md").write_bytes(first.read_bytes())
    (folder / "2021-03-19_01.jpg").write_bytes(page_scan("JPEG"))
    (folder / "2022-06-17_01.md").write_bytes(second.read_bytes())
    (folder / "2022-06-18_01.md").write_bytes(BROKEN)
    return sorted(str(path) for path in folder.iterdir())


def test_an_editor_uploads_previews_confirms_and_a_worker_imports(page, tmp_path, _scan_storage):
    make_user("editor1", role="editor", password=PASSWORD)
    log_in(page, "editor1", "/admin/")
    page.click("text=每日导入")
    page.click(".object-tools a.addlink")
    page.set_input_files("input[type=file]", day_files(tmp_path))
    page.click("input[type=submit][value='上传并试运行']")
    page.wait_for_selector(".nr-intake-preview table")
    text = page.inner_text("#content-main")
    assert "已预览，待确认" in text
    assert "2021-03-19" in text and "第1版" in text and "失败" in text
    assert not Issue.objects.exists()
    screenshot(page, "desk-intake-preview")

    worker = start_worker(_scan_storage, batch=False)
    try:
        page.click("input[type=submit][value='确认导入']")
        # The page reads the job's progress and loads again with its result once it ends.
        page.wait_for_selector(".nr-intake-status.nr-intake-failed", timeout=60_000)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    intake = Intake.objects.get()
    assert intake.status == Intake.Status.FAILED and intake.files_done == 3
    assert sorted(str(d) for d in Issue.objects.values_list("date", flat=True)) == ["2021-03-19", "2022-06-17"]
    text = page.inner_text("#content-main")
    assert "部分文件失败" in text and "3 / 3" in text
    assert page.locator("input[type=submit][value='重新运行']").count() == 1
    assert page.console_errors == []
    screenshot(page, "desk-intake-done")

    page.click(".nr-intake-runs a >> nth=1")  # the run's files
    assert "2022-06-18_01.md" in page.inner_text("#content-main")

    page.goto(f"{page.base_url}/admin/newsroom/intake/{intake.pk}/change/")
    screenshot(page, "desk-intake-done-phone", viewport=PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
