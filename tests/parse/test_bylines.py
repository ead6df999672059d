"""Datelines and credits (importers/parse/bylines.py).
"""

from __future__ import annotations

import pytest

from newsroom.lib.roles import (
    CORRESPONDENT,
    INTERN,
    PHOTOGRAPHER,
    REPORTER,
    SPECIAL_CORRESPONDENT,
    TRAINEE_REPORTER,
)
from tests.parse.pages import (
    article,
    who,
)

# ---------------------------------------------------------------------------------- bylines


def test_byline_with_dateline_names_reporter_and_trainee():
    item = article("本报讯 记者阮向民 见习记者金钩报道 昨日,会议召开。\n")
    assert item.dateline == "本报讯"
    assert who(item.contributors) == [("阮向民", REPORTER), ("金钩", TRAINEE_REPORTER)]
    assert item.blocks[0].text == "昨日,会议召开。"


def test_byline_without_dateline_names_the_correspondent():
    item = article("通讯员单玉紫枫报道 一家企业转型了。\n")
    assert item.dateline == ""
    assert who(item.contributors) == [("单玉紫枫", CORRESPONDENT)]
    assert item.blocks[0].text == "一家企业转型了。"


def test_byline_with_photographer_gives_two_credits():
    item = article("本报讯 记者程雪摄影报道 本月是安全生产月。\n")
    assert who(item.contributors) == [("程雪", REPORTER), ("程雪", PHOTOGRAPHER)]


def test_byline_lists_several_names_per_role():
    item = article("本报讯 通讯员杜珊珊、王五 实习生李四 特约记者赵六报道 员工姓名一目了然。\n")
    assert who(item.contributors) == [
        ("杜珊珊", CORRESPONDENT),
        ("王五", CORRESPONDENT),
        ("李四", INTERN),
        ("赵六", SPECIAL_CORRESPONDENT),
    ]


@pytest.mark.parametrize(
    ("opening", "dateline", "people"),
    [
        ("本报杭州3月18日电 记者张三报道 ", "本报杭州3月18日电", [("张三", REPORTER)]),
        (
            "新华社北京3月18日电(记者 李四 王五) ",
            "新华社北京3月18日电",
            [("李四", REPORTER), ("王五", REPORTER)],
        ),
        (
            "本报讯（记者 张三 通讯员 李四）",
            "本报讯",
            [("张三", REPORTER), ("李四", CORRESPONDENT)],
        ),
        ("本报讯 ", "本报讯", []),
    ],
)
def test_datelines_follow_a_general_pattern(opening, dateline, people):
    item = article(opening + "会议昨日召开。\n")
    assert item.dateline == dateline
    assert who(item.contributors) == people
    assert item.blocks[0].text == "会议昨日召开。"


def test_sentence_opening_with_the_word_reporter_is_not_a_byline():
    item = article("记者近日从省商务厅获悉,全省网络零售额实现增长。\n")
    assert item.contributors == () and item.dateline == ""
    assert item.blocks[0].text == "记者近日从省商务厅获悉,全省网络零售额实现增长。"
