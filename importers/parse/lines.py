"""Tell what one line of text reads as: a finished sentence, a crosshead, or page furniture."""

from __future__ import annotations

import re

from importers.parse.jumps import is_jump_line
from importers.parse.patterns import (
    CLOSING_MARKS,
    DANGLING_ENDINGS,
    INNER_PUNCTUATION,
    REPORTING_VERBS,
    SENTENCE_FINAL,
)

# Page furniture: phone numbers, page marks, jump lines, hotlines and editors' names.
PHONE_ONLY_RE = re.compile(r"[\d\s\-－—()（）+/]+")
PAGE_MARK_RE = re.compile(r"第?[A-Z]?\d{1,2}版")
# A page reference on a short unpunctuated line: (下转第2版), 上接第1版, 更多内容见第5版. The
# jump that ends an article is read by jumps.py first; this removes any other.
JUMP_LINE_RE = re.compile(r"(?:转|接|见)第?[A-Z]?\d{1,2}版")
FURNITURE_PHRASES = (
    "新闻服务热线", "新闻热线", "服务热线", "读者热线", "广告热线", "订阅热线", "发行热线",
    "举报电话", "投稿邮箱", "投稿信箱", "本版编辑", "责任编辑", "美术编辑", "版式设计",
    "版面设计", "责任校对", "值班编辑", "本版责编", "责编", "美编", "校对",
)  # fmt: skip


def ends_sentence(text: str) -> bool:
    """Tell whether text ends a sentence (。！？…: possibly inside closing quotes)."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in CLOSING_MARKS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def reads_unfinished(text: str) -> bool:
    """Tell whether a short line reads as the start of a sentence cut off, not as a title."""
    return (
        any(mark in text for mark in INNER_PUNCTUATION)
        or text[-1] in DANGLING_ENDINGS
        or any(verb in text for verb in REPORTING_VERBS)
    )


def looks_like_crosshead(text: str) -> bool:
    """Tell whether a line has a crosshead's shape: short, unpunctuated, complete."""
    return 2 <= len(text) <= 20 and not ends_sentence(text) and not reads_unfinished(text)


def is_furniture(text: str) -> bool:
    """Tell whether a paragraph is page furniture: a phone number, hotline, editor or jump line."""
    if PHONE_ONLY_RE.fullmatch(text) and sum(char.isdigit() for char in text) >= 5:
        return True
    if PAGE_MARK_RE.fullmatch(text) or is_jump_line(text):
        return True
    unpunctuated = not any(mark in text for mark in "。，,！？!?")
    if len(text) <= 20 and unpunctuated and JUMP_LINE_RE.search(text):
        return True
    return len(text) <= 30 and unpunctuated and any(phrase in text for phrase in FURNITURE_PHRASES)
