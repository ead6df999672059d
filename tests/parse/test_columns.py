"""The page cut into items (importers/parse/columns.py): text that belongs to no item.
"""

from __future__ import annotations

from tests.parse.pages import (
    body_of,
    page,
)


def test_text_between_ads_and_no_heading_is_flagged_not_lost():
    result = page("## 标题\n\n正文。\n\n**中国银行**  \nBANK OF CHINA\n\n一段没有标题的文字。\n")
    (flag,) = result.flags
    assert flag.code == "unassigned_text"
    assert flag.original.strip() == "一段没有标题的文字。"
    assert body_of(result.articles[0]) == "正文。"
