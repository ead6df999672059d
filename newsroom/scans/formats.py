"""Is this file a page scan we accept? Decided by its content, never by its name.

A scan is a JPEG, PNG or TIFF image, or a PDF of one page, within a size limit in bytes and
a pixel limit (a decompression bomb is refused from its header, before anything is decoded).

The check is in two steps. ``inspect`` runs when a scan comes in (an import, an upload): it
reads the file's structure only, which costs well under a millisecond for a broadsheet page
(docs/performance.md), and refuses a file of another kind, a bomb, a file cut short (a JPEG
without its end marker, a PNG chunk past the end or failing its checksum, a TIFF strip past
the end), a PDF that does not open or has several pages. ``decode`` then decodes it (a JPEG
at an eighth of its size, which still reads every byte; a PDF page drawn small), which
finds what only a decoder sees: a JPEG whose middle is damaged, a PDF whose page cannot be
drawn. It runs later, in the background (newsroom/editorial/scanchecks.py). No Django here:
the limits come from the caller (newsroom/scans/store.py reads them from settings).
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image

# Pillow's own bomb check must never be the one that answers: ours names the file and the limit.
Image.MAX_IMAGE_PIXELS = None

IMAGE_FORMATS = {"JPEG": ("jpeg", "jpg", "image/jpeg"), "PNG": ("png", "png", "image/png"),
                 "TIFF": ("tiff", "tif", "image/tiff")}
PDF = ("pdf", "pdf", "application/pdf")
# A PDF page is rendered at this resolution for the IIIF service (a scan's usual resolution).
PDF_DPI = 200
POINTS_PER_INCH = 72
# A JPEG ends with its end-of-image marker; some writers pad a little after it.
JPEG_EOI = b"\xff\xd9"
JPEG_TAIL = 4096
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# TIFF tags: where each strip (or tile) starts, and how many bytes it has.
TIFF_PARTS = ((273, 279), (324, 325))


class ScanError(ValueError):
    """A file refused as a scan; the message names the file and says why."""

    def __init__(self, name: str, reason: str):
        self.name, self.reason = name, reason
        super().__init__(f"{name}: {reason}")


@dataclass(frozen=True)
class ScanInfo:
    """What a scan is: its format (jpeg, png, tiff, pdf), file extension, content type, pixels."""

    format: str
    extension: str
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int


def inspect(data: bytes, name: str, limits: Limits) -> ScanInfo:
    """Return what the scan ``data`` (read from ``name``) is, from its structure; raise
    ScanError if it is refused. ``decode`` is the second step."""
    if not data:
        raise ScanError(name, "the file is empty")
    if len(data) > limits.max_bytes:
        raise ScanError(name, f"{len(data):,} bytes; a scan may have at most {limits.max_bytes:,}")
    if data.startswith(b"%PDF-"):
        return _inspect_pdf(data, name, limits)
    return _inspect_image(data, name, limits)


def decode(data: bytes, name: str, format_: str) -> None:
    """Decode a scan ``inspect`` accepted (``format_``: its format); raise ScanError if it cannot be."""
    if format_ == "pdf":
        _draw_pdf(data, name)
        return
    try:
        image = Image.open(io.BytesIO(data), formats=[format_.upper()])
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                # At 1/8 of its size, in grey: every byte of the data is still decoded (a cut or
                # broken stream fails), at a fifth of the cost of decoding it whole in colour.
                image.draft("L" if image.mode in ("L", "RGB") else image.mode,
                            (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except Exception as error:  # a damaged stream, a bad checksum, an unreadable compression
        raise ScanError(name, f"the {format_.upper()} image cannot be decoded ({error})") from None


def _check_pixels(name: str, width: int, height: int, limits: Limits) -> None:
    if width <= 0 or height <= 0:
        raise ScanError(name, f"the image says it is {width} x {height} pixels")
    if width * height > limits.max_pixels:
        raise ScanError(
            name,
            f"{width:,} x {height:,} pixels; a scan may have at most {limits.max_pixels:,} pixels "
            "(a larger one is refused before it is decoded)",
        )


def _inspect_image(data: bytes, name: str, limits: Limits) -> ScanInfo:
    try:
        image = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
    except Exception:
        raise ScanError(name, "not a JPEG, PNG or TIFF image, nor a PDF (judged by its content, not its name)") from None
    width, height = image.size
    _check_pixels(name, width, height, limits)
    try:
        frames = getattr(image, "n_frames", 1)
    except Exception as error:  # a TIFF whose next directory lies past the end
        raise ScanError(name, f"the {image.format} image is damaged ({error})") from None
    if frames > 1:
        raise ScanError(name, f"the image holds {frames} pictures; a page scan is one")
    problem = _STRUCTURE[image.format](data, image)
    if problem:
        raise ScanError(name, f"the {image.format} image is {problem}")
    format_, extension, content_type = IMAGE_FORMATS[image.format]
    return ScanInfo(format_, extension, content_type, width, height)


def _jpeg_structure(data: bytes, image) -> str:
    """Return what is wrong with a JPEG's structure, or "": it must end with its EOI marker."""
    if data.rfind(JPEG_EOI, max(2, len(data) - JPEG_TAIL)) < 0:
        return "cut short (it does not end with the JPEG end marker)"
    return ""


