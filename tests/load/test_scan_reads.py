"""How the importer reads and stores a page's scan: a copy of its own, read once, one at a time."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage

from importers.load import import_paths
from importers.load.scans import ScanFile
from newsroom.models import Page
from newsroom.scans.store import scan_storage
from tests.load.pages import SEED_2021, SEED_2022
from tests.scans import page_scan

pytestmark = pytest.mark.django_db


def two_pages_with_scans(tmp_path) -> dict[str, bytes]:
    scans = {}
    for seed, stem, width in ((SEED_2021, "2021-03-19_01", 900), (SEED_2022, "2022-05-01_01", 1000)):
        shutil.copy(seed, tmp_path / f"{stem}.md")
        scans[stem] = page_scan("JPEG", width=width, height=1300)
        (tmp_path / f"{stem}.jpg").write_bytes(scans[stem])
    return scans


def stored_path(page: Page) -> Path:
    storage = scan_storage()
    assert isinstance(storage, FileSystemStorage)  # the tests' settings: a local folder
    return Path(storage.path(page.scan_name))


def test_the_stored_scan_is_a_copy_that_survives_its_source_rewritten_in_place_and_deleted(tmp_path):
    # A copy, never a hard link: `cp new.jpg 2021-03-19_01.jpg` rewrites the source's inode in
    # place, which would change a linked stored scan under its hash.
    scans = two_pages_with_scans(tmp_path)
    assert import_paths([tmp_path]).ok
    source = tmp_path / "2021-03-19_01.jpg"
    page = Page.objects.get(issue__date="2021-03-19", number=1)
    stored = stored_path(page)
    assert stored.stat().st_ino != source.stat().st_ino
    assert source.stat().st_nlink == 1

    with open(source, "r+b") as handle:  # rewritten in place: same inode, other bytes
        handle.write(b"\0" * 4096)
    assert stored.read_bytes() == scans["2021-03-19_01"]
    source.unlink()
    assert stored.read_bytes() == scans["2021-03-19_01"]
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == page.scan_sha256


def test_a_batch_holds_one_scan_in_memory_at_a_time_and_reads_each_once(tmp_path, monkeypatch):
    two_pages_with_scans(tmp_path)
    reads: list[ScanFile] = []
    original = ScanFile.read

    def read(scan: ScanFile) -> None:
        if scan.data is None:
            # Every scan read before this one has been stored and its bytes dropped.
            assert all(other.data is None for other in reads)
            reads.append(scan)
        original(scan)

    monkeypatch.setattr(ScanFile, "read", read)
    result = import_paths([tmp_path])
    assert result.ok and [f.counts["scans"]["created"] for f in result.files] == [1, 1]
    assert sorted(Path(scan.name).name for scan in reads) == ["2021-03-19_01.jpg", "2022-05-01_01.jpg"]
    assert all(scan.data is None and scan.checked is not None for scan in reads)

    # Unchanged files: each scan is read once, to see it is the one imported, then dropped.
    reads.clear()
    again = import_paths([tmp_path])
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert len(reads) == 2 and all(scan.data is None for scan in reads)


@pytest.mark.parametrize("unchanged_page", [False, True], ids=["new-page", "unchanged-page"])
def test_a_scan_that_cannot_be_read_fails_its_page_naming_the_scan(tmp_path, monkeypatch, unchanged_page):
    two_pages_with_scans(tmp_path)
    if unchanged_page:
        assert import_paths([tmp_path]).ok
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "2021-03-19_01.jpg":
            raise PermissionError(13, os.strerror(13), str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    before = Page.objects.count()
    result = import_paths([tmp_path])
    failed, other = result.files
    assert failed.failed
    assert "2021-03-19_01.jpg" in failed.error and "cannot read the scan" in failed.error
    assert not other.failed
    assert other.status == ("unchanged" if unchanged_page else "created")
    assert Page.objects.count() == (before if unchanged_page else 1)
