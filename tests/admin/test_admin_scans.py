"""Page scans in the desk: attaching one to a page, releasing it, and correcting beside it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from newsroom import editorial
from newsroom.models import Page, ScanRelease, Visibility
from newsroom.scans.store import scan_storage
from tests.admin.helpers import change_url
from tests.admin.test_changelists import LOGIN
from tests.factories import make_article, make_flag, make_photo, make_user
from tests.scans import page_scan, pdf_scan

pytestmark = pytest.mark.django_db

# The page change form's read-only staff inline, as the browser posts it with the file.
STAFF_INLINE = {"staff-TOTAL_FORMS": "0", "staff-INITIAL_FORMS": "0",
                "staff-MIN_NUM_FORMS": "0", "staff-MAX_NUM_FORMS": "1000"}


def _page(issue, number: int = 1, *, scan: bool = False, name: str = "要闻") -> Page:
    page = Page.objects.create(issue=issue, number=number, name=name)
    if scan:
        editorial.set_scan(page, page_scan(width=300 + number, height=420), f"page-{number}.jpg")
    return page


def _upload(client, page, name: str, data: bytes, content_type: str = "image/jpeg"):
    return client.post(change_url(page), {"scan": SimpleUploadedFile(name, data, content_type),
                                          "_continue": "上传", **STAFF_INLINE})


def _info_url(page) -> str:
    return reverse("iiif:image-info", args=[page.iiif_identifier])


def _stored_files() -> set[str]:
    storage, found = scan_storage(), set()

    def walk(folder):
        folders, files = storage.listdir(folder) if storage.exists(folder or ".") else ([], [])
        found.update(f"{folder}/{name}" if folder else name for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}" if folder else sub)

    walk("")
    return found


# ---------------------------------------------------------------------------------- upload


def test_an_editor_attaches_a_scan_and_the_pages_history_records_who_and_why(client, issue, editor_user):
    page = _page(issue)
    client.force_login(editor_user)
    form = client.get(change_url(page)).content.decode()
    assert 'type="file" name="scan"' in form and "添加版面图" in form and "本版还没有版面图" in form
    assert 'enctype="multipart/form-data"' in form and 'name="_save"' not in form

    response = _upload(client, page, "扫描 第1版.jpg", page_scan(width=300, height=420))

    assert response.status_code == 302 and response["Location"].endswith("#nr-scan")
    page.refresh_from_db()
    assert page.has_scan and page.scan_format == "jpeg"
    assert (page.scan_width, page.scan_height, page.scan_original_name) == (300, 420, "扫描 第1版.jpg")
    record = page.history.first()
    assert record.history_user == editor_user and record.history_change_reason == "添加版面图"
    shown = client.get(response["Location"]).content.decode()
    assert "已添加版面图：扫描 第1版.jpg。" in shown
    assert 'class="nr-scan-viewer"' in shown and _info_url(page) in shown
    assert "JPEG · 300 × 420 像素" in shown and page.scan_sha256 in shown
    assert "替换版面图" in shown and "读者可见" in shown
    assert "vendor/openseadragon/openseadragon.min.js" in shown
    history = client.get(reverse("admin:newsroom_page_history", args=[page.pk])).content.decode()
    assert "添加版面图" in history and editor_user.username in history


def test_replacing_a_scan_keeps_the_old_one_in_history_and_the_same_file_twice_changes_nothing(
    client, issue, editor_user
):
    page = _page(issue, scan=True)
    first = page.scan_sha256
    client.force_login(editor_user)
    png = page_scan("PNG", width=320, height=400)

    replaced = client.get(_upload(client, page, "new.png", png, "image/png")["Location"])

    assert "已替换版面图：new.png，旧图保留在历史中。" in replaced.content.decode()
    page.refresh_from_db()
    assert page.scan_format == "png" and page.scan_sha256 != first
    assert [r.scan_sha256 for r in page.history.all()[:2]] == [page.scan_sha256, first]
    assert page.history.first().history_change_reason == "替换版面图"
    rows = page.history.count()

    again = client.get(_upload(client, page, "again.png", png, "image/png")["Location"])

    assert "没有修改" in again.content.decode()
    assert page.history.count() == rows


@pytest.mark.parametrize("name, data", [
    ("notes.jpg", lambda: "这不是图片，是一段文字。".encode()),
    ("cut-short.jpg", lambda: page_scan()[:2000]),
    ("two-pages.pdf", lambda: pdf_scan(pages=2, width=200, height=280)),
    ("empty.png", lambda: b""),
])
def test_a_refused_file_shows_why_on_the_form_and_changes_nothing(client, issue, editor_user, name, data):
    data = data()
    page = _page(issue, scan=True)
    before = (page.scan_sha256, page.history.count(), _stored_files())
    client.force_login(editor_user)

    response = _upload(client, page, name, data)

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert "版面图未保存" in error and name in error
    page.refresh_from_db()
    assert (page.scan_sha256, page.history.count(), _stored_files()) == before


@override_settings(SCAN_MAX_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused_naming_the_limit(client, issue, editor_user):
    page = _page(issue)
    client.force_login(editor_user)

    html = _upload(client, page, "big.jpg", page_scan()).content.decode()

    assert "big.jpg：文件有" in html and "版面图最大 1000" in html
    page.refresh_from_db()
    assert not page.has_scan and page.history.count() == 1


def test_the_form_without_a_file_asks_for_one(client, issue, editor_user):
    page = _page(issue)
    client.force_login(editor_user)
    html = client.post(change_url(page), STAFF_INLINE).content.decode()
    assert "请选择要上传的版面图文件。" in html
    assert page.history.count() == 1


def test_a_staff_user_without_a_role_cannot_open_a_page_nor_upload(client, issue, staff_user):
    page = _page(issue)
    client.force_login(staff_user)
    assert client.get(change_url(page)).status_code == 403
    assert _upload(client, page, "scan.jpg", page_scan()).status_code == 403
    page.refresh_from_db()
    assert not page.has_scan


def test_a_user_who_may_only_view_pages_sees_the_scan_but_no_file_field(client, issue):
    page = _page(issue, scan=True)
    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(viewer)
    html = client.get(change_url(page)).content.decode()
    assert 'class="nr-scan-viewer"' in html and 'type="file"' not in html
    assert _upload(client, page, "scan.png", page_scan("PNG"), "image/png").status_code == 403
    assert Page.objects.get(pk=page.pk).scan_sha256 == page.scan_sha256


def test_an_old_version_of_a_page_is_shown_but_never_restored(client, issue, editor_user):
    page = _page(issue, scan=True)
    record = page.history.last()
    client.force_login(editor_user)
    url = reverse("admin:newsroom_page_simple_history", args=[page.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"_save": "1"}).status_code == 403
    assert Page.objects.get(pk=page.pk).has_scan


# ------------------------------------------------------------------------ release, withhold


def test_a_chief_editor_releases_and_withholds_the_scan_of_a_page_with_a_withdrawn_article(
    client, issue, editor_user, chief_editor_user
):
    page = _page(issue, scan=True)
    withdrawn = make_article(issue, page=1, headline="已撤回的报道", visibility=Visibility.WITHDRAWN)
    make_article(issue, page=1, headline="公开的报道")
    release = reverse("admin:newsroom_page_release_scan", args=[page.pk])
    withhold = reverse("admin:newsroom_page_withhold_scan", args=[page.pk])

    client.force_login(editor_user)
    html = client.get(change_url(page)).content.decode()
    assert "读者看不到" in html and "已撤回的报道" in html and "公开的报道" not in html
    assert release not in html  # editors see why, not the button
    assert client.post(release).status_code == 403
    assert not ScanRelease.objects.exists()

    client.force_login(chief_editor_user)
    assert release in client.get(change_url(page)).content.decode()
    assert client.get(release).status_code == 405
    response = client.post(release)
    assert response.status_code == 302 and response["Location"] == change_url(page) + "#nr-scan"
    assert ScanRelease.objects.get().article == withdrawn
    assert Page.objects.filter(pk=page.pk).with_public_scan().exists()
    html = client.get(change_url(page)).content.decode()
    assert "已发布版面图：1 篇已撤回的文章" in html and "读者可见" in html
    assert withhold in html and release not in html

    client.force_login(editor_user)
    assert client.post(withhold).status_code == 403
    assert ScanRelease.objects.count() == 1

    client.force_login(chief_editor_user)
    client.post(withhold)
    assert not ScanRelease.objects.exists()
    assert not Page.objects.filter(pk=page.pk).with_public_scan().exists()


def test_the_page_list_says_which_pages_have_a_scan_and_which_readers_cannot_see(
    client, issue, editor_user, django_assert_num_queries
):
    _page(issue, 1, name="无图版")
    _page(issue, 2, scan=True, name="有图版")
    _page(issue, 3, scan=True, name="撤回版")
    make_article(issue, page=3, visibility=Visibility.WITHDRAWN)
    # Not decoded yet, and failed to decode (newsroom/editorial/scanchecks.py): fields of the row.
    _page(issue, 4, scan=True, name="待校验版")
    _page(issue, 5, scan=True, name="坏图版")
    Page.objects.filter(number=4).update(scan_verification="pending")
    Page.objects.filter(number=5).update(scan_verification="failed", scan_verification_error="broken")
    client.force_login(editor_user)
    # + the paper filter's choices, count filtered, count all, pages with issue/paper/source
    #   joined, article counts and withheld scans in subqueries, their staff, the date
    #   hierarchy's range and dates: the same however many pages are pending or failed
    with django_assert_num_queries(LOGIN + 7):
        html = client.get(reverse("admin:newsroom_page_changelist")).content.decode()
    cells = dict(re.findall(r'<td class="field-name">(.*?)</td><td class="field-scan_status">(.*?)</td>', html))
    assert "版面图" in html
    assert "无" in cells["无图版"] and "有" in cells["有图版"] and "暂不公开" in cells["撤回版"]
    assert "暂不公开" not in cells["有图版"]
    assert "待校验" in cells["待校验版"] and "无法解码" in cells["坏图版"]


# ------------------------------------------------------------------- the article beside it


def test_the_article_page_shows_the_scan_of_every_page_a_continued_article_runs_on(
    client, issue, editor_user
):
    first, third = _page(issue, 1, scan=True), _page(issue, 3, scan=True, name="综合")
    lead = make_article(issue, page=1, headline="职工书屋建设", jump_to=3)
    make_article(issue, page=3, headline="(上接第1版)", continues=lead, is_continuation=True,
                 continued_from=1)
    client.force_login(editor_user)

    html = client.get(change_url(lead)).content.decode()

    assert 'class="nr-scan-layout"' in html and 'class="nr-scan-viewer"' in html
    assert 'id="nr-scan"' in html and 'id="nr-scan-config"' in html
    assert html.index(_info_url(first)) < html.index(_info_url(third))
    buttons = re.findall(r'<button type="button" class="nr-scan-page"[^>]*>(.*?)</button>', html)
    assert buttons == ["第1版 要闻", "第3版 综合"]
    assert "vendor/openseadragon/openseadragon.min.js" in html and "newsroom/admin/scans.js" in html
    # The form is all there, inside the text column.
    assert html.index('class="nr-scan-text"') < html.index('name="body"')


def test_a_page_without_a_scan_is_named_and_an_article_without_any_looks_as_before(client, issue, editor_user):
    first = _page(issue, 1, scan=True)
    _page(issue, 2)
    lead = make_article(issue, page=1, jump_to=2)
    make_article(issue, page=2, continues=lead, is_continuation=True, continued_from=1)
    alone = make_article(issue, page=2, headline="第二版的文章")
    client.force_login(editor_user)

    html = client.get(change_url(lead)).content.decode()
    assert _info_url(first) in html and "第2版还没有版面图。" in html
    assert 'class="nr-scan-page"' not in html  # one page with a scan: no switcher

    plain = client.get(change_url(alone)).content.decode()
    assert "nr-scan" not in plain and "openseadragon" not in plain


# ------------------------------------------------------------------------- the review queue


def test_the_review_queue_links_each_flag_to_its_pages_scan(client, issue, editor_user):
    scanned = _page(issue, 1, scan=True)
    _page(issue, 2)
    on_scan = make_article(issue, page=1, headline="有版面图")
    no_scan = make_article(issue, page=2, headline="没有版面图")
    make_flag(issue, article=on_scan, message="flag one")
    make_flag(issue, article=no_scan, message="flag two")
    photo_flag = make_flag(issue, photo=make_photo(issue, page=1), message="flag three")
    client.force_login(editor_user)

    html = client.get(reverse("admin:newsroom_reviewflag_changelist")).content.decode()

    links = re.findall(r'<a class="nr-scan-link" href="([^"]+)">版面图</a>', html)
    assert sorted(links) == sorted([change_url(on_scan) + "#nr-scan", change_url(scanned) + "#nr-scan"])
    flag_page = client.get(change_url(photo_flag)).content.decode()
    assert change_url(scanned) + "#nr-scan" in flag_page


# ----------------------------------------------------------------------- the viewer's files


def test_openseadragon_is_served_by_staticfiles_from_the_package_lock_pins():
    import json
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders

    from newsroom.admin.scans import nav_images

    root = Path(__file__).resolve().parent.parent.parent
    pinned = json.loads((root / "package-lock.json").read_text())["packages"]["node_modules/openseadragon"]
    assert pinned["version"].startswith("6.")
    script = finders.find("vendor/openseadragon/openseadragon.min.js")
    assert script, "run `make install` (npm ci) to install OpenSeadragon into node_modules"
    installed = json.loads((Path(script).parents[2] / "package.json").read_text())
    assert installed["version"] == pinned["version"]
    images = [url for states in nav_images().values() for url in states.values()]
    assert len(images) == 36
    assert all(finders.find(url.removeprefix(settings.STATIC_URL)) for url in images)
