"""The reader's search (search_public): the same answers as search_articles(), by page.

On PostgreSQL search_public() reads the document table through windows of months and a
sample for estimates (newsroom/search/results.py); on SQLite it runs over the QuerySet.
These tests make the windows and the sample small, so the archive-scale paths run on a
handful of articles, and check that every page, total and facet equals what the
straightforward QuerySet gives.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from newsroom.changes import rebuild_search_index
from newsroom.models import Article, Visibility
from newsroom.search import indexing as search_indexing
from newsroom.search import results as search_results
from newsroom.search import search_articles, search_public, year_facets
from newsroom.search.text import INDEX_SCHEME
from tests.factories import make_article, make_issue

pytestmark = pytest.mark.django_db

WORDS = ["工会", "劳模", "职工", "夜校", "数字化改革", "宁波", "工匠", "红色"]
QUERIES = [
    "工", "工会", "劳模", "工会 夜校", "工会 -夜校", '"数字化改革"', "数字化改革",
    "宁波 工匠 红色", "模工", "不存在的词",
]


@pytest.fixture
def archive(monkeypatch):
    """Forty articles over four years, words scattered in headlines and bodies, two withdrawn."""
    rng = random.Random(7)
    issues = [make_issue(date=dt.date(2018, 1, 5) + dt.timedelta(days=37 * k)) for k in range(40)]
    for n, issue in enumerate(issues):
        headline = "".join(rng.sample(WORDS, rng.choice((0, 1, 2)))) or "本报综合消息"
        body = "，".join(rng.sample(WORDS, rng.choice((1, 2, 3)))) + "。模范工人。"
        if n % 9 == 0:
            body += "数字化，化改革。"  # the phrase's bigrams apart: a candidate, not a match
        make_article(issue=issue, headline=headline, body=body,
                     visibility=Visibility.WITHDRAWN if n in (3, 17) else Visibility.PUBLISHED)
        if n % 4 == 0:
            make_article(issue=issue, headline=f"第{n}号 工会", body="工会工作。")
    rebuild_search_index()
    # The archive-scale paths, on a small archive: windows from the first candidates on.
    monkeypatch.setattr(search_results, "DIRECT", 0)


def ids(articles) -> list[int]:
    return [article.pk for article in articles]


@pytest.mark.parametrize("order", ["relevance", "date"])
@pytest.mark.parametrize("query", QUERIES)
def test_every_page_equals_the_queryset_answer(archive, query, order):
    expected = ids(search_articles(query, order=order))
    results = search_public(query, order=order)
    for offset, limit in ((0, 5), (5, 5), (3, 20), (0, 100)):
        assert ids(results[offset : offset + limit]) == expected[offset : offset + limit], (
            offset, limit
        )


@pytest.mark.parametrize("query", QUERIES)
def test_the_total_and_the_facets_are_exact_when_few_candidates_need_checking(archive, query):
    matches = search_articles(query)
    results = search_public(query)
    assert results.count() == matches.count()
    assert results.year_facets() == year_facets(matches)
    assert results.is_exact


def test_filters_narrow_like_the_queryset(archive):
    among = Article.objects.public().filter(headline__contains="工会")
    start, end = dt.date(2019, 1, 1), dt.date(2020, 12, 31)
    expected = search_articles(
        "工", among.filter(issue__date__gte=start, issue__date__lte=end), order="date"
    )
    results = search_public("工", among=among, start=start, end=end, order="date")
    assert ids(results[0:100]) == ids(expected)
    assert results.count() == expected.count()
    in_2019 = search_public("工", among=among, start=start, end=end, year=2019, order="date")
    assert ids(in_2019[0:100]) == ids(expected.filter(issue__date__year=2019))
    assert in_2019.count() == expected.filter(issue__date__year=2019).count()
    # The facets stay those before the year filter, so the reader can pick another year.
    assert in_2019.year_facets() == results.year_facets()


def test_withdrawn_articles_are_neither_shown_nor_counted(archive):
    before = search_public("工会").count()
    article = search_public("工会")[0:1][0]
    # Behind the index's back: the trigger keeps the document's copy in step.
    Article.objects.filter(pk=article.pk).update(visibility=Visibility.WITHDRAWN)
    results = search_public("工会")
    assert results.count() == before - 1
    assert article.pk not in ids(results[0:100])


def test_a_phrase_with_many_candidates_is_estimated_from_a_checked_sample(archive, monkeypatch):
    monkeypatch.setattr(search_results, "SAMPLE", 3)
    phrase = '"数字化改革"'
    exact = search_articles(phrase).count()
    results = search_public(phrase)
    if connection.vendor == "postgresql":
        # The candidates hold 数字/字化/化改/改革 anywhere; only a sample of 3 was checked.
        assert not results.is_exact
        assert 0 <= results.count() <= Article.objects.public().count()
    else:
        assert results.is_exact and results.count() == exact
    # The page itself is always checked: only real matches are shown.
    assert ids(results[0:100]) == ids(search_articles(phrase))
    # With a sample as large as the candidates, the count is exact again.
    monkeypatch.setattr(search_results, "SAMPLE", 1000)
    assert search_public(phrase).count() == exact and search_public(phrase).is_exact


def test_the_estimate_checks_the_newest_candidates(monkeypatch):
    # Three old candidates where the phrase's bigrams stand apart, three new real matches:
    # a sample of three taken from the newest months finds every one a match.
    for year, body in ((2018, "数字化，化改革。"), (2021, "数字化改革。")):
        for month in (3, 4, 5):
            make_article(issue=make_issue(date=dt.date(year, month, 2)), headline="新闻", body=body)
    rebuild_search_index()
    if connection.vendor == "postgresql":
        # The new documents' rows last in the table, after the old ones: a sample in the
        # table's order would check the old candidates.
        with connection.cursor() as cursor:
            new = "FROM search_articledocument WHERE published_on >= '2021-01-01'"
            cursor.execute(f"CREATE TEMPORARY TABLE new_documents AS SELECT * {new}")
            cursor.execute(f"DELETE {new}")
            cursor.execute("INSERT INTO search_articledocument SELECT * FROM new_documents")
    monkeypatch.setattr(search_results, "SAMPLE", 3)
    results = search_public('"数字化改革"')
    assert search_articles('"数字化改革"').count() == 3
    if connection.vendor == "postgresql":
        assert not results.is_exact
        assert results.count() == 6  # six candidates, all of the newest three passed
        assert results.year_facets() == [(2021, 3), (2018, 3)]
    else:
        assert results.is_exact and results.count() == 3


def test_the_first_month_holding_a_sample():
    groups = {(202103, "要闻"): 2, (202103, ""): 1, (202102, "要闻"): 5, (201912, ""): 9}
    assert search_results._first_month_holding(groups, 3) == 202103
    assert search_results._first_month_holding(groups, 4) == 202102
    assert search_results._first_month_holding(groups, 9) == 201912
    assert search_results._first_month_holding(groups, 99) == 201912  # all of them
    assert search_results._first_month_holding({}, 3) == 0


def test_a_blank_query_has_no_results(archive):
    results = search_public("  ")
    assert results.count() == 0 and results[0:20] == []


@pytest.mark.django_db(transaction=True)
def test_totals_are_cached_until_the_archive_changes(settings):
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_GENERATION_TTL = 0  # read the generation every time: one query
    issue = make_issue(date=dt.date(2021, 3, 19))
    first = make_article(issue=issue, headline="工会新闻", body="工会工作。")
    make_article(issue=issue, headline="其他", body="没有那个词。")
    assert search_public("工会").count() == 1
    with CaptureQueriesContext(connection) as queries:
        assert search_public("工会").count() == 1
    assert len(queries) == 1  # the archive's generation: the totals came from the cache
    make_article(issue=issue, headline="又一篇", body="工会再次出现。")  # committed: indexed
    assert search_public("工会").count() == 2
    first.delete()
    assert search_public("工会").count() == 1


def test_the_search_page_says_when_its_total_is_an_estimate(client, archive, monkeypatch):
    monkeypatch.setattr(search_results, "SAMPLE", 3)
    page = client.get("/search/", {"q": '"数字化改革"'}).content.decode()
    heading = page[page.index('id="results-heading"'):].split("</h2>")[0]
    if connection.vendor == "postgresql":
        assert "约找到" in heading
    else:
        assert "约" not in heading and "找到" in heading
    exact = client.get("/search/", {"q": "工会"}).content.decode()
    assert "约找到" not in exact


def test_the_migration_brings_old_documents_to_what_indexing_writes_now(monkeypatch):
    """Migration search/0005 rewrites scheme-1 documents in SQL; they must equal re-indexed ones.

    PostgreSQL: the vector gains the headline's h: tokens; both databases: the placement
    copies (date, month, position, public) and the scheme number.
    """
    import importlib

    migration = importlib.import_module("newsroom.search.migrations.0005_reader_search_columns")
    statements = (migration.POSTGRES_FORWARD if connection.vendor == "postgresql"
                  else migration.SQLITE_FORWARD)
    update = next(sql for sql in statements if sql.lstrip().startswith("UPDATE"))
    issue = make_issue(date=dt.date(2021, 3, 19))
    # Indexed as scheme 2 was (the scheme number aside, this article's document is the same
    # under schemes 3 and 4: no traditional characters, no OCR passages).
    monkeypatch.setattr(search_indexing, "SEGMENTER_VERSION",
                        search_indexing.SEGMENTER_VERSION.replace(f"/scheme-{INDEX_SCHEME}", "/scheme-2"))
    article = make_article(issue=issue, kicker="本报讯", headline="工会'数字化改革'ＣＮ３３",
                           body="正文里也有工会。", page=2, position=3)
    rebuild_search_index()
    columns = "vector, segmenter, published_on, published_month, position_key, is_public"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM search_articledocument WHERE article_id = %s",
                       [article.pk])
        indexed = cursor.fetchone()
        # Back to scheme 1: no placement copies, and (PostgreSQL) no h: lexemes.
        cursor.execute(
            "UPDATE search_articledocument SET published_on = NULL, published_month = NULL,"
            " position_key = NULL, is_public = NULL,"
            " segmenter = replace(segmenter, '/scheme-2', '/scheme-1')"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE search_articledocument SET vector = ts_delete(vector, ARRAY(SELECT l FROM"
                " unnest(tsvector_to_array(vector)) l WHERE l LIKE 'h:%%'))"
            )
        cursor.execute(update)
        cursor.execute(f"SELECT {columns} FROM search_articledocument WHERE article_id = %s",
                       [article.pk])
        migrated = cursor.fetchone()
    if connection.vendor == "postgresql":
        assert "'h:工会'" in indexed[0]
    assert indexed[1].endswith("/scheme-2")
    assert migrated == indexed


@pytest.mark.django_db(transaction=True)
def test_moving_an_issue_to_another_date_moves_its_articles_in_the_search():
    from newsroom.search.models import ArticleDocument

    issue = make_issue(date=dt.date(2019, 5, 6))
    article = make_article(issue=issue, headline="工会", body="工会。")
    assert ArticleDocument.objects.get(article=article).published_month == 201905
    issue.date = dt.date(2020, 7, 8)
    issue.save()  # an editor corrects the date the OCR misread
    document = ArticleDocument.objects.get(article=article)
    assert (document.published_on, document.published_month) == (dt.date(2020, 7, 8), 202007)
    assert search_public("工会", year=2020).count() == 1
    assert search_public("工会", year=2019).count() == 0
