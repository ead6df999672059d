"""Find an article's photos: captions, the 摄 credits that name their photographers, stray credits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.parse.lines import ends_sentence
from importers.parse.paragraphs import Paragraph, join_lines
from importers.parse.patterns import CLOSING_MARKS, CREDIT_ROLE, NAME, SENTENCE_FINAL
from importers.records import ContributorRecord, FlagRecord, PhotoRecord
from newsroom.lib.flagcodes import PHOTO_CREDIT_INFERRED, UNATTACHED_CREDIT
from newsroom.lib.roles import PHOTOGRAPHER

CREDIT_LINE_RE = re.compile(
    rf"^(?:(?P<role>{CREDIT_ROLE})\s*(?P<names>{NAME}(?:[\s、]+{NAME})*)\s*"
    rf"|(?P<bare>{NAME}(?:[\s、]+{NAME})*)\s+)(?:摄影|摄)$"
)
INLINE_CREDIT_RE = re.compile(
    rf"(?<=[{re.escape(SENTENCE_FINAL + CLOSING_MARKS)}])\s*"
    rf"(?P<credit>{CREDIT_ROLE}\s*{NAME}(?:[\s、]+{NAME})*\s*(?:摄影|摄))$"
)


def credit_names(credit: str) -> list[str]:
    """Return the names in a photo credit such as 记者邹伟锋 摄 or 通讯员甲、乙 摄."""
    body = re.sub(r"\s*(?:摄影|摄)$", "", credit)
    body = re.sub(rf"^{CREDIT_ROLE}", "", body)
    return [name for name in re.split(r"[\s、]+", body) if name]


def photo_credit_line(text: str) -> list[str] | None:
    """Return the photographers when a line is only a credit (记者邹伟锋 摄), else None."""
    match = CREDIT_LINE_RE.match(text)
    return credit_names(text) if match else None


def split_inline_credit(text: str) -> tuple[str, list[str]] | None:
    """Split 'caption。记者甲 摄' into the caption and the photographers, or return None."""
    match = INLINE_CREDIT_RE.search(text)
    if not match or match.start("credit") == 0:
        return None
    return text[: match.start()].rstrip(), credit_names(match.group("credit"))


@dataclass
class Caption:
    paragraph: Paragraph
    text: str
    photographers: list[str]
    last: int  # last line, the credit's when it stands apart


def closing_credit(paragraph: Paragraph) -> tuple[str, list[str]] | None:
    """Return (text before, photographers) when a paragraph ends in a 摄 credit, else None."""
    whole = photo_credit_line(paragraph.text)
    if whole:
        return "", whole
    last_line = photo_credit_line(paragraph.texts[-1]) if len(paragraph.texts) > 1 else None
    if last_line:
        return join_lines(paragraph.texts[:-1]), last_line
    return split_inline_credit(paragraph.text)


def sort_paragraphs(
    paragraphs: list[Paragraph],
) -> tuple[list[Caption], list[Paragraph], list[Paragraph]]:
    """Sort an article's paragraphs into photo captions, stray credits and body paragraphs."""
    captions: list[Caption] = []
    stray_credits: list[Paragraph] = []
    body: list[Paragraph] = []
    skip = set()
    for index, paragraph in enumerate(paragraphs):
        if index in skip:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        own = closing_credit(paragraph)
        if own is not None and own[0] == "":
            stray_credits.append(paragraph)
        elif own is not None:
            captions.append(Caption(paragraph, own[0], own[1], paragraph.last))
        elif following is not None and photo_credit_line(following.text):
            names = photo_credit_line(following.text)
            captions.append(Caption(paragraph, paragraph.text, names, following.last))
            skip.add(index + 1)
        elif (
            paragraph.blank_before >= 2
            and len(paragraph.text) <= 40
            and ends_sentence(paragraph.text)
        ):
            captions.append(Caption(paragraph, paragraph.text, [], paragraph.last))
        else:
            body.append(paragraph)
    return captions, stray_credits, body


def unattached_credit_flag(paragraph: Paragraph) -> FlagRecord:
    """Flag a 摄 credit that follows no caption (left out of the body)."""
    return FlagRecord(
        code=UNATTACHED_CREDIT,
        message=f"photo credit '{paragraph.text}' follows no caption; left out of the body",
        lines=(paragraph.first, paragraph.last),
        original="\n".join(paragraph.texts),
        params=(("credit", paragraph.text),),
    )


def photos_of(
    lines: list[str], captions: list[Caption], photographer: str, photos_before: int
) -> tuple[list[PhotoRecord], list[FlagRecord]]:
    """Make the photo records of an article's captions, inferring a missing credit from 摄影."""
    photos: list[PhotoRecord] = []
    flags: list[FlagRecord] = []
    for caption in captions:
        names = caption.photographers
        first = caption.paragraph.first
        original = "\n".join(lines[first - 1 : caption.last])
        if not names and photographer:
            names = [photographer]
            flags.append(
                FlagRecord(
                    code=PHOTO_CREDIT_INFERRED,
                    message=f"caption '{caption.text}' carries no credit; credited to "
                    f"{photographer}, whose byline says 摄影 (took the photos)",
                    lines=(first, caption.last),
                    original=original,
                    params=(("caption", caption.text), ("photographer", photographer)),
                )
            )
        photos.append(
            PhotoRecord(
                caption=caption.text,
                contributors=tuple(ContributorRecord(name, PHOTOGRAPHER) for name in names),
                lines=(first, caption.last),
                original_text=original,
                position=photos_before + len(photos) + 1,
            )
        )
    return photos, flags
