"""Read jump lines and continuation markers: one article printed on several pages.

An article cut at the foot of a page ends with a jump line, on its own line or at the very
end of its last paragraph: (下转第3版), （下转第三版）, 下转2版, (转第4版), （下转4版）. The
jump leaves the body (a ``jump_line`` repair, undone like the others) and becomes the
article's ``JumpRecord``; the cut may fall mid-sentence (``mid_sentence``) or between
paragraphs. A page reference inside a sentence, （这个通牒见第五版）, 详见第5版, is text.

The rest of the article, on a later page, opens with a continuation marker:
``## (上接第1版)`` alone, a ``## `` heading repeating the headline (whole or shortened) with
the marker before or after it, or a first paragraph opening with the marker under a repeated
headline. The marker leaves the heading or paragraph and becomes the ``ContinuationRecord``.
A repeated headline without any marker cannot be told from a new article on the page alone:
the loader matches it against the jumps that point to the page.
"""

from __future__ import annotations

import re

from importers.parse.drafts import Entry
from importers.parse.pagenumbers import PAGE_NUMBER, page_number
from importers.parse.paragraphs import Paragraph
from importers.records import ContinuationRecord
from newsroom.lib.flagcodes import JUMP_LINE, REMOVED_FURNITURE

# A jump says where the article goes on: 下转, 转, 转至, 下接, 接, then the page.
JUMP = rf"(?:下转|转至|转|下接|接)\s*第?\s*(?P<page>{PAGE_NUMBER})\s*版"
# A jump alone on its line, in brackets or not.
JUMP_ALONE_RE = re.compile(rf"[(（]?\s*{JUMP}\s*[)）]?")
# A jump closing a paragraph: in brackets, or 下转 unbracketed (转第3版 bare is text).
JUMP_AT_END_RE = re.compile(
    rf"(?P<jump>[(（]\s*{JUMP}\s*[)）]?|下转\s*第?\s*(?P<bare>{PAGE_NUMBER})\s*版)\s*$"
)
# A continuation marker: (上接第1版), （上接第一版）, (紧接第1版), 上接第1版, (接上版).
MARKER = (
    rf"(?:[(（]\s*(?:上接|紧接|接上|接)\s*(?:第?\s*{PAGE_NUMBER}\s*版|[上前]版)?\s*[)）]"
    rf"|(?:上接|紧接)\s*第?\s*{PAGE_NUMBER}\s*版)"
)
MARKER_FIRST_RE = re.compile(rf"^\s*(?P<marker>{MARKER})\s*(?P<rest>.*?)\s*$")
MARKER_LAST_RE = re.compile(rf"^\s*(?P<rest>.*?)\s*(?P<marker>{MARKER})\s*$")
MARKER_PAGE_RE = re.compile(rf"({PAGE_NUMBER})\s*版")


def is_jump_line(text: str) -> bool:
    """Tell whether a line is a jump line alone: (下转第3版), 下转2版, （转第四版）."""
    match = JUMP_ALONE_RE.fullmatch(text.strip())
    return bool(match) and page_number(match.group("page")) is not None


def split_jump(text: str) -> tuple[str, str, str, int] | None:
    """Cut a jump off the end of a paragraph: return (text before, glue, jump, page) or None.

    ``glue`` is the whitespace printed between the text and the jump. A paragraph that is
    only a jump gives "" before it.
    """
    stripped = text.rstrip()
    if is_jump_line(stripped):
        match = JUMP_ALONE_RE.fullmatch(stripped.strip())
        return "", "", stripped.strip(), page_number(match.group("page"))
    match = JUMP_AT_END_RE.search(stripped)
    if not match:
        return None
    page = page_number(match.group("page") or match.group("bare"))
    before = stripped[: match.start()]
    if page is None or not before.strip():
        return None
    kept = before.rstrip()
    return kept, before[len(kept) :], match.group("jump"), page


def mark_jump(entries: list[Entry]) -> Entry | None:
    """Find the jump that ends an article's body entries and mark it removed as JUMP_LINE.

    Looks at the last kept entry (furniture after it is passed over). A jump at the end of
    a paragraph is cut off into an entry of its own, inserted after the paragraph. Returns
    the jump's entry, or None if the body does not end with a jump.
    """
    for index in range(len(entries) - 1, -1, -1):
        entry = entries[index]
        if entry.removed and not (entry.removed == REMOVED_FURNITURE and is_jump_line(entry.text)):
            continue
        found = split_jump(entry.text)
        if found is None:
            return None
        before, glue, jump, page = found
        if not before:
            entry.text, entry.removed, entry.jump_to = jump, JUMP_LINE, page
            return entry
        cut = Entry(jump, entry.last, entry.last, removed=JUMP_LINE, glue=glue, jump_to=page)
        entry.text = before
        entries.insert(index + 1, cut)
        return cut
    return None


def continuation(marker: str, line: int, repeated_headline: str) -> ContinuationRecord:
    """Return the continuation a marker opens (the page it names, if any)."""
    page = MARKER_PAGE_RE.search(marker)
    return ContinuationRecord(
        from_page=page_number(page.group(1)) if page else None,
        line=line,
        text=marker.strip(),
        repeated_headline=repeated_headline,
    )


def heading_continuation(heading: str, line: int) -> tuple[str, ContinuationRecord | None]:
    """Return a heading without its continuation marker, and the continuation it opens.

    ``## (上接第1版)`` gives ("", continuation); ``## 标题（上接第1版）`` and
    ``## (上接第1版) 标题`` give ("标题", continuation); any other heading (heading, None).
    """
    for pattern in (MARKER_FIRST_RE, MARKER_LAST_RE):
        match = pattern.match(heading)
        if match:
            rest = match.group("rest").strip()
            return rest, continuation(match.group("marker"), line, rest)
    return heading, None


def paragraph_continuation(
    paragraphs: list[Paragraph], heading: str
) -> tuple[list[Paragraph], ContinuationRecord | None]:
    """Take a continuation marker off the first paragraph under a (repeated) headline.

    Returns the paragraphs without the marker (a paragraph that was only the marker is
    dropped, a first line that was is dropped from its paragraph) and the continuation.
    """
    if not paragraphs:
        return paragraphs, None
    first = paragraphs[0]
    match = MARKER_FIRST_RE.match(first.texts[0])
    if not match:
        return paragraphs, None
    found = continuation(match.group("marker"), first.first, heading)
    rest = match.group("rest")
    if rest:
        opened = Paragraph(list(first.numbers), [rest, *first.texts[1:]], first.blank_before)
    elif len(first.texts) > 1:
        opened = Paragraph(first.numbers[1:], first.texts[1:], first.blank_before)
    else:
        return paragraphs[1:], found
    return [opened, *paragraphs[1:]], found
