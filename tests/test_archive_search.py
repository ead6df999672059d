"""The reader's search page: query, filters, year facets, highlighted snippets, pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection

from newsroom.changes import rebuild_search_index
from newsroom.models import Article, Visibility
from tests.factories import make_article, make_credit, make_issue, make_person
from tests.test_archive_pages import MARCH_19, front_page, html

pytestmark = pytest.mark.django_db


def result_links(page: str) -> list[str]:
    """Return the article links of the result list, in order."""
    results = page[page.index('class="results"') :]
    return re.findall(r'<h3 class="result-title"[^>]*>.*?<a href="(/articles/\d+/)"', results, re.S)


@pytest.fixture
def two_years():
    """Return articles about 工会 in 2021 and 2022, and one that does not mention it."""
    reporter = make_person("阮向民")
    old = make_article(make_issue(date=MARCH_19), headline="以党史学习教育为契机 奋力打造红色工会",
                       body="本报讯 昨日，省总工会主席赴嘉兴调研工会工作。", tags=["红色工会"])
    make_credit(person=reporter, article=old)
    new_issue = make_issue(date=dt.date(2022, 6, 17), number=12135)
    new = make_article(new_issue, headline="全省工会数字化改革推进会召开",
                       body="全省工会数字化改革推进会昨日下午以视频形式召开。", kind="photo")
    other = make_article(new_issue, headline="应急处置练兵", body="消防站技能比武。")
    rebuild_search_index()
    return {"old": old, "new": new, "other": other, "reporter": reporter}


def test_searching_shows_matching_articles_with_the_words_highlighted(client, two_years):
    page = html(client.get("/search/", {"q": "工会"}))
    assert "找到2篇文章" in page
    assert set(result_links(page)) == {two_years["old"].get_absolute_url(),
                                       two_years["new"].get_absolute_url()}
    assert "<mark>工会</mark>" in page
    assert two_years["other"].headline not in page
    assert '<meta name="robots" content="noindex, follow">' in page


def test_withdrawn_articles_are_never_found_nor_counted(client, two_years):
    Article.objects.filter(pk=two_years["new"].pk).update(visibility=Visibility.WITHDRAWN)
    page = html(client.get("/search/", {"q": "工会"}))
    assert result_links(page) == [two_years["old"].get_absolute_url()]
    assert "2022年" not in page[page.index('class="facets"') :]


def test_a_result_shows_the_subheadline_that_made_it_a_headline_hit(client, two_years):
    issue = make_issue(date=dt.date(2022, 6, 18), number=12136)
    make_article(issue, headline="消防站技能比武燃爆夏日", subheadline="省总工会联合开展专项行动",
                 body="本月是安全生产月。")
    rebuild_search_index()
    page = html(client.get("/search/", {"q": "工会"}))
    assert '<p class="result-subheadline" lang="zh-Hans">省总<mark>工会</mark>联合开展专项行动</p>' in page


def test_year_facets_count_the_results_and_narrow_them(client, two_years):
    page = html(client.get("/search/", {"q": "工会"}))
    facets = page[page.index('class="facets"') :]
    assert re.search(r'href="\?q=%E5%B7%A5%E4%BC%9A&amp;year=2022">2022年</a> <span class="count">1', facets)
    narrowed = html(client.get("/search/", {"q": "工会", "year": 2021}))
    assert result_links(narrowed) == [two_years["old"].get_absolute_url()]
    assert "全部年份" in narrowed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"start": "2022-01-01"}, ["new"]),
        ({"end": "2021-12-31"}, ["old"]),
        ({"contributor": "阮向民"}, ["old"]),
        ({"tag": "红色工会"}, ["old"]),
        ({"kind": "photo"}, ["new"]),
    ],
)
def test_filters_narrow_the_results(client, two_years, filters, expected):
    page = html(client.get("/search/", {"q": "工会", **filters}))
    assert result_links(page) == [two_years[name].get_absolute_url() for name in expected]


def test_filters_without_a_query_list_articles_newest_first(client, two_years):
    page = html(client.get("/search/", {"start": "2021-01-01"}))
    assert result_links(page) == [two_years["new"].get_absolute_url(),
                                  two_years["other"].get_absolute_url(),
                                  two_years["old"].get_absolute_url()]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"q": "工会", "start": "2022-01-01", "end": "2021-01-01"}, "end", "截止日期不能早于起始日期"),
        ({"q": "工会", "start": "2021-13-45"}, "start", "有效"),
        ({"q": "工会", "kind": "poem"}, "kind", "poem"),
        ({"q": "工会", "year": "abc"}, "year", "整数"),
    ],
)
def test_bad_filter_input_is_a_message_on_the_field_not_an_error(client, two_years, params,
                                                                   field, message):
    response = client.get("/search/", params)
    assert response.status_code == 200
    page = html(response)
    assert message in page
    assert "找到" not in page
    start = page.index(f'class="field field-{field}"')
    end = page.find('class="field ', start + 1)
    assert message in page[start : end if end != -1 else None]


def test_results_are_paginated_and_page_links_keep_the_criteria(client):
    issue = make_issue()
    for i in range(25):
        make_article(issue, headline=f"工会新闻{i}")
    rebuild_search_index()
    page = html(client.get("/search/", {"q": "工会", "order": "date"}))
    assert len(result_links(page)) == 20
    assert 'href="?q=%E5%B7%A5%E4%BC%9A&amp;order=date&amp;page=2"' in page
    second = html(client.get("/search/", {"q": "工会", "order": "date", "page": 2}))
    assert len(result_links(second)) == 5


def test_an_empty_search_shows_only_the_form(client):
    page = html(client.get("/search/"))
    assert '<label for="id_q">' in page
    assert "找到" not in page


def test_the_query_and_the_ocr_text_are_escaped_in_results(client):
    make_article(headline='工会<script>alert(1)</script>', body='工会"><img src=x onerror=alert(2)>')
    rebuild_search_index()
    page = html(client.get("/search/", {"q": '工会 "><img'}))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    page = html(client.get("/search/", {"q": "工会"}))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("n", [2, 10])
def test_the_search_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries, n):
    for day in range(n):
        front_page(2, date=MARCH_19 + dt.timedelta(days=day))
    rebuild_search_index()
    client.get("/search/", {"q": "工会"})
    # SQLite: the matches by month and page name (the count and the facets); the page of
    # results with their issues; their credits with people; their photos; which of them
    # the original OCR alone matched.
    # PostgreSQL (newsroom/search/results.py), in the test's transaction: the matches by
    # month and page name, then the headline hits and the body hits, each pass in a
    # savepoint that sets and restores its planner settings (4 more each); then the results
    # with their issues, credits and photos; which the OCR alone matched.
    expected = 15 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(expected):
        page = html(client.get("/search/", {"q": "工会"}))
    assert len(result_links(page)) == min(2 * n, 20)
