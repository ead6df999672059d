"""The masthead (importers/parse/masthead.py): printed facts, the weekday, numbers and dates refused.
"""

from __future__ import annotations

import pytest

from importers.parse import parse_page
from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import ParseError
from tests.parse.pages import (
    DATE_LINE,
    MASTHEAD,
    NUMBER_LINE,
    SHORT_PAGE,
    page,
    refusal,
)

# ------------------------------------------------------------------------------- masthead


def test_masthead_fields_read_with_full_width_colons_and_shared_lines():
    masthead = (
        "2021年3月19日 星期五 辛丑年二月初七\n"
        "电子版：www.zjgrrb.com 电子信箱 ： zjgrrb@163.com\n"
        "国内统一刊号：CN33-0018 邮发代号：31-2 总第 11771 号  \n"
        "# 浙江工人日报\n"
        "倾情关注劳动群体 全心服务工会组织  \n"
        "社址：杭州市学院路107号  邮编：310012  \n"
    )
    issue = page("## 标题\n\n正文第一段。\n", masthead).issue
    assert issue.website == "www.zjgrrb.com"
    assert issue.email == "zjgrrb@163.com"
    assert issue.cn_number == "CN33-0018"
    assert issue.postal_code == "31-2"
    assert issue.number == 11771
    assert issue.slogan == "倾情关注劳动群体 全心服务工会组织"
    assert issue.address == "杭州市学院路107号"
    assert issue.postcode == "310012"


def test_qr_code_captions_in_the_masthead_are_ignored():
    result = page("## 标题\n\n正文。\n")
    assert [a.heading for a in result.articles] == ["标题"]
    assert result.flags == ()


def test_weekday_that_does_not_fall_on_the_date_is_flagged():
    result = page("## 标题\n\n正文。\n", MASTHEAD.replace("星期五", "星期四"))
    (flag,) = result.flags
    assert flag.code == "weekday_mismatch"
    assert "星期五" in flag.message and flag.lines == (3, 3)


def test_unknown_paper_gets_no_masthead_mismatch():
    other = MASTHEAD.replace("# 浙江工人日报", "# 某某晚报").replace("CN33-0018", "CN11-0000")
    result = page("## 标题\n\n正文。\n", other)
    assert result.issue.publication == "某某晚报"
    assert result.flags == ()


def test_masthead_mismatches_compare_case_and_space_insensitively(seed_002):
    known = KNOWN_PUBLICATIONS["浙江工人日报"]
    issue = seed_002.issue
    from dataclasses import replace

    shouting = replace(issue, cn_number="cn33-0018", website=" WWW.ZJGRRB.COM ", email="")
    assert masthead_mismatches(shouting, known) == []
    (flag,) = masthead_mismatches(issue, known, {"cn_number": 12})
    assert flag.lines == (12, 12)
    assert flag.message == "masthead prints CN33-001E where the paper's CN number is CN33-0018"
    assert masthead_mismatches(issue, {**known, "cn_number": "CN33-001E"}) == []


def test_page_without_a_masthead_date_is_refused_with_the_fix():
    with pytest.raises(ParseError) as caught:
        parse_page("\n\n星期五\n# 浙江工人日报\n\n## 标题\n\n正文。\n", "seeds/x.txt")
    assert caught.value.line == 3
    assert str(caught.value) == (
        "seeds/x.txt line 3: no Gregorian date in the masthead (expected e.g. 2021年3月19日 "
        "before the first '## ' heading)"
    )


def test_impossible_date_is_refused_naming_its_line():
    with pytest.raises(ParseError) as caught:
        page("## 标题\n\n正文。\n", MASTHEAD.replace("2021年3月19日", "2021年2月30日"))
    assert caught.value.line == 2
    assert "2021年2月30日" in caught.value.message and "28 days" in caught.value.message


# ------------------------------------------------------------------------------ issue number


@pytest.mark.parametrize(
    "number",
    [
        "2147483648",  # one past PostgreSQL's integer: stored on SQLite, not restorable
        "9223372036854775808",  # one past SQLite's integer: an OverflowError traceback
        "0",
    ],
)
def test_an_issue_number_out_of_range_is_refused_naming_its_line_and_the_range(number):
    error = refusal(SHORT_PAGE.replace("11771", number))
    assert error.line == NUMBER_LINE
    assert str(error) == (
        f"seeds/x.txt line {NUMBER_LINE}: issue number 总第{number}号 is out of range: it must "
        "be within 1..2,147,483,647; correct the number in the masthead"
    )


def test_an_issue_number_of_thousands_of_digits_is_refused_without_converting_it():
    error = refusal(SHORT_PAGE.replace("11771", "9" * 5000))  # int() refuses 4,300 digits
    assert error.line == NUMBER_LINE
    assert "总第99999999999999999999… (5,000 digits)号 is out of range" in error.message


def test_the_largest_issue_number_postgresql_holds_is_read():
    assert parse_page(SHORT_PAGE.replace("11771", "2147483647"), "x.md").issue.number == 2_147_483_647


# ----------------------------------------------------------------------------------- years


def test_a_masthead_year_no_date_holds_is_refused_naming_its_line_and_the_range():
    error = refusal(SHORT_PAGE.replace("2021年3月19日", "0000年3月19日"))
    assert error.line == DATE_LINE
    assert error.message == (
        "impossible date 0000年3月19日 in the masthead: the year must be within 1..9,999; "
        "correct the date"
    )


@pytest.mark.parametrize("year", [1, 9999])
def test_the_first_and_last_years_a_date_holds_are_read_with_their_lunar_dates(year):
    text = SHORT_PAGE.replace("2021年3月19日", f"{year:04d}年3月19日")
    assert parse_page(text, "x.md").issue.date.year == year
