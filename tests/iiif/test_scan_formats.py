"""Hostile files offered as scans: judged by their content, refused with the file's name, and a
refused file changes no page and writes nothing to the scans storage.

The check when a scan comes in reads its structure only (``check``: no pixel is decoded); what
only a decoder finds (a JPEG damaged in its middle) is found by ``decode``, run in the
background (tests/iiif/test_scan_verification.py)."""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib

import pytest
from PIL import Image, ImageFile

from newsroom.editorial import ScanError, set_scan
from newsroom.editorial.scans import SCAN_FIELDS
from newsroom.scans.formats import decode
from newsroom.scans.store import check, scan_storage
from tests.factories import make_page
from tests.scans import page_scan, pdf_scan

pytestmark = pytest.mark.django_db


def stored_names() -> set[str]:
    """Every file in the scans storage (names are aa/bb/<sha256>.<ext>)."""
    storage = scan_storage()
    if not storage.exists(""):
        return set()
    names = set()
    for first in storage.listdir("")[0]:
        for second in storage.listdir(first)[0]:
            names |= {f"{first}/{second}/{name}" for name in storage.listdir(f"{first}/{second}")[1]}
    return names


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header says width x height (8-bit RGB) but whose pixel data is one short row."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is rewritten to claim width x height."""
    data = bytearray(page_scan("JPEG", width=64, height=64, lines=[]))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page.jpg", page_scan("JPEG", width=64, height=64, lines=[]))
    return buffer.getvalue()


def gif_file() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, "GIF")
    return buffer.getvalue()


# --- What the check accepts --------------------------------------------------------------------


def test_a_png_named_jpg_is_accepted_as_the_png_it_is():
    scan = check(page_scan("PNG", width=120, height=170), "2021-03-19_02.jpg")
    assert (scan.info.format, scan.info.extension, scan.info.content_type) == ("png", "png", "image/png")
    assert (scan.info.width, scan.info.height) == (120, 170)
    assert scan.name.endswith(".png") and "2021-03-19" not in scan.name


def test_a_jpeg_a_tiff_and_a_one_page_pdf_are_accepted():
    assert check(page_scan("JPEG", width=120, height=170), "a.png").info.format == "jpeg"
    assert check(page_scan("TIFF", width=120, height=170), "a.tif").info.format == "tiff"
    pdf = check(pdf_scan(width=120, height=170), "a.pdf").info
    # A PDF page is measured at 200 dpi: 120 px at 100 dpi (Pillow's PDF) is 240 px.
    assert (pdf.format, pdf.width, pdf.height) == ("pdf", 240, 340)


# --- What it refuses, and says why ---------------------------------------------------------------


