"""A page's scan beside its file: imported with it, once, checked, kept when an editor replaced it."""

from __future__ import annotations

import shutil

import pytest

from importers.load import import_paths
from newsroom.editorial import set_scan
from newsroom.models import Page, ReviewFlag, ScanVerification
from newsroom.scans.store import scan_storage
from tests.iiif.test_scan_formats import jpeg_claiming, jpeg_damaged_in_the_middle
from tests.load.pages import SEED_2021, SEED_2022
from tests.scans import page_scan, pdf_scan

pytestmark = pytest.mark.django_db


def stored_names() -> set[str]:
    storage = scan_storage()
    names = set()
    for folder in storage.listdir("")[0] if storage.exists("") else []:
        for sub in storage.listdir(folder)[0]:
            names |= {f"{folder}/{sub}/{name}" for name in storage.listdir(f"{folder}/{sub}")[1]}
    return names


def day_folder(tmp_path, scan: bytes | None, suffix: str = ".jpg"):
    page = tmp_path / "2021-03-19_01.md"
    shutil.copy(SEED_2021, page)
    if scan is not None:
        (tmp_path / f"2021-03-19_01{suffix}").write_bytes(scan)
    return page


def front_page() -> Page:
    return Page.objects.get(issue__date="2021-03-19", number=1)


def test_a_scan_beside_the_page_is_imported_with_it_and_a_reimport_writes_nothing(tmp_path):
    data = page_scan("PNG")
    day_folder(tmp_path, data, ".png")
    result = import_paths([tmp_path])
    assert result.ok
    page = front_page()
    assert page.has_scan and page.scan_format == "png"
    assert (page.scan_width, page.scan_height) == (1200, 1700)
    assert page.scan_original_name == "2021-03-19_01.png"
    assert page.scan_imported_sha256 == page.scan_sha256
    assert scan_storage().open(page.scan_name).read() == data
    assert result.files[0].counts["scans"]["created"] == 1
    names, history = stored_names(), page.history.count()

    again = import_paths([tmp_path])
    assert again.files[0].status == "unchanged"
    assert stored_names() == names
    assert front_page().history.count() == history


def test_a_new_scan_beside_an_unchanged_page_replaces_the_imported_one(tmp_path):
    day_folder(tmp_path, page_scan("JPEG"))
    import_paths([tmp_path])
    first = front_page().scan_sha256
    (tmp_path / "2021-03-19_01.jpg").write_bytes(page_scan("JPEG", width=1000, height=1400))
    result = import_paths([tmp_path])
    page = front_page()
    assert page.scan_sha256 != first and page.scan_width == 1000
    assert result.files[0].counts["scans"]["updated"] == 1
    assert page.history.first().history_change_reason  # the run and file, as every import writes


def test_a_scan_an_editor_attached_is_kept_by_a_reimport(tmp_path, editor_user):
    day_folder(tmp_path, page_scan("JPEG"))
    import_paths([tmp_path])
    page = front_page()
    set_scan(page, pdf_scan(), "better-scan.pdf", user=editor_user)
    (tmp_path / "2021-03-19_01.jpg").write_bytes(page_scan("JPEG", width=900, height=1300))
    result = import_paths([tmp_path])
    page = front_page()
    assert page.scan_format == "pdf" and page.scan_original_name == "better-scan.pdf"
    assert result.files[0].counts["scans"]["kept"] == 1
    assert any("editor" in note for note in result.files[0].notes)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04" + b"\0" * 200, "not a JPEG, PNG or TIFF image"),
        (page_scan("JPEG")[:5000], "cut short"),
        (pdf_scan(pages=3), "3 pages"),
        (jpeg_claiming(40_000, 40_000), "40,000 x 40,000"),
        ("第一版 要闻\n".encode() * 50, "not a JPEG, PNG or TIFF image"),
    ],
    ids=["zip-as-jpeg", "truncated", "pdf-of-three-pages", "bomb", "text-as-jpeg"],
)
def test_a_refused_scan_fails_its_page_naming_the_scan_and_writes_nothing(tmp_path, data, reason):
    day_folder(tmp_path, data)
    before = stored_names()
    result = import_paths([tmp_path])
    report = result.files[0]
    assert report.failed
    assert "2021-03-19_01.jpg" in report.error and reason in report.error
    assert not Page.objects.exists()
    assert stored_names() == before


def test_a_page_without_a_scan_imports_as_before_and_other_pages_keep_theirs(tmp_path):
    day_folder(tmp_path, page_scan("JPEG"))
    other = tmp_path / "2022-05-01_01.md"
    shutil.copy(SEED_2022, other)
    result = import_paths([tmp_path])
    assert result.ok
    assert front_page().has_scan
    assert not Page.objects.exclude(pk=front_page().pk).get().has_scan


def test_a_dry_run_checks_the_scan_and_stores_nothing(tmp_path):
    day_folder(tmp_path, page_scan("JPEG", width=1111))
    before = stored_names()
    result = import_paths([tmp_path], dry_run=True)
    assert result.ok and result.files[0].counts["scans"]["created"] == 1
    assert stored_names() == before
    day_folder(tmp_path, b"not an image")
    assert import_paths([tmp_path], dry_run=True).files[0].failed


def test_a_scan_named_as_a_page_is_refused_and_a_glob_skips_scans(tmp_path):
    day_folder(tmp_path, page_scan("JPEG"))
    result = import_paths([tmp_path / "2021-03-19_01.jpg"])
    assert result.files[0].failed and "a page scan, not a page" in result.files[0].error
    result = import_paths([str(tmp_path / "*")])
    assert [f.source.rsplit("/", 1)[-1] for f in result.files] == ["2021-03-19_01.md"]
    assert result.ok and front_page().has_scan


def test_a_scan_put_beside_a_page_after_its_import_is_found_by_the_next_one(tmp_path):
    # The folder is listed once, not once a page; a scan added since must still be seen.
    day_folder(tmp_path, None)
    assert import_paths([tmp_path]).ok
    assert not front_page().has_scan
    (tmp_path / "2021-03-19_01.JPG").write_bytes(page_scan("JPEG"))
    again = import_paths([tmp_path])
    assert again.ok and front_page().has_scan and front_page().scan_format == "jpeg"
    (tmp_path / "2021-03-19_01.JPG").unlink()
    (tmp_path / "2021-03-19_01.png").write_bytes(page_scan("PNG", width=800, height=1000))
    assert import_paths([tmp_path]).ok
    assert front_page().scan_format == "png"


def test_a_jpeg_damaged_in_its_middle_imports_then_fails_to_decode_and_is_flagged(tmp_path):
    day_folder(tmp_path, jpeg_damaged_in_the_middle(width=600, height=800))
    result = import_paths([tmp_path])
    assert result.ok  # the check at import reads the structure only
    page = front_page()
    assert page.has_scan and page.scan_verification == ScanVerification.FAILED
    assert "cannot be decoded" in page.scan_verification_error
    flag = ReviewFlag.objects.get(code="scan_unreadable")
    assert flag.issue_id == page.issue_id and "2021-03-19_01.jpg" in flag.message
    assert not Page.objects.with_public_scan().exists()
    # The same scan again writes nothing and is not decoded again.
    assert import_paths([tmp_path]).files[0].status == "unchanged"
    assert ReviewFlag.objects.filter(code="scan_unreadable").count() == 1
