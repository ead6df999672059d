"""Cut the page under the masthead into spans: articles, advertisements and loose lines."""

from __future__ import annotations

from dataclasses import dataclass

from importers.parse.patterns import BOLD_LINE_RE, HEADING_RE


@dataclass
class Span:
    """A run of source lines (0-based, end exclusive) that makes one item of the page."""

    kind: str  # "article", "ad" or "loose"
    start: int
    end: int


def column_spans(lines: list[str], start: int) -> list[Span]:
    """Cut the page after the masthead into articles, advertisements and loose lines."""
    spans: list[Span] = []
    index = start
    while index < len(lines):
        if HEADING_RE.match(lines[index]):
            spans.append(Span("article", index, index + 1))
        elif is_ad_start(lines, index, spans):
            end = index + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            spans.append(Span("ad", index, end))
            index = end
            continue
        elif spans and spans[-1].kind != "ad":
            spans[-1].end = index + 1
        else:
            spans.append(Span("loose", index, index + 1))
        index += 1
    return spans


def is_ad_start(lines: list[str], index: int, spans: list[Span]) -> bool:
    """Tell whether a bold line opens an advertisement.

    A bold line with more lines directly under it is an ad block; a bold line on its own
    is an ad only outside an article (inside one it is a bold crosshead).
    """
    if not BOLD_LINE_RE.match(lines[index].strip()):
        return False
    followed = index + 1 < len(lines) and bool(lines[index + 1].strip())
    return followed or not (spans and spans[-1].kind == "article")
