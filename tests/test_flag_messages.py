"""Review flags' messages worded in the reader's language (newsroom/flag_messages.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from importers.load import import_paths, load_page
from newsroom.flag_messages import MESSAGES
from newsroom.lib import flagcodes
from newsroom.models import Article, ReviewFlag
from tests.load.pages import article_record, page_record

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def worded(flag: ReviewFlag, language: str) -> str:
    with translation.override(language):
        return flag.display_message


def test_every_flag_code_has_a_message_in_both_languages():
    codes = set(flagcodes.ALL_CODES)  # the parser and the loader take their codes from here
    assert {"weekday_mismatch", "joined_paragraphs", "unattached_credit"} <= codes
    assert codes - {"other"} <= set(MESSAGES)
    for key, template in MESSAGES.items():
        with translation.override("zh-hans"):
            chinese = str(template)
        with translation.override("en"):
            english = str(template)
        assert english != chinese, key
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(chinese)), key


def test_the_seeds_flags_read_in_chinese_by_default_and_in_english_when_chosen():
    assert import_paths([Path(settings.BASE_DIR) / "seeds"]).ok
    flags = list(ReviewFlag.objects.all())
    assert len(flags) > 10
    for flag in flags:
        assert flag.message_key in MESSAGES, flag.message
        chinese, english = worded(flag, "zh-hans"), worded(flag, "en")
        assert "%(" not in chinese and "%(" not in english
        assert chinese != english and chinese != flag.message
        # The Chinese message is Chinese around the values; the English one is English.
        assert CJK.search(PLACEHOLDER.sub("", str(MESSAGES[flag.message_key])))
        assert re.search(r"\b(the|removed|joined|may|caption|masthead|stands)\b", english), english
    duplicate = next(f for f in flags if f.code == "possible_duplicate_contributor")
    assert worded(duplicate, "zh-hans") == "张浩呈 可能与 张浩星 是同一作者（都署名为记者）；如是，请合并"
    assert worded(duplicate, "en") == (
        "张浩呈 may be the same contributor as 张浩星 (both credited as Reporter); merge them if so")


def test_an_import_conflict_names_the_field_in_the_readers_language():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.save()

    load_page(page_record(article_record(1, headline="新导入的标题"), sha256="b" * 64))

    flag = ReviewFlag.objects.get(code="import_conflict")
    assert worded(flag, "zh-hans") == (
        "pages/2021-03-19.txt：新导入把主标题改为“新导入的标题”，但编辑已改为“编辑改过的标题”；保留了编辑的版本")
    assert "changes the Headline to “新导入的标题”" in worded(flag, "en")


def test_a_flag_without_a_message_key_shows_its_stored_message():
    flag = ReviewFlag(code="other", message="an older flag's sentence", message_key="")
    assert worded(flag, "zh-hans") == worded(flag, "en") == "an older flag's sentence"
    unfit = ReviewFlag(code="other", message="stored", message_key="weekday_mismatch",
                       message_params={"printed": "星期五"})  # a value missing
    assert worded(unfit, "zh-hans") == "stored"


def _flag(key: str, params: dict) -> ReviewFlag:
    return ReviewFlag(message="english fallback", message_key=key, message_params=params)


def test_flag_messages_quote_with_curly_quotes_and_never_double_an_opening_quote():
    removed = _flag("removed_furniture", {"text": "'热线：88888888' / '编辑：王'", "lines": "95-97"})
    assert worded(removed, "zh-hans") == (
        "已删除第 95–97 行的 “热线：88888888” / “编辑：王”：文章中的版面杂项（热线、电话、编辑或转版提示）"
    )
    crosshead = _flag("crosshead_detected", {"text": "“至暗时刻”"})
    assert worded(crosshead, "zh-hans").startswith("“至暗时刻”单独")
    joined = _flag("joined_paragraphs", {"tail": "他说", "line": "34", "head": "“至暗时刻”过去"})
    message = worded(joined, "zh-hans")
    assert "““" not in message and "（“至暗时刻”过去…”）" in message
    for language in ("zh-hans", "en"):
        assert "'" not in worded(removed, language) and "95-97" not in worded(removed, language)


def test_flag_messages_write_line_ranges_like_the_review_queue_with_an_en_dash():
    from newsroom.admin.review import flag_lines_label as flag_lines

    stray = _flag("removed_stray_line", {"text": "'x'", "lines": "34-38", "copy": "12"})
    stray.line_start, stray.line_end = 34, 38
    assert "第 34–38 行" in worded(stray, "zh-hans")
    with translation.override("zh-hans"):
        assert flag_lines(stray) == "第 34–38 行"
