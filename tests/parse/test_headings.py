"""Headings split into kicker, headline and subheadline (importers/parse/headings.py).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.parse.headings import split_heading

# ----------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("heading", "parts"),
    [
        ("会议强调 奋力打造红色工会", ("会议强调", "奋力打造红色工会", "")),
        ("联盟成立近一年 企业成功出海", ("联盟成立近一年", "企业成功出海", "")),
        ("RCEP生效实施5个月 浙企享受税收优惠", ("RCEP生效实施5个月", "浙企享受税收优惠", "")),
        (
            "比武燃爆夏日 省总工会联合省红十字会开展企业安全生产专项行动",
            ("", "比武燃爆夏日", "省总工会联合省红十字会开展企业安全生产专项行动"),
        ),
        ("村头来了 党史宣讲小分队", ("", "村头来了 党史宣讲小分队", "")),
        (
            "推进会强调 加快建成一批成果 和全省影响力",
            ("推进会强调", "加快建成一批成果 和全省影响力", ""),
        ),
        ("单行标题", ("", "单行标题", "")),
        ("两个  空格", ("", "两个  空格", "")),
    ],
)
def test_heading_splits_only_where_clearly_so(heading, parts):
    assert split_heading(heading) == parts


@given(st.text(alphabet="测试会议强调年月个近 ,、“”和的0123456789AB", max_size=40))
def test_heading_split_always_gives_the_heading_back(heading):
    kicker, headline, subheadline = split_heading(heading)
    assert " ".join(part for part in (kicker, headline, subheadline) if part) == heading
