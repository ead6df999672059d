"""What a reader reads: photo news once, Chinese punctuation, ads, the home card, the language."""

from __future__ import annotations

import re

import pytest

from newsroom.lib.cjk import fullwidth_punctuation, fullwidth_punctuation_html
from newsroom.models import Article
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_issue,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db

TEXT = ["近日,在温岭市新二塘庙村,小分队正在宣讲党史。", "为使党史教育入脑入心,滨海镇开展活动。"]


def photo_news():
    """Make a photo-news item as the importer stores it: the text as body and as caption."""
    issue = make_issue()
    article = make_article(issue, kind=Article.Kind.PHOTO, headline="村头来了 党史宣讲小分队",
                           dateline="", body="\n\n".join(TEXT))
    photographer = make_person("郑莎")
    make_credit(person=photographer, article=article, role="photographer")
    photo = make_photo(issue, article=article, caption="\n".join(TEXT))
    make_credit(person=photographer, photo=photo, role="photographer")
    return article


def visible_text(html: str) -> str:
    """Return the page's text without tags, the OCR original and the JSON-LD."""
    html = re.sub(r"<details.*?</details>|<script.*?</script>|<head>.*?</head>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html)


# --- Photo news ---------------------------------------------------------------------------


def test_a_photo_news_page_shows_its_text_once_as_the_caption_credited_once(client):
    article = photo_news()
    page = client.get(article.get_absolute_url()).content.decode()
    text = visible_text(page)
    assert text.count("小分队正在宣讲党史") == 1
    assert text.count("郑莎") == 1 and "摄影" not in text
    # The caption keeps its two paragraphs.
    figcaption = re.search(r"<figcaption.*?</figcaption>", page, flags=re.S)[0]
    assert len(re.findall(r"<p>", figcaption)) == 2


def test_a_photo_news_item_on_the_issue_page_shows_its_text_and_credit_once(client):
    article = photo_news()
    text = visible_text(client.get(article.issue.get_absolute_url()).content.decode())
    assert text.count("小分队正在宣讲党史") == 1
    assert text.count("郑莎") == 1


def test_the_api_gives_a_photo_news_text_as_the_body_and_no_caption(client):
    article = photo_news()
    data = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert data["body_text"] == "\n".join(TEXT)
    assert [photo["caption"] for photo in data["photos"]] == [""]


def test_ninjs_gives_a_photo_news_text_once(client):
    article = photo_news()
    data = client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()
    assert str(data).count("小分队正在宣讲党史") == 2  # the body as HTML and as plain text
    assert "descriptions" not in data["associations"][0]


def test_a_search_snippet_of_photo_news_is_one_paragraph_of_its_text():
    from newsroom.search import snippet

    article = photo_news()
    shown = str(snippet(Article.objects.prefetch_related("photos").get(pk=article.pk), "宣讲 滨海镇"))
    assert "\n" not in shown


def test_a_story_s_photo_keeps_its_caption_and_each_caption_line_is_its_own_line(client):
    issue = make_issue()
    article = make_article(issue)
    make_photo(issue, article=article, caption="第一段说明。\n第二段说明。")
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('<span class="caption-paragraph">') == 2
    assert client.get(f"/api/v1/articles/{article.pk}/").json()["photos"][0]["caption"] == (
        "第一段说明。\n第二段说明。"
    )


# --- Chinese punctuation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ocr", "shown"),
    [
        ("近日,在温岭", "近日，在温岭"),
        ("总共分几步?", "总共分几步？"),
        ("答案很简单:造艘大船;组团出海!", "答案很简单：造艘大船；组团出海！"),
        ("确保党史“讲”得好,“传”得开", "确保党史“讲”得好，“传”得开"),
        ("宁波市(含下属县)", "宁波市（含下属县）"),
        ("GDP(国内生产总值)", "GDP（国内生产总值）"),
        ("从100%线下渠道接单,到实现", "从100%线下渠道接单，到实现"),
        ("共1,000元", "共1,000元"),
        ("时间:3:00", "时间：3:00"),
        ("网址:WWW.ICBC.COM.CN", "网址：WWW.ICBC.COM.CN"),
        ("Hello, world (2021): yes?", "Hello, world (2021): yes?"),
        ("http://www.ccb.com", "http://www.ccb.com"),
    ],
)
def test_half_width_marks_in_chinese_text_are_shown_full_width(ocr, shown):
    assert fullwidth_punctuation(ocr) == shown
    assert len(fullwidth_punctuation(ocr)) == len(ocr)


