"""The public pages' cache: pages come from it until a committed change, never stale after one.

These tests commit for real (transactional_db): the generation moves on only after a
commit, which a test wrapped in one transaction never reaches.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from newsroom import editorial
from newsroom.models import Article, Visibility
from newsroom.pagecache import current_generation, has_uncommitted_changes
from tests.factories import make_article, make_credit, make_issue, make_person, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _read_the_generation_every_time(settings):
    # These tests check that a change is seen at once: no per-worker memo of the generation
    # (test_another_worker_sees_a_change_within_the_generation_ttl checks the memo).
    settings.PAGE_CACHE_GENERATION_TTL = 0


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


@pytest.fixture
def article():
    issue = make_issue()
    article = make_article(issue=issue, headline="职工夜校开课", body="第一段正文。")
    make_credit(person=make_person("阮向民"), article=article)
    return article


def test_the_second_reader_gets_the_page_from_the_cache_with_no_query(client, article):
    url = article.get_absolute_url()
    first, rendering_queries = get(client, url)
    second, queries = get(client, url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert rendering_queries > 1
    # The page's stamps are remembered under the versions of its scopes, in the cache.
    assert queries == 0


@pytest.mark.parametrize("url_of", [
    lambda a: a.get_absolute_url(),
    lambda a: a.issue.get_absolute_url(),
    lambda a: f"/issues/{a.issue.date.year}/{a.issue.date.month:02d}/",
    lambda a: "/",
])
def test_an_editors_committed_correction_shows_at_once_on_every_cached_page(client, article,
                                                                             url_of):
    url = url_of(article)
    get(client, url)
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    editorial.edit_article(
        article, changes={"headline": "职工夜校改期"}, expected_version=article.version,
        user=make_user(role="editor"),
    )
    response, _queries = get(client, url)
    assert response["X-Page-Cache"] == "miss"
    assert "职工夜校改期" in response.content.decode()


def test_a_correction_elsewhere_leaves_article_and_issue_pages_cached(client, article):
    """Article and issue pages are keyed by what they show (their validators), remembered
    under the scopes they depend on (newsroom/pagescopes.py): an editor's save on an issue
    months away leaves them in the cache, and costs their next reader no query."""
    # The issues either side: an issue page's neighbours (its previous/next links) are its own.
    date = article.issue.date
    make_article(issue=make_issue(date=date - dt.timedelta(days=10)))
    make_article(issue=make_issue(date=date + dt.timedelta(days=10)))
    other = make_article(issue=make_issue(date=date + dt.timedelta(days=100)),
                         headline="另一期的文章")
    urls = [article.get_absolute_url(), article.issue.get_absolute_url()]
    for url in urls:
        get(client, url)
    editorial.edit_article(other, changes={"headline": "另一期的文章（更正）"},
                           expected_version=other.version, user=make_user(role="editor"))

    after = [get(client, url) for url in urls]
    assert [response["X-Page-Cache"] for response, _queries in after] == ["hit", "hit"]
    assert [queries for _response, queries in after] == [0, 0]
    changed = client.get(other.get_absolute_url())
    assert changed["X-Page-Cache"] == "miss" and "另一期的文章（更正）" in changed.content.decode()
    # The home page shows every issue's news: it follows the generation.
    assert get(client, "/")[0]["X-Page-Cache"] == "miss"


def test_a_correction_in_the_same_month_rereads_the_issue_pages_stamps_once(client, article):
    """A change within an issue page's months may move its links: its stamps are read
    again (one query), and the page, unchanged, is still a hit. The article pages of other
    days are not reached at all."""
    date = article.issue.date  # 19 March 2021
    make_article(issue=make_issue(date=date - dt.timedelta(days=1)))
    make_article(issue=make_issue(date=date + dt.timedelta(days=1)))
    later = make_article(issue=make_issue(date=date + dt.timedelta(days=5)), headline="下周")
    urls = [article.issue.get_absolute_url(), article.get_absolute_url()]
    for url in urls:
        get(client, url)
    editorial.edit_article(later, changes={"headline": "下周（更正）"},
                           expected_version=later.version, user=make_user(role="editor"))
    (issue_page, issue_queries), (article_page, article_queries) = [get(client, u) for u in urls]
    assert issue_page["X-Page-Cache"] == "hit" and issue_queries == 1
    assert article_page["X-Page-Cache"] == "hit" and article_queries == 0
    assert get(client, urls[0])[1] == 0


@pytest.mark.parametrize("page", ["article", "issue"])
def test_a_correction_committed_while_a_page_renders_is_never_served_stale(
    client, article, monkeypatch, page
):
    """The stamps are read, then a correction commits, then the page renders (the race a busy
    desk makes): whatever was stored, no reader after the commit gets the old headline."""
    from newsroom import pagecache

    url = article.get_absolute_url() if page == "article" else article.issue.get_absolute_url()
    read = pagecache._read
    committed = []

    def commit_in_between(pages, key):
        # The first request, after it read the page's stamps, before it renders.
        if not committed and ":stamp-" in key:
            committed.append(editorial.edit_article(
                article, changes={"headline": "职工夜校改在周六"}, expected_version=article.version,
                user=make_user(role="editor")))
        return read(pages, key)

    monkeypatch.setattr(pagecache, "_read", commit_in_between)
    responses = [client.get(url) for _ in range(3)]

    assert committed
    # The first request began before the commit: it may show either headline. Every request
    # begun after it shows the correction, though the first stored what it rendered.
    assert all("职工夜校改在周六" in r.content.decode() for r in responses[1:])
    assert [r["X-Page-Cache"] for r in responses] == ["miss", "miss", "hit"]


def test_renaming_a_contributor_reaches_the_cached_person_page(client, article):
    # The article page shows the byline as printed (Credit.printed_name); the person's own
    # page shows the person's name.
    person = article.credits.get().person
    url = person.get_absolute_url()
    get(client, url)
    person.name = "阮向明"
    person.save()
    page = get(client, url)[0].content.decode()
    assert "阮向明" in page and "阮向民" not in page


def test_a_withdrawal_by_the_bulk_path_is_gone_from_the_cache_at_once(client, article):
    get(client, article.get_absolute_url())
    get(client, article.issue.get_absolute_url())
    editorial.set_visibility(
        Article.objects.filter(pk=article.pk), Visibility.WITHDRAWN,
        user=make_user(role="chief editor"),
    )
    assert get(client, article.get_absolute_url())[0].status_code == 410
    issue_page = get(client, article.issue.get_absolute_url())[0]
    assert "职工夜校开课" not in issue_page.content.decode()


def test_a_tag_added_to_an_article_reaches_its_cached_page(client, article):
    url = article.get_absolute_url()
    get(client, url)
    article.tags.add("劳模")
    assert "劳模" in get(client, url)[0].content.decode()


def test_a_rolled_back_change_leaves_the_generation_and_the_cache_alone(article):
    before = current_generation()
    with pytest.raises(RuntimeError), transaction.atomic():
        article.headline = "不会保存"
        article.save()
        assert has_uncommitted_changes()
        raise RuntimeError
    assert current_generation() == before
    assert not has_uncommitted_changes()


def test_a_transaction_with_uncommitted_changes_neither_reads_nor_fills_the_cache(client, article):
    url = article.get_absolute_url()
    get(client, url)
    with transaction.atomic():
        article.headline = "还没提交的标题"
        article.save()
        response, _queries = get(client, url)
        assert "X-Page-Cache" not in response
        assert "还没提交的标题" in response.content.decode()
        transaction.set_rollback(True)
    response, _queries = get(client, url)
    assert response["X-Page-Cache"] == "hit"
    assert "还没提交的标题" not in response.content.decode()


def test_each_commit_moves_the_generation_once_and_past_the_clock(article):
    before = current_generation()
    with transaction.atomic():
        for n in range(3):
            article.headline = f"标题{n}"
            article.save()
    after = current_generation()
    assert after > before
    assert after >= time.time_ns() // 1000 - 60_000_000  # a clock in microseconds
    # One transaction, one step: the value moved once, not once per save.
    with transaction.atomic():
        article.save()
        make_credit(person=make_person("金钩"), article=article)
    assert current_generation() > after


def test_an_editor_with_a_session_is_never_served_from_the_cache(client, article):
    url = article.get_absolute_url()
    get(client, url)
    client.force_login(make_user(role="editor"))
    response, queries = get(client, url)
    assert "X-Page-Cache" not in response
    assert queries > 1


def test_each_language_has_its_own_cached_page(client, article):
    url = article.get_absolute_url()
    chinese = get(client, url)[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = get(client, url)[0]
    assert english["X-Page-Cache"] == "miss"
    assert english.content != chinese.content
    assert 'lang="en"' in get(client, url)[0].content.decode()


def test_a_cached_page_still_answers_a_conditional_request_with_304(client, article):
    url = article.get_absolute_url()
    etag = get(client, url)[0]["ETag"]
    response, queries = get(client, url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and queries == 0


def test_a_missing_page_is_not_cached(client, article):
    assert get(client, "/articles/999999/")[0].status_code == 404
    response, queries = get(client, "/articles/999999/")
    assert response.status_code == 404 and queries > 1


def test_the_cache_can_be_switched_off(client, article, settings):
    settings.PAGE_CACHE = False
    url = article.get_absolute_url()
    get(client, url)
    response, queries = get(client, url)
    assert "X-Page-Cache" not in response and queries > 1


def test_importing_a_page_moves_the_generation(client):
    before = current_generation()
    seed = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))[0]
    call_command("import_pages", str(seed), stdout=open("/dev/null", "w"))
    assert current_generation() > before


def test_another_worker_sees_a_change_within_the_generation_ttl(client, article, settings,
                                                                  monkeypatch):
    """The generation is read at most once a TTL per worker; a change elsewhere waits that long."""
    from newsroom import pagecache

    settings.PAGE_CACHE_GENERATION_TTL = 60
    # Keyed by the generation: the API's anonymous list (the archive's pages are keyed by their
    # stamps or their scopes: tests/test_page_scopes.py, test_page_reach.py).
    url = "/api/v1/articles/"
    get(client, url)
    response, queries = get(client, url)
    assert response["X-Page-Cache"] == "hit" and queries == 0
    # Another worker commits a correction: this worker's memo of the generation is not told.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE newsroom_article SET headline = '别处改的' WHERE id = %s",
                       [article.pk])
        cursor.execute("UPDATE newsroom_archive_generation SET value = value + 1")
    assert "别处改的" not in get(client, url)[0].content.decode()
    clock = pagecache.time.monotonic() + 61
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock)
    assert "别处改的" in get(client, url)[0].content.decode()


def test_env_float_reads_numbers_and_refuses_words(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from newsroom.env import env_float

    monkeypatch.setenv("PAGE_CACHE_GENERATION_TTL", "0.5")
    assert env_float("PAGE_CACHE_GENERATION_TTL", 1.0) == 0.5
    monkeypatch.setenv("PAGE_CACHE_GENERATION_TTL", "soon")
    with pytest.raises(ImproperlyConfigured, match="PAGE_CACHE_GENERATION_TTL"):
        env_float("PAGE_CACHE_GENERATION_TTL", 1.0)


def test_a_cached_search_page_follows_a_committed_correction(client, article):
    """The page is cached by generation; the index is written after the article's commit."""
    url = "/search/?" + urlencode({"q": "夜校"})
    link = f'href="{article.get_absolute_url()}"'
    assert link in get(client, url)[0].content.decode()
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    editorial.edit_article(
        article, changes={"headline": "工会活动", "body": "没有那个词。"},
        expected_version=article.version, user=make_user(role="editor"),
    )
    response = get(client, url)[0]
    assert response["X-Page-Cache"] == "miss"
    assert link not in response.content.decode()
    assert link in get(client, "/search/?" + urlencode({"q": "工会"}))[0].content.decode()