def _png_structure(data: bytes, image) -> str:
    """Return what is wrong with a PNG's chunks, or "": each within the file and its CRC
    right, up to IEND (a PNG cut short, or changed in the middle, fails)."""
    view = memoryview(data)
    offset, size = len(PNG_SIGNATURE), len(data)
    while offset + 12 <= size:
        length, kind = struct.unpack_from(">I4s", data, offset)
        end = offset + 12 + length
        if end > size:
            break
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(view[offset + 4:end - 4]) != crc:
            return f"damaged (its {kind.decode('latin-1')} chunk at byte {offset:,} fails its checksum)"
        if kind == b"IEND":
            return ""
        offset = end
    return "cut short (it has no IEND chunk)"


def _tiff_structure(data: bytes, image) -> str:
    """Return what is wrong with a TIFF's strips or tiles, or "": each within the file."""
    tags = image.tag_v2
    for offsets_tag, counts_tag in TIFF_PARTS:
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if offsets is None:
            continue
        if counts is None:
            return "damaged (it does not say how long its strips are)"
        offsets = offsets if isinstance(offsets, tuple) else (offsets,)
        counts = counts if isinstance(counts, tuple) else (counts,)
        if any(o + c > len(data) for o, c in zip(offsets, counts, strict=False)):
            return "cut short (its image data runs past the end of the file)"
        return ""
    return "damaged (it says nothing of where its image data is)"


_STRUCTURE = {"JPEG": _jpeg_structure, "PNG": _png_structure, "TIFF": _tiff_structure}


def pdf_pixels(width_pt: float, height_pt: float, dpi: int = PDF_DPI) -> tuple[int, int]:
    """Return the pixel size a PDF page of this size (in points) is rendered at."""
    scale = dpi / POINTS_PER_INCH
    return max(1, round(width_pt * scale)), max(1, round(height_pt * scale))


def _inspect_pdf(data: bytes, name: str, limits: Limits) -> ScanInfo:
    """Open the PDF (pdfium reads its cross-reference table and page tree, not its pages'
    content): one page, within the pixel limit at PDF_DPI."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as error:
        raise ScanError(name, f"the PDF cannot be read ({error})") from None
    try:
        count = len(document)
        if count != 1:
            raise ScanError(name, f"the PDF has {count} pages; a page scan is one page (split the PDF first)")
        page = document[0]
        try:
            width, height = pdf_pixels(*page.get_size())
        except Exception as error:
            raise ScanError(name, f"the PDF page cannot be read ({error})") from None
        finally:
            page.close()
        _check_pixels(name, width, height, limits)
    finally:
        document.close()
    return ScanInfo(*PDF, width, height)


def _draw_pdf(data: bytes, name: str) -> None:
    """Draw the PDF's page small: a PDF that opens may still fail to draw (a damaged content stream)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception as error:
        raise ScanError(name, f"the PDF cannot be read ({error})") from None
    try:
        page = document[0]
        try:
            width, height = pdf_pixels(*page.get_size())
            page.render(scale=min(1.0, 100 / max(width, height))).close()
        finally:
            page.close()
    except Exception as error:
        raise ScanError(name, f"the PDF page cannot be drawn ({error})") from None
    finally:
        document.close()
