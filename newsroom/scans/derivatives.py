"""IIIF derivatives kept on disk: each image made once, then read back (a cache, safe to delete).

Files live under settings.IIIF_CACHE_DIR, in a folder per scan named by the scan's SHA-256
(``images/3f/3fa2…/``), each named by a hash of the request with every number spelled out
(``ImageRequest.key``) and ``RENDER_VERSION``; a PDF scan's page, rendered once, is
``rendered/3f/3fa2….png``. Nothing in a path comes from a user: the scan's hash is read from
its page row, and the request is hashed. The cache is read only by the views that decided
the reader may see the scan (newsroom/iiif/images.py).

A file is written whole or not at all (a temporary file beside it, then ``os.replace``), so a
reader never sees half a tile; a failed write (a full disk) is logged and the image is served
anyway. With ``IIIF_CACHE_MAX_BYTES`` set, the least recently used files are removed once the
cache grows past it (checked after every tenth of that many bytes written).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# Change it when the images made for a request change (an encoder setting, the resampling):
# files made before are no longer read, and the size bound removes them in time.
RENDER_VERSION = "1"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TEMP_PREFIX = ".tmp-"
# A temporary file this old was left by a process killed while writing: the pruning removes it.
_STALE_TEMP_SECONDS = 3600

_written = 0
_written_lock = threading.Lock()


def cache_root() -> Path:
    return Path(settings.IIIF_CACHE_DIR)


def _scan_folder(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256}"


def image_path(sha256: str, key: str, extension: str) -> Path:
    """Return where the image a request (its ``key``) makes from a scan is kept."""
    digest = hashlib.sha256(f"{RENDER_VERSION}\n{key}".encode()).hexdigest()[:40]
    return cache_root() / "images" / _scan_folder(sha256) / f"{digest}.{extension}"


def rendered_path(sha256: str) -> Path:
    """Return where a PDF scan's page, rendered to pixels, is kept."""
    return cache_root() / "rendered" / f"{_scan_folder(sha256)}.png"


def read(path: Path) -> bytes | None:
    """Return a cached file's bytes, or None when it is not there; mark it as recently used."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        os.utime(path)
    except OSError:
        pass  # removed by a pruning meanwhile: the bytes read are still good
    return data


def write(path: Path, data: bytes) -> bool:
    """Write a cached file atomically; return whether it was written (a failure is only logged)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=_TEMP_PREFIX, delete=False)
        try:
            with handle:
                handle.write(data)
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
    except OSError:
        logger.warning("IIIF cache: could not write %s", path, exc_info=True)
        return False
    _count_written(len(data))
    return True


def _count_written(size: int) -> None:
    global _written
    limit = getattr(settings, "IIIF_CACHE_MAX_BYTES", None)
    if not limit:
        return
    with _written_lock:
        _written += size
        if _written < limit // 10:
            return
        _written = 0
    prune(limit)


def prune(max_bytes: int) -> int:
    """Remove the least recently used files until the cache holds at most 90% of max_bytes.

    Return how many bytes were removed. Temporary files left by a killed writer go too.
    """
    root = cache_root()
    now = time.time()
    files, total, removed = [], 0, 0
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if name.startswith(_TEMP_PREFIX):
                if now - stat.st_mtime > _STALE_TEMP_SECONDS:
                    path.unlink(missing_ok=True)
                continue
            files.append((stat.st_mtime, stat.st_size, path))
            total += stat.st_size
    target = max_bytes * 9 // 10
    for _mtime, size, path in sorted(files):
        if total <= target:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += size
    return removed
