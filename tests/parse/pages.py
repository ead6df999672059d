"""Pages to parse in the parser's tests: the two seed pages, a standard masthead and small pages
built on it, and helpers to read what the parser made of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.parse import parse_page, read_page
from importers.records import ParseError
from newsroom.lib.blocks import render_body

ROOT = Path(__file__).resolve().parent.parent.parent
SEED_000 = ROOT / "seeds" / "000_08ceee72487f69f5.txt"
SEED_002 = ROOT / "seeds" / "002_758893745608affc.txt"
REPAIRS = {"joined_paragraphs", "removed_stray_line", "removed_furniture", "crosshead_detected"}

HARD_BREAK = "  "  # Markdown hard break, as the OCR tool writes it
MASTHEAD = "\n".join(
    [
        "辛丑年二月初七" + HARD_BREAK,
        "2021年3月19日" + HARD_BREAK,
        "星期五",
        "",
        "电子版:www.zjgrrb.com" + HARD_BREAK,
        "电子邮件:zjgrrb@163.com" + HARD_BREAK,
        "国内统一刊号:CN33-0018" + HARD_BREAK,
        "邮发代号:31-2 总第11771号",
        "",
        "# 浙江工人日报",
        "",
        "倾情关注劳动群体 全心服务工会组织",
        "",
        "浙工之家 掌上娘家",
        "",
        "",
        "",
        "浙江省总工会官方微信公众号",
        "",
        "社址:杭州市学院路107号 邮编:310012",
        "",
    ]
)
HEADING_LINE = MASTHEAD.count("\n") + 2  # page() puts one blank line between
BODY_LINE = HEADING_LINE + 2  # article() puts one blank line under the heading


def page(body: str, masthead: str = MASTHEAD):
    """Parse a hand-written page: the standard masthead, then ``body``."""
    return parse_page(masthead + "\n" + body, "test.md")


def article(body: str, heading: str = "测试标题"):
    """Parse a page holding one article and return that article."""
    return page(f"## {heading}\n\n{body}").articles[0]


def who(contributors) -> list[tuple[str, str]]:
    """Return contributors as (name, role) pairs."""
    return [(c.name, c.role) for c in contributors]


def codes(flags) -> list[str]:
    return [f.code for f in flags]


def body_of(record) -> str:
    return render_body(record.blocks)


# A shorter page of one article, for what the parser refuses (the date on line 2, the number on 6).
SHORT_MASTHEAD = """辛丑年二月初七
2021年3月19日
星期五

国内统一刊号:CN33-0018
邮发代号:31-2 总第11771号

# 浙江工人日报
"""
DATE_LINE = 2
NUMBER_LINE = 6
SHORT_ARTICLE = "## 职工技能比武在杭举行\n\n本报讯 记者张三报道 昨日,全省职工技能比武在杭州举行。\n"
SHORT_PAGE = SHORT_MASTHEAD + "\n" + SHORT_ARTICLE


def refusal(text: str) -> ParseError:
    """Return the ParseError parsing ``text`` raises (failing the test if none)."""
    with pytest.raises(ParseError) as caught:
        parse_page(text, "seeds/x.txt")
    return caught.value


def decoding_refusal(data: bytes) -> ParseError:
    with pytest.raises(ParseError) as caught:
        read_page(data, "seeds/x.txt")
    return caught.value
