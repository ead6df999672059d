"""Is this file a page scan we accept? Decided by decoding its content, never by its name.

A scan is a JPEG, PNG or TIFF image, or a PDF of one page, within a size limit in bytes and
a pixel limit (a decompression bomb is refused from its header, before anything is decoded).
A truncated or corrupt image is found by decoding it (a JPEG at an eighth of its size, which
still reads every byte of it: cheap enough for an import of 100 pages a second). No Django
here: the limits come from the caller (newsroom/scans/store.py reads them from settings).
"""

from __future__ import annotations

import io
import warnings
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
    """Return what the scan ``data`` (read from ``name``) is; raise ScanError if it is refused."""
    if not data:
        raise ScanError(name, "the file is empty")
    if len(data) > limits.max_bytes:
        raise ScanError(name, f"{len(data):,} bytes; a scan may have at most {limits.max_bytes:,}")
    if data.startswith(b"%PDF-"):
        return _inspect_pdf(data, name, limits)
    return _inspect_image(data, name, limits)


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
    if getattr(image, "n_frames", 1) > 1:
        raise ScanError(name, f"the image holds {image.n_frames} pictures; a page scan is one")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                # At 1/8 of its size, in grey: every byte of the data is still decoded (a cut or
                # broken stream fails), at a fifth of the cost of decoding it whole in colour.
                image.draft("L" if image.mode in ("L", "RGB") else image.mode,
                            (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Exception as error:  # truncated data, a bad checksum, an unreadable compression
        raise ScanError(name, f"the {image.format} image cannot be decoded ({error})") from None
    format_, extension, content_type = IMAGE_FORMATS[image.format]
    return ScanInfo(format_, extension, content_type, width, height)


def pdf_pixels(width_pt: float, height_pt: float, dpi: int = PDF_DPI) -> tuple[int, int]:
    """Return the pixel size a PDF page of this size (in points) is rendered at."""
    scale = dpi / POINTS_PER_INCH
    return max(1, round(width_pt * scale)), max(1, round(height_pt * scale))


def _inspect_pdf(data: bytes, name: str, limits: Limits) -> ScanInfo:
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
            _check_pixels(name, width, height, limits)
            # Render it small: a PDF that opens may still fail to draw (a damaged content stream).
            page.render(scale=min(1.0, 100 / max(width, height))).close()
        except ScanError:
            raise
        except Exception as error:
            raise ScanError(name, f"the PDF page cannot be drawn ({error})") from None
        finally:
            page.close()
    finally:
        document.close()
    return ScanInfo(*PDF, width, height)