def test_an_anonymous_api_list_is_answered_from_the_cache_until_a_change(client, article):
    url = "/api/v1/articles/?page_size=20"
    first, _queries = get(client, url)
    second, queries = get(client, url)
    assert first["X-Page-Cache"] == "miss" and second["X-Page-Cache"] == "hit"
    assert second.json() == first.json()
    assert queries == 1  # the generation
    editorial.set_visibility(Article.objects.filter(pk=article.pk), Visibility.WITHDRAWN,
                             user=make_user(role="chief editor"))
    assert get(client, url)[0].json()["results"] == []


def test_staff_api_reads_are_never_served_from_the_cache(client, article):
    from rest_framework.authtoken.models import Token

    url = "/api/v1/articles/?page_size=20"
    get(client, url)
    token = Token.objects.create(user=make_user(role="editor"))
    response, queries = get(client, url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "X-Page-Cache" not in response and queries > 1


def test_throttling_still_counts_requests_answered_from_the_cache(client, article, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    responses = [get(client, "/api/v1/articles/")[0] for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert responses[2]["X-Page-Cache"] == "hit"


def test_inside_coalesced_commits_move_the_generation_once_at_the_end(article):
    from newsroom.pagecache import coalesced

    before = current_generation()
    with coalesced(every=3600):
        for n in range(3):
            article.headline = f"第{n}次"
            article.save()  # each save commits (autocommit)
            assert current_generation() == before
    assert current_generation() > before


def test_inside_coalesced_a_change_moves_the_generation_once_the_interval_passed(article,
                                                                                 monkeypatch):
    from newsroom import pagecache

    before = current_generation()
    with pagecache.coalesced(every=10):
        clock = pagecache.time.monotonic() + 11
        monkeypatch.setattr(pagecache.time, "monotonic", lambda: clock)
        article.save()
        moved = current_generation()
        assert moved > before
        article.save()  # within 10 s of the last move: waits for the end
        assert current_generation() == moved
    assert current_generation() > moved


def test_an_import_run_moves_the_generation_at_most_once_a_second(monkeypatch):
    from importers.load import import_paths
    from newsroom import pagecache

    bumps = []
    real_bump = pagecache._bump
    monkeypatch.setattr(pagecache, "_bump", lambda using: (bumps.append(using), real_bump(using)))
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: 1000.0)  # a run under a second
    seeds = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))
    report = import_paths(seeds)
    assert not any(f.failed for f in report.files)
    assert len(bumps) == 1  # two pages and their search documents: one move, at the end


