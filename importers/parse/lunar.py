"""Tell the lunar date of a day, and read a printed one in lunar_python's spelling."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from functools import lru_cache

from lunar_python import Lunar, LunarYear
from lunar_python.util import LunarUtil

from importers.parse.patterns import LUNAR_RE

# Printed spellings of months and days that lunar_python spells otherwise.
MONTH_ALIASES = {"十一": "冬", "十二": "腊", "一": "正"}
DAY_ALIASES = {"卅": "三十"}


# lunar_python's Julian day numbers of month starts, less the day's date.toordinal().
_JULIAN_DAY_OF_ORDINAL_ZERO = 1721425


def lunar_date_of(date: dt.date) -> str:
    """Return the lunar date of a day as a paper prints it, e.g. 辛丑年二月初七 (闰 for leap months)."""
    starts, months = _lunar_months(date.year)
    ordinal = date.toordinal()
    month = bisect_right(starts, ordinal) - 1
    return months[month] + LunarUtil.DAY[ordinal - starts[month] + 1]


@lru_cache(maxsize=16)
def _lunar_months(year: int) -> tuple[list[int], list[str]]:
    """Return the first days (as ordinals) and names (辛丑年二月) of the lunar months of a year.

    lunar_python's lunar year *year* runs from the 冬月 before it (which starts by the
    winter solstice) to the 正月 after it, so it covers every day of the Gregorian year.
    Looking a day up here is a bisection; converting each day on its own cost about half
    the time of parsing a page.
    """
    starts, names = [], []
    for month in LunarYear.fromYear(year).getMonths():
        first = Lunar.fromYmd(month.getYear(), month.getMonth(), 1)
        starts.append(month.getFirstJulianDay() - _JULIAN_DAY_OF_ORDINAL_ZERO)
        names.append(f"{first.getYearInGanZhi()}年{first.getMonthInChinese()}月")
    return starts, names


def normalize_lunar(printed: str) -> str:
    """Return a printed lunar date in lunar_python's spelling (十一月 = 冬月, 一月 = 正月, 卅 = 三十)."""
    match = LUNAR_RE.search(printed)
    if not match:
        return printed
    year, month, day = match.groups()
    leap = "闰" if month.startswith("闰") else ""
    month = month.removeprefix("闰")
    return f"{year}年{leap}{MONTH_ALIASES.get(month, month)}月{DAY_ALIASES.get(day, day)}"
