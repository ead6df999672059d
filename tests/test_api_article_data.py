"""The article serializers' dicts (newsroom/api/articledata.py) are exactly what DRF's own
field-by-field representation gives: same keys, same order, same values."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.utils.encoders import JSONEncoder

from newsroom.api.querysets import (
    article_list_queryset,
    article_queryset,
    article_summary_queryset,
    prefetch_parts,
)
from newsroom.api.serializers import ArticleSerializer, ArticleSummarySerializer
from newsroom.models import Article, Visibility
from tests.factories import (
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


def _articles(publication) -> list[Article]:
    """Make a continued article (tags, credits, photos with an image and credits, an open flag),
    photo news, a withdrawn article in an issue with no number, and a bare one."""
    issue = make_issue(publication)
    first = make_article(issue, kicker="喜迎建党百年", subheadline="百名劳模受表彰", heading="原印标题",
                         body="劳模第一段<b>。\n\n### 小标题\n\n第二段 & 结尾", tags=["劳模", "RCEP"],
                         jump_to=2, jump_mid_sentence=True, truncated=True)
    reporter = make_person("张三")
    make_credit(person=reporter, article=first, order=1)
    make_credit(person=make_person("李四"), article=first, role="correspondent", order=2, printed_name="李 四")
    photo = make_photo(issue, article=first, caption="表彰现场。", image="photos/2021/03/scene.jpg")
    make_credit(person=make_person("王五"), photo=photo, role="photographer")
    make_flag(issue, article=first)
    part = make_article(issue, page=2, headline="(上接第1版)", body="续完。", continues=first,
                        is_continuation=True, continued_from=1)
    make_credit(person=reporter, article=part)  # the same byline again: given once
    make_credit(person=make_person("赵六"), article=part, role="intern")
    make_photo(issue, article=part, page=2, caption="续版照片。")
    news = make_article(issue, kind=Article.Kind.PHOTO, body="图片新闻的说明。", dateline="")
    make_photo(issue, article=news, caption="图片新闻的说明。")
    unnumbered = make_issue(publication, number=None, edition=2)
    make_article(unnumbered, visibility=Visibility.WITHDRAWN, body="", correction_status="reviewed")
    make_article(unnumbered)
    return [first, news]


def _context(format: str | None, q: str) -> dict:
    request = Request(APIRequestFactory().get("/api/v1/articles/"))
    request.user = AnonymousUser()
    return {"request": request, "format": format, "q": q}


def _as_json(data) -> str:
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("format", [None, "json"])
@pytest.mark.parametrize("q", ["", "劳模"])
@pytest.mark.parametrize(
    ("serializer_class", "queryset"),
    [(ArticleSummarySerializer, article_summary_queryset), (ArticleSerializer, article_queryset),
     (ArticleSerializer, article_list_queryset)],
    ids=["summary", "full", "full list"],
)
def test_the_article_dicts_are_drfs_own_representation(publication, editor_user, serializer_class, queryset,
                                                        format, q):
    _articles(publication)
    articles = list(queryset(editor_user).order_by("pk"))
    prefetch_parts(articles, full=serializer_class is ArticleSerializer)
    assert len(articles) == 5
    serializer = serializer_class(context=_context(format, q))
    for article in articles:
        built = serializer.to_representation(article)
        reference = serializers.ModelSerializer.to_representation(serializer, article)
        assert list(built) == list(reference)
        assert _as_json(built) == _as_json(reference), article.headline


def test_the_full_article_gives_each_part_once(publication, editor_user):
    first, news = _articles(publication)
    article = article_list_queryset(editor_user).get(pk=first.pk)
    prefetch_parts([article], full=True)
    data = ArticleSerializer(article, context=_context(None, "")).data
    assert data["pages"] == [1, 2]
    assert [credit["person"]["name"] for credit in data["credits"]] == ["张三", "李四", "赵六"]
    assert [photo["caption"] for photo in data["photos"]] == ["表彰现场。", "续版照片。"]
    assert data["body_text"].endswith("续完。")
    assert data["photos"][0]["image"].endswith("/photos/2021/03/scene.jpg")
    news_data = ArticleSerializer(article_queryset(editor_user).get(pk=news.pk), context=_context(None, "")).data
    assert [photo["caption"] for photo in news_data["photos"]] == [""]  # photo news: the body is the caption


@pytest.mark.parametrize(("fields", "queries"), [("summary", 3), ("full", 5)])
def test_a_list_where_no_article_jumps_asks_for_no_parts(client, publication, django_assert_num_queries,
                                                        fields, queries):
    issue = make_issue(publication)
    for position in (1, 2):
        article = make_article(issue, position=position, tags=["劳模"])
        make_credit(person=make_person(), photo=make_photo(issue, article=article), role="photographer")
    # Articles, credits+people, tags (full: also photos, photo credits+people); no parts.
    with django_assert_num_queries(queries):
        response = client.get(f"/api/v1/articles/?fields={fields}")
    assert [row["pages"] for row in response.json()["results"]] == [[1], [1]]
