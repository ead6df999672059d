"""Reading a page file's bytes (importers/parse/decoding.py): encodings named or refused.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib

import pytest

from importers.parse import read_page
from importers.records import ParseError
from newsroom.lib.roles import (
    REPORTER,
)
from tests.parse.pages import (
    MASTHEAD,
    SHORT_ARTICLE,
    SHORT_PAGE,
    decoding_refusal,
    who,
)


def test_binary_data_is_refused():
    with pytest.raises(ParseError, match="binary data"):
        read_page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png")


def test_undecodable_bytes_are_refused():
    with pytest.raises(ParseError, match="undecodable"):
        read_page(b"\xff\xfe\xff\xfe\xff", "x.md")


def test_gb18030_text_is_decoded_and_flagged():
    data = (MASTHEAD + "\n## 标题\n\n本报讯 记者张三报道 正文。\n").encode("gb18030")
    result = read_page(data, "x.md")
    assert result.encoding == "gb18030"
    assert result.flags[0].code == "decoded_encoding"
    assert who(result.articles[0].contributors) == [("张三", REPORTER)]
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_utf8_with_bom_and_crlf_reads_without_flags():
    data = ("\ufeff" + MASTHEAD + "\n## 标题\n\n正文。\n").replace("\n", "\r\n").encode("utf-8")
    result = read_page(data, "x.md")
    assert result.encoding == "utf-8" and result.flags == ()
    assert result.issue.date == dt.date(2021, 3, 19)
    assert result.articles[0].blocks[0].text == "正文。"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_page_with_a_byte_order_mark_is_decoded_by_it_without_a_flag(encoding):
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
            "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding]
    page = read_page(mark + SHORT_PAGE.encode(encoding), "x.md")
    assert page.encoding == encoding
    assert page.flags == ()  # the mark names the encoding: nothing was guessed
    assert page.issue.number == 11771
    assert page.articles[0].headline == "职工技能比武在杭举行"


def test_a_page_with_a_utf8_byte_order_mark_reads_as_utf8():
    page = read_page(codecs.BOM_UTF8 + SHORT_PAGE.encode(), "x.md")
    assert page.encoding == "utf-8" and page.flags == ()


@pytest.mark.parametrize(
    ("encoding", "iconv"),
    [("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32-le", "UTF-32LE"),
     ("utf-32-be", "UTF-32BE")],
)
def test_a_utf16_or_utf32_page_without_a_mark_is_refused_naming_its_encoding(encoding, iconv):
    error = decoding_refusal(SHORT_PAGE.encode(encoding))
    assert str(error) == (
        f"seeds/x.txt: looks like {encoding.upper()} text without a byte-order mark; convert it "
        f"to UTF-8, e.g. `iconv -f {iconv} -t UTF-8`"
    )


def test_a_utf8_page_with_a_stray_nul_byte_is_binary_not_utf16():
    error = decoding_refusal(SHORT_PAGE.encode().replace(b"\n\n#", b"\n\x00#"))
    assert error.message.startswith("binary data (NUL bytes)")


def test_a_big5_page_is_refused_naming_big5_and_how_to_convert_it():
    traditional = SHORT_PAGE.translate(str.maketrans("国内统邮发总号报职举讯记张", "國內統郵發總號報職舉訊記張"))
    error = decoding_refusal(traditional.encode("big5"))  # read as GB18030 it has no date
    assert str(error) == (
        "seeds/x.txt: looks like Big5 (traditional Chinese) encoding: it has a masthead date "
        "read as Big5 and none read as GB18030; convert it to UTF-8, e.g. "
        "`iconv -f BIG5 -t UTF-8`"
    )


def test_undecodable_bytes_are_refused_naming_their_line():
    data = SHORT_PAGE.encode("gb18030").replace("本报讯".encode("gb18030"), b"\xff\xff")
    error = decoding_refusal(data)
    assert error.line == SHORT_PAGE.split("\n").index(SHORT_ARTICLE.split("\n")[2]) + 1
    assert error.message.startswith("undecodable bytes at offset")
    assert "neither UTF-8 nor GB18030; re-save the page as UTF-8" in error.message


def test_a_byte_order_mark_the_text_does_not_match_is_refused_naming_line_and_encoding():
    data = codecs.BOM_UTF16_LE + SHORT_PAGE.encode("utf-16-le") + b"\x00\xd8"  # a lone surrogate
    error = decoding_refusal(data)
    assert error.line == SHORT_PAGE.count("\n") + 1
    assert "the byte-order mark says UTF-16-LE, but the text is not" in error.message
