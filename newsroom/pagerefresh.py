"""What a committed change does to the cached pages: the scopes it moves on, and the pages
it has rendered again in the background before a reader asks.

newsroom/changes.py says *what* changed (``pages_changed(articles=, issues=, dates=)``, or
``whole=True`` when it cannot say where); this module collects that on the transaction's one
on-commit callback, and once the transaction commits:

1. finds the dates of the issues concerned (one query for articles, one for issues), and
   the contributors, tags and front pages the change reaches (newsroom/pagereach.py),
2. moves on their scopes (newsroom/pagescopes.py): the stamps remembered for the pages of
   those days and months are read again, the pages of those contributors and tags and the
   home page render again, every other page stays a hit,
3. queues ``refresh_pages`` for those dates and pages (``PAGE_CACHE_REFRESH``: ``queue`` for the
   task workers, ``inline`` to render at once in this process, ``off``): the issue pages and
   the public article pages of each date are asked for as an anonymous reader would ask, so
   the pages a change invalidated are in the cache again within moments.

Inside ``changes.bulk()`` (an import) the scopes still move on at each commit, but the
dates to render are collected on the run and queued once at its end, in chunks
(``warm_dates``): a large import is followed by its own warm-up. ``warm_archive`` warms the
whole archive a chunk of dates at a time, each chunk queuing the next, so it resumes where
it stopped (``manage.py warm_page_cache``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django_tasks import task

from newsroom import pagescopes, replicas
from newsroom.pagereach import REFRESH_LIMIT, reach_of

logger = logging.getLogger(__name__)

# Dates rendered by one queued task.
CHUNK = 20


# -- Collecting what changed ----------------------------------------------------------------


class _Touched:
    """The one on-commit callback of a transaction that changed what article and issue pages
    show: where it changed."""

    def __init__(self, using: str):
        self.using = using
        self.articles: set[int] = set()
        self.issues: set[int] = set()
        # Issues whose date's pages changed, not everything printed in them (the issue an
        # article left or is deleted from, an advertisement's).
        self.issue_dates: set[int] = set()
        self.dates: set[dt.date] = set()
        self.people: set[int] = set()
        self.tags: set[int] = set()
        self.tag_slugs: set[str] = set()
        self.counts = False
        self.whole = False
        self.done = False

    def add(self, *, articles=(), issues=(), dates=(), whole=False, people=(), tags=(),
            tag_slugs=(), counts=False, issue_dates=()) -> None:
        self.articles.update(int(pk) for pk in articles if pk is not None)
        self.issues.update(int(pk) for pk in issues if pk is not None)
        self.issue_dates.update(int(pk) for pk in issue_dates if pk is not None)
        self.people.update(int(pk) for pk in people if pk is not None)
        self.tags.update(int(pk) for pk in tags if pk is not None)
        self.tag_slugs.update(slug for slug in tag_slugs if slug)
        self.counts = self.counts or counts
        # A row saved with its date as text is not read back yet: the date it stands for.
        self.dates.update(dt.date.fromisoformat(date[:10]) if isinstance(date, str) else date
                          for date in dates if date is not None)
        self.whole = self.whole or whole

    def __call__(self) -> None:
        self.done = True
        _committed(self)


def _waiting(using: str) -> _Touched | None:
    for _savepoints, callback, _robust in connections[using].run_on_commit:
        if isinstance(callback, _Touched) and not callback.done:
            return callback
    return None


def pages_changed(*, articles: Iterable[int] = (), issues: Iterable[int] = (),
                  dates: Iterable[dt.date] = (), people: Iterable[int] = (),
                  tags: Iterable[int] = (), tag_slugs: Iterable[str] = (), counts: bool = False,
                  issue_dates: Iterable[int] = (), whole: bool = False,
                  using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that the pages of these articles, issues or dates, contributors (ids) or tags (ids,
    or slugs of tags that may be gone by then), or, ``whole``, every page, may show something
    else once the current transaction commits (at once outside one). The contributors and
    tags of the articles and issues named are found at commit: only those that a change
    cannot find then (a credit moved away, a tag renamed or deleted) need naming. ``counts``:
    an issue or article was added, removed, held, released, withdrawn or moved, so a year may
    count another number of public issues (newsroom/pagereach.py). ``issue_dates``: issues
    (ids) whose article and issue pages changed but not what else their articles reach (the
    issue an article left, an advertisement's)."""
    touched = _waiting(using) if connections[using].in_atomic_block else None
    fresh = touched is None
    if fresh:
        touched = _Touched(using)
    touched.add(articles=articles, issues=issues, dates=dates, whole=whole, people=people,
                tags=tags, tag_slugs=tag_slugs, counts=counts, issue_dates=issue_dates)
    if not fresh:
        return
    if not (touched.articles or touched.issues or touched.issue_dates or touched.dates
            or touched.whole
            or touched.people or touched.tags or touched.tag_slugs):
        return
    if connections[using].in_atomic_block:
        transaction.on_commit(touched, using=using, robust=True)
    else:
        touched()


