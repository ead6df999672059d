"""Jump lines and continuation markers: an article cut at the foot of one page and continued
on another (PAGES.md), read off each page on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.parse import parse_page, read_page
from importers.parse.jumps import is_jump_line, split_jump
from newsroom.lib import flagcodes
from tests.parse.pages import HARD_BREAK, article, body_of, codes

PAGES_DIR = Path(__file__).resolve().parent / "pages"
HEADER = "2021年3月19日 星期五\n第3版 综合\n\n"
OPENING = "本报讯 记者张浩星报道 昨日,杭州市第十五届职工职业技能大赛在杭州开幕。"
CUT = "大赛设置电工、焊工、数控车工等12个工种,比赛成绩优异的选手将获得"
FINISHED = "大赛设置电工、焊工、数控车工等12个工种。"


def continued(body: str, heading: str = "杭州职工技能大赛开赛"):
    """Parse an inside page (第3版) of one item under ``heading`` and return the item."""
    return parse_page(f"{HEADER}## {heading}\n\n{body}", "2021-03-19_03.md").articles[0]


@pytest.mark.parametrize(
    "jump, page",
    [("(下转第3版)", 3), ("（下转第三版）", 3), ("下转2版", 2), ("(转第4版)", 4), ("（下转4版）", 4),
     ("(下转第十一版)", 11), ("（转 第 5 版）", 5)],
)  # fmt: skip
def test_a_jump_on_its_own_line_leaves_the_body_for_the_articles_jump(jump, page):
    record = article(f"{OPENING}\n\n{CUT}\n\n{jump}")
    assert (record.jump.to_page, record.jump.text, record.jump.mid_sentence) == (page, jump, True)
    assert body_of(record).endswith("选手将获得")
    assert jump not in body_of(record) and jump in record.original_text
    assert "removed_furniture" not in codes(record.flags)


@pytest.mark.parametrize("jump, page", [("(下转第3版)", 3), ("（下转第三版）", 3), ("下转2版", 2),
                                        ("(转第4版)", 4), ("（下转4版）", 4)])  # fmt: skip
def test_a_jump_closing_the_last_paragraph_is_cut_off_it(jump, page):
    record = article(f"{OPENING}\n\n{FINISHED}{jump}")
    assert (record.jump.to_page, record.jump.text, record.jump.mid_sentence) == (page, jump, False)
    assert body_of(record).endswith("等12个工种。")


def test_a_jump_on_a_hard_broken_last_line_of_the_paragraph_is_cut_off():
    record = article(f"{OPENING}\n\n{CUT}{HARD_BREAK}\n(下转第2版)")
    assert (record.jump.to_page, record.jump.mid_sentence) == (2, True)
    assert body_of(record).endswith("选手将获得")


def test_the_jump_records_the_line_it_stands_on():
    record = continued(f"{OPENING}\n\n{CUT}\n\n(下转第4版)")
    # header 3 lines, heading on 4, paragraphs on 6 and 8, the jump on 10
    assert (record.jump.line, record.page) == (10, 3)


def test_a_cut_between_sentences_is_not_mid_sentence():
    record = article(f"{OPENING}\n\n{FINISHED}\n\n(下转第3版)")
    assert record.jump.mid_sentence is False


def test_a_cut_after_a_closing_quote_is_not_mid_sentence():
    record = article(f"{OPENING}\n\n“我们会继续努力。”\n\n(下转第3版)")
    assert record.jump.mid_sentence is False


def test_a_jumping_article_cut_mid_sentence_is_not_doubted_as_truncated():
    record = article(f"{OPENING}\n\n{CUT}\n\n(下转第3版)")
    assert "truncated_article" not in codes(record.flags)
    assert record.truncated is False
    # Without the jump the same cut is a truncation.
    assert "truncated_article" in codes(article(f"{OPENING}\n\n{CUT}").flags)


def test_the_jump_is_a_jump_line_flag_whose_undo_puts_it_back():
    record = article(f"{OPENING}\n\n{CUT}\n\n(下转第3版)")
    [flag] = [f for f in record.flags if f.code == flagcodes.JUMP_LINE]
    assert flag.after in body_of(record) and body_of(record).count(flag.after) == 1
    assert flag.before == flag.after + "\n\n(下转第3版)"
    assert dict(flag.params)["page"] == "3" and flag.original == "(下转第3版)"
    assert body_of(record).replace(flag.after, flag.before).endswith(CUT + "\n\n(下转第3版)")


def test_the_undo_of_a_jump_closing_a_paragraph_puts_it_back_on_the_paragraph():
    record = article(f"{OPENING}\n\n{FINISHED} （下转第三版）")
    [flag] = [f for f in record.flags if f.code == flagcodes.JUMP_LINE]
    assert body_of(record).replace(flag.after, flag.before).endswith(FINISHED + " （下转第三版）")


@pytest.mark.parametrize(
    "text",
    ["他说,这份材料很重要（这个通牒见第五版）。", "相关报道详见第5版。", "全文转第3版刊登,敬请关注。",
     "他说,这份材料很重要。（这个通牒见第五版）"],
)  # fmt: skip
def test_a_page_reference_inside_a_sentence_is_text_not_a_jump(text):
    record = article(f"{OPENING}\n\n{text}")
    assert record.jump is None
    assert body_of(record).endswith(text)
    assert "jump_line" not in codes(record.flags)


def test_a_sentence_ending_in_a_page_reference_is_no_jump():
    assert split_jump("相关报道见第五版。") is None
    assert split_jump("据悉,该文已转第3版") is None
    assert is_jump_line("（这个通牒见第五版）") is False


def test_an_article_without_a_jump_has_none(seed_page):
    assert all(a.jump is None and a.continued_from is None for a in seed_page.articles)


@pytest.mark.parametrize("heading, page", [("(上接第1版)", 1), ("（上接第一版）", 1), ("(紧接第1版)", 1),
                                           ("上接第2版", 2), ("（上接）", None)])  # fmt: skip
def test_a_heading_that_is_only_a_continuation_marker_leaves_the_headline_empty(heading, page):
    record = continued("现场办公、解决实际问题,推动改革走深走实。\n\n嘉兴市总工会负责人表示支持。", heading)
    assert (record.heading, record.kicker, record.headline, record.subheadline) == ("", "", "", "")
    cont = record.continued_from
    assert (cont.from_page, cont.text, cont.repeated_headline, cont.line) == (page, heading, "", 4)
    assert body_of(record).startswith("现场办公")


@pytest.mark.parametrize(
    "heading",
    ["跨境电商联盟助力中小外贸企业出海（上接第一版）", "(上接第1版)跨境电商联盟助力中小外贸企业出海",
     "(上接第1版) 跨境电商联盟助力中小外贸企业出海", "跨境电商联盟助力中小外贸企业出海 (上接第1版)"],
)  # fmt: skip
def test_a_repeated_headline_with_the_marker_before_or_after_it(heading):
    record = continued("目前,联盟已经基本建成跨境电商供应链服务生态。", heading)
    assert record.headline == "跨境电商联盟助力中小外贸企业出海"
    assert record.heading == "跨境电商联盟助力中小外贸企业出海"
    assert record.continued_from.repeated_headline == "跨境电商联盟助力中小外贸企业出海"
    assert record.continued_from.from_page == 1


def test_a_shortened_repeated_headline_is_kept_as_printed():
    record = continued("目前,联盟已经基本建成服务生态。", "跨境电商联盟（上接第1版）")
    assert (record.headline, record.continued_from.repeated_headline) == ("跨境电商联盟", "跨境电商联盟")


def test_a_first_paragraph_opening_with_the_marker_under_a_repeated_headline():
    record = continued("(上接第1版)到2022年,全省将培育数字生活新服务样板县20个。\n\n《计划》还明确了发展路径。",
                       "我省出台数字商贸建设三年行动计划")  # fmt: skip
    cont = record.continued_from
    assert (cont.from_page, cont.text, cont.line) == (1, "(上接第1版)", 6)
    assert cont.repeated_headline == "我省出台数字商贸建设三年行动计划"
    assert body_of(record).startswith("到2022年")
    assert "(上接第1版)" in record.original_text


def test_a_marker_alone_on_the_first_line_under_the_headline_leaves_the_body():
    record = continued("（上接第一版）" + HARD_BREAK + "\n的职工参加比赛,成绩优异。", "职工技能大赛")
    assert record.continued_from.from_page == 1
    assert body_of(record) == "的职工参加比赛,成绩优异。"


def test_a_continuation_opening_mid_sentence_is_no_byline_and_no_crosshead():
    record = continued("记者了解到,这些企业已经完成转型\n\n目前成效明显。", "(上接第1版)")
    assert (record.dateline, record.contributors) == ("", ())
    assert [b.type for b in record.blocks] == ["paragraph"]
    assert body_of(record).startswith("记者了解到,这些企业已经完成转型目前成效明显。")


def test_a_short_continuation_opening_is_not_a_crosshead():
    record = continued("职工技能\n\n大赛在杭州开幕,来自全市的600余名职工参加比赛。", "(上接第1版)")
    assert [b.type for b in record.blocks] == ["paragraph"]


def test_a_continuation_that_really_opens_with_a_byline_keeps_it():
    record = continued(f"{OPENING}\n\n这是第二段。", "（上接第一版）")
    assert record.dateline == "本报讯"
    assert [c.name for c in record.contributors] == ["张浩星"]


def test_a_part_can_both_continue_and_jump():
    record = continued(f"{CUT}\n\n(下转第5版)", "(上接第1版)")
    assert (record.continued_from.from_page, record.jump.to_page, record.jump.mid_sentence) == (1, 5, True)


def test_a_heading_without_a_marker_is_a_new_article():
    record = continued("杭州市职工职业技能大赛昨日开幕。", "杭州职工技能大赛开赛")
    assert record.continued_from is None


def test_jump_and_continuation_print_as_json():
    record = continued(f"{CUT}\n\n(下转第5版)", "(上接第1版)")
    printed = record.as_json()
    assert printed["jump"] == {"to_page": 5, "line": 8, "text": "(下转第5版)", "mid_sentence": True}
    assert printed["continued_from"] == {
        "from_page": 1, "line": 4, "text": "(上接第1版)", "repeated_headline": ""
    }
    assert printed["page"] == 3


def test_the_inside_page_file_reads_every_part():
    record = read_page((PAGES_DIR / "2021-03-19_02.md").read_bytes(), "2021-03-19_02.md")
    parts = [(a.headline, a.continued_from and a.continued_from.from_page,
              a.jump and (a.jump.to_page, a.jump.mid_sentence)) for a in record.articles]  # fmt: skip
    assert parts == [
        ("", 1, None),
        ("跨境电商联盟助力中小外贸企业出海", 1, None),
        ("我省出台数字商贸建设三年行动计划", 1, None),
        ("杭州职工技能大赛开赛", None, (4, True)),
        ("温州工会开展普法宣传", None, (3, False)),
    ]
    assert all(a.page == 2 for a in record.articles)
    assert "（这个通牒见第五版）" in body_of(record.articles[4])


def test_the_parser_gives_only_codes_flagcodes_lists():
    record = read_page((PAGES_DIR / "2021-03-19_02.md").read_bytes(), "2021-03-19_02.md")
    given = {f.code for a in record.articles for f in a.flags}
    assert "jump_line" in given
    assert given <= set(flagcodes.ALL_CODES)
