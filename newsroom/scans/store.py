"""Where scans are kept: the ``scans`` storage (settings.STORAGES), each file named by its hash.

The name is the SHA-256 of the bytes (``3f/a2/3fa2…e1.jpg``), so the same scan is written
once however many times it is imported or uploaded, two pages never share a name by accident,
and no part of a name comes from what a user chose. A scan is checked from its structure
(``formats.inspect``) before anything is written; a failed write leaves no file behind
(``store`` writes the whole file or removes what it wrote). ``decode_stored`` is the second
step of the check, on the stored file (newsroom/editorial/scanchecks.py runs it in the background).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from newsroom.scans.formats import Limits, ScanError, ScanInfo, decode, inspect

__all__ = ["ScanError", "StoredScan", "check", "decode_stored", "limits", "open_scan", "scan_storage", "store"]


def scan_storage():
    return storages["scans"]


def limits() -> Limits:
    return Limits(max_bytes=settings.SCAN_MAX_BYTES, max_pixels=settings.SCAN_MAX_PIXELS)


@dataclass(frozen=True)
class StoredScan:
    """A checked scan: what it is, its hash and the name it has (or will have) in storage."""

    info: ScanInfo
    sha256: str
    size: int

    @property
    def name(self) -> str:
        return f"{self.sha256[:2]}/{self.sha256[2:4]}/{self.sha256}.{self.info.extension}"


def check(data: bytes, name: str, *, sha256: str | None = None) -> StoredScan:
    """Return the scan ``data`` as it would be stored; raise ScanError naming ``name`` if its
    structure is refused (``decode_stored`` decodes it, later).

    ``sha256``: the data's digest when the caller has computed it already.
    """
    info = inspect(data, name, limits())
    return StoredScan(info=info, sha256=sha256 or hashlib.sha256(data).hexdigest(), size=len(data))


def store(data: bytes, scan: StoredScan) -> bool:
    """Write the scan under its hash name unless it is there already; return whether it wrote."""
    storage = scan_storage()
    if storage.exists(scan.name):
        if storage.size(scan.name) == scan.size:
            return False
        # A copy cut short (a process killed while writing it): write it again.
        storage.delete(scan.name)
    try:
        saved = storage.save(scan.name, ContentFile(data))
    except Exception:
        # A backend that failed half-way may have left part of the file: remove it.
        try:
            storage.delete(scan.name)
        except Exception:
            pass
        raise
    if saved != scan.name:
        # Another writer got there between exists() and save(): the same bytes, keep one copy.
        storage.delete(saved)
    return True


def open_scan(name: str):
    """Open a stored scan for reading (a Django File)."""
    return scan_storage().open(name, "rb")


def read_scan(name: str) -> bytes:
    with open_scan(name) as handle:
        return handle.read()


def decode_stored(name: str, format_: str, label: str) -> None:
    """Decode the stored scan ``name`` (of this format); raise ScanError naming ``label`` if it
    cannot be decoded. A file storage cannot read raises its own error (OSError): the scan
    stays unverified, to be tried again, rather than be judged by a failed read."""
    decode(read_scan(name), label, format_)
