"""The page cache for readers on a replica (newsroom/pagecache.py _replica_stamps): their pages
stay hits across changes elsewhere, as the primary's do, but only once the replica holds every
change the scopes' versions stand for (newsroom/pagescopes.py covering_position).

In-process, the "replica" is the test database itself behind a stand-in that says how far it
replayed; tests/test_replicas.py checks the WAL positions against a real streaming replica.
These tests commit for real (transactional_db): scopes move on after a commit.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.core.cache import caches

from newsroom import pagecache, pagescopes, replicas
from newsroom.pagecache import CACHE_ALIAS
from tests.factories import make_article, make_issue
from tests.test_page_scopes import edit, get

pytestmark = pytest.mark.django_db(transaction=True)


class Replica:
    """Stands for a replica: how far it replayed, and the positions it was asked about."""

    def __init__(self):
        self.replayed = float("inf")
        self.asked: list[int] = []

    def has_replayed(self, alias, position):
        self.asked.append(position)
        return position <= self.replayed


@pytest.fixture
def replica(monkeypatch):
    stand_in = Replica()
    positions = itertools.count(1000, 100)
    generation = pagecache.reader_generation
    monkeypatch.setattr(pagecache, "reading_alias", lambda: "replica_1")
    monkeypatch.setattr(pagecache, "replica_identity", lambda alias: "test-replica")
    monkeypatch.setattr(pagecache, "has_replayed", stand_in.has_replayed)
    monkeypatch.setattr(pagecache, "reader_generation", lambda using="default": generation("default"))
    # The primary's WAL position after each change (pagerefresh records it with the bump).
    monkeypatch.setattr(replicas, "primary_position", lambda using="default": next(positions))
    return stand_in


@pytest.fixture
def articles():
    read = make_article(issue=make_issue(date=dt.date(2021, 3, 19)), headline="职工夜校开课")
    elsewhere = make_article(issue=make_issue(date=dt.date(2023, 8, 2)), headline="劳模工作室")
    return read, elsewhere


def test_a_change_elsewhere_leaves_a_replica_readers_page_a_hit_without_a_query(
    client, replica, articles
):
    read, elsewhere = articles
    url = read.get_absolute_url()
    get(client, url)
    assert get(client, url)[0]["X-Page-Cache"] == "hit"
    edit(elsewhere, "劳模工作室揭牌")
    response, queries = get(client, url)
    # Per generation of the replica, the stamps would be read again after any change.
    assert response["X-Page-Cache"] == "hit" and queries == 0
    assert "职工夜校开课" in response.content.decode()


def test_a_replica_not_shown_to_hold_a_change_is_not_trusted_with_its_versions(
    client, replica, articles
):
    read, _elsewhere = articles
    url = read.get_absolute_url()
    get(client, url)
    edit(read, "职工夜校改期")
    (_version, position) = caches[CACHE_ALIAS].get(pagescopes.POSITION)
    replica.replayed = position - 1  # the correction is not replayed yet
    replica.asked.clear()
    response, queries = get(client, url)
    assert replica.asked and max(replica.asked) == position
    assert queries >= 1  # the stamps, read again (per generation of the replica)
    assert "职工夜校改期" in response.content.decode()
    # Nothing was remembered under the new versions meanwhile: once the replica has the
    # correction, its stamps are read once more, then remembered.
    replica.replayed = position
    assert get(client, url)[1] >= 1
    assert get(client, url)[1] == 0


def test_a_replica_readers_stamps_are_their_own(client, replica, articles):
    """Stamps read on the primary may hold a change a replica lacks: not shared with it."""
    read, _elsewhere = articles
    url = read.get_absolute_url()
    with pytest.MonkeyPatch.context() as on_primary:
        on_primary.setattr(pagecache, "reading_alias", lambda: "default")
        get(client, url)
        assert get(client, url)[1] == 0  # the primary's memo
    assert get(client, url)[1] >= 1  # the replica's own, read once
    assert get(client, url)[1] == 0


def test_pages_without_stamps_are_keyed_by_scopes_only_on_a_replica_that_holds_them(
    client, replica, articles
):
    _read, elsewhere = articles
    home = "/"
    get(client, home)
    assert get(client, home)[0]["X-Page-Cache"] == "hit"
    edit(elsewhere, "劳模工作室揭牌")
    (_version, position) = caches[CACHE_ALIAS].get(pagescopes.POSITION)
    replica.replayed = position - 1
    # Not shown to hold the change: keyed by the replica's generation, a page of its own.
    response, _queries = get(client, home)
    assert response["X-Page-Cache"] == "miss" and max(replica.asked) == position
    assert get(client, home)[0]["X-Page-Cache"] == "hit"
    replica.replayed = position
    # Caught up: keyed by the scopes' versions once more (rendered once under them).
    assert get(client, home)[0]["X-Page-Cache"] == "miss"
    assert get(client, home)[0]["X-Page-Cache"] == "hit"


def test_the_covering_position_is_the_latest_bumps_if_it_is_new_enough():
    pages = caches[CACHE_ALIAS]
    pages.delete(pagescopes.POSITION)
    first = pagescopes.bump(pages, ["day:2021-03-19"])
    assert pagescopes.covering_position(pages, first) is None  # no position recorded
    second = pagescopes.bump(pages, ["day:2021-03-19"], position=lambda: 500)
    assert pagescopes.covering_position(pages, first) == 500
    assert pagescopes.covering_position(pages, second) == 500
    # A bump without a position leaves the newer versions uncovered.
    third = pagescopes.bump(pages, ["month:2021-03"], position=lambda: None)
    assert pagescopes.covering_position(pages, third) is None
    assert pagescopes.covering_position(pages, second) == 500
    # An older bump's record written last covers only what it covers.
    pages.set(pagescopes.POSITION, (second - 1, 400))
    assert pagescopes.covering_position(pages, second) is None
