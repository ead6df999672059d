"""A page's scan beside its file: found, checked before the page loads, set on the page row.

The OCR tool worked from scans, and each page's scan lies beside its Markdown file with the
same base name (``2021-03-19_02.md`` and ``2021-03-19_02.jpg``; ``.png``, ``.tif`` or ``.pdf``
too; PAGES.md). A scan is optional. A scan that is refused (not really an image or PDF, over
the limits: newsroom/scans/formats.py) fails its page with an error naming the scan, before
anything of the page is written. The check reads the scan's structure only (cheap: see
newsroom/scans/formats.py); the page's scan is pending until the task queue decoded it, queued
when the page's transaction commits (newsroom/editorial/scanchecks.py; ``verify_new_scans``).
A scan is stored under its hash before the page's
transaction (a page that then fails leaves an unreferenced file, never a row naming a missing
file); the same scan imported again writes nothing. A scan an editor attached in the desk
since the last import is theirs: a re-import keeps it (counted as kept).

A scan is read (and hashed) once, when it is needed: to tell whether an unchanged page file
still has the scan it was imported with, or just before its page is parsed; its bytes are
dropped once it is checked and stored, so a batch holds one scan in memory at a time, not 25
(docs/performance.md, "Import CPU, session of 2026-12-06 (helper)"). The stored file is always a
copy written through the storage API, never a hard link to the file beside the page: that file
may later be rewritten in place (``cp new.jpg 2021-03-19_01.jpg`` reuses its inode), which
would change a stored scan under its hash.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from importers.load.files import SCAN_SUFFIXES, PageFile
from importers.load.reports import CREATED, KEPT, UNCHANGED, UPDATED
from importers.records import ParseError
from newsroom.editorial.scanchecks import verify_after_commit
from newsroom.editorial.scans import SCAN_FIELDS, apply_scan
from newsroom.scans.store import ScanError, StoredScan, check, store

# SCAN_SUFFIXES are in order of preference when a page has several (the first is taken, the
# others noted in the report).


@dataclass
class ScanFile:
    """A page's scan beside its file: its name and path; once read its bytes and hash; once
    checked its record (the bytes are then dropped: ``check_and_store``)."""

    name: str
    path: Path | None = None
    others: tuple[str, ...] = ()
    data: bytes | None = None
    sha256: str = ""
    checked: StoredScan | None = None

    def read(self) -> None:
        """Read the scan's bytes and hash them, unless they are in hand; raise ParseError naming
        it if unreadable."""
        if self.data is not None:
            return
        try:
            data = self.path.read_bytes()
        except OSError as error:
            raise ParseError(self.name, None, f"cannot read the scan ({error.strerror})") from error
        self.data, self.sha256 = data, hashlib.sha256(data).hexdigest()

    def forget_bytes(self) -> None:
        """Drop the bytes once they are no longer needed (the hash and the record stay)."""
        self.data = None


@functools.lru_cache(maxsize=8)
def _scans_in(folder: str, mtime_ns: int) -> dict[str, tuple[str, ...]]:
    """Return the scan files of a folder by base name, in order of preference.

    Listed once a folder (not once a page: a day's folder of 2,000 files would otherwise be read
    2,000 times); the folder's modification time is part of the key, so a scan added or removed
    since is seen.
    """
    found: dict[str, list[str]] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                stem, suffix = os.path.splitext(entry.name)
                if suffix.lower() in SCAN_SUFFIXES and entry.is_file():
                    found.setdefault(stem, []).append(entry.name)
    except OSError:
        return {}
    return {stem: tuple(sorted(names, key=lambda n: (SCAN_SUFFIXES.index(os.path.splitext(n)[1].lower()), n)))
            for stem, names in found.items()}


def scan_beside(file: PageFile) -> tuple[Path, tuple[Path, ...]] | None:
    """Return the scan beside a page file (and any other candidates), or None."""
    if file.path is None:
        return None
    folder = file.path.parent
    try:
        mtime_ns = folder.stat().st_mtime_ns
    except OSError:
        return None
    names = _scans_in(str(folder), mtime_ns).get(file.path.stem)
    if not names:
        return None
    return folder / names[0], tuple(folder / name for name in names[1:])


def find_scan(file: PageFile) -> ScanFile | None:
    """Return the scan beside a page file, not read yet (None without one)."""
    beside = scan_beside(file)
    if beside is None:
        return None
    path, others = beside
    return ScanFile(name=str(Path(file.name).with_name(path.name)), path=path,
                    others=tuple(str(Path(file.name).with_name(o.name)) for o in others))


def check_and_store(scan: ScanFile, *, store_it: bool = True) -> None:
    """Check a scan's structure and store it under its hash (unless ``store_it`` is False: a
    dry run); raise ParseError naming it if refused. Its bytes are dropped afterwards (read
    first if they were not: ``ScanFile.read``)."""
    scan.read()
    try:
        scan.checked = check(scan.data, scan.name, sha256=scan.sha256)
    except ScanError as error:
        raise ParseError(scan.name, None, error.reason) from None
    if store_it:
        store(scan.data, scan.checked)
    scan.forget_bytes()


class ScanMixin:
    """PageLoader's part that sets the page's scan (``self.scan``: a checked ScanFile, or None)."""

    scan: ScanFile | None = None
    # The page row this loader gave a new scan (to be decoded once it is written).
    scan_row = None

    def apply_page_scan(self, row) -> bool:
        """Set the file's scan on the page row (not saved); return whether the row changed.

        An editor's scan (the row's scan is not the one the importer last set) is kept.
        """
        scan = self.scan
        if scan is None or scan.checked is None:
            return False
        if row.scan_name and row.scan_sha256 != row.scan_imported_sha256:
            self.report.count("scans", UNCHANGED if row.scan_sha256 == scan.sha256 else KEPT)
            if row.scan_sha256 != scan.sha256:
                self.report.notes.append(f"{scan.name}: the page keeps the scan an editor attached")
            return False
        before = row.scan_imported_sha256
        action = apply_scan(row, scan.checked, Path(scan.name).name, imported=True)
        if action != "unchanged":
            self.scan_row = row
        self.report.count("scans", {"created": CREATED, "updated": UPDATED}.get(action, UNCHANGED))
        for other in scan.others:
            self.report.notes.append(f"{other}: another scan of the page, not imported ({scan.name} was)")
        return action != "unchanged" or before != row.scan_imported_sha256

    def save_page_scan(self, row) -> None:
        """Set the scan on a stored page row and save it with a history record, if it changed."""
        if self.apply_page_scan(row):
            row._change_reason = self.reason
            row.save(update_fields=[*SCAN_FIELDS, "updated_at"])


def verify_new_scans(loaders) -> None:
    """Have the new scans these loaders wrote decoded once their transaction commits (their
    rows are written: called at the end of the page's or the batch's transaction)."""
    verify_after_commit(loader.scan_row.pk for loader in loaders if loader.scan_row is not None)
