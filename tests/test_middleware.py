"""RejectNulMiddleware: a NUL anywhere in the path or the parameters is a plain 400, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory

from newsroom.middleware import RejectNulMiddleware, find_nul
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(db):
    return make_article(tags=["工会"])


@pytest.mark.parametrize(
    "url",
    [
        "/tags/%00/",
        "/tags/a%00b/feed/",
        "/people/1%00/",
        "/search/?q=%00",
        "/search/?q=%E5%B7%A5%E4%BC%9A&contributor=a%00b",
        "/search/?q=%E5%B7%A5%E4%BC%9A&page=1%00",
        "/search/?%00=1",
        "/tags/%E5%B7%A5%E4%BC%9A/?page=%00",
        "/issues/2021/?x=%00",
    ],
)
def test_a_percent_encoded_nul_in_the_path_or_a_parameter_is_a_plain_400(client, tagged, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "空字符" in response.content.decode()


def test_the_400_names_the_parameter_or_the_path(client, tagged):
    assert "contributor" in client.get("/search/?q=a&contributor=a%00b").content.decode()
    assert "path" in client.get("/tags/%00/").content.decode()


def test_the_api_gets_its_own_json_error_shape_naming_the_parameter(client, tagged):
    response = client.get("/api/v1/articles/?contributor=%00")
    assert response.status_code == 400
    data = response.json()
    assert data["errors"] == {"contributor": ["含有空字符（NUL），无法处理。"]}
    assert "contributor" in data["detail"]
    assert list(client.get("/api/v1/tags/a%00/").json()["errors"]) == ["path"]


def test_a_nul_in_a_posted_form_field_is_a_400(client, tagged):
    response = client.post("/admin/login/", {"username": "editor\x00", "password": "x"})
    assert response.status_code == 400


def test_a_nul_in_an_uploaded_form_field_is_a_400(client, tagged):
    # multipart/form-data, as a browser sends a form with a file input
    response = client.post("/admin/login/", {"username": "a\x00", "file": b"x"}, format="multipart")
    assert response.status_code == 400


def test_a_json_body_is_left_for_the_view_to_read(client, tagged):
    # The API reads request.body itself: the middleware must not consume the stream.
    editor = make_user("editor", role="editor")
    client.force_login(editor)
    response = client.patch(
        f"/api/v1/articles/{tagged.pk}/", json.dumps({"headline": "新标题"}),
        content_type="application/json", HTTP_IF_MATCH=tagged.etag,
    )
    assert response.status_code == 200
    tagged.refresh_from_db()
    assert tagged.headline == "新标题"


def test_pages_without_nul_pass_through(client, tagged):
    assert client.get("/tags/工会/").status_code == 200
    assert client.get("/search/", {"q": "工会", "contributor": "阮向民"}).status_code == 200


def test_a_raw_nul_byte_in_the_query_string_is_caught_before_decoding():
    factory = RequestFactory()
    request = factory.get("/search/")
    request.META["QUERY_STRING"] = "q=a\x00b"
    assert find_nul(request) == "q"
    request.META["QUERY_STRING"] = "\x00"
    request.GET = request.GET.copy()
    request.GET.clear()
    assert find_nul(request) == "query string"
    assert find_nul(factory.get("/search/", {"q": "工会"})) is None


def test_the_middleware_never_calls_the_view_for_a_nul():
    calls = []
    middleware = RejectNulMiddleware(lambda request: calls.append(request))
    response = middleware(RequestFactory().get("/tags/a\x00/"))
    assert response.status_code == 400
    assert calls == []
