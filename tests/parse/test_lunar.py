"""Lunar dates (importers/parse/lunar.py): the conversion and the masthead check.
"""

from __future__ import annotations

import datetime as dt

from importers.parse.lunar import lunar_date_of
from tests.parse.pages import (
    MASTHEAD,
    page,
)


def test_lunar_date_that_does_not_match_is_flagged_with_the_right_one():
    result = page("## 标题\n\n正文。\n", MASTHEAD.replace("二月初七", "二月初八"))
    (flag,) = result.flags
    assert flag.code == "lunar_date_mismatch"
    assert "辛丑年二月初七" in flag.message and flag.lines == (1, 1)


def lunar_python_date(date: dt.date) -> str:
    """The lunar date as lunar_python converts one day on its own (what lunar_date_of speeds up)."""
    from lunar_python import Solar

    lunar = Solar.fromYmd(date.year, date.month, date.day).getLunar()
    return f"{lunar.getYearInGanZhi()}年{lunar.getMonthInChinese()}月{lunar.getDayInChinese()}"


def test_lunar_dates_equal_lunar_pythons_day_by_day_conversion():
    # Every day of a year with a leap month (闰四月), around both new years, and a day of
    # each month across the twentieth and twenty-first centuries.
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=n) for n in range(366 + 60)]
    days += [dt.date(year, month, 28) for year in range(1901, 2100, 7) for month in range(1, 13)]
    days += [dt.date(1901, 1, 1), dt.date(2099, 12, 31)]
    assert [lunar_date_of(day) for day in days] == [lunar_python_date(day) for day in days]


def test_lunar_leap_month_and_month_aliases_are_accepted():
    assert lunar_date_of(dt.date(2020, 5, 23)) == "庚子年闰四月初一"
    leap = (
        MASTHEAD.replace("辛丑年二月初七", "庚子年闰四月初一")
        .replace("2021年3月19日", "2020年5月23日")
        .replace("星期五", "星期六")
    )
    assert page("## 标题\n\n正文。\n", leap).flags == ()
    winter = (
        MASTHEAD.replace("辛丑年二月初七", "辛丑年十一月廿二")
        .replace("2021年3月19日", "2021年12月25日")
        .replace("星期五", "星期六")
    )
    assert page("## 标题\n\n正文。\n", winter).flags == ()
