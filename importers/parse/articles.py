"""Read one article span: a reported story or a photo-news item, with its heading, byline and photos."""

from __future__ import annotations

from importers.parse.bylines import read_byline
from importers.parse.columns import Span
from importers.parse.drafts import Entry
from importers.parse.headings import split_heading
from importers.parse.jumps import heading_continuation, mark_jump, paragraph_continuation
from importers.parse.lines import ends_sentence, is_furniture
from importers.parse.paragraphs import Paragraph, paragraphs_of
from importers.parse.patterns import BOLD_LINE_RE, CROSSHEAD_LINE_RE, HEADING_RE
from importers.parse.photos import (
    closing_credit,
    photos_of,
    sort_paragraphs,
    unattached_credit_flag,
)
from importers.parse.repairs import RepeatedText, repair_body
from importers.records import (
    ARTICLE,
    PHOTO_NEWS,
    ArticleRecord,
    ContributorRecord,
    FlagRecord,
    JumpRecord,
    ParseError,
    PhotoRecord,
)
from newsroom.lib.blocks import PARAGRAPH, Block
from newsroom.lib.flagcodes import REMOVED_FURNITURE, TRUNCATED_ARTICLE
from newsroom.lib.roles import PHOTOGRAPHER


def read_article(
    lines: list[str], span: Span, position: int, photos_before: int, source: str, page: int = 1
) -> ArticleRecord:
    """Read one article span: heading, continuation marker, byline, photos, repaired body, flags."""
    printed = HEADING_RE.match(lines[span.start]).group(1).strip()
    heading, continued = heading_continuation(printed, span.start + 1)
    if not printed:
        raise ParseError(
            source, span.start + 1, "empty '## ' heading; type the headline or delete the line"
        )
    kicker, headline, subheadline = split_heading(heading) if heading else ("", "", "")
    paragraphs = paragraphs_of(lines, span.start + 1, span.end)
    if continued is None and heading:
        paragraphs, continued = paragraph_continuation(paragraphs, heading)
    common = dict(
        heading=heading,
        kicker=kicker,
        headline=headline,
        subheadline=subheadline,
        lines=(span.start + 1, span.end),
        original_text="\n".join(lines[span.start : span.end]),
        position=position,
        page=page,
        continued_from=continued,
    )
    try:
        if is_photo_news(paragraphs):
            return read_photo_news(lines, paragraphs, photos_before, common)
        return read_story(lines, paragraphs, photos_before, common)
    except RepeatedText as error:
        raise ParseError(
            source,
            span.start + 1,
            f"the article repeats the same text so often that its {error.repairs:,} "
            "column-break repairs cannot be told apart (each repair's before/after would have "
            "to quote most of the article); delete the repeated lines",
        ) from None


def is_photo_news(paragraphs: list[Paragraph]) -> bool:
    """Tell whether an item is photo news: short, no 报道 byline, one closing 摄 credit."""
    texts = [p for p in paragraphs if not is_furniture(p.text)]
    if not texts:
        return False
    credits = [p for p in texts if closing_credit(p) is not None]
    has_report_byline = any(
        (byline := read_byline(p.text)) is not None and byline.contributors for p in texts
    )
    length = sum(len(p.text) for p in texts)
    return not has_report_byline and len(credits) == 1 and credits[0] is texts[-1] and length <= 600


