"""The original OCR counts too: a reader searching the misread form finds the article, is told
the OCR matched, and finds the corrected text's matches first (#20, point 3)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from newsroom.changes import rebuild_search_index
from newsroom.models import Article
from newsroom.search import ocr_matches, search_articles, search_public
from newsroom.search.indexing import ocr_passages
from newsroom.search.models import ArticleDocument
from tests.factories import make_article, make_issue

MARCH = dt.date(2021, 3, 19)


def test_ocr_passages_keeps_only_the_clauses_the_corrected_text_no_longer_holds():
    original = "## 职工之冢\n本报讯 记者阮向民报道\n全省职工之冢建设推进会昨日召开，\n各地代表参加。"
    corrected = ["职工之家", "本报讯", "各地代表参加。全省职工之家建设推进会昨日召开，", "阮向民"]
    # The corrected heading and clause differ by one character: kept as printed (with the
    # punctuation closing them, without the Markdown mark). The byline was taken apart: its
    # credit is kept, its dateline (本报讯, still in the text) is not. The moved paragraph is
    # found: not kept.
    assert ocr_passages([original], corrected).splitlines() == [
        "职工之冢",
        "记者阮向民报道",
        "全省职工之冢建设推进会昨日召开，",
    ]


def test_ocr_passages_keep_a_changed_clause_not_the_rest_of_its_line():
    # The importer took the byline out of the first paragraph: the paragraph is indexed in the
    # corrected text, only the byline beside it.
    line = "本报讯 记者张浩星报道 省国际贸易集团下属15家成员企业组成了9支队伍，每支队伍派出3名队员参赛。"
    corrected = ["本报讯", "省国际贸易集团下属15家成员企业组成了9支队伍，每支队伍派出3名队员参赛。"]
    assert ocr_passages([line], corrected) == "记者张浩星报道"
    # Neighbouring changed clauses make one passage, as printed between them; a clause the
    # corrected text holds ends it.
    line = "工人日极，职工之冢；各地代表参加！劳模精坤。"
    assert ocr_passages([line], ["工人日报职工之家各地代表参加劳模精神"]).splitlines() == [
        "工人日极，职工之冢；",
        "劳模精坤。",
    ]
    # A Markdown mark does not belong to the passage it follows (nor does what comes after it).
    assert ocr_passages(["**职工之冢**。"], ["职工之家"]) == "职工之冢"


def test_ocr_passages_ignores_punctuation_width_and_markup_and_keeps_a_line_once():
    original = "工会,工作!\n\n### 工会，工作！\n工会,工作!"
    assert ocr_passages([original], ["工会，工作！"]) == ""
    assert ocr_passages(["误读一行\n误读一行", None], ["正文"]) == "误读一行"
    assert ocr_passages([""], ["正文"]) == ""


@pytest.fixture
def corrected_and_misread(django_capture_on_commit_callbacks):
    """An article corrected by an editor (职工之冢 -> 职工之家), newer than one that prints 之家."""
    older = make_article(make_issue(date=MARCH), headline="旧闻", body="职工之家落成。",
                         original_text="职工之家落成。")
    newer = make_article(make_issue(date=MARCH + dt.timedelta(days=1), number=2),
                         headline="校对", body="全省职工之家建设推进会召开。",
                         original_text="## 校对\n全省职工之冢建设推进会召开。")
    rebuild_search_index()
    return {"older": older, "newer": newer}


def headlines(articles) -> list[str]:
    return [article.headline for article in articles]


@pytest.mark.django_db
def test_the_misread_form_finds_the_article_and_the_correction_too(corrected_and_misread):
    newer = corrected_and_misread["newer"]
    assert list(search_articles("之冢")) == [newer]
    assert headlines(search_articles("之家", order="date")) == ["校对", "旧闻"]
    # An excluded word is looked for in the corrected text: the OCR's 之冢 does not exclude.
    assert list(search_articles("职工 -之冢")) != []
    assert newer not in search_articles("职工 -之家")


@pytest.mark.django_db
def test_relevance_ranks_the_corrected_texts_matches_first(corrected_and_misread):
    older = corrected_and_misread["older"]
    # The older article's corrected text says 之冢; the newer one's OCR passage alone does.
    Article.objects.filter(pk=older.pk).update(body="职工之家落成，职工之冢的说法有误。")
    rebuild_search_index()
    assert headlines(search_articles("之冢", order="date")) == ["校对", "旧闻"]
    assert headlines(search_articles("之冢")) == ["旧闻", "校对"]
    results = search_public("之冢")
    assert results.count() == 2
    assert headlines(results[0:20]) == ["旧闻", "校对"]
    assert headlines(search_public("之冢", order="date")[0:20]) == ["校对", "旧闻"]


@pytest.mark.django_db
def test_ocr_matches_says_which_results_the_ocr_found_and_shows_its_passage(corrected_and_misread):
    newer, older = corrected_and_misread["newer"], corrected_and_misread["older"]
    passages = ocr_matches([newer, older], "之冢")
    assert list(passages) == [newer.pk]
    assert str(passages[newer.pk]) == "全省职工<mark>之冢</mark>建设推进会召开。"
    assert ocr_matches([newer, older], "之家") == {}
    assert ocr_matches([], "之家") == {}


@pytest.mark.django_db
def test_an_editors_correction_keeps_the_misread_form_findable(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(headline="日报", body="浙江工人日极昨日出版。",
                               original_text="浙江工人日极昨日出版。")
    assert list(search_articles("日极")) == [article]
    assert ocr_matches([article], "日极") == {}  # the text itself still says 日极
    with django_capture_on_commit_callbacks(execute=True):
        article.body = "浙江工人日报昨日出版。"
        article.save()
    assert list(search_articles("日极")) == [article]
    assert list(search_articles("日报")) == [article]
    assert list(ocr_matches([article], "日极")) == [article.pk]
    document = ArticleDocument.objects.get(pk=article.pk)
    assert document.ocr_text == "浙江工人日极昨日出版。"


@pytest.mark.django_db
def test_the_search_page_labels_an_ocr_match_and_escapes_its_passage(client):
    make_article(headline="校对", body="职工之家<b>落成</b>。",
                 original_text="职工之冢<script>alert(1)</script>落成。")
    rebuild_search_index()
    page = client.get("/search/", {"q": "之冢"}).content.decode()
    assert "见于OCR原文" in page
    assert "职工<mark>之冢</mark>&lt;script&gt;" in page
    assert "<script>alert" not in page
    page = client.get("/search/", {"q": "之家"}).content.decode()
    assert "见于OCR原文" not in page
    assert re.search(r'class="snippet"[^>]*>职工<mark>之家</mark>', page)


@pytest.mark.django_db
def test_only_public_articles_are_found_through_their_ocr(client):
    withdrawn = make_article(headline="撤回", body="职工之家。", original_text="职工之冢。",
                             visibility="withdrawn")
    rebuild_search_index()
    assert withdrawn not in search_articles("之冢")
    assert search_public("之冢").count() == 0
    assert "撤回" not in client.get("/search/", {"q": "之冢"}).content.decode()


@pytest.mark.django_db
def test_the_ocr_passages_are_in_the_index_only_where_the_text_differs(corrected_and_misread):
    older, newer = corrected_and_misread["older"], corrected_and_misread["newer"]
    assert ArticleDocument.objects.get(pk=older.pk).ocr_text == ""
    assert ArticleDocument.objects.get(pk=newer.pk).ocr_text == "全省职工之冢建设推进会召开。"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT vector::text FROM search_articledocument WHERE article_id = %s", [newer.pk]
            )
            vector = cursor.fetchone()[0]
        assert "'o:之冢'" in vector and "'之冢'" not in vector


@pytest.mark.django_db
def test_a_long_articles_vector_is_stored_without_a_compression_attempt(django_capture_on_commit_callbacks):
    # Migration 0008: the vector of a long article (tokens do not compress) is stored out of line
    # as it is, not passed through pglz first.
    body = "。".join(f"全省第{n}个职工之家建设推进会在杭州召开各地工会代表参加" for n in range(200))
    article = make_article(make_issue(date=MARCH), headline="长文", body=body, original_text=body)
    rebuild_search_index()
    assert list(search_articles("推进会")) == [article]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT attstorage FROM pg_attribute WHERE attrelid ="
                           " 'search_articledocument'::regclass AND attname = 'vector'")
            assert cursor.fetchone()[0] == "e"
            cursor.execute("SELECT pg_column_size(vector), octet_length(vector::text),"
                           " pg_column_compression(vector) FROM search_articledocument"
                           " WHERE article_id = %s", [article.pk])
            size, text_size, compression = cursor.fetchone()
        assert size > 2000 and text_size > 2000 and compression is None