def _committed(touched: _Touched) -> None:
    from newsroom import pagecache

    pages = pagecache.page_cache()
    if pages is None:
        return
    dates, reach = set(touched.dates), None
    scopes: set[str] = set()
    try:
        if touched.issues or touched.issue_dates or touched.articles:
            dates |= dates_of(issues=touched.issues | touched.issue_dates,
                              articles=touched.articles, using=touched.using)
        scopes = pagescopes.of_dates(dates)
        # An article page depends on its own scope too, wherever the article moves.
        if len(touched.articles) <= 100:
            scopes.update(pagescopes.article(pk) for pk in touched.articles)
        if not touched.whole:
            reach = reach_of(touched, dates, pages)
            scopes |= reach.scopes()
    except Exception:
        # Whatever cannot be told exactly moves every page on: never a stale page.
        logger.exception("page cache: could not tell which pages a change reached; all move on")
        reach = None
        touched.whole = True
    if touched.whole:
        scopes.add(pagescopes.ARCHIVE)
    # How far the primary's WAL reaches, for readers on a replica (newsroom/pagescopes.py).
    pagescopes.bump(pages, scopes, position=lambda: replicas.primary_position(touched.using))
    paths: list[str] = []
    if reach is not None:
        try:
            # A long run (an import) reaches hundreds of contributors: theirs render when asked.
            paths = reach.paths(limit=0 if getattr(_local, "dates", None) is not None
                                else REFRESH_LIMIT)
        except Exception:
            logger.warning("page cache: the pages a change reached are not rendered ahead",
                           exc_info=True)
    if dates or paths:
        refresh_after_commit(dates, paths=paths, using=touched.using)


def dates_of(*, issues: Iterable[int] = (), articles: Iterable[int] = (),
             using: str = DEFAULT_DB_ALIAS) -> set[dt.date]:
    """Return the dates of these issues and of these articles' issues (a query for each)."""
    from newsroom.models import Article, Issue

    dates: set[dt.date] = set()
    issues, articles = list(issues), list(articles)
    if issues:
        dates.update(Issue.objects.using(using).filter(pk__in=issues)
                     .values_list("date", flat=True))
    if articles:
        dates.update(Article.objects.using(using).filter(pk__in=articles)
                     .values_list("issue__date", flat=True).distinct())
    return dates


# -- Rendering again ------------------------------------------------------------------------------

# Dates collected during a bulk run (an import), per thread: queued at the run's end.
_local = threading.local()


class collecting:
    """Inside, the dates to render again are collected, and queued once when the block ends
    (newsroom/changes.py ``bulk()``); the scopes still move on at every commit."""

    def __enter__(self):
        self.outer = getattr(_local, "dates", None)
        if self.outer is None:
            _local.dates, _local.paths = set(), set()
        return self

    def __exit__(self, *exc) -> None:
        if self.outer is None:
            dates, paths, _local.dates, _local.paths = _local.dates, _local.paths, None, None
            if (dates or paths) and exc[0] is None:
                warm_dates(sorted(dates), sorted(paths))


def refresh_after_commit(dates: Iterable[dt.date], *, paths: Iterable[str] = (),
                         using: str = DEFAULT_DB_ALIAS) -> None:
    """Have the pages of these dates, and these other pages, rendered again (called once
    their change committed)."""
    collected = getattr(_local, "dates", None)
    if collected is not None:
        collected.update(dates)
        _local.paths.update(paths)
        return
    warm_dates(sorted(dates), list(paths))


