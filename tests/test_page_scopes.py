"""Scoped invalidation of the page cache and pages rendered again in the background
(newsroom/pagescopes.py, newsroom/pagerefresh.py): a change reaches the pages that show it,
never a reader a stale page, whatever the cache forgot.

These tests commit for real (transactional_db): scopes move on after a commit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import editorial, pagescopes
from newsroom.pagecache import CACHE_ALIAS
from tests.factories import make_article, make_issue, make_user

pytestmark = pytest.mark.django_db(transaction=True)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def edit(article, headline):
    editorial.edit_article(article, changes={"headline": headline},
                           expected_version=article.version, user=make_user(role="editor"))


@pytest.fixture
def article():
    issue = make_issue()
    return make_article(issue=issue, headline="职工夜校开课", body="第一段正文。")


def test_months_between_counts_every_month_once_across_years():
    assert pagescopes.months_between(dt.date(2021, 11, 30), dt.date(2022, 2, 1)) == [
        "month:2021-11", "month:2021-12", "month:2022-01", "month:2022-02"]
    assert pagescopes.months_between(dt.date(2022, 2, 1), dt.date(2021, 12, 5)) == [
        "month:2021-12", "month:2022-01", "month:2022-02"]
    assert pagescopes.of_dates([dt.date(2021, 3, 19)]) == {
        "day:2021-03-19", "month:2021-03", pagescopes.CALENDAR}
    assert pagescopes.of_dates([]) == set()


def test_a_bump_gives_every_scope_a_version_past_the_counter_read_before():
    pages = caches[CACHE_ALIAS]
    before = pagescopes.counter(pages)
    assert pagescopes.versions(pages, ["day:2021-03-19"]) == {"day:2021-03-19": before}
    version = pagescopes.bump(pages, ["day:2021-03-19", "month:2021-03"])
    assert version > before
    assert pagescopes.versions(pages, ["day:2021-03-19", "month:2021-03"]) == {
        "day:2021-03-19": version, "month:2021-03": version}
    assert pagescopes.bump(pages, []) is None


@pytest.mark.parametrize("forgotten", ["scope", "scope and counter"])
def test_a_scope_the_cache_forgot_after_a_change_never_serves_the_old_page(
    client, article, forgotten
):
    url = article.get_absolute_url()
    get(client, url)
    edit(article, "职工夜校改期")
    pages = caches[CACHE_ALIAS]
    # Evicted by the size limit, or the cache restarted, after the change moved it on.
    pages.delete(pagescopes.PREFIX + pagescopes.day(article.issue.date))
    pages.delete(pagescopes.PREFIX + pagescopes.article(article.pk))
    if forgotten == "scope and counter":
        pages.delete(pagescopes.SEQ)
    response, _queries = get(client, url)
    assert "职工夜校改期" in response.content.decode()
    assert response["X-Page-Cache"] == "miss"


def test_a_scope_forgotten_with_nothing_changed_keeps_the_page_a_hit(client, article):
    url = article.get_absolute_url()
    get(client, url)
    assert get(client, url)[1] == 0
    caches[CACHE_ALIAS].delete(pagescopes.PREFIX + pagescopes.day(article.issue.date))
    response, queries = get(client, url)
    # The scope comes back with the counter's value: the stamps are read again once (it
    # cannot tell), and the page is the same page.
    assert response["X-Page-Cache"] == "hit" and queries <= 1
    assert get(client, url)[1] == 0


def test_a_change_committed_while_the_stamps_are_read_is_not_remembered(
    client, article, monkeypatch
):
    """The stamps are read, then a correction commits (and moves its scopes on), then the
    scopes' versions are read: the stamps read before the commit must not be remembered under
    the versions after it, or every later reader would get the old page."""
    versions = pagescopes.versions
    committed = []

    def commit_first(pages, scopes):
        scopes = list(scopes)
        if not committed and pagescopes.ARCHIVE in scopes:  # the store path, after the stamps
            committed.append(edit(article, "职工夜校改在周六"))
        return versions(pages, scopes)

    monkeypatch.setattr(pagescopes, "versions", commit_first)
    url = article.get_absolute_url()
    responses = [client.get(url) for _ in range(3)]
    assert committed
    assert all("职工夜校改在周六" in r.content.decode() for r in responses[1:])


def test_a_new_issue_reaches_the_cached_page_of_the_issue_before_it(client, article):
    url = article.issue.get_absolute_url()
    get(client, url)
    later = make_article(issue=make_issue(date=article.issue.date + dt.timedelta(days=3)))
    response, _queries = get(client, url)
    assert later.issue.get_absolute_url() in response.content.decode()


def test_an_import_reaches_only_the_pages_of_the_issues_it_touched(client, settings, tmp_path):
    from importers.load import import_paths

    first, second = sorted(SEEDS.glob("*.txt"))
    assert import_paths([first]).ok
    from newsroom.models import Article, Issue

    old = Issue.objects.get()
    article = Article.objects.filter(issue=old, continues__isnull=True).first()
    urls = [old.get_absolute_url(), article.get_absolute_url()]
    for url in urls:
        get(client, url)
    assert import_paths([second]).ok  # 2022-06-17, a year later: another issue, other months
    new = Issue.objects.exclude(pk=old.pk).get()
    issue_page, _issue_queries = get(client, urls[0])
    article_page, article_queries = get(client, urls[1])
    # The issue page's next link is open-ended (the calendar scope): read again, and it links.
    assert new.get_absolute_url() in issue_page.content.decode()
    # The article page of the other issue is not reached: no query.
    assert article_page["X-Page-Cache"] == "hit" and article_queries == 0


def test_what_a_change_invalidated_is_rendered_again_before_the_next_reader(
    client, article, settings
):
    settings.PAGE_CACHE_REFRESH = "inline"
    urls = [article.get_absolute_url(), article.issue.get_absolute_url()]
    for url in urls:
        get(client, url)
    edit(article, "职工夜校今晚开课")
    for url in urls:
        response, queries = get(client, url)
        assert response["X-Page-Cache"] == "hit", url
        assert "职工夜校今晚开课" in response.content.decode()
        assert queries == 0


def test_a_change_queues_the_pages_of_its_date_for_the_workers(client, article, settings):
    from django_tasks_db.models import DBTaskResult

    settings.PAGE_CACHE_REFRESH = "queue"
    edit(article, "职工夜校今晚开课")
    queued = DBTaskResult.objects.filter(task_path="newsroom.pagerefresh.refresh_pages")
    # Its date's pages, and the front pages (the article's issue is among the newest).
    assert [row.args_kwargs["args"] for row in queued] == [
        [[article.issue.date.isoformat()], ["/", "/feeds/issues/"]]]
    # What a worker runs: the pages of that date are in the cache for the next reader.
    from newsroom.pagerefresh import refresh_pages

    counts = refresh_pages.call([article.issue.date.isoformat()])
    assert counts == {"hit": 0, "rendered": 2, "failed": 0}
    assert get(client, article.get_absolute_url())[0]["X-Page-Cache"] == "hit"


def test_an_import_queues_its_dates_once_at_the_end(settings):
    from django_tasks_db.models import DBTaskResult

    from importers.load import import_paths

    settings.PAGE_CACHE_REFRESH = "queue"
    assert import_paths(sorted(SEEDS.glob("*.txt"))).ok
    queued = DBTaskResult.objects.filter(task_path="newsroom.pagerefresh.refresh_pages")
    # The front pages too (its issues are the newest); its reporters' pages render when asked.
    assert [row.args_kwargs["args"] for row in queued] == [
        [["2021-03-19", "2022-06-17"], ["/", "/feeds/issues/"]]]


def test_warm_page_cache_renders_every_public_page_and_resumes_after_a_date(client, capsys):
    from importers.load import import_paths
    from newsroom.models import Article, Issue

    assert import_paths(sorted(SEEDS.glob("*.txt"))).ok
    caches[CACHE_ALIAS].clear()
    call_command("warm_page_cache", after=dt.date(2021, 3, 19))
    out = capsys.readouterr().out
    assert "up to 2022-06-17" in out and "--after 2022-06-17" in out
    later = Issue.objects.get(date=dt.date(2022, 6, 17))
    earlier = Issue.objects.get(date=dt.date(2021, 3, 19))
    assert get(client, later.get_absolute_url())[0]["X-Page-Cache"] == "hit"
    for article in Article.objects.public().filter(issue=later, continues__isnull=True):
        response, queries = get(client, article.get_absolute_url())
        assert response["X-Page-Cache"] == "hit" and queries == 0
    # Not before the date it resumed after.
    assert get(client, earlier.get_absolute_url())[0]["X-Page-Cache"] == "miss"
    call_command("warm_page_cache")
    # The earlier issue's page was cached by the reader just above; its articles were not.
    cached = 2 + Article.objects.public().filter(issue=later, continues__isnull=True).count()
    rendered = Article.objects.public().filter(issue=earlier, continues__isnull=True).count()
    assert f"{rendered} rendered, {cached} already cached" in capsys.readouterr().out
    assert get(client, earlier.get_absolute_url())[0]["X-Page-Cache"] == "hit"


def test_warm_page_cache_can_queue_the_archive_for_the_workers(capsys):
    from django_tasks_db.models import DBTaskResult

    call_command("warm_page_cache", queue=True, after=dt.date(2021, 1, 1))
    assert "queued" in capsys.readouterr().out
    row = DBTaskResult.objects.get(task_path="newsroom.pagerefresh.warm_archive")
    assert row.args_kwargs["args"] == ["2021-01-01", 0]


def test_a_withdrawn_article_is_not_rendered_ahead(article):
    from newsroom.models import Article, Visibility
    from newsroom.pagerefresh import paths_of

    hidden = make_article(issue=article.issue, headline="撤下的稿件")
    editorial.set_visibility(Article.objects.filter(pk=hidden.pk), Visibility.WITHDRAWN,
                             user=make_user(role="chief editor"))
    paths = paths_of([article.issue.date.isoformat()])
    assert paths == [article.issue.get_absolute_url(), article.get_absolute_url()]


def test_the_folder_cache_keeps_its_connections_from_one_request_to_the_next(
    client, article, settings, tmp_path, monkeypatch
):
    """Django closes every cache after each request; opening the folder cache's SQLite shards
    again cost more than the hit itself (newsroom/cachebackends.py)."""
    import diskcache.core

    from newsroom.settings import _page_cache

    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: _page_cache(str(tmp_path / "pages"))}
    url = article.get_absolute_url()
    get(client, url)
    opened = []
    connect = diskcache.core.sqlite3.connect
    monkeypatch.setattr(diskcache.core.sqlite3, "connect",
                        lambda *args, **kwargs: opened.append(args) or connect(*args, **kwargs))
    responses = [get(client, url) for _ in range(5)]
    assert [r["X-Page-Cache"] for r, _queries in responses] == ["hit"] * 5
    assert opened == []
    caches[CACHE_ALIAS].clear()
