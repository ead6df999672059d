"""A cache of the public archive's rendered pages, kept exact by a generation and by scopes.

A page of the archive changes only when an editor saves or an import lands, yet rendering
one costs 15-35 ms of CPU. So the public pages are rendered once and served from a cache
until something that page shows changes, in any process:

- The **generation** is one number in one row (`newsroom_archive_generation`, migration
  0004) that grows after every committed change to a paper, issue, article, photo,
  advertisement, credit, person, alias or tag: newsroom/changes.py connects those triggers
  and calls `move_on_commit()` (bulk paths call `changes.archive_changed()`).
  It runs after the transaction commits, once per transaction, so a page rendered from data
  older than the change is always stored under an older generation than the one readers
  ask for next: no stale page, whatever the interleaving of requests and commits.
- **Article and issue pages**, the long tail crawlers and search referrals reach, are keyed by
  their own validators instead (``cached_public_page(stamp=..., scopes=...)``: the ETag the
  page answers conditional requests with, which moves whenever anything the page shows does;
  see newsroom/changes.py). A page's stamps are remembered under the versions of the scopes
  it depends on (newsroom/pagescopes.py: its issue's day, the months between an issue's
  neighbours), which a committed change moves on only for the issues it touched
  (newsroom/pagerefresh.py): an editor's save, or an import, makes the pages of those issues
  read their stamps again (and render again if they moved), and every other article and issue
  page stays a hit that costs no query. Reading from a replica, the same, once the replica
  has replayed as far as the primary's WAL reached at the latest bump (its data may be older
  than the scopes say: newsroom/pagescopes.py ``covering_position``); until then, per
  generation of the replica.
- **Contributors' and tags' pages, the home page, calendars and feeds** have no stamps: they are
  keyed by the versions of their own scopes (``cached_public_page(scopes=...)``; which change
  reaches them: newsroom/pagereach.py), read before the page is rendered. A hit costs no query.
- A generation-keyed page's key holds the generation, the language and the full path (and,
  with DEBUG on, the host: production pages are the same for every host, newsroom/siteurl.py),
  so reading the generation (one primary-key SELECT, at most once a second per worker: see
  reader_generation) is the only query of such a page served from the cache; old entries are
  never read again and age out of the cache.
- Only anonymous GET/HEAD requests use it: a request carrying a session cookie (an editor)
  is rendered every time, and a connection inside a transaction holding uncommitted
  archive changes neither reads nor fills it.

What uses it: the archive's pages (`cached_public_page`, search results included), the
API's anonymous lists (`cached_data`, the data before rendering, adapted by the API), archive-wide figures
(`for_generation`) and the search totals (newsroom/search/results.py). An import run moves
the generation at most once a second (`coalesced`), not after every page.

The cache is `CACHES["pages"]` (settings: PAGE_CACHE, PAGE_CACHE_LOCATION,
PAGE_CACHE_SIZE_MB, PAGE_CACHE_TOUCH, PAGE_CACHE_TIMEOUT, PAGE_CACHE_GENERATION_TTL,
PAGE_CACHE_REFRESH): by default a folder under NEWSROOM_DATA_DIR shared by the machine's
workers (diskcache, bounded, least recently used pages dropped first: a hit re-stores a page
stored PAGE_CACHE_TOUCH seconds ago); Redis shares one copy between servers; "memory" is each
process's own (one process only: the scopes' versions live in the cache).
"""

from __future__ import annotations

import hashlib
import logging
import time
import zlib
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import InvalidCacheBackendError, cache, caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from newsroom import pagescopes
from newsroom.replicas import has_replayed, reading_alias, replica_identity

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
TABLE = "newsroom_archive_generation"
# Only complete pages a reader may see again are kept: an article withdrawn answers 410.
CACHED_STATUSES = frozenset({200, 410})


# -- The generation -------------------------------------------------------------------