def read_photo_news(
    lines: list[str], paragraphs: list[Paragraph], photos_before: int, common: dict
) -> ArticleRecord:
    """Read a photo-news item: its text is the body and the one photo's caption."""
    credit_paragraph = next(p for p in reversed(paragraphs) if closing_credit(p) is not None)
    before, names = closing_credit(credit_paragraph)
    entries = [entry_of(p, before if p is credit_paragraph else p.text) for p in paragraphs]
    entries = [e for e in entries if e.text or e.removed]
    blocks, flags = repair_body(entries, lines)
    contributors = tuple(ContributorRecord(name, PHOTOGRAPHER) for name in names)
    first_line = paragraphs[0].first
    photo = PhotoRecord(
        caption="\n".join(block.text for block in blocks),
        contributors=contributors,
        lines=(first_line, credit_paragraph.last),
        original_text="\n".join(lines[first_line - 1 : credit_paragraph.last]),
        position=photos_before + 1,
    )
    flags += truncation_flags(blocks, common["lines"])
    return ArticleRecord(
        kind=PHOTO_NEWS,
        dateline="",
        contributors=contributors,
        blocks=tuple(blocks),
        photos=(photo,),
        truncated=any(f.code == TRUNCATED_ARTICLE for f in flags),
        flags=tuple(flags),
        **common,
    )


def read_story(
    lines: list[str], paragraphs: list[Paragraph], photos_before: int, common: dict
) -> ArticleRecord:
    """Read a reported article: byline, photo captions, body with column-break repairs."""
    captions, credits_left, body = sort_paragraphs(paragraphs)
    flags: list[FlagRecord] = [unattached_credit_flag(p) for p in credits_left]
    entries = [entry_of(p, p.text) for p in body]
    jump_entry = mark_jump(entries)
    byline = None
    kept = [e for e in entries if not e.removed]
    if kept:
        byline = read_byline(kept[0].text)
        if byline:
            kept[0].text = byline.rest.strip()
    entries = [e for e in entries if e.text or e.removed]
    blocks, repair_flags = repair_body(entries, lines)
    photographer = (
        next((c.name for c in byline.contributors if c.role == PHOTOGRAPHER), "")
        if byline and byline.photographer_byline
        else ""
    )
    photos, photo_flags = photos_of(lines, captions, photographer, photos_before)
    flags += photo_flags + repair_flags
    if jump_entry is None:  # a jump says where the rest is: the cut is no truncation
        flags += truncation_flags(blocks, common["lines"])
    return ArticleRecord(
        kind=ARTICLE,
        dateline=byline.dateline if byline else "",
        contributors=tuple(byline.contributors) if byline else (),
        blocks=tuple(blocks),
        photos=tuple(photos),
        truncated=any(f.code == TRUNCATED_ARTICLE for f in flags),
        flags=tuple(flags),
        jump=jump_of(jump_entry, blocks),
        **common,
    )


def jump_of(entry: Entry | None, blocks: list[Block]) -> JumpRecord | None:
    """Return the jump record of a jump entry; mid-sentence when the body before it is."""
    if entry is None:
        return None
    last = blocks[-1] if blocks else None
    return JumpRecord(
        to_page=entry.jump_to,
        line=entry.last,
        text=entry.text,
        mid_sentence=last is not None and last.type == PARAGRAPH and not ends_sentence(last.text),
    )


def entry_of(paragraph: Paragraph, text: str) -> Entry:
    """Make a body entry of a paragraph: furniture is marked removed, markup crossheads kept."""
    entry = Entry(text, paragraph.first, paragraph.last)
    single = len(paragraph.texts) == 1
    markup = (BOLD_LINE_RE.match(text) or CROSSHEAD_LINE_RE.match(text)) if single else None
    if markup:
        entry.text, entry.marked = markup.group("text").strip(), True
    elif is_furniture(paragraph.text):
        entry.removed = REMOVED_FURNITURE
    return entry


def truncation_flags(blocks: list[Block], span: tuple[int, int]) -> list[FlagRecord]:
    """Flag an article whose last paragraph stops mid-sentence."""
    if not blocks or blocks[-1].type != PARAGRAPH or ends_sentence(blocks[-1].text):
        return []
    tail = blocks[-1].text[-12:]
    return [
        FlagRecord(
            code=TRUNCATED_ARTICLE,
            message=f"the article ends mid-sentence ('…{tail}'); the rest is probably "
            "on another page or lost in OCR",
            lines=span,
            params=(("tail", tail),),
        )
    ]
