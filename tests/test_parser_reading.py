"""What the parser refuses before a page reaches the database: numbers out of the ranges of
newsroom/lib/bounds.py, and bytes in an encoding it must name. Every refusal names the file,
the line where there is one, and the fix. No database.
"""

from __future__ import annotations

import codecs

import pytest

from importers import parser
from importers.parser import parse_page, read_page
from importers.records import ParseError

MASTHEAD = """辛丑年二月初七
2021年3月19日
星期五

国内统一刊号:CN33-0018
邮发代号:31-2 总第11771号

# 浙江工人日报
"""
DATE_LINE = 2
NUMBER_LINE = 6
ARTICLE = "## 职工技能比武在杭举行\n\n本报讯 记者张三报道 昨日,全省职工技能比武在杭州举行。\n"
PAGE = MASTHEAD + "\n" + ARTICLE


def refusal(text: str) -> ParseError:
    """Return the ParseError parsing ``text`` raises (failing the test if none)."""
    with pytest.raises(ParseError) as caught:
        parse_page(text, "seeds/x.txt")
    return caught.value


def decoding_refusal(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        read_page(data, "seeds/x.txt")
    return caught.value


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
    error = refusal(PAGE.replace("11771", number))
    assert error.line == NUMBER_LINE
    assert str(error) == (
        f"seeds/x.txt line {NUMBER_LINE}: issue number 总第{number}号 is out of range: it must "
        "be within 1..2,147,483,647; correct the number in the masthead"
    )


def test_an_issue_number_of_thousands_of_digits_is_refused_without_converting_it():
    error = refusal(PAGE.replace("11771", "9" * 5000))  # int() refuses 4,300 digits
    assert error.line == NUMBER_LINE
    assert "总第99999999999999999999… (5,000 digits)号 is out of range" in error.message


def test_the_largest_issue_number_postgresql_holds_is_read():
    assert parse_page(PAGE.replace("11771", "2147483647"), "x.md").issue.number == 2_147_483_647


# ----------------------------------------------------------------------------------- years


def test_a_masthead_year_no_date_holds_is_refused_naming_its_line_and_the_range():
    error = refusal(PAGE.replace("2021年3月19日", "0000年3月19日"))
    assert error.line == DATE_LINE
    assert error.message == (
        "impossible date 0000年3月19日 in the masthead: the year must be within 1..9,999; "
        "correct the date"
    )


@pytest.mark.parametrize("year", [1, 9999])
def test_the_first_and_last_years_a_date_holds_are_read_with_their_lunar_dates(year):
    text = PAGE.replace("2021年3月19日", f"{year:04d}年3月19日")
    assert parse_page(text, "x.md").issue.date.year == year


# -------------------------------------------------------------------------------- positions


def test_an_article_past_the_last_position_is_refused_at_its_heading(monkeypatch):
    monkeypatch.setattr(parser, "POSITIONS", range(1, 3))  # 32,767 articles take a while
    text = MASTHEAD + "\n" + "".join(f"## 标题{n}\n\n正文。\n\n" for n in range(1, 4))
    error = refusal(text)
    assert error.line == text.split("\n").index("## 标题3") + 1
    assert error.message == (
        "article number 3 on the page is out of range: positions must be within 1..2; "
        "split the file into pages"
    )


def test_a_photo_past_the_last_position_is_refused_at_its_caption(monkeypatch):
    monkeypatch.setattr(parser, "POSITIONS", range(1, 3))
    photos = "".join(f"\n\n\n图{n}的说明。记者张三 摄\n" for n in range(1, 4))
    text = PAGE + photos
    error = refusal(text)
    assert error.line == text.split("\n").index("图3的说明。记者张三 摄") + 1
    assert error.message.startswith("photo number 3 on the page is out of range")


def test_an_advertisement_past_the_last_position_is_refused_at_its_first_line(monkeypatch):
    monkeypatch.setattr(parser, "POSITIONS", range(1, 3))
    text = PAGE + "".join(f"\n**广告{n}**\n热线:88888888\n" for n in range(1, 4))
    error = refusal(text)
    assert error.line == text.split("\n").index("**广告3**") + 1
    assert error.message.startswith("advertisement number 3 on the page is out of range")


# -------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_page_with_a_byte_order_mark_is_decoded_by_it_without_a_flag(encoding):
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
            "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]
    page = read_page(mark + PAGE.encode(encoding), "x.md")
    assert page.encoding == encoding
    assert page.flags == ()  # the mark names the encoding: nothing was guessed
    assert page.issue.number == 11771
    assert page.articles[0].headline == "职工技能比武在杭举行"


def test_a_page_with_a_utf8_byte_order_mark_reads_as_utf8():
    page = read_page(codecs.BOM_UTF8 + PAGE.encode(), "x.md")
    assert page.encoding == "utf-8" and page.flags == ()


@pytest.mark.parametrize(
    ("encoding", "iconv"),
    [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32-le", "UTF-32LE"),
     ("utf-32-be", "UTF-32BE")],
)
def test_a_utf16_or_utf32_page_without_a_mark_is_refused_naming_its_encoding(encoding, iconv):
    error = decoding_refusal(PAGE.encode(encoding))
    assert str(error) == (
        f"seeds/x.txt: looks like {encoding.upper()} text without a byte-order mark; convert it "
        f"to UTF-8, e.g. `iconv -f {iconv} -t UTF-8`"
    )


def test_a_utf8_page_with_a_stray_nul_byte_is_binary_not_utf16():
    error = decoding_refusal(PAGE.encode().replace(b"\n\n#", b"\n\x00#"))
    assert error.message.startswith("binary data (NUL bytes)")


def test_a_big5_page_is_refused_naming_big5_and_how_to_convert_it():
    traditional = PAGE.translate(str.maketrans("国内统邮发总号报职举讯记张", "國內統郵發總號報職舉訊記張"))
    error = decoding_refusal(traditional.encode("big5"))  # read as GB18030 it has no date
    assert str(error) == (
        "seeds/x.txt: looks like Big5 (traditional Chinese) encoding: it has a masthead date "
        "read as Big5 and none read as GB18030; convert it to UTF-8, e.g. "
        "`iconv -f BIG5 -t UTF-8`"
    )


def test_undecodable_bytes_are_refused_naming_their_line():
    data = PAGE.encode("gb18030").replace("本报讯".encode("gb18030"), b"\xff\xff")
    error = decoding_refusal(data)
    assert error.line == PAGE.split("\n").index(ARTICLE.split("\n")[2]) + 1
    assert error.message.startswith("undecodable bytes at offset")
    assert "neither UTF-8 nor GB18030; re-save the page as UTF-8" in error.message


def test_a_byte_order_mark_the_text_does_not_match_is_refused_naming_line_and_encoding():
    data = codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    error = decoding_refusal(data)
    assert error.line == PAGE.count("\n") + 1
    assert "the byte-order mark says UTF-16-LE, but the text is not" in error.message