def current_generation(using: str = DEFAULT_DB_ALIAS) -> int:
    """Return the archive's generation as last committed (one query)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


# The generation as this process last read it, per database: (value, monotonic time read).
_seen: dict[str, tuple[int, float]] = {}


def reader_generation(using: str = DEFAULT_DB_ALIAS) -> int:
    """Return the generation for keying readers' pages: read at most once a PAGE_CACHE_GENERATION_TTL.

    A worker that commits a change sees the new generation at once (the bump forgets the
    value read); the other workers within that many seconds (default 1). Editors never
    wait for it: requests with a session do not use the page cache at all.
    """
    ttl = getattr(settings, "PAGE_CACHE_GENERATION_TTL", 0)
    seen = _seen.get(using)
    now = time.monotonic()
    if seen is not None and now - seen[1] < ttl:
        return seen[0]
    value = current_generation(using)
    _seen[using] = (value, now)
    return value


def _bump(using: str) -> None:
    """Move the generation on, past every value it ever had (a clock in microseconds).

    Never smaller than the clock, so even a database restored from a backup, or rebuilt,
    cannot come back to a number that pages were cached under.
    """
    connection = connections[using]
    now = time.time_ns() // 1000
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Nothing waits for this commit to reach the disk: after a crash the
                # worker caches are gone anyway, and shared ones expire (PAGE_CACHE_TIMEOUT).
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(
                f"UPDATE {TABLE} SET value = CASE WHEN value + 1 > %s THEN value + 1 ELSE %s END"
                " WHERE id = 1",
                [now, now],
            )
    _seen.pop(using, None)


# Per database, while coalesced() runs: {"every": seconds, "last": time, "pending": bool}.
_coalescing: dict[str, dict] = {}


@contextmanager
def coalesced(using: str = DEFAULT_DB_ALIAS, *, every: float = 1.0):
    """Inside, committed changes move the generation at most once every `every` seconds.

    For long runs of small transactions, such as an import of thousands of pages: moving
    the generation after every page would leave readers no cached page at all during a
    backfill. Each change still reaches readers within `every` seconds, and at the end.
    """
    state = {"every": every, "last": time.monotonic(), "pending": False}
    outer = _coalescing.get(using)
    _coalescing[using] = state
    try:
        yield
    finally:
        if outer is None:
            _coalescing.pop(using, None)
        else:
            _coalescing[using] = outer
        if state["pending"]:
            _bump(using)


class _BumpOnCommit:
    """The one on-commit callback of a transaction that changed the archive."""

    def __init__(self, using: str):
        self.using = using

    def __call__(self) -> None:
        state = _coalescing.get(self.using)
        if state is None:
            _bump(self.using)
        elif time.monotonic() - state["last"] >= state["every"]:
            _bump(self.using)
            state.update(last=time.monotonic(), pending=False)
        else:
            state["pending"] = True


def _pending_bump(using: str) -> _BumpOnCommit | None:
    """Return this connection's bump waiting for the current transaction to commit, if any."""
    connection = connections[using]
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _BumpOnCommit):
            return callback
    return None


def move_on_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    """Move the generation on after the current transaction commits (newsroom.changes calls it).

    Outside a transaction it moves on at once. Called any number of times in one
    transaction, it moves on once. A rollback discards it with the changes.
    """
    if not has_uncommitted_changes(using):
        transaction.on_commit(_BumpOnCommit(using), using=using)


