"""Read a page: the entry points that turn a file's bytes or text into a PageRecord."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

from importers.parse.advertisements import read_advertisement
from importers.parse.articles import read_article
from importers.parse.columns import column_spans
from importers.parse.decoding import GB18030, decode_page
from importers.parse.filenames import file_date_flags
from importers.parse.pageheader import read_page_header
from importers.parse.patterns import HEADING_RE
from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import (
    AdvertisementRecord,
    ArticleRecord,
    FlagRecord,
    PageRecord,
    ParseError,
)
from newsroom.lib.bounds import POSITIONS, range_text
from newsroom.lib.flagcodes import DECODED_ENCODING, UNASSIGNED_TEXT

MAX_PAGE_BYTES = 5 * 1024 * 1024


def read_page(data: bytes, source: str) -> PageRecord:
    """Decode a page file's bytes and parse it; refuse empty, binary and oversized files."""
    if not data:
        raise ParseError(
            source, None, "empty file (0 bytes); export the page from the OCR tool again"
        )
    if len(data) > MAX_PAGE_BYTES:
        raise ParseError(
            source,
            None,
            f"file is {len(data):,} bytes, over the {MAX_PAGE_BYTES:,}-byte (5 MB) limit for "
            "one page; check it is a single page's Markdown",
        )
    text, encoding = decode_page(data, source)
    page = parse_page(text, source, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)
    if encoding != GB18030:
        return page  # UTF-8, or an encoding its byte-order mark names: no guess to review
    note = FlagRecord(
        code=DECODED_ENCODING,
        message=f"file is not UTF-8; decoded it as {encoding.upper()} (GBK/GB2312 are subsets)",
        lines=(0, 0),
        params=(("encoding", encoding.upper()),),
    )
    return replace(page, flags=(note, *page.flags))


def read_day(data: bytes, source: str) -> dt.date:
    """Return the date of the issue a page file belongs to, reading its header only (a tenth of
    the time read_page takes); raise ParseError if it cannot be read."""
    if not data or len(data) > MAX_PAGE_BYTES:
        raise ParseError(source, None, "empty or too large")  # read_page says which, and how
    text, _encoding = decode_page(data, source)
    lines = _lines(text)
    return read_page_header(lines[:_first_heading(lines)], source).issue.date


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")


def _first_heading(lines: list[str]) -> int:
    """Return the index of the first ``## `` line (where the header ends), or the line count."""
    return next((i for i, line in enumerate(lines) if HEADING_RE.match(line)), len(lines))


def parse_page(text: str, source: str, *, sha256: str = "", encoding: str = "utf-8") -> PageRecord:
    """Parse a page's Markdown into a PageRecord; raise ParseError for what cannot be read."""
    lines = _lines(text)
    first_heading = _first_heading(lines)
    header = read_page_header(lines[:first_heading], source)
    issue, page_flags = header.issue, list(header.flags)
    page_flags += file_date_flags(source, issue.date, header.where.get("date", (0, "")))
    if issue.publication in KNOWN_PUBLICATIONS:
        page_flags += masthead_mismatches(
            issue, KNOWN_PUBLICATIONS[issue.publication], header.where
        )
    articles, ads, loose = read_columns(lines, first_heading, source, header.page)
    if not articles:
        raise ParseError(
            source,
            None,
            "no articles: found no '## ' heading after the masthead; "
            "each article must start with a line '## headline'",
        )
    page_flags += loose
    return PageRecord(
        source=source,
        sha256=sha256,
        encoding=encoding,
        issue=issue,
        articles=tuple(articles),
        advertisements=tuple(ads),
        flags=tuple(page_flags),
        page=header.page,
        page_name=header.page_name,
        staff=header.staff,
        front=header.front,
    )


def read_columns(
    lines: list[str], start: int, source: str, page: int = 1
) -> tuple[list[ArticleRecord], list[AdvertisementRecord], list[FlagRecord]]:
    """Read every article and advertisement after the header, numbered in page order, on
    page ``page``."""
    articles: list[ArticleRecord] = []
    ads: list[AdvertisementRecord] = []
    loose: list[FlagRecord] = []
    photo_count = 0
    for span in column_spans(lines, start):
        if span.kind == "article":
            check_position("article", len(articles) + 1, span.start + 1, source)
            article = read_article(lines, span, len(articles) + 1, photo_count, source, page)
            for photo in article.photos:
                check_position("photo", photo.position, photo.lines[0], source)
            photo_count += len(article.photos)
            articles.append(article)
        elif span.kind == "ad":
            check_position("advertisement", len(ads) + 1, span.start + 1, source)
            ads.append(replace(read_advertisement(lines, span, len(ads) + 1), page=page))
        elif any(line.strip() for line in lines[span.start : span.end]):
            loose.append(
                FlagRecord(
                    code=UNASSIGNED_TEXT,
                    message="text after an advertisement belongs to no article; "
                    "give it a '## ' heading or delete it",
                    lines=(span.start + 1, span.end),
                    original="\n".join(lines[span.start : span.end]),
                )
            )
    return articles, ads, loose


def check_position(what: str, position: int, line: int, source: str) -> None:
    """Refuse an article, photo or advertisement numbered beyond what a page holds."""
    if position not in POSITIONS:
        raise ParseError(
            source,
            line,
            f"{what} number {position:,} on the page is out of range: positions must be within "
            f"{range_text(POSITIONS)}; split the file into pages",
        )
