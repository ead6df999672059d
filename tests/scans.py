"""Scans for tests, made here: Pillow draws a page's text with a CJK font from Debian's packages.

Never downloaded, never committed: ``page_scan`` draws the first lines of a seed page (or any
text) onto a white page, as JPEG, PNG or TIFF bytes; ``pdf_scan`` wraps such an image in a
one-page PDF (Pillow writes it; pypdfium2 reads it back). The font is found with fc-list
(fonts-wqy-microhei, installed by ``make test`` through scripts/ensure-chromium).
"""

from __future__ import annotations

import functools
import io
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@functools.cache
def cjk_font_path() -> str:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                                check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        listed = ""
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip())
    if files:
        return files[0]
    raise RuntimeError("no CJK font: install fonts-wqy-microhei (make test does, scripts/ensure-chromium)")


def seed_lines(limit: int = 40) -> list[str]:
    """The first lines of the first seed page, as the scan of it prints them."""
    first = sorted(p for p in SEEDS.iterdir() if p.suffix in (".md", ".txt"))[0]
    lines = [line.strip("# ").strip() for line in first.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line][:limit]


def page_image(width: int = 1200, height: int = 1700, lines: list[str] | None = None) -> Image.Image:
    """A white page with text drawn on it in a CJK font (a scan of a page, small)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    size = max(12, width // 40)
    font = ImageFont.truetype(cjk_font_path(), size)
    y = size
    for line in lines if lines is not None else seed_lines():
        if y > height - 2 * size:
            break
        draw.text((size, y), line[:38], fill="black", font=font)
        y += int(size * 1.6)
    draw.rectangle([2, 2, width - 3, height - 3], outline="black", width=2)
    return image


def page_scan(fmt: str = "JPEG", **kwargs) -> bytes:
    """The bytes of a page scan in this format (JPEG, PNG, TIFF)."""
    buffer = io.BytesIO()
    page_image(**kwargs).save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def pdf_scan(pages: int = 1, **kwargs) -> bytes:
    """A PDF holding the page image (on ``pages`` pages)."""
    image = page_image(**kwargs)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=100.0, save_all=pages > 1, append_images=[image] * (pages - 1))
    return buffer.getvalue()
