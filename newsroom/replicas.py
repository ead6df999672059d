"""Where a read goes: the primary, or a PostgreSQL read replica.

Nearly all of the archive's traffic is anonymous readers: the archive's pages, search, feeds,
sitemaps and the API's GET endpoints. With ``DATABASE_REPLICA_URLS`` set (settings), those
requests read from a streaming replica and everything else stays on the primary:

* ``ReplicaMiddleware`` decides once per request. A replica serves a GET or HEAD by someone
  not signed in (no session user, no ``Authorization`` header) who has not written in the last
  ``REPLICA_PIN_SECONDS`` (any POST, PUT, PATCH or DELETE sets a short cookie that pins its
  sender to the primary, so a writer reads their own write). Editors, the admin, the API's
  writes and token reads, the importer and management commands never leave the primary.
* ``ReplicaRouter`` sends the ORM's reads of such a request to the chosen replica, and every
  write, and every read inside a transaction, to the primary. Migrations run on the primary
  only (a replica is a copy of it).
* A replica is used only while it is fresh: it answers, is in recovery (a standby), and has
  replayed everything the primary had written, or fell behind less than ``REPLICA_MAX_LAG``
  seconds ago. Each process checks each replica at most every ``REPLICA_CHECK_SECONDS``; one
  that is down or lagging is left out until a later check finds it fresh again, and its
  requests read from the primary.

The page cache reads its generation from the database the request reads from
(``reading_alias``), so a page rendered from a replica is never stored under a generation
newer than the replica's data (newsroom/pagecache.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})

# The replica the current request reads from (None: the primary).
_reading: ContextVar[str | None] = ContextVar("newsroom_reading_replica", default=None)
# Per replica alias: (fresh, monotonic time checked).
_checked: dict[str, tuple[bool, float]] = {}
# Per replica alias: the furthest WAL position it was seen to have replayed (it only grows).
_replayed: dict[str, int] = {}


def replica_aliases() -> list[str]:
    """Return the database aliases of the configured replicas, in order."""
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def reading_alias() -> str:
    """Return the database the current request reads from."""
    alias = _reading.get()
    if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return alias


class ReplicaRouter:
    """Reads of a request the middleware gave a replica go there; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return reading_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # a replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def fresh_replica() -> str | None:
    """Return the alias of a replica fresh enough to read from, or None (read the primary)."""
    for alias in replica_aliases():
        fresh, checked = _checked.get(alias, (False, float("-inf")))
        if time.monotonic() - checked >= settings.REPLICA_CHECK_SECONDS:
            fresh = _is_fresh(alias)
            _checked[alias] = (fresh, time.monotonic())
        if fresh:
            return alias
    return None


def _is_fresh(alias: str) -> bool:
    """Tell whether a replica answers, is a standby, and is within REPLICA_MAX_LAG of the primary."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        with connections[alias].cursor() as cursor:
            # Behind: the bytes of WAL the primary has written that the replica has not
            # replayed; then for how long: since the last transaction it did replay.
            cursor.execute(
                "SELECT pg_is_in_recovery(),"
                " pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn()),"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()),"
                " pg_last_wal_replay_lsn()::text",
                [primary_lsn],
            )
            standby, behind, age, replayed = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("replica %s is not answering; reading from the primary: %s", alias, error)
        connections[alias].close()
        _replayed.pop(alias, None)  # it may come back as another server (a failover)
        return False
    if not standby:
        logger.warning("replica %s is not a standby; reading from the primary", alias)
        return False
    _saw_replayed(alias, replayed)
    if behind is not None and behind > 0 and (age is None or age > settings.REPLICA_MAX_LAG):
        logger.warning("replica %s lags %s bytes, %s s; reading from the primary", alias, behind, age)
        return False
    return True


def forget_checks() -> None:
    """Check every replica again at the next request (tests, and after a failover)."""
    _checked.clear()
    _replayed.clear()


def wal_position(text: str) -> int:
    """Return a WAL position as PostgreSQL prints it (16/B374D848) as a number."""
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def primary_position(using: str = DEFAULT_DB_ALIAS) -> int | None:
    """Return how far the primary's WAL reaches now: None without replicas (settings'
    DATABASE_REPLICA_URLS), off PostgreSQL, or if it cannot say.

    Every transaction committed before the call lies before this position: a replica that
    has replayed up to it holds them all (newsroom/pagescopes.py records it with each change).
    """
    connection = connections[using]
    if not replica_aliases() or connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            return wal_position(cursor.fetchone()[0])
    except DatabaseError:
        logger.warning("could not read the primary's WAL position", exc_info=True)
        return None


def has_replayed(alias: str, position: int) -> bool:
    """Tell whether a replica has replayed the primary's WAL up to ``position``.

    The furthest position each replica was seen at is remembered, so the replica is asked
    (one query) only when a newer change than it was seen to hold must be there.
    """
    if _replayed.get(alias, -1) >= position:
        return True
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
            (text,) = cursor.fetchone()
    except DatabaseError:
        logger.warning("replica %s did not say how far it replayed", alias, exc_info=True)
        return False
    return _saw_replayed(alias, text) >= position


def _saw_replayed(alias: str, text: str | None) -> int:
    """Remember how far a replica said it replayed (None: not a standby); return the furthest."""
    if text is not None:
        _replayed[alias] = max(wal_position(text), _replayed.get(alias, -1))
    return _replayed.get(alias, -1)


def replica_identity(alias: str) -> str:
    """Return a name of the server behind a replica alias that every app server sharing a
    page cache gives it alike (its address and database), whatever its alias there."""
    config = connections[alias].settings_dict
    return hashlib.sha256(
        f"{config.get('HOST')}|{config.get('PORT')}|{config.get('NAME')}".encode()
    ).hexdigest()[:16]


class ReplicaMiddleware:
    """Give an anonymous reader's request a fresh replica to read from (see the module's doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            response = self.get_response(request)
            # The writer reads their own write: the primary for a few seconds.
            response.set_cookie(PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS,
                                httponly=True, samesite="Lax", secure=request.is_secure())
            return response
        alias = fresh_replica() if self._may_use_replica(request) else None
        token = _reading.set(alias)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)

    @staticmethod
    def _may_use_replica(request) -> bool:
        user = getattr(request, "user", None)
        return not (
            (user is not None and user.is_authenticated)
            or "HTTP_AUTHORIZATION" in request.META
            or PIN_COOKIE in request.COOKIES
        )