def warm_dates(dates: list[dt.date], paths: list[str] = ()) -> None:
    """Queue (or, with PAGE_CACHE_REFRESH=inline, render now) the pages of these dates, and
    these other pages (with the first chunk)."""
    mode = settings.PAGE_CACHE_REFRESH
    if mode == "off" or not (dates or paths) or not settings.PAGE_CACHE:
        return
    texts = [date.isoformat() for date in dates]
    for start in range(0, max(len(texts), 1), CHUNK):
        chunk, extra = texts[start:start + CHUNK], list(paths) if start == 0 else []
        if mode == "inline":
            render_paths(paths_of(chunk) + extra)
        else:
            try:
                refresh_pages.enqueue(chunk, extra)
            except Exception:
                logger.warning("page cache: could not queue the pages of %s to render",
                               chunk[:3] or extra[:3], exc_info=True)


@task()
def refresh_pages(dates: list[str], paths: list[str] | None = None) -> dict:
    """Render again the issue and article pages of these dates (ISO dates), and these other
    pages (a contributor's, a tag's, the home page), into the page cache."""
    return render_paths(paths_of(dates) + list(paths or ()))


@task()
def warm_archive(after: str = "", limit: int = 0) -> dict:
    """Render a chunk of the archive's dates after ``after``, then queue the next chunk."""
    from newsroom.models import Issue

    dates = (Issue.objects.with_public_articles().filter(date__gt=after or dt.date.min)
             .order_by("date").values_list("date", flat=True).distinct()[:CHUNK])
    texts = [date.isoformat() for date in dates]
    counts = render_dates(texts)
    if len(texts) == CHUNK and limit != 1:
        warm_archive.enqueue(texts[-1], max(limit - 1, 0))
    return {**counts, "last": texts[-1] if texts else after}


def paths_of(dates: Iterable[str]) -> list[str]:
    """Return the addresses of the public issue and article pages printed on these dates."""
    from newsroom.models import Article, Issue

    dates = sorted(set(dates))
    if not dates:
        return []
    issue_dates = (Issue.objects.with_public_articles().filter(date__in=dates)
                   .values_list("date", flat=True).distinct())
    articles = (Article.objects.public().filter(issue__date__in=dates, continues__isnull=True)
                .order_by("issue__date", "page", "position").values_list("pk", flat=True))
    from django.urls import reverse

    return ([reverse("archive:issue", kwargs={"date": date.isoformat()}) for date in issue_dates]
            + [reverse("archive:article", kwargs={"pk": pk}) for pk in articles])


def render_dates(dates: Iterable[str]) -> dict:
    """Ask for the pages of these dates as an anonymous reader would; count how they came."""
    return render_paths(paths_of(dates))


def _host(site_host: str) -> str:
    """Return the host to ask as: the site's own, or else the first one the site accepts
    (pages are the same for every host in production: newsroom/pagecache.py page_key)."""
    from django.http.request import split_domain_port, validate_host

    allowed = settings.ALLOWED_HOSTS or (["localhost", "127.0.0.1"] if settings.DEBUG else [])
    for host in (site_host, *allowed):
        if host and "*" not in host and not host.startswith(".") and validate_host(
                split_domain_port(host)[0], allowed):
            return host
    return site_host


def render_paths(paths: Iterable[str]) -> dict:
    """Ask for these addresses through the whole request stack, in each language readers are
    served in by default; return how many were hits, rendered, or failed."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import RequestFactory
    from django.utils import translation

    site = urlsplit(settings.SITE_URL or "http://127.0.0.1:8000")
    factory = RequestFactory(HTTP_HOST=_host(site.netloc))
    handler = WSGIHandler()
    counts = {"hit": 0, "rendered": 0, "failed": 0}
    language_before = translation.get_language()
    # These requests run inside another piece of work (a task, or a commit of the desk's):
    # its database connection is not theirs to close (as Django's test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for path in paths:
            for language in settings.PAGE_CACHE_WARM_LANGUAGES:
                environ = factory.get(path, secure=site.scheme == "https",
                                      HTTP_ACCEPT_LANGUAGE=language).environ
                # As a WSGI server passes it (PEP 3333): the path's bytes as latin-1 (the
                # test factory leaves a tag's Chinese slug as text).
                environ["PATH_INFO"] = environ["PATH_INFO"].encode().decode("iso-8859-1")
                try:
                    response = handler(environ, lambda status, headers, exc_info=None: None)
                    state = response.get("X-Page-Cache")
                    response.close()
                except Exception:
                    logger.warning("page cache: rendering %s failed", path, exc_info=True)
                    state = None
                counts["hit" if state == "hit" else "rendered" if state == "miss" else "failed"] += 1
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        translation.activate(language_before) if language_before else translation.deactivate()
    return counts
