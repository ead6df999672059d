"""Narrow and explore (#20, point 4): search within one issue and one page, facets by year,
month and page name (版名), each counted under the others' filters."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from newsroom.changes import rebuild_search_index
from newsroom.models import Page
from newsroom.search import search_public
from newsroom.search.facets import Choice, Totals
from tests.factories import make_article, make_issue

GROUPS = {(202103, "要闻"): 3, (202103, "综合"): 1, (202105, "要闻"): 2, (202201, ""): 4}


def test_each_facet_counts_under_the_others_filters_but_not_its_own():
    totals = Totals(groups=GROUPS)
    assert totals.total == 10
    assert totals.years == [(2022, 4), (2021, 6)]
    chosen = Choice(year=2021, page_name="要闻")
    assert totals.count(chosen) == 5
    assert totals.year_facets(chosen) == [(2021, 5)]  # 2022 has no 要闻
    assert totals.month_facets(chosen) == [(3, 3), (5, 2)]
    assert totals.page_name_facets(chosen) == [("要闻", 5), ("综合", 1)]
    assert totals.count(Choice(year=2021, month=5)) == 2
    assert totals.month_facets(Choice()) == []  # months only within a chosen year
    assert totals.page_name_facets(Choice(year=2022)) == []  # unnamed pages are no facet


def test_estimated_groups_are_rounded_when_shown():
    totals = Totals(groups={(202103, "要闻"): 2.4, (202104, "要闻"): 2.4}, exact=False)
    assert totals.count() == 5 and totals.month_facets(Choice(year=2021)) == [(3, 2), (4, 2)]


@pytest.fixture
def paper(django_capture_on_commit_callbacks):
    # Committed (its on-commit work run), so that a later change's re-index is its own.
    with django_capture_on_commit_callbacks(execute=True):
        march = make_issue(date=dt.date(2021, 3, 19))
        may = make_issue(date=dt.date(2021, 5, 1), number=2)
        for issue in (march, may):
            Page.objects.create(issue=issue, number=1, name="要闻")
            Page.objects.create(issue=issue, number=2, name="综合")
        rows = {
            "front": make_article(march, page=1, headline="工会要闻", body="全省工会。"),
            "inside": make_article(march, page=2, headline="工会综合", body="工会动态。"),
            "may": make_article(may, page=1, headline="五月工会", body="工会活动。"),
            "other": make_article(may, page=2, headline="消防", body="比武。"),
        }
    rebuild_search_index()
    return rows


def headlines(results) -> set[str]:
    return {article.headline for article in results[0:50]}


@pytest.mark.django_db
def test_the_documents_know_their_page_names_and_follow_a_rename(paper, django_capture_on_commit_callbacks):
    assert headlines(search_public("工会", page_name="要闻")) == {"工会要闻", "五月工会"}
    page = Page.objects.get(issue=paper["inside"].issue, number=2)
    with django_capture_on_commit_callbacks(execute=True):
        page.name = "经济"
        page.save()
    assert headlines(search_public("工会", page_name="经济")) == {"工会综合"}
    assert dict(search_public("工会").page_name_facets()) == {"要闻": 2, "经济": 1}


@pytest.mark.django_db
def test_search_within_one_issue_and_one_page(paper):
    march = dt.date(2021, 3, 19)
    assert headlines(search_public("工会", start=march, end=march)) == {"工会要闻", "工会综合"}
    assert headlines(search_public("工会", start=march, end=march, page_number=2)) == {"工会综合"}
    assert headlines(search_public("工会", page_number=1)) == {"工会要闻", "五月工会"}
    results = search_public("工会", year=2021, month=5)
    assert results.count() == 1 and headlines(results) == {"五月工会"}
    assert search_public("工会", year=2021).month_facets() == [(3, 2), (5, 1)]


@pytest.mark.django_db
def test_the_search_page_offers_the_facets_and_the_issue_page_its_search_box(client, paper):
    page = client.get("/search/", {"q": "工会", "year": 2021}).content.decode()
    assert "按月份" in page and "按版名" in page
    assert re.search(r'href="\?[^"]*month=3"', page)
    assert "pagename=%E8%A6%81%E9%97%BB" in page  # 要闻, quoted
    narrowed = client.get("/search/", {"q": "工会", "year": 2021, "month": 3, "pagename": "综合"})
    assert "找到1篇文章" in narrowed.content.decode()
    # A month without its year is dropped, never an error.
    assert client.get("/search/", {"q": "工会", "month": 3}).status_code == 200
    issue_page = client.get("/issues/2021-03-19/").content.decode()
    assert 'name="start" value="2021-03-19"' in issue_page and 'name="pageno"' in issue_page
    within = client.get("/search/", {"q": "工会", "start": "2021-03-19", "end": "2021-03-19",
                                     "pageno": 2}).content.decode()
    assert "找到1篇文章" in within and paper["inside"].get_absolute_url() in within
