"""Uploads for the intake's tests: files as a browser sends them, zips made here."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def uploaded(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def seed_uploads(names: tuple[str, ...] = ("2021-03-19_01.md", "2022-06-17_01.md")) -> list[SimpleUploadedFile]:
    """The two seed front pages, under the names a day's folder gives them."""
    return [uploaded(name, path.read_bytes()) for name, path in zip(names, seed_files(), strict=True)]


def zipped(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