def test_the_years_of_the_archive_are_counted_once_per_generation(client, article):
    from archive.queries import years_with_issues

    assert years_with_issues() == [(article.issue.date.year, 1)]
    with CaptureQueriesContext(connection) as queries:
        assert years_with_issues() == [(article.issue.date.year, 1)]
    assert len(queries) == 1  # the generation: the counts came from the cache
    make_article(issue=make_issue(date=dt.date(1999, 1, 4)))
    assert years_with_issues() == [(article.issue.date.year, 1), (1999, 1)]


REDIS_URL = __import__("os").environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.parametrize("where", ["memory", "folder", "redis"])
def test_every_page_cache_location_serves_hits_and_drops_them_after_a_change(
    client, article, settings, tmp_path, where
):
    from django.core.cache import caches

    from newsroom.pagecache import CACHE_ALIAS
    from newsroom.settings import _page_cache

    # A folder is shared by one machine's workers; Redis (the machine's own server, a
    # database of its own, emptied first) by every app server behind a load balancer.
    location = {"memory": "", "folder": str(tmp_path / "pages"), "redis": REDIS_URL}[where]
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: _page_cache(location)}
    caches[CACHE_ALIAS].clear()
    url = article.get_absolute_url()

    first, second = client.get(url), client.get(url)
    editorial.edit_article(article, changes={"headline": "职工夜校今晚开课"},
                           expected_version=article.version, user=make_user(role="editor"))
    third, fourth = client.get(url), client.get(url)

    assert type(caches[CACHE_ALIAS]).__name__ == {
        "memory": "LocMemCache", "folder": "FolderCache", "redis": "RedisCache"}[where]
    assert [r["X-Page-Cache"] for r in (first, second, third, fourth)] == [
        "miss", "hit", "miss", "hit"]
    assert "职工夜校今晚开课" in third.content.decode() and fourth.content == third.content
    caches[CACHE_ALIAS].clear()


def test_a_page_cache_that_cannot_be_reached_serves_pages_uncached(client, article, settings, caplog):
    from django.core.cache import caches

    from newsroom.pagecache import CACHE_ALIAS
    from newsroom.settings import _page_cache

    # Nothing listens on port 1: every read and write of the cache fails at once.
    settings.CACHES = {**settings.CACHES, CACHE_ALIAS: _page_cache("redis://127.0.0.1:1/15")}

    page = client.get(article.get_absolute_url())
    listing = client.get("/api/v1/articles/")

    assert type(caches[CACHE_ALIAS]).__name__ == "RedisCache"
    assert page.status_code == 200 and "职工夜校开课" in page.content.decode()
    assert page["X-Page-Cache"] == "unavailable"
    assert listing.status_code == 200 and len(listing.json()["results"]) == 1
    assert listing["X-Page-Cache"] == "unavailable"
    assert "page cache unavailable" in caplog.text
