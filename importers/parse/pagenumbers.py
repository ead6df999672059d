"""Read a printed page number (版): 第2版, 第二版, 2版, 02版, 第 2 版, 第十一版.

Pure: the standard library only. Used by the page header (the page's own number) and by
jump lines and continuation markers (the page they name).
"""

from __future__ import annotations

import re

CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
                  "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
# A page number as printed: Arabic digits, or Chinese numerals up to 九十九.
PAGE_NUMBER = r"(?:\d{1,3}|[〇零一二三四五六七八九十两]{1,4})"
# A page line: the number with its 第...版, then the page name (版名) if printed on the line.
PAGE_LINE_RE = re.compile(
    rf"^第?\s*(?P<number>{PAGE_NUMBER})\s*版[\s·•・:：|｜/\-—–_]*(?P<name>.*)$"
)
# A page name: a few characters, no sentence punctuation (要闻, 综合, 工会·维权, 文化副刊).
PAGE_NAME_RE = re.compile(r"^[\u3400-\u9fffA-Za-z0-9·•・]{1,12}$")


def chinese_number(text: str) -> int | None:
    """Return the value of Chinese numerals up to 99 (三, 十, 十一, 二十, 二十三, 〇二), or None."""
    if not text or any(char not in CHINESE_DIGITS and char != "十" for char in text):
        return None
    if "十" not in text:
        value = 0
        for char in text:
            value = value * 10 + CHINESE_DIGITS[char]
        return value
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)


def page_number(text: str) -> int | None:
    """Return the value of a printed page number (Arabic or Chinese), or None if none."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    return chinese_number(text)


def read_page_line(text: str) -> tuple[int, str] | None:
    """Return (number, page name) of a page line (第3版 综合, 第三版·经济), or None.

    A line whose rest after the number does not read as a page name is not a page line.
    """
    match = PAGE_LINE_RE.match(text.strip())
    if not match:
        return None
    number = page_number(match.group("number"))
    name = (match.group("name") or "").strip()
    if number is None or (name and not PAGE_NAME_RE.match(name)):
        return None
    return number, name


def is_page_name(text: str) -> bool:
    """Tell whether a line alone reads as a page name (版名): short, one word, unpunctuated."""
    return bool(PAGE_NAME_RE.match(text.strip())) and not text.strip().isdigit()
