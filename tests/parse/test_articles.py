"""One article span read (importers/parse/articles.py): what makes an article unreadable.
"""

from __future__ import annotations

import pytest

from importers.records import ParseError
from tests.parse.pages import (
    HEADING_LINE,
    article,
    page,
)


def test_empty_heading_is_refused_naming_its_line():
    with pytest.raises(ParseError) as caught:
        page("## \n\n正文。\n")
    assert caught.value.line == HEADING_LINE


def test_an_article_repeating_one_long_line_over_and_over_is_refused_naming_its_heading():
    # 300 unfinished copies of a 34-character line (too long to be a stray copy) run on into one
    # paragraph; no window around a join is unique short of most of the article, so the flags
    # would quote about 10 MB.
    line = "这是一行重复的很长的没有标点的文字内容它超过了三十个字符所以不算碎片"
    assert len(line) > 30
    with pytest.raises(ParseError) as caught:
        article("\n\n".join([line] * 300))
    assert caught.value.line == HEADING_LINE
    assert "repeats the same text" in caught.value.message
    assert "299 column-break repairs" in caught.value.message