def has_uncommitted_changes(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Return True while this connection's transaction holds archive changes not yet committed."""
    return connections[using].in_atomic_block and _pending_bump(using) is not None


# -- The cache of rendered pages ------------------------------------------------------


def page_cache():
    """Return the cache of rendered pages, or None when none is configured."""
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        return None


_cache = page_cache


# Stands for "the cache could not be asked" (Redis down, a full disk): the page is rendered.
_UNAVAILABLE = object()


def _read(pages, key: str):
    """Return the cached value (None on a miss), or _UNAVAILABLE if the cache failed."""
    try:
        return pages.get(key)
    except Exception:
        # A cache outage must not take the archive down with it: serve uncached meanwhile.
        logger.warning("page cache unavailable; serving uncached pages", exc_info=True)
        return _UNAVAILABLE


def _write(pages, key: str, value) -> None:
    try:
        pages.set(key, value)
    except Exception:
        logger.warning("page cache unavailable; the page was not stored", exc_info=True)


def _uses_cache(request) -> bool:
    return (
        getattr(settings, "PAGE_CACHE", False)
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not has_uncommitted_changes()
    )


def page_key(request, generation: int | str) -> str:
    """Return the cache key of the page this request asks for, at a generation (or stamps).

    In production every absolute address on a page starts with SITE_URL whatever host the
    request came to (newsroom/siteurl.py), so the host is not part of the key; with DEBUG on
    addresses follow the request, and so does the key.
    """
    host = request.get_host() if settings.DEBUG else ""
    address = f"{host}|{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"archive-page:{generation}:{get_language()}:{digest}"


def _stored(response: HttpResponse) -> tuple:
    headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
    return (response.status_code, headers, zlib.compress(response.content, 3), int(time.time()))


def _touch(pages, key: str, value: tuple) -> None:
    """Store a page read again once it was stored PAGE_CACHE_TOUCH seconds ago: a bounded
    cache that drops the least recently stored first then drops the least recently used."""
    if len(value) > 3 and time.time() - value[3] >= settings.PAGE_CACHE_TOUCH:
        _write(pages, key, (*value[:3], int(time.time())))


def _restored(value: tuple) -> HttpResponse:
    status, headers, body = value[:3]
    response = HttpResponse(zlib.decompress(body), status=status)
    for name, value in headers:
        response[name] = value
    return response


def _stamps(pages, request, stamp, scopes, args, kwargs) -> str:
    """Return the page's stamps, from the database only when something it shows may have
    changed: "" when the page has none (missing, withdrawn).

    With ``scopes``, the stamps are remembered under the versions of the scopes the page
    depends on (newsroom/pagescopes.py): a change elsewhere in the archive leaves them
    remembered, so a hit costs no query at all (on a replica: _replica_stamps). Otherwise
    (no scopes, a page without stamps) they are remembered per generation of the database
    the page is read from: after any change anywhere, read again once.
    """
    alias = reading_alias()
    if scopes is None:
        return _stamps_per_generation(pages, request, reader_generation(alias), stamp, args, kwargs)
    if alias != DEFAULT_DB_ALIAS:
        return _replica_stamps(pages, request, alias, stamp, scopes, args, kwargs)
    memo_key = page_key(request, "stamps")
    try:
        remembered = _remembered(pages, memo_key)
        if remembered is not None:
            return remembered
        before = pagescopes.counter(pages)
    except Exception:
        logger.warning("page cache unavailable; reading the page's stamps", exc_info=True)
        return (stamp(request, *args, **kwargs) or "").strip('"')
    stamps = (stamp(request, *args, **kwargs) or "").strip('"')
    if not stamps:  # missing or withdrawn: the generation keys it (a new article may appear)
        return _stamps_per_generation(pages, request, reader_generation(alias), stamp, args, kwargs)
    try:
        now = pagescopes.versions(pages, [pagescopes.ARCHIVE, *scopes(request, *args, **kwargs)])
    except Exception:
        logger.warning("page cache unavailable; the page's stamps were not kept", exc_info=True)
        return stamps
    # A scope moved on after the counter was read: a change committed while the stamps were
    # read, and they may be older than it. Not remembered (the next request reads them again).
    if all(version <= before for version in now.values()):
        _write(pages, memo_key, (now, stamps))
    return stamps


def _remembered(pages, memo_key: str) -> str | None:
    """Return the stamps remembered under a memo key while its scopes' versions stand, or None."""
    memo = _read(pages, memo_key)
    if isinstance(memo, tuple):
        known, stamps = memo
        if pagescopes.versions(pages, known) == known:
            return stamps
    return None


def _replica_stamps(pages, request, alias, stamp, scopes, args, kwargs) -> str:
    """Return the page's stamps for a reader on a replica: remembered under the versions of
    the scopes the page depends on, like the primary's, once the replica is shown to hold
    every change those versions stand for (it has replayed the WAL position the last bump
    recorded: pagescopes.covering_position); otherwise per generation of the replica.

    Remembered apart from the primary's and per replica server: stamps read elsewhere may hold
    a change this replica has not replayed yet, not yet in any version, and a page rendered
    here under them would be older than they say. A memo is stored only once the replica
    held its versions, and a replica only moves forward: reading it needs no second look.
    """
    memo_key = page_key(request, f"stamps-{replica_identity(alias)}")
    try:
        remembered = _remembered(pages, memo_key)
        if remembered is not None:
            return remembered
        now = pagescopes.versions(pages, [pagescopes.ARCHIVE, *scopes(request, *args, **kwargs)])
        held = _replica_holds(pages, alias, now)
    except Exception:
        logger.warning("page cache unavailable; reading the page's stamps", exc_info=True)
        return (stamp(request, *args, **kwargs) or "").strip('"')
    if not held:
        return _stamps_per_generation(pages, request, reader_generation(alias), stamp, args, kwargs)
    # Read after the replica was shown to hold every change in `now`: these stamps are at
    # least that new. A change bumped since moves a version on, and the memo is not used.
    stamps = (stamp(request, *args, **kwargs) or "").strip('"')
    if not stamps:
        return _stamps_per_generation(pages, request, reader_generation(alias), stamp, args, kwargs)
    _write(pages, memo_key, (now, stamps))
    return stamps


def _replica_holds(pages, alias: str, versions: dict[str, int]) -> bool:
    """Tell whether a replica has replayed every change the scopes' versions stand for."""
    position = pagescopes.covering_position(pages, max(versions.values(), default=0))
    return position is not None and has_replayed(alias, position)


def _scoped(pages, request, scopes, args, kwargs) -> str | None:
    """Return the versions of the scopes a page without stamps depends on, as part of its key;
    None when the page is read from a replica not shown to hold every change they stand for
    (its data may be older than the versions: pagescopes.covering_position) or the cache
    cannot say (then the generation keys it).

    Read before the page is rendered: a change that commits while it renders moves a version
    on after its commit, so the page (whichever data it saw) is stored under versions no
    reader asks for any more."""
    alias = reading_alias()
    try:
        now = pagescopes.versions(pages, [pagescopes.ARCHIVE, *scopes(request, *args, **kwargs)])
        if alias != DEFAULT_DB_ALIAS and not _replica_holds(pages, alias, now):
            return None
    except Exception:
        logger.warning("page cache unavailable; the page is keyed by the generation", exc_info=True)
        return None
    raw = ",".join(f"{scope}={version}" for scope, version in sorted(now.items()))
    return "scoped-" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def _stamps_per_generation(pages, request, generation: int, stamp, args, kwargs) -> str:
    """Return the page's stamps: read from the database once per generation and path, then
    from the cache (while nothing changed anywhere, a hit costs no query; after a change,
    one). "" when the page has none (missing, withdrawn)."""
    memo = page_key(request, f"stamps-{generation}")
    known = _read(pages, memo)
    if isinstance(known, str):
        return known
    stamps = (stamp(request, *args, **kwargs) or "").strip('"')
    if known is not _UNAVAILABLE:
        _write(pages, memo, stamps)
    return stamps


def cached_public_page(view=None, *, stamp=None, scopes=None):
    """Serve a public archive view from the page cache; render and store it on a miss.

    A page answered from the cache still honours If-None-Match / If-Modified-Since with
    the ETag and Last-Modified it was rendered with, and says `X-Page-Cache: hit`.

    ``stamp(request, *args, **kwargs)`` (the view's ETag function) keys the page by what it
    shows instead of by the archive's generation: a change elsewhere in the archive leaves it
    cached. Its validators move whenever anything the page shows does (newsroom/changes.py),
    and they are read before the page is rendered, so a page is never stored under stamps
    newer than its content. The stamps themselves are remembered per generation: a hit costs
    no query until something changes anywhere, then one (the stamps, read again). Without
    stamps (a missing or withdrawn page), the generation keys it.

    ``scopes(request, *args, **kwargs)`` names what the page depends on
    (newsroom/pagescopes.py): then its stamps are remembered until a change reaches one of
    those scopes, not until any change anywhere, and a hit costs no query. Without ``stamp``
    (a contributor's, a tag's, the home page, feeds) the scopes' versions key the page itself:
    it is rendered again once a change reaches one of them, and a hit costs no query.
    """
    if view is None:
        return lambda view: cached_public_page(view, stamp=stamp, scopes=scopes)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        pages = _cache()
        if pages is None or not _uses_cache(request):
            return view(request, *args, **kwargs)
        if stamp:
            stamps = _stamps(pages, request, stamp, scopes, args, kwargs)
            version = f"stamp-{stamps}" if stamps else None
        else:
            version = _scoped(pages, request, scopes, args, kwargs) if scopes else None
        # Read from the database the page is read from: a replica's generation is never
        # newer than its data (newsroom/replicas.py).
        key = page_key(request, version or reader_generation(reading_alias()))
        value = _read(pages, key)
        if value is _UNAVAILABLE:
            response = view(request, *args, **kwargs)
            response["X-Page-Cache"] = "unavailable"
            return response
        if value is not None:
            _touch(pages, key, value)
            response = _restored(value)
            response["X-Page-Cache"] = "hit"
            if response.status_code == 200:
                return get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=_http_date(response.get("Last-Modified")),
                    response=response,
                )
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code in CACHED_STATUSES
            and not response.streaming
            and not response.cookies
        ):
            _write(pages, key, _stored(response))
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper


def for_generation(name: str, compute, using: str | None = None):
    """Return compute() as of the archive's current generation, computed once per generation.

    For archive-wide figures many pages show (every year's number of issues): cached in the
    default cache under the generation, so exact, and recomputed after any change. Inside a
    transaction with uncommitted changes it is computed afresh.
    """
    if has_uncommitted_changes():
        return compute()
    using = using or reading_alias()  # where compute() reads (newsroom/replicas.py)
    return cache.get_or_set(f"archive:{name}:{reader_generation(using)}", compute,
                            settings.PAGE_CACHE_TIMEOUT)


def cached_data(request, respond, *, data_of, restore):
    """Answer an anonymous read from the page cache: the data, before rendering.

    `respond()` makes the response when the cache does not hold it; `data_of(response)`
    is what is stored of a 200, and `restore(data)` makes a response of it again (the API
    adapts its responses to the cache: newsroom/api/views.py). Whatever ran before the
    call (authentication, permissions, throttling, content negotiation) still runs for
    every request: only the queries and the serializer are skipped.
    """
    pages = _cache()
    user = getattr(request, "user", None)
    if pages is None or not _uses_cache(request) or (user is not None and user.is_authenticated):
        return respond()
    key = "api:" + page_key(request, reader_generation(reading_alias()))
    data = _read(pages, key)
    if data is _UNAVAILABLE:
        response = respond()
        response["X-Page-Cache"] = "unavailable"
        return response
    if data is not None:
        response = restore(data)
        response["X-Page-Cache"] = "hit"
        return response
    response = respond()
    if response.status_code == 200:
        _write(pages, key, data_of(response))
        response["X-Page-Cache"] = "miss"
    return response


def _http_date(value: str | None) -> int | None:
    return parse_http_date_safe(value) if value else None