def _truncated_jpeg() -> bytes:
    data = page_scan("JPEG", width=600, height=800)
    return data[: len(data) // 2]


def _truncated_png() -> bytes:
    data = page_scan("PNG", width=600, height=800)
    return data[: len(data) // 2]


def _truncated_tiff() -> bytes:
    data = page_scan("TIFF", width=600, height=800)
    return data[: len(data) // 2]


def _png_changed_in_the_middle() -> bytes:
    """A PNG with one byte of its image data changed (its chunk's checksum no longer fits)."""
    data = bytearray(page_scan("PNG", width=600, height=800))
    middle = data.index(b"IDAT") + 100
    data[middle] ^= 0xFF
    return bytes(data)


def jpeg_damaged_in_the_middle(**kwargs) -> bytes:
    """A JPEG whose middle is overwritten with a stray marker: whole in its structure (it starts
    and ends as a JPEG must), but no decoder can read it."""
    data = bytearray(page_scan("JPEG", **kwargs))
    middle = len(data) // 2
    data[middle:middle + 16] = b"\xff\xd8" * 8
    return bytes(data)


HOSTILE = {
    "a text file named .jpg": ("notes.jpg", lambda: "第一版 要闻\n".encode() * 50, "not a JPEG, PNG or TIFF"),
    "an HTML page named .png": ("page.png", lambda: b"<html><script>alert(1)</script></html>", "not a JPEG"),
    "a zip disguised as a JPEG": ("scan.jpg", zip_file, "not a JPEG, PNG or TIFF"),
    "a GIF": ("scan.gif", gif_file, "not a JPEG, PNG or TIFF"),
    "a truncated JPEG": ("cut.jpg", _truncated_jpeg, "cut short"),
    "a truncated PNG": ("cut.png", _truncated_png, "cut short"),
    "a truncated TIFF": ("cut.tif", _truncated_tiff, "TIFF"),
    "a PNG changed in its middle": ("changed.png", _png_changed_in_the_middle, "fails its checksum"),
    "a PDF of three pages": ("three.pdf", lambda: pdf_scan(pages=3, width=120, height=170), "3 pages"),
    "a PDF cut short": ("cut.pdf", lambda: pdf_scan(width=120, height=170)[:400], "PDF"),
    "an empty file": ("empty.jpg", lambda: b"", "empty"),
    "a PNG claiming 40,000 x 40,000 pixels": ("bomb.png", lambda: png_header_only(40_000, 40_000), "40,000 x 40,000"),
    "a JPEG claiming 40,000 x 40,000 pixels": ("bomb.jpg", lambda: jpeg_claiming(40_000, 40_000), "40,000 x 40,000"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_message_naming_it(case):
    name, make, reason = HOSTILE[case]
    with pytest.raises(ScanError) as refused:
        check(make(), name)
    assert str(refused.value).startswith(f"{name}: ")
    assert reason in str(refused.value)


def _no_decoding(monkeypatch):
    def no_decoding(self, *args, **kwargs):
        raise AssertionError("the check at import decoded pixels")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)


@pytest.mark.parametrize("case", list(HOSTILE))
def test_every_hostile_file_is_refused_from_its_structure_without_decoding(case, monkeypatch):
    name, make, reason = HOSTILE[case]
    data = make()
    _no_decoding(monkeypatch)
    with pytest.raises(ScanError, match=reason):
        check(data, name)


def test_a_sound_scan_passes_the_check_without_decoding_and_decodes(monkeypatch):
    scans = {"a.jpg": page_scan("JPEG", width=300, height=420), "a.png": page_scan("PNG", width=300, height=420),
             "a.tif": page_scan("TIFF", width=300, height=420), "a.pdf": pdf_scan(width=300, height=420)}
    with monkeypatch.context() as patched:
        _no_decoding(patched)
        checked = {name: check(data, name) for name, data in scans.items()}
    for name, data in scans.items():
        decode(data, name, checked[name].info.format)  # no error


def test_a_jpeg_damaged_in_its_middle_passes_the_check_and_fails_to_decode_naming_it():
    data = jpeg_damaged_in_the_middle(width=600, height=800)
    scan = check(data, "2021-03-19_02.jpg")
    assert scan.info.format == "jpeg"
    with pytest.raises(ScanError, match=r"^2021-03-19_02\.jpg: the JPEG image cannot be decoded"):
        decode(data, "2021-03-19_02.jpg", "jpeg")


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding(monkeypatch):
    bombs = (png_header_only(40_000, 40_000), jpeg_claiming(40_000, 40_000))

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded a file its header already refuses")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    started = time.perf_counter()
    for data in bombs:
        with pytest.raises(ScanError, match="before it is decoded"):
            check(data, "bomb")
    assert time.perf_counter() - started < 1


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(settings):
    settings.SCAN_MAX_BYTES = 1000
    data = page_scan("PNG", width=300, height=300)
    assert len(data) > 1000
    with pytest.raises(ScanError) as refused:
        check(data, "big.png")
    assert str(refused.value) == f"big.png: {len(data):,} bytes; a scan may have at most 1,000"


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.SCAN_MAX_PIXELS = 100 * 100
    with pytest.raises(ScanError, match=r"^wide\.png: 101 x 100 pixels"):
        check(page_scan("PNG", width=101, height=100, lines=[]), "wide.png")


# --- A refused file changes nothing ---------------------------------------------------------------


@pytest.fixture
def scanned_page(issue, editor_user):
    """Page 2, with a scan attached by an editor."""
    page = make_page(issue=issue, number=2)
    set_scan(page, page_scan("JPEG", width=120, height=170), "2021-03-19_02.jpg", user=editor_user)
    return page


def _row(page) -> dict:
    page.refresh_from_db()
    return {field: getattr(page, field) for field in SCAN_FIELDS}


@pytest.mark.parametrize("case", ["a text file named .jpg", "a truncated PNG", "a zip disguised as a JPEG",
                                  "a PDF of three pages", "a PNG claiming 40,000 x 40,000 pixels", "an empty file"])
def test_a_refused_scan_leaves_the_page_as_it_was_and_writes_no_file(case, scanned_page, editor_user):
    name, make, _reason = HOSTILE[case]
    before, files, history = _row(scanned_page), stored_names(), scanned_page.history.count()
    with pytest.raises(ScanError) as refused:
        set_scan(scanned_page, make(), name, user=editor_user)
    assert name in str(refused.value)
    assert _row(scanned_page) == before
    assert stored_names() == files
    assert scanned_page.history.count() == history


def test_a_scan_over_the_size_limit_leaves_a_page_without_a_scan_without_one(issue, editor_user, settings):
    settings.SCAN_MAX_BYTES = 1000
    page = make_page(issue=issue, number=3)
    files = stored_names()
    with pytest.raises(ScanError, match=r"^big\.png: "):
        set_scan(page, page_scan("PNG", width=300, height=300), "big.png", user=editor_user)
    page.refresh_from_db()
    assert not page.has_scan and page.scan_sha256 == ""
    assert stored_names() == files


def test_a_png_named_jpg_is_stored_as_png_and_keeps_the_name_it_came_with(issue, editor_user):
    page = make_page(issue=issue, number=4)
    change = set_scan(page, page_scan("PNG", width=120, height=170), "2021-03-19_04.jpg", user=editor_user)
    page.refresh_from_db()
    assert change.action == "created"
    assert (page.scan_format, page.scan_original_name) == ("png", "2021-03-19_04.jpg")
    assert page.scan_name.endswith(".png") and page.scan_name in stored_names()
