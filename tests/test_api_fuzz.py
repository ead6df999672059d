"""Hostile values in every declared parameter of every API list answer JSON, never a 5xx."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.api.urls import router
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_person,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

BASENAMES = [basename for _prefix, _viewset, basename in router.registry]


def forged(cursor) -> str:
    """Return a cursor a client made up: base64 JSON, as the API's cursors once were."""
    return base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode().rstrip("=")


CURSOR_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False), st.text(max_size=20), st.lists(st.integers(), max_size=2),
)
HOSTILE = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "null", "None", "-1", "0", str(2**63), str(2**64), "9" * 40, "1e308", "NaN",
        "2021-13-45", "0001-01-01", "9999-12-31", "true", "relevance", "%", "\\", "' OR 1=1 --",
        "\x00", "🙂📰", "x" * 3000,
    ]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.binary(max_size=30).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
)
# Made-up cursors of every length a list's sort keys have (1 to 6), with values of every type.
FORGED_CURSORS = st.one_of(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.lists(CURSOR_VALUES, min_size=n, max_size=n)
    ).map(lambda values: forged({"k": values})),
    CURSOR_VALUES.map(lambda value: forged({"o": value})),
)


@pytest.fixture
def archive_rows(issue):
    article = make_article(issue, tags=["工会"])
    make_article(issue, position=2)
    make_credit(person=make_person("阮向民"), article=article)
    make_photo(issue, article=article)
    make_photo(issue, position=2)
    make_advertisement(issue)
    make_flag(issue, article=article)
    return article


def declared_parameters(client, path: str) -> dict[str, list[str]]:
    """Return the query parameters the schema declares for the list at `path`, with their enums."""
    schema = client.get("/api/v1/schema/?format=json").json()
    return {
        p["name"]: p["schema"].get("enum", [])
        for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"
    }


def genuine_cursors(client, url: str) -> list[str]:
    """Return the cursors of the list's own next links (to be reused where they do not belong)."""
    cursors = []
    for query in ({"page_size": 1}, {"page_size": 1, "ordering": "date"}):
        link = client.get(url, query).json().get("next")
        if link:
            cursors += parse_qs(urlsplit(link).query)["cursor"]
    return cursors


@pytest.mark.parametrize("role", ["anonymous", "editor"])
@pytest.mark.parametrize("basename", BASENAMES)
def test_hostile_values_in_every_declared_parameter_answer_json_without_a_5xx(
    client, archive_rows, basename, role
):
    if role == "editor":
        client.force_login(make_user("editor", role="editor"))
    url = reverse(f"api:{basename}-list")
    declared = declared_parameters(client, url)
    names = sorted(declared)
    assert {"cursor", "page_size"} <= set(names)
    cursors = st.one_of(FORGED_CURSORS, st.sampled_from(genuine_cursors(client, url) or [""]))
    hostile = st.dictionaries(
        st.sampled_from(names), st.one_of(HOSTILE, cursors), min_size=1, max_size=4
    )
    # A cursor reaches the database only beside valid parameters: an ordering of the list's own
    # (to reuse a cursor with), a search term, or none.
    optional = {"q": st.sampled_from(["劳模", "工会"])} if "q" in declared else {}
    if declared.get("ordering"):
        optional["ordering"] = st.sampled_from(declared["ordering"])
    valid = st.fixed_dictionaries({}, optional=optional)

    @given(query=st.one_of(hostile, st.tuples(valid, cursors).map(lambda p: {**p[0], "cursor": p[1]})))
    @settings(max_examples=80, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(query):
        cache.clear()  # the anonymous rate limit is not what is tested here
        response = client.get(url, query)
        assert response.status_code < 500, (query, response.content[:300])
        assert response["Content-Type"] == "application/json", query
        body = response.json()
        if response.status_code == 400:
            assert set(body["errors"]) <= {*names, "non_field_errors"}, (query, body)

    check()
