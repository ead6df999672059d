"""Every error under /api/v1/ is the API's JSON, also those no API view answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from newsroom.api.urls import router
from newsroom.api.views import ArticleViewSet
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LISTS = [(basename, viewset) for _prefix, viewset, basename in router.registry]


def assert_json_error(response, status: int):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/abc/", "/api/v1/articles/-1/", "/api/v1/articles/1.5/", "/api/v1/issues/abc/ninjs/",
        "/api/v1/flags/x/undo/", "/api/v1/nope/", "/api/v1/articles/1/nope/", "/api/v1/%E5%8A%B3/",
    ],
)
def test_an_address_no_route_matches_is_the_apis_json_404(client, path):
    assert_json_error(client.get(path), 404)


def test_an_address_outside_the_api_still_gets_the_archives_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_api_address_without_its_slash_is_still_redirected(client, issue):
    article = make_article(issue)
    response = client.get(f"/api/v1/articles/{article.pk}")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/articles/{article.pk}/"


def test_a_crash_under_the_api_answers_json(client, monkeypatch):
    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ArticleViewSet, "list", crash)
    client.raise_request_exception = False
    assert_json_error(client.get("/api/v1/articles/"), 500)


def test_an_unknown_format_and_an_unacceptable_type_are_json(client):
    assert_json_error(client.get("/api/v1/articles/?format=xml"), 404)
    assert_json_error(client.get("/api/v1/articles/", HTTP_ACCEPT="application/xml"), 406)


def parameters(viewset) -> list[str]:
    names = ["cursor", "page_size"]
    if getattr(viewset, "filterset_class", None):
        names += list(viewset.filterset_class.base_filters)
    return names


@pytest.mark.parametrize(("basename", "viewset"), LISTS, ids=[b for b, _v in LISTS])
def test_every_list_parameter_given_empty_is_a_400_naming_it(admin_client, basename, viewset):
    url = reverse(f"api:{basename}-list")
    for name in parameters(viewset):
        response = admin_client.get(url, {name: ""})
        assert response.status_code == 400, (name, response.content)
        assert list(response.json()["errors"]) == [name]


def test_an_empty_date_beside_a_real_one_is_a_400_too(client):
    response = client.get("/api/v1/articles/?date=2021-03-19&date=")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date"]
