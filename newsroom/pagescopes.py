"""Which cached pages a change reaches: scopes, each with a version the change moves on.

An article page shows one issue (its text, its neighbours on the page, the masthead); an
issue page shows one issue and the links to the public issues on either side. So an
editor's correction to an article of 5 March 2024 can change the stamps (the validators,
archive/views.py) of the pages of that day and of the issue pages whose neighbours lie in
that month, and of no other article or issue page. The page cache remembers each page's
stamps under the versions of the scopes the page depends on (newsroom/pagecache.py), and a
committed change moves on the versions of the scopes it touched:

=====================  ==================================================================
scope                  moved on by
=====================  ==================================================================
``day:2024-03-05``     any change to an issue of that date, its articles, photos, pages,
                       advertisements, credits (newsroom/changes.py says which)
``month:2024-03``      the same changes (issue pages depend on the months from their
                       previous issue's to their next issue's)
``calendar``           the same changes: the first and the last issue pages (an open
                       neighbour) depend on every date before or after them
``article:<id>``       a change to that article (its page depends on it, wherever it moves)
``person:<id>``        a change to a contributor (name, aliases), to a credit of theirs, or
                       to an article, photo or issue they are credited in: their page and feed
``tag:<slug digest>``  a change to a tag, to what it is attached to, or to an article or
                       issue it is attached in: its page and feed
``latest``             a change to an issue among the newest ``LATEST_ISSUES`` public ones
                       (or one that becomes or stops being one): the home page, the feed
``years``              a change to which issues are public, or to their dates: the
                       calendars, the home page's years (and every issue's count)
``archive``            a change not said to be in any issue: every page depends on it
=====================  ==================================================================

newsroom/pagerefresh.py turns what a transaction touched into these scopes once it commits.

A reader on a replica (newsroom/replicas.py) may use versions only once the replica holds
the changes they stand for: each bump also records how far the primary's WAL reached after
its version was drawn (``covering_position``), and the replica must have replayed that far.

The versions live in the page cache itself (so every worker and server sharing it sees the
same), drawn from one counter (``seq``) that only grows: ``bump()`` takes the next number
and gives it to every scope of the change. A reader that computes a page's stamps reads the
counter *before* (``counter()``) and the scopes' versions *after*; if any version is newer
than the counter was, a change committed meanwhile and the stamps are not remembered. The
counter, evicted from the cache (or lost with it), starts again at the clock in
microseconds, past any number it gave; a scope evicted comes back with the counter's value
(``versions``). An eviction can only make pages miss, never serve them stale.

Pure bookkeeping: no rendering, no database. The rule for what a change touches is in
newsroom/changes.py; how a page uses the versions, in newsroom/pagecache.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

SEQ = "scopes:seq"
PREFIX = "scope:"
# The newest bump's (version, WAL position): what a replica must have replayed (see bump).
POSITION = "scopes:position"
ARCHIVE = "archive"
CALENDAR = "calendar"
LATEST = "latest"
YEARS = "years"
# How many of the newest public issues the ``latest`` scope covers: at least as many as the
# home page and the issues feed show (tests/test_page_scopes.py holds them to it).
LATEST_ISSUES = 30


def day(date: dt.date) -> str:
    return f"day:{date.isoformat()}"


def month(date: dt.date) -> str:
    return f"month:{date.year:04d}-{date.month:02d}"


def article(pk: int) -> str:
    return f"article:{pk}"


def person(pk: int) -> str:
    return f"person:{int(pk)}"


def tag(slug: str) -> str:
    """Return a tag's scope: by its slug (the address readers ask for), as a digest, since a
    slug may hold any character and cache keys may not."""
    return f"tag:{hashlib.sha256(str(slug).encode()).hexdigest()[:24]}"


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Return the month scopes from one date's month to another's, both included."""
    if last < first:
        first, last = last, first
    year, number, scopes = first.year, first.month, []
    while (year, number) <= (last.year, last.month):
        scopes.append(f"month:{year:04d}-{number:02d}")
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return scopes


def of_dates(dates: Iterable[dt.date]) -> set[str]:
    """Return the scopes a change to the issues of these dates moves on."""
    scopes: set[str] = set()
    for date in dates:
        scopes.update((day(date), month(date)))
    if scopes:
        scopes.add(CALENDAR)
    return scopes


def _clock() -> int:
    return time.time_ns() // 1000


def counter(pages) -> int:
    """Return the counter as it is now (started at the clock if the cache lost it)."""
    value = pages.get(SEQ)
    if value is None:
        pages.add(SEQ, _clock(), timeout=None)
        value = pages.get(SEQ)
    return int(value or 0)


def _next(pages) -> int:
    try:
        return int(pages.incr(SEQ))
    except ValueError:  # the counter is not there (first use, evicted, the cache restarted)
        pages.add(SEQ, _clock(), timeout=None)
        return int(pages.incr(SEQ))


def bump(pages, scopes: Iterable[str], *, position: Callable[[], int | None] | None = None
         ) -> int | None:
    """Move these scopes on, past every version any of them had; return the new version.

    Called after the change committed (newsroom/changes.py). ``position()`` says how far the
    primary's WAL reaches (newsroom/replicas.py); asked after the new version is drawn, it
    lies past the commit of this change and of every change with an earlier version, and is
    recorded with the version for readers on a replica (``covering_position``). A cache
    that cannot be written is retried once, then logged: its readers are served uncached
    while it is down.
    """
    scopes = sorted(set(scopes))
    if not scopes:
        return None
    for attempt in (1, 2):
        try:
            version = _next(pages)
            reached = position() if position is not None else None
            if reached is not None:
                pages.set(POSITION, (version, reached), timeout=None)
            pages.set_many({PREFIX + scope: version for scope in scopes}, timeout=None)
            return version
        except Exception:
            if attempt == 2:
                logger.error("page cache: could not move on %d scope(s) %s", len(scopes),
                             scopes[:10], exc_info=True)
    return None


def versions(pages, scopes: Iterable[str]) -> dict[str, int]:
    """Return the current version of each scope. A scope the cache does not hold is given
    the counter's value: every version it had was the counter's at a bump, so if it moved
    on since, the counter is past it (a page remembered under it misses); if not, nothing
    it covers changed, and the page remembered under it is still right."""
    scopes = sorted(set(scopes))
    found = pages.get_many([PREFIX + scope for scope in scopes])
    missing = [scope for scope in scopes if PREFIX + scope not in found]
    if missing:
        version = counter(pages)
        for scope in missing:
            pages.add(PREFIX + scope, version, timeout=None)
        found.update(pages.get_many([PREFIX + scope for scope in missing]))
        # Still not there (evicted at once, or the cache failed): the new number, which no
        # page was remembered under.
        return {scope: int(found.get(PREFIX + scope, version)) for scope in scopes}
    return {scope: int(found[PREFIX + scope]) for scope in scopes}


def covering_position(pages, newest: int) -> int | None:
    """Return a WAL position a replica must have replayed to hold every change whose bump
    gave a version up to ``newest``: the position recorded by the latest bump, if its version
    is at least ``newest`` (positions are read after the version is drawn, so it lies past
    all of those changes' commits); None when no such bump recorded one (then a replica
    cannot be shown to hold them)."""
    recorded = pages.get(POSITION)
    if not isinstance(recorded, tuple):
        return None
    version, position = recorded
    return position if version >= newest else None
