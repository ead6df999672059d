"""API cursors are opaque: only the next / previous links the API made work, and only where made."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/articles/", "/api/v1/photos/", "/api/v1/articles/?q=劳模"]


@pytest.fixture
def rows(issue):
    """Return five indexed articles about model workers, each with a photo."""
    from newsroom.search import index_articles

    articles = [make_article(issue, position=n, body=f"劳模第{n}位。") for n in range(1, 6)]
    for article in articles:
        make_photo(issue, article=article, position=article.position)
    index_articles([a.pk for a in articles])
    return articles


def unsigned(cursor) -> str:
    """Return a cursor as the API once encoded it: base64 JSON a client could write itself."""
    return base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")


def with_query(url: str, **params) -> str:
    """Return the URL with these query parameters set (replacing any of the same name)."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(params)
    return f"{parts.path}?{urlencode(query)}"


def assert_bad_cursor(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["errors"]) == ["cursor"]


HAND_MADE = [
    {"k": ["not a date", 1, 1, 1, 1]},
    {"k": [None, None, None, None, None]},
    {"k": [2**70, 2**70, 2**70, 2**70, 2**70]},
    {"k": ["2021-03-19", 1, 1, 1, 2**64]},
    {"k": [[1], {"a": 1}, 1.5, True, "x"]},
    {"k": [1, 2]},
    {"o": 2**70},
    {"o": -1},
    {"o": "1"},
    [],
    "cursor",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("cursor", HAND_MADE, ids=lambda c: json.dumps(c)[:40])
def test_a_hand_made_cursor_is_a_400_naming_cursor(client, rows, url, cursor):
    assert_bad_cursor(client.get(with_query(url, cursor=unsigned(cursor))))


@pytest.mark.parametrize("url", LISTS)
def test_a_genuine_cursor_with_its_content_edited_is_a_400(client, rows, url):
    genuine = client.get(with_query(url, page_size=2)).json()["next"]
    cursor = parse_qs(urlsplit(genuine).query)["cursor"][0]
    payload, _sep, signature = cursor.partition(":")
    for edited in ({"o": 10**30}, {"k": [None] * 5}):
        assert_bad_cursor(client.get(with_query(genuine, cursor=f"{unsigned(edited)}:{signature}")))
    assert_bad_cursor(client.get(with_query(genuine, cursor=payload)))
    assert_bad_cursor(client.get(with_query(genuine, cursor=cursor + "x")))


@pytest.mark.parametrize(
    "change",
    [{"ordering": "updated"}, {"ordering": "position"}, {"ordering": "date"}, {"q": "工会"}, {"page": "1"}],
)
def test_a_genuine_cursor_reused_with_another_ordering_or_filter_is_a_400(client, rows, change):
    genuine = client.get("/api/v1/articles/?page_size=2").json()["next"]
    assert client.get(genuine).status_code == 200
    assert_bad_cursor(client.get(with_query(genuine, **change)))


def test_a_search_cursor_reused_with_another_ordering_is_a_400(client, rows):
    genuine = client.get("/api/v1/articles/?q=劳模&page_size=2").json()["next"]
    assert client.get(genuine).status_code == 200
    assert_bad_cursor(client.get(with_query(genuine, ordering="date")))


def test_a_cursor_from_one_list_is_a_400_on_another(client, rows):
    genuine = client.get("/api/v1/articles/?page_size=2&ordering=date").json()["next"]
    cursor = parse_qs(urlsplit(genuine).query)["cursor"][0]
    assert_bad_cursor(client.get("/api/v1/photos/", {"ordering": "date", "cursor": cursor}))


def test_a_genuine_cursor_still_works_with_another_page_size(client, rows):
    first = client.get("/api/v1/articles/?page_size=2").json()
    second = client.get(with_query(first["next"], page_size=3)).json()
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert ids == [a.pk for a in rows]
