"""Page headers: an inside page's date, page number, page name, paper and staff, in every form
PAGES.md lists and in any order; a front page's page line and staff among its masthead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from importers.parse import parse_page, read_day, read_page
from importers.parse.pagenumbers import chinese_number, read_page_line
from importers.parse.staff import StaffLineError, read_staff_line
from importers.records import ParseError
from tests.parse.pages import HARD_BREAK, MASTHEAD, SEED_000, SEED_002, page

PAGES_DIR = Path(__file__).resolve().parent / "pages"
BODY = "## 杭州职工技能大赛开赛\n\n本报讯 记者张浩星报道 昨日,杭州市职工职业技能大赛开幕。\n"


def inside(header: str, body: str = BODY):
    """Parse an inside page: ``header`` lines, a blank line, then ``body``."""
    return parse_page(header + "\n\n" + body, "2021-03-19_02.md")


def staff_of(record) -> list[tuple[str, str, str]]:
    return [(s.name, s.role, s.label) for s in record.staff]


@pytest.mark.parametrize(
    "page_line, number",
    [("第2版", 2), ("第二版", 2), ("2版", 2), ("02版", 2), ("第 2 版", 2), ("第十一版", 11),
     ("第十版", 10), ("第二十三版", 23), ("12版", 12)],
)  # fmt: skip
def test_every_page_number_form_is_read(page_line, number):
    record = inside(f"2021年3月19日 星期五\n{page_line}")
    assert (record.page, record.page_name, record.front) == (number, "", False)
    assert [a.page for a in record.articles] == [number]


@pytest.mark.parametrize(
    "header, name",
    [
        ("第3版 综合", "综合"),
        ("第三版·经济", "经济"),
        ("第3版" + HARD_BREAK + "\n要闻", "要闻"),
        ("第3版\n\n要闻", "要闻"),
        ("第3版：工会天地", "工会天地"),
    ],
)
def test_the_page_name_is_read_on_the_page_line_or_alone_under_it(header, name):
    record = inside("2021年3月19日" + HARD_BREAK + "\n" + header)
    assert (record.page, record.page_name) == (3, name)


def test_date_and_weekday_on_two_lines():
    record = inside("2021年3月19日" + HARD_BREAK + "\n星期五\n第2版")
    assert (record.issue.date, record.issue.weekday) == (dt.date(2021, 3, 19), "星期五")
    assert record.flags == ()


def test_an_inside_page_prints_only_date_weekday_and_paper_in_its_issue():
    record = inside("# 浙江工人日报\n\n2021年3月19日 星期五\n第2版 综合\n\n电子版:www.zjgrrb.com")
    issue = record.issue
    assert (issue.publication, issue.date, issue.weekday) == ("浙江工人日报", dt.date(2021, 3, 19), "星期五")
    assert (issue.lunar_date, issue.number, issue.cn_number, issue.postal_code) == ("", None, "", "")
    assert (issue.website, issue.email, issue.slogan, issue.address) == ("", "", "", "")


def test_the_paper_may_be_a_plain_line_or_missing():
    assert inside("浙江工人日报\n2021年3月19日\n第2版").issue.publication == "浙江工人日报"
    assert inside("2021年3月19日\n第2版").issue.publication == ""


@pytest.mark.parametrize(
    "line, expected",
    [
        ("责任编辑:张三", [("张三", "editor", "责任编辑")]),
        ("责任编辑：张三", [("张三", "editor", "责任编辑")]),
        ("本版编辑:张三 版式:李四", [("张三", "editor", "本版编辑"), ("李四", "layout", "版式")]),
        ("责任编辑 张三 美术编辑 李四", [("张三", "editor", "责任编辑"), ("李四", "art_editor", "美术编辑")]),
        ("责编:王五、赵六 版式设计:陈丽", [("王五", "editor", "责编"), ("赵六", "editor", "责编"),
                                        ("陈丽", "layout", "版式设计")]),
        ("校对 孙七", [("孙七", "proofreader", "校对")]),
    ],
)  # fmt: skip
def test_every_staff_form_keeps_the_printed_label_beside_the_role(line, expected):
    record = inside(f"2021年3月19日\n第2版\n{line}")
    assert staff_of(record) == expected


def test_staff_on_several_lines_are_read_in_print_order():
    record = inside("责任编辑:张三\n2021年3月19日\n第4版 文化\n版式:李四" + HARD_BREAK + "\n校对:孙七")
    assert [s.name for s in record.staff] == ["张三", "李四", "孙七"]


@pytest.mark.parametrize(
    "header",
    [
        "2021年3月19日 星期五\n第2版 综合\n# 浙江工人日报\n责任编辑:张三\n电子版:www.zjgrrb.com",
        "电子版:www.zjgrrb.com\n责任编辑:张三\n# 浙江工人日报\n第2版 综合\n2021年3月19日 星期五",
        "# 浙江工人日报\n\n责任编辑:张三\n\n星期五\n\n第2版 综合\n\n2021年3月19日",
        "第2版  \n综合\n浙江工人日报\n2021年3月19日\n星期五\n责任编辑 张三",
        "2021年3月19日 星期五 第2版 综合\n浙江工人日报\n责任编辑:张三",
    ],
)
def test_header_lines_are_read_in_any_order(header):
    record = inside(header)
    assert (record.page, record.page_name, record.issue.date) == (2, "综合", dt.date(2021, 3, 19))
    assert (record.issue.publication or "浙江工人日报", record.issue.weekday) == ("浙江工人日报", "星期五")
    assert staff_of(record) == [("张三", "editor", "责任编辑")]
    assert record.front is False


def test_an_inside_page_without_a_date_is_refused_naming_the_line():
    with pytest.raises(ParseError) as error:
        inside("\n第2版 综合\n责任编辑:张三")
    assert error.value.line == 2
    assert "no date" in error.value.message and "2021年3月19日" in error.value.message


def test_an_inside_page_without_a_page_number_is_refused_naming_the_line():
    with pytest.raises(ParseError) as error:
        inside("2021年3月19日 星期五\n责任编辑:张三")
    assert error.value.line == 1
    assert "no page number" in error.value.message and "第2版" in error.value.message


def test_an_unreadable_header_line_is_refused_with_its_line_and_the_forms_expected():
    with pytest.raises(ParseError) as error:
        inside("2021年3月19日\n第2版 综合\n扫码关注我们，获取更多新闻。")
    assert (error.value.source, error.value.line) == ("2021-03-19_02.md", 3)
    assert "扫码关注" in error.value.message and "第2版" in error.value.message


def test_a_staff_line_without_names_is_refused():
    with pytest.raises(ParseError) as error:
        inside("2021年3月19日\n第2版\n责任编辑:")
    assert error.value.line == 3
    assert "责任编辑" in error.value.message


def test_two_different_page_numbers_are_refused():
    with pytest.raises(ParseError) as error:
        inside("2021年3月19日\n第2版\n第3版")
    assert error.value.line == 3


def test_an_impossible_inside_date_is_refused_as_in_the_page_header():
    with pytest.raises(ParseError) as error:
        inside("2021年2月30日\n第2版")
    assert error.value.line == 1 and "page header" in error.value.message


def test_an_inside_weekday_that_does_not_fall_on_the_date_is_flagged():
    record = inside("2021年3月19日\n星期六\n第2版")
    [flag] = record.flags
    assert (flag.code, flag.lines, dict(flag.params)["expected"]) == ("weekday_mismatch", (2, 2), "五")


def test_an_inside_pages_misprinted_web_address_is_flagged_against_its_paper():
    record = inside("# 浙江工人日报\n2021年3月19日\n第2版\n电子版:www.zjgrbb.com")
    assert [(f.code, dict(f.params)["field"]) for f in record.flags] == [("masthead_mismatch", "website")]


def test_a_front_page_without_a_page_line_is_page_1_with_its_masthead():
    record = page("## 标题\n\n正文。\n")
    assert (record.page, record.page_name, record.staff, record.front) == (1, "", (), True)


def test_a_front_page_reads_a_page_line_and_staff_among_its_masthead_lines():
    masthead = MASTHEAD.replace("星期五\n", "星期五\n第1版 要闻\n").replace(
        "社址:", "本版编辑:张三 版式设计:李四\n社址:"
    )
    record = page("## 标题\n\n正文。\n", masthead=masthead)
    assert (record.page, record.page_name, record.front) == (1, "要闻", True)
    assert staff_of(record) == [("张三", "editor", "本版编辑"), ("李四", "layout", "版式设计")]
    assert record.issue.slogan == "倾情关注劳动群体 全心服务工会组织"
    assert record.issue.number == 11771


def test_a_front_page_line_right_under_the_paper_name_is_not_its_slogan():
    masthead = "2021年3月19日\n总第11771号\n\n# 浙江工人日报\n\n第一版\n要闻\n"
    record = page("## 标题\n\n正文。\n", masthead=masthead)
    assert (record.page, record.page_name, record.issue.slogan) == (1, "要闻", "")


def test_the_seeds_are_front_pages_numbered_1(seed_page):
    assert (seed_page.page, seed_page.page_name, seed_page.staff, seed_page.front) == (1, "", (), True)
    assert {a.page for a in seed_page.articles} == {1}


def test_the_page_header_prints_as_json():
    record = inside("# 浙江工人日报\n2021年3月19日\n第三版·经济\n责编:王五")
    printed = record.as_json()
    assert (printed["page"], printed["page_name"], printed["front"]) == (3, "经济", False)
    assert printed["staff"] == [{"name": "王五", "role": "editor", "label": "责编"}]
    assert printed["articles"][0]["page"] == 3


def test_the_inside_page_file_reads_its_header():
    record = read_page((PAGES_DIR / "2021-03-19_02.md").read_bytes(), "2021-03-19_02.md")
    assert (record.page, record.page_name, record.front) == (2, "综合", False)
    assert staff_of(record) == [("王晓明", "editor", "责任编辑"), ("陈丽", "layout", "版式")]
    assert record.issue.publication == "浙江工人日报"


@pytest.mark.parametrize(
    "text, value",
    [("一", 1), ("九", 9), ("十", 10), ("十一", 11), ("十九", 19), ("二十", 20), ("二十一", 21),
     ("〇二", 2), ("十十", None), ("二二十", None), ("甲", None)],
)  # fmt: skip
def test_chinese_page_numerals(text, value):
    assert chinese_number(text) == value


def test_a_page_line_with_a_sentence_after_it_is_not_a_page_line():
    assert read_page_line("2版权所有，翻印必究。") is None
    assert read_page_line("第3版 综合") == (3, "综合")


def test_a_staff_line_with_something_other_than_names_is_refused():
    with pytest.raises(StaffLineError):
        read_staff_line("责任编辑:张三，联系电话0571-88888888")


def test_a_masthead_line_that_only_opens_like_a_staff_label_is_passed_over():
    masthead = MASTHEAD.replace("社址:", "编辑部电话:0571-88888888\n社址:")
    record = page("## 标题\n\n正文。\n", masthead=masthead)
    assert (record.page, record.staff, record.front) == (1, (), True)


@pytest.mark.parametrize("path", [SEED_000, SEED_002, Path(__file__).parent / "pages" / "2021-03-19_02.md"],
                         ids=lambda p: p.name)
def test_read_day_reads_the_date_the_whole_page_reads_from_the_header_alone(path):
    data = path.read_bytes()
    assert read_day(data, path.name) == read_page(data, path.name).issue.date
    # Only the header is read: a page whose articles are cut off still tells its day.
    header = data.decode("utf-8").split("\n## ", 1)[0]
    assert read_day(header.encode("gb18030"), path.name) == read_page(data, path.name).issue.date


def test_read_day_refuses_what_has_no_date_as_read_page_does():
    with pytest.raises(ParseError):
        read_day("## 标题\n\n正文。".encode(), "x.md")
    with pytest.raises(ParseError):
        read_day(b"", "x.md")
