"""Photos and photo news (importers/parse/photos.py, articles.py): captions and their credits.
"""

from __future__ import annotations

from importers.records import PHOTO_NEWS
from newsroom.lib.roles import (
    PHOTOGRAPHER,
    REPORTER,
)
from tests.parse.pages import (
    BODY_LINE,
    article,
    body_of,
    codes,
    who,
)

# ----------------------------------------------------------------------------------- photos


def test_caption_after_an_empty_image_slot_with_credit_line_is_a_photo():
    item = article(
        "本报讯 记者张三报道 会议召开。\n\n\n\n\n会场一角。  \n记者李四 摄\n\n会议指出,要团结奋斗。\n"
    )
    (photo,) = item.photos
    assert photo.caption == "会场一角。"
    assert who(photo.contributors) == [("李四", PHOTOGRAPHER)]
    assert [b.text for b in item.blocks] == ["会议召开。", "会议指出,要团结奋斗。"]


def test_credit_at_the_end_of_the_caption_line_is_split_off():
    item = article(
        "\n\n\n昨日下午,推进会召开。记者邹伟锋 摄\n\n本报讯 记者阮向民报道 推进会召开。\n"
    )
    (photo,) = item.photos
    assert photo.caption == "昨日下午,推进会召开。"
    assert who(photo.contributors) == [("邹伟锋", PHOTOGRAPHER)]
    assert who(item.contributors) == [("阮向民", REPORTER)]


def test_markdown_image_line_is_an_image_slot_and_agency_credits_are_read():
    item = article(
        "本报讯 记者张三报道 会议召开。\n\n![](img/1.jpg)\n\n代表们在会场交流。新华社记者 赵五 摄\n"
    )
    (photo,) = item.photos
    assert photo.caption == "代表们在会场交流。"
    assert who(photo.contributors) == [("赵五", PHOTOGRAPHER)]
    assert body_of(item) == "会议召开。"


def test_uncredited_caption_is_credited_to_the_byline_photographer():
    item = article("本报讯 记者程雪摄影报道 比赛开始。\n\n比赛结束。\n\n\n\n比赛现场。\n")
    (photo,) = item.photos
    assert who(photo.contributors) == [("程雪", PHOTOGRAPHER)]
    (flag,) = item.flags
    assert flag.code == "photo_credit_inferred" and flag.lines == (BODY_LINE + 6, BODY_LINE + 6)


def test_uncredited_caption_without_photographer_byline_has_no_credit():
    item = article("本报讯 记者程雪报道 比赛开始。\n\n比赛结束。\n\n\n\n比赛现场。\n")
    (photo,) = item.photos
    assert photo.contributors == ()
    assert item.flags == ()


def test_photo_news_has_one_photo_captioned_with_its_text():
    item = article("近日,小分队在村里宣讲党史。\n\n村民们听得认真。\n\n通讯员郑莎 摄\n", "村头来了")
    assert item.kind == PHOTO_NEWS
    assert who(item.contributors) == [("郑莎", PHOTOGRAPHER)]
    (photo,) = item.photos
    assert photo.caption == "近日,小分队在村里宣讲党史。\n村民们听得认真。"
    assert [b.text for b in item.blocks] == ["近日,小分队在村里宣讲党史。", "村民们听得认真。"]


def test_article_with_a_report_byline_is_not_photo_news():
    item = article("本报讯 记者张三报道 会议召开。\n\n会场一角。\n\n记者李四 摄\n")
    assert item.kind == "article"
    assert [p.caption for p in item.photos] == ["会场一角。"]


def test_credit_line_with_no_caption_above_is_flagged_and_left_out():
    item = article("通讯员李四 摄\n\n本报讯 记者张三报道 会议召开。\n\n会议结束。\n")
    assert item.kind == "article"
    assert codes(item.flags) == ["unattached_credit"]
    assert body_of(item) == "会议召开。\n\n会议结束。"
