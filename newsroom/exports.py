"""Yearly bulk exports of the public archive: ninjs as JSON Lines, and the plain text.

``manage.py export_archive`` writes, for each year, two gzip files into ``EXPORT_DIR``
(``NEWSROOM_DATA_DIR/exports``):

* ``<paper>-<year>-ninjs.jsonl.gz``: one IPTC ninjs 2.x item a line, exactly what the API's
  ``/api/v1/articles/{id}/ninjs/`` answers an anonymous client;
* ``<paper>-<year>-text.txt.gz``: each article as a reader prints it, a header (date, page,
  heading, byline) and its paragraphs, articles separated by a line of ``=``.

Only what the API shows an anonymous client goes in (the same QuerySet: nothing withdrawn,
nothing in a held issue). Files are written beside their final name and renamed when whole,
so a reader never downloads half a file, and ``index.json`` lists each file with its size,
SHA-256, article count and when it was made: the download page (archive/exports.py) reads only
that list, so no address a user types can name another file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

INDEX = "index.json"
CHUNK = 500


@dataclass(frozen=True)
class ExportFile:
    name: str
    year: int
    kind: str  # "ninjs" | "text"
    articles: int
    size: int
    sha256: str
    made_at: str


def export_dir() -> Path:
    return Path(settings.EXPORT_DIR)


def read_index() -> list[ExportFile]:
    """Return the files the last exports made (newest year first); [] before any export."""
    try:
        entries = json.loads((export_dir() / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted((ExportFile(**entry) for entry in entries), key=lambda f: (-f.year, f.kind))


def _articles(year: int):
    from newsroom.api.views import article_queryset

    return (article_queryset(AnonymousUser()).as_read().filter(issue__date__year=year)
            .order_by("issue__date", "issue__edition", "page", "position", "pk"))


def _text_of(article) -> str:
    issue = article.issue
    pages = "、".join(f"第{n}版" for n in dict.fromkeys(part.page for part in article.parts()))
    byline = "、".join(dict.fromkeys(c.person.name for c in article.credits.all()))
    lines = [f"{issue.publication.name} {issue.date.isoformat()} {pages}", article.full_heading]
    if byline:
        lines.append(byline)
    lines.append("")
    lines += [block.text for block in article.blocks]
    return "\n".join(lines)


class _AtomicGzip:
    """A gzip file written under a temporary name and renamed into place once whole."""

    def __init__(self, path: Path):
        self.path = path
        handle, self.temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        os.close(handle)
        self.digest = hashlib.sha256()
        self._raw = open(self.temporary, "wb")  # closed by finish() or abort()
        self._gzip = gzip.GzipFile(filename=path.name.removesuffix(".gz"), mode="wb", fileobj=self, mtime=0)

    def write(self, data: bytes) -> int:  # called by GzipFile with compressed bytes
        self.digest.update(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()

    def line(self, text: str) -> None:
        self._gzip.write(text.encode("utf-8") + b"\n")

    def finish(self) -> tuple[int, str]:
        self._gzip.close()
        self._raw.close()
        os.replace(self.temporary, self.path)
        return self.path.stat().st_size, self.digest.hexdigest()

    def abort(self) -> None:
        self._raw.close()
        Path(self.temporary).unlink(missing_ok=True)


def export_year(year: int, *, slug: str | None = None) -> list[ExportFile]:
    """Write the year's two files and record them in the index; return them."""
    from newsroom.api.ninjs import article_ninjs

    folder = export_dir()
    folder.mkdir(parents=True, exist_ok=True)
    slug = slug or settings.EXPORT_PREFIX
    ninjs_file = _AtomicGzip(folder / f"{slug}-{year}-ninjs.jsonl.gz")
    text_file = _AtomicGzip(folder / f"{slug}-{year}-text.txt.gz")
    count = 0
    try:
        for article in _articles(year).iterator(chunk_size=CHUNK):
            ninjs_file.line(json.dumps(article_ninjs(article), ensure_ascii=False, separators=(",", ":")))
            if count:
                text_file.line("\n" + "=" * 40 + "\n")
            text_file.line(_text_of(article))
            count += 1
    except BaseException:
        ninjs_file.abort()
        text_file.abort()
        raise
    made_at = timezone.now().isoformat(timespec="seconds")
    made = []
    for kind, handle in (("ninjs", ninjs_file), ("text", text_file)):
        size, sha256 = handle.finish()
        made.append(ExportFile(handle.path.name, year, kind, count, size, sha256, made_at))
    _record(made)
    return made


def _record(made: list[ExportFile]) -> None:
    """Put the new files in the index (replacing those of the same names), written atomically."""
    names = {f.name for f in made}
    entries = [f for f in read_index() if f.name not in names] + made
    folder = export_dir()
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump([asdict(f) for f in entries], out, ensure_ascii=False, indent=2)
    os.replace(temporary, folder / INDEX)


def years_with_public_articles() -> list[int]:
    """The years the archive has public articles in (what ``--all`` exports)."""
    from newsroom.models import Article

    dates = Article.objects.public().dates("issue__date", "year")
    return [d.year for d in dates]


def file_named(name: str) -> tuple[ExportFile, Path] | None:
    """Return an exported file listed in the index by that exact name, with its path; else None."""
    for entry in read_index():
        if entry.name == name:
            path = export_dir() / entry.name
            return (entry, path) if path.is_file() else None
    return None
