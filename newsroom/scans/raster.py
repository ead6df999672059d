"""A stored scan as pixels, for the IIIF image server: decoded once, kept while it is in use.

JPEG, PNG and TIFF scans are decoded with Pillow; a PDF scan's page is rendered with pypdfium2
at ``PDF_DPI`` once and kept in the derivative cache as a PNG (lossless), so the next request
decodes that. Pixels come back in mode L (a grey scan) or RGB, the size the page row records.

A viewer asks for many tiles of one page at once, so a few decoded images are kept in this
process (``DECODED_MAX_IMAGES``, at most ``DECODED_MAX_BYTES`` of pixels: a 2,500 x 3,500 colour
page is 26 MB), the most recently used first; while one thread decodes a scan the others
asking for it wait for it rather than decode it too. A request for a small image of a JPEG
(a thumbnail, a zoomed-out tile) decodes it at 1/2, 1/4 or 1/8 of its size (``draft``),
which is several times faster than decoding it whole.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from PIL import Image

from newsroom.scans import derivatives
from newsroom.scans.formats import PDF_DPI, POINTS_PER_INCH
from newsroom.scans.store import open_scan, read_scan

DECODED_MAX_IMAGES = 4
DECODED_MAX_BYTES = 256 * 1024 * 1024
# The reductions a JPEG decoder makes while decoding (libjpeg's DCT scaling).
JPEG_REDUCTIONS = (8, 4, 2, 1)
_PILLOW_FORMATS = {"jpeg": ["JPEG"], "png": ["PNG"], "tiff": ["TIFF"]}


class RasterError(RuntimeError):
    """A stored scan that cannot be turned into pixels (missing, or not what its row says)."""


@dataclass(frozen=True)
class Pixels:
    """A decoded scan: ``image`` (L or RGB) and its size over the full scan's (1.0, or 1/2 ... 1/8)."""

    image: Image.Image
    scale: tuple[float, float]


def pixels(page, reduction: float = 1.0) -> Pixels:
    """Return a page's scan as pixels, decoded at up to ``reduction`` times smaller (JPEG only).

    ``page`` is a Page (or anything with its scan_* fields). An image already decoded at a
    reduction at most the one asked for is used as it is.
    """
    wanted = _jpeg_reduction(reduction) if page.scan_format == "jpeg" else 1
    sha = page.scan_sha256
    for factor in (f for f in JPEG_REDUCTIONS if f <= wanted):
        if (found := _decoded.get((sha, factor))) is not None:
            return found
    with _decoding(sha, wanted):
        if (found := _decoded.get((sha, wanted))) is not None:
            return found
        image = _decode(page, wanted)
        found = Pixels(image, (image.width / page.scan_width, image.height / page.scan_height))
        _decoded.put((sha, wanted), found, _byte_size(image))
        return found


def _jpeg_reduction(reduction: float) -> int:
    return next(f for f in JPEG_REDUCTIONS if f <= max(1.0, reduction))


def _decode(page, reduction: int) -> Image.Image:
    size = (page.scan_width, page.scan_height)
    if page.scan_format == "pdf":
        return _pdf_page(page)
    if page.scan_format not in _PILLOW_FORMATS:
        raise RasterError(f"{page.scan_name}: no decoder for a {page.scan_format!r} scan")
    try:
        with open_scan(page.scan_name) as handle:
            image = Image.open(handle, formats=_PILLOW_FORMATS[page.scan_format])
            # Checked before anything is decoded: the row's size is the one the file had when
            # it was accepted within the pixel limit (newsroom/scans/formats.py).
            if image.size != size:
                raise RasterError(f"{page.scan_name}: {image.size[0]} x {image.size[1]} pixels, "
                                  f"but its page says {size[0]} x {size[1]}")
            if reduction > 1:
                image.draft("RGB" if image.mode not in ("L", "1") else "L",
                            (-(-size[0] // reduction), -(-size[1] // reduction)))
            image.load()
    except FileNotFoundError:
        raise RasterError(f"{page.scan_name}: the scan is not in the scans storage") from None
    return _plain(image)


def _plain(image: Image.Image) -> Image.Image:
    """Return the image in mode L (grey) or RGB: transparency on white, 16 bits to 8, CMYK to RGB."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat.convert("L") if image.mode in ("LA", "La") else flat
    return image.convert("RGB")


def _pdf_page(page) -> Image.Image:
    """Return a PDF scan's page as pixels: rendered once, then read from the derivative cache."""
    path = derivatives.rendered_path(page.scan_sha256)
    size = (page.scan_width, page.scan_height)
    if (data := derivatives.read(path)) is not None:
        image = Image.open(io.BytesIO(data), formats=["PNG"])
        if image.size == size:
            image.load()
            return _plain(image)
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(read_scan(page.scan_name))
    except FileNotFoundError:
        raise RasterError(f"{page.scan_name}: the scan is not in the scans storage") from None
    try:
        pdf_page = document[0]
        try:
            bitmap = pdf_page.render(scale=PDF_DPI / POINTS_PER_INCH)
            image = _plain(bitmap.to_pil())
            bitmap.close()
        finally:
            pdf_page.close()
    finally:
        document.close()
    if image.size != size:
        # pdfium rounds the page's size its own way; the row's size is the one info.json gave.
        image = image.resize(size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    derivatives.write(path, buffer.getvalue())
    return image


def _byte_size(image: Image.Image) -> int:
    return image.width * image.height * len(image.getbands())


class _DecodedImages:
    """The few most recently used decoded scans, bounded in number and in bytes (thread-safe)."""

    def __init__(self):
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key, value, size: int) -> None:
        max_images = getattr(settings, "IIIF_DECODED_MAX_IMAGES", DECODED_MAX_IMAGES)
        max_bytes = getattr(settings, "IIIF_DECODED_MAX_BYTES", DECODED_MAX_BYTES)
        if size > max_bytes:
            return  # larger than the whole budget: decoded for this request only
        with self._lock:
            self._items[key] = (value, size)
            self._items.move_to_end(key)
            while len(self._items) > max_images or sum(s for _v, s in self._items.values()) > max_bytes:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_decoded = _DecodedImages()
_decoding_locks: dict = {}
_decoding_guard = threading.Lock()


@contextmanager
def _decoding(sha: str, factor: int):
    """Hold the lock for decoding one scan at one reduction: one decoder at a time for each."""
    key = (sha, factor)
    with _decoding_guard:
        lock, users = _decoding_locks.get(key, (threading.Lock(), 0))
        _decoding_locks[key] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _decoding_guard:
            lock, users = _decoding_locks[key]
            if users == 1:
                del _decoding_locks[key]
            else:
                _decoding_locks[key] = (lock, users - 1)


def forget() -> None:
    """Drop every decoded scan this process keeps (tests; a scan replaced has a new hash anyway)."""
    _decoded.clear()