def test_escaped_html_keeps_its_markup_and_entities():
    assert fullwidth_punctuation_html("工<mark>会</mark>,在&amp;;中") == "工<mark>会</mark>，在&amp;；中"
    assert fullwidth_punctuation_html('<a href="x:y">a,b</a>') == '<a href="x:y">a,b</a>'


def test_pages_show_full_width_punctuation_and_the_stored_text_is_unchanged(client):
    article = make_article(body="近日,在温岭?", original_text="近日,在温岭?", dateline="")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<p>近日，在温岭？</p>" in page
    assert "<pre lang=\"zh-Hans\">近日,在温岭?</pre>" in page
    article.refresh_from_db()
    assert article.body == "近日,在温岭?"
    assert client.get(f"/api/v1/articles/{article.pk}/").json()["body_text"] == "近日,在温岭?"


def test_search_snippets_show_full_width_punctuation_around_the_highlight(client):
    from newsroom.changes import rebuild_search_index

    make_article(body="近日,在温岭市开展工会活动,效果很好。")
    rebuild_search_index()
    page = client.get("/search/", {"q": "工会"}).content.decode()
    assert re.search(r"开展<mark[^>]*>工会</mark>活动，效果很好", page)


# --- Advertisements and the home card -------------------------------------------------------


def test_an_advertisement_shows_its_advertiser_once(client):
    issue = make_issue()
    make_advertisement(issue, advertiser="中国建设银行", text="中国建设银行\nChina Construction Bank\n浙江省分行")
    make_advertisement(issue, advertiser="中国工商银行", text="ICBC 中国工商银行\n浙江省分行")
    make_advertisement(issue, advertiser="中国银行", text="BANK OF CHINA")
    make_article(issue)
    text = visible_text(client.get(issue.get_absolute_url()).content.decode())
    assert text.count("中国建设银行") == 1
    assert text.count("中国工商银行") == 1 and "ICBC 中国工商银行" in text
    assert text.count("中国银行") == 1 and "BANK OF CHINA" in text


def test_the_home_card_links_to_the_issue_for_the_front_page_headlines_it_leaves_out(client):
    issue = make_issue()
    for n in range(6):
        make_article(issue, headline=f"头版标题{n}")
    page = client.get("/").content.decode()
    assert "头版标题3" in page and "头版标题4" not in page
    assert f'<a href="{issue.get_absolute_url()}">头版另有2篇 →</a>' in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 more on the front page →" in english


def test_a_home_card_with_four_front_page_headlines_has_no_more_link(client):
    issue = make_issue()
    for n in range(4):
        make_article(issue, headline=f"头版标题{n}")
    assert "头版另有" not in client.get("/").content.decode()


# --- Language -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "title"),
    [
        ("", "浙江工人日报数字档案"),
        ("en-US,en;q=0.9", "Zhejiang Workers' Daily Digital Archive"),
        ("fr-FR,fr;q=0.9", "浙江工人日报数字档案"),
        ("zh-TW,zh;q=0.9,en;q=0.5", "浙江工人日报数字档案"),
    ],
)
def test_the_archive_follows_accept_language_and_is_chinese_otherwise(client, accept_language, title):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert f"<title>{title}</title>" in page


def test_the_readers_choice_sticks_for_a_year_and_wins_over_the_browser(client):
    response = client.get("/language/", {"language": "zh-hans", "next": "/search/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "zh-hans"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>浙江工人日报数字档案</title>" in page


def test_every_archive_page_says_it_varies_by_the_language_cookie(client):
    response = client.get("/")
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}
