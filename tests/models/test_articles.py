"""Articles, photos and advertisements (newsroom/models/articles.py)."""


import pytest
from django.db import IntegrityError, transaction

from newsroom.models import Article
from newsroom.models import articles as articles_module
from tests.factories import (
    make_article,
)

pytestmark = pytest.mark.django_db


def test_two_articles_in_the_same_position_are_refused(issue):
    make_article(issue=issue, page=1, position=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, page=1, position=3)


def test_the_same_position_on_another_page_is_allowed(issue):
    make_article(issue=issue, page=1, position=3)
    make_article(issue=issue, page=2, position=3)
    assert issue.articles.count() == 2


def test_an_article_position_of_zero_is_refused(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, position=0)


def test_an_unknown_visibility_is_refused_by_the_database(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, visibility="secret")


def test_withdrawn_articles_are_not_public(issue):
    shown = make_article(issue=issue)
    hidden = make_article(issue=issue, visibility="withdrawn")
    public = list(Article.objects.public())
    assert shown in public
    assert hidden not in public
    assert list(Article.objects.withdrawn()) == [hidden]


def test_the_body_reads_as_paragraphs_and_crossheads(issue):
    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    assert [(b.type, b.text) for b in article.blocks] == [
        ("paragraph", "第一段。"),
        ("crosshead", "小标题"),
        ("paragraph", "第二段。"),
    ]


def test_the_body_is_parsed_once_however_often_its_blocks_are_read(issue, monkeypatch):
    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    calls = []
    parse = articles_module.parse_body
    monkeypatch.setattr(articles_module, "parse_body", lambda body: calls.append(body) or parse(body))
    assert article.blocks == article.blocks
    assert article.body_text == "第一段。\n小标题\n第二段。"
    assert len(calls) == 1


def test_a_changed_body_is_never_read_from_the_old_parse(issue):
    article = make_article(issue=issue, body="旧的第一段。")
    assert [b.text for b in article.blocks] == ["旧的第一段。"]
    article.blocks.append("not kept")  # a caller's list is its own copy
    assert len(article.blocks) == 1
    article.body = "新的第一段。\n\n新的第二段。"
    article.save()
    assert [b.text for b in article.blocks] == ["新的第一段。", "新的第二段。"]
    assert article.body_text == "新的第一段。\n新的第二段。"
    Article.objects.filter(pk=article.pk).update(body="库里的段落。")
    article.refresh_from_db()
    assert [b.text for b in article.blocks] == ["库里的段落。"]


def test_the_full_heading_gives_back_the_printed_heading(issue):
    article = make_article(issue=issue, kicker="引题", headline="主题", subheadline="")
    assert article.full_heading == "引题 主题"
