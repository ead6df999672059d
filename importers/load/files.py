"""Which files an import reads, and reading one: paths, folders and globs to page files."""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from django.conf import settings

from importers.parse import MAX_PAGE_BYTES, decode_page, read_day, read_page
from importers.records import PageRecord, ParseError

# Files a folder argument stands for.
PAGE_SUFFIXES = (".txt", ".md")


# Scans beside the pages (importers/load/scans.py), in this order of preference.
SCAN_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf")


@dataclass(frozen=True)
class PageFile:
    """A file an argument named (``path``), or an argument that named nothing (``error``)."""

    name: str
    path: Path | None = None
    error: str = ""


def expand_paths(paths: Iterable[str | Path]) -> list[PageFile]:
    """Return the files that files, folders (their *.txt and *.md) and globs name, in order."""
    found: list[PageFile] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.append(PageFile(name=_display(path), path=path))

    for argument in paths:
        path = Path(argument)
        if path.is_dir():
            for child in _pages_in(path):
                add(child)
        elif path.is_file() and path.suffix.lower() in SCAN_SUFFIXES:
            found.append(PageFile(name=_display(path), error=(
                f"{_display(path)}: a page scan, not a page; import the page's Markdown file beside it "
                "(its scan comes with it)")))
        elif path.is_file():
            add(path)
        else:
            matches = sorted(glob.glob(str(argument), recursive=True))
            # A glob over a day's folder also matches the scans beside the pages: they come with
            # their pages (importers/load/scans.py), not as pages of their own.
            files = [Path(m) for m in matches if Path(m).is_file() and Path(m).suffix.lower() not in SCAN_SUFFIXES]
            for match in matches:
                if Path(match).is_dir():
                    files.extend(_pages_in(Path(match)))
            if not files:
                found.append(PageFile(name=str(argument), error=f"{argument}: no such file or folder"))
            for file in files:
                add(file)
    return found


def _pages_in(folder: Path) -> list[Path]:
    """Return the page files (*.txt and *.md) directly in a folder, by name."""
    return sorted(
        child for child in folder.iterdir()
        if child.is_file() and child.suffix.lower() in PAGE_SUFFIXES
    )


def _display(path: Path) -> str:
    """Return a path as short as it can be told: relative to the working or project folder."""
    resolved = path.resolve()
    for base in (Path.cwd(), Path(settings.BASE_DIR)):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def read_file(file: PageFile) -> tuple[PageRecord, str, int]:
    """Read and parse one file; return the page, its decoded text and its size in bytes.

    Raises ParseError for a file that is missing, unreadable, too large or not a page;
    a file over the parser's limit for one page is refused before it is read.
    """
    return parse_file(file, read_bytes(file))


def read_bytes(file: PageFile) -> bytes:
    """Return a file's bytes; raise ParseError if it is missing, unreadable or too large (a file
    over the parser's limit for one page is refused before it is read)."""
    if file.error:
        raise ParseError(file.name, None, file.error.removeprefix(f"{file.name}: "))
    try:
        size = file.path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise ParseError(
                file.name,
                None,
                f"file is {size / 1024 / 1024:.1f} MB, over the {MAX_PAGE_BYTES / 1024 / 1024:.0f} "
                "MB limit for one page; check it is a single page's Markdown (not read)",
            )
        return file.path.read_bytes()
    except OSError as error:
        raise ParseError(file.name, None, f"cannot read the file ({error.strerror})") from error


def parse_file(file: PageFile, data: bytes) -> tuple[PageRecord, str, int]:
    """Parse a file's bytes; return the page, its decoded text and its size in bytes."""
    page = read_page(data, file.name)
    text, _encoding = decode_page(data, file.name)  # as the parser read it: without a BOM
    return page, text, len(data)


class DatedFile(NamedTuple):
    """A file of a run, the date of the issue its page belongs to, and its place among the files."""

    day: dt.date | None
    position: int  # 0-based, in the order the run was given its files
    file: PageFile


def by_day(files: list[PageFile]) -> list[DatedFile]:
    """Return the files with the date of the issue each one's page belongs to, each day's pages
    together and days in order; files that do not read come last, with no date. Stable: a day's
    files keep the order they were given in.

    A run loads them in this order: a batch then holds whole issues (written together, joined
    once), and each worker process of a parallel run gets whole days, so no two processes
    load pages of one issue at once. Only each file's header is read for it (read_day).
    """
    days = [_day(file) for file in files]
    order = sorted(range(len(files)), key=lambda i: (days[i] is None, days[i] or dt.date.min, i))
    return [DatedFile(days[i], i, files[i]) for i in order]


def _day(file: PageFile) -> dt.date | None:
    """Return the date of the issue of a file's page, or None if it cannot be read (the load
    says why)."""
    try:
        return read_day(read_bytes(file), file.name)
    except ParseError:
        return None


def iter_pages(paths: Iterable[str | Path]) -> Iterator[tuple[str, PageRecord | None, str]]:
    """Yield (file name, parsed page or None, error message) for each file, one at a time."""
    for file in expand_paths(paths):
        try:
            page, _text, _size = read_file(file)
        except ParseError as error:
            yield file.name, None, str(error)
        else:
            yield file.name, page, ""
