"""Column-break repairs of an article body (importers/parse/repairs.py), and truncation.
"""

from __future__ import annotations

import pytest

from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH
from tests.parse.pages import (
    BODY_LINE,
    article,
    body_of,
    codes,
)

# ---------------------------------------------------------------------------------- repairs


def test_paragraph_cut_mid_sentence_joins_the_next_one():
    item = article("本报讯 记者张三报道 今年,工会在系统化建\n\n设上下功夫。\n")
    assert [b.text for b in item.blocks] == ["今年,工会在系统化建设上下功夫。"]
    (flag,) = item.flags
    assert flag.code == "joined_paragraphs" and flag.lines == (BODY_LINE, BODY_LINE + 2)
    assert flag.after in body_of(item) and "\n\n" in flag.before
    assert flag.original == "本报讯 记者张三报道 今年,工会在系统化建\n\n设上下功夫。"


def test_full_stop_inside_closing_quotes_ends_the_paragraph():
    item = article("他说:“我们会做好。”\n\n第二段开始了。\n")
    assert len(item.blocks) == 2 and item.flags == ()


def test_closing_quote_without_full_stop_does_not_end_the_paragraph():
    item = article("大家称它为“大船\n\n”,很形象。\n")
    assert [b.text for b in item.blocks] == ["大家称它为“大船”,很形象。"]


def test_stray_copy_interrupting_a_sentence_is_removed_and_its_twin_kept():
    item = article(
        "调研中,工会在系统化建\n\n史济锡指出,要深刻认识省委\n\n设上下功夫。\n\n"
        "他说,工作很好。\n\n史济锡指出,要深刻认识省委\n\n提出的改革的意义。\n"
    )
    assert [b.text for b in item.blocks] == [
        "调研中,工会在系统化建设上下功夫。",
        "他说,工作很好。",
        "史济锡指出,要深刻认识省委提出的改革的意义。",
    ]
    stray = next(f for f in item.flags if f.code == "removed_stray_line")
    assert stray.lines == (BODY_LINE + 2, BODY_LINE + 2)
    assert "史济锡指出,要深刻认识省委" in stray.before


def test_of_two_equal_fragments_the_one_cutting_into_a_sentence_goes_even_if_second():
    item = article(
        "他说,工作很好。\n\n史济锡指出,要深刻认识省委\n\n提出的改革的意义。\n\n"
        "调研中,工会在系统化建\n\n史济锡指出,要深刻认识省委\n\n设上下功夫。\n"
    )
    assert [b.text for b in item.blocks] == [
        "他说,工作很好。",
        "史济锡指出,要深刻认识省委提出的改革的意义。",
        "调研中,工会在系统化建设上下功夫。",
    ]
    stray = next(f for f in item.flags if f.code == "removed_stray_line")
    assert stray.lines == (BODY_LINE + 8, BODY_LINE + 8)


def test_fragment_repeating_part_of_a_longer_paragraph_is_removed():
    item = article("他强调,要坚持正确的政治方向,强化思想引领。\n\n要坚持正确的政治\n\n会议结束。\n")
    assert [b.text for b in item.blocks] == [
        "他强调,要坚持正确的政治方向,强化思想引领。",
        "会议结束。",
    ]
    assert codes(item.flags) == ["removed_stray_line"]


@pytest.mark.parametrize(
    "furniture",
    ["88851111", "新闻服务热线", "本版编辑:张三 美术编辑:李四", "0571-85311234", "(下转第2版)"],
)
def test_page_furniture_inside_an_article_is_removed(furniture):
    item = article(f"第一段写完了。\n\n{furniture}\n\n第二段也写完了。\n")
    assert [b.text for b in item.blocks] == ["第一段写完了。", "第二段也写完了。"]
    (flag,) = item.flags
    assert flag.code == "removed_furniture"
    assert body_of(item).replace(flag.after, flag.before, 1).count(furniture) == 1


def test_short_unpunctuated_line_between_finished_paragraphs_is_a_crosshead():
    item = article("第一段写完了。\n\n大主顾从老外变甬商\n\n第二段也写完了。\n")
    assert [(b.type, b.text) for b in item.blocks] == [
        (PARAGRAPH, "第一段写完了。"),
        (CROSSHEAD, "大主顾从老外变甬商"),
        (PARAGRAPH, "第二段也写完了。"),
    ]
    (flag,) = item.flags
    assert flag.code == "crosshead_detected"
    assert body_of(item).replace(flag.after, flag.before, 1) == (
        "第一段写完了。\n\n大主顾从老外变甬商\n\n第二段也写完了。"
    )


@pytest.mark.parametrize(
    "fragment", ["史济锡强调,要以浙江高质量", "史济锡希望嘉兴工会以锻造", "嘉兴工会的"]
)
def test_short_line_that_reads_unfinished_is_a_continuation_not_a_crosshead(fragment):
    item = article(f"第一段写完了。\n\n{fragment}\n\n发展为目标。\n")
    assert [b.type for b in item.blocks] == [PARAGRAPH, PARAGRAPH]
    assert item.blocks[1].text == fragment + "发展为目标。"
    assert codes(item.flags) == ["joined_paragraphs"]


def test_short_line_after_an_unfinished_paragraph_is_not_a_crosshead():
    item = article("他说,在系统化\n\n大主顾从老外变甬商\n\n第二段也写完了。\n")
    assert CROSSHEAD not in [b.type for b in item.blocks]


@pytest.mark.parametrize("markup", ["**至暗时刻**", "### 至暗时刻"])
def test_crosshead_marked_up_by_the_ocr_is_kept_without_a_flag(markup):
    item = article(f"第一段写完了。\n\n{markup}\n\n第二段也写完了。\n")
    assert [b.type for b in item.blocks] == [PARAGRAPH, CROSSHEAD, PARAGRAPH]
    assert item.blocks[1].text == "至暗时刻" and item.flags == ()


def test_article_ending_mid_sentence_is_truncated():
    item = article("本报讯 记者张三报道 第一段写完了。\n\n吴威告诉笔者,\n")
    assert item.truncated is True
    assert codes(item.flags) == ["truncated_article"]
    flag = item.flags[-1]
    assert flag.before == flag.after == ""


def test_article_ending_with_a_full_stop_is_not_truncated():
    item = article("本报讯 记者张三报道 第一段写完了。\n\n吴威告诉笔者,目标已经实现。\n")
    assert item.truncated is False and item.flags == ()
