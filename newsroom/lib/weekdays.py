"""The weekday a paper prints on its masthead: one rule for the parser and the models."""

from __future__ import annotations

import datetime as dt
import re

# The digit of each weekday as a paper prints it, Monday first (date.weekday() order).
WEEKDAY_DIGITS = "一二三四五六日"
WEEKDAY_NAMES = tuple(f"星期{digit}" for digit in WEEKDAY_DIGITS)
# 星期五 or 礼拜五; Sunday may be printed 日 or 天.
PRINTED_WEEKDAY_RE = re.compile(r"(?:星期|礼拜)([一二三四五六日天])")


def weekday_name(date: dt.date) -> str:
    """Return the weekday a date falls on as the paper prints it (星期五)."""
    return WEEKDAY_NAMES[date.weekday()]


def printed_weekday_digit(printed: str) -> str | None:
    """Return the weekday digit of a printed weekday (天 read as 日), or None if it names none."""
    found = PRINTED_WEEKDAY_RE.search(printed)
    return found.group(1).replace("天", "日") if found else None


def printed_weekday_matches(date: dt.date, printed: str) -> bool:
    """Return whether a printed weekday (星期五, 礼拜五, 星期天) falls on the date; blank matches."""
    if not printed.strip():
        return True
    return printed_weekday_digit(printed) == WEEKDAY_DIGITS[date.weekday()]
