"""/api/v1/ opened in a browser: a page in the reader's language, not DRF's English root."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_a_landing_page_in_chinese_with_the_docs_and_the_schema(client):
    response = client.get("/api/v1/", HTTP_ACCEPT=BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>开放数据接口 <small>REST API</small></h1>" in page
    assert 'href="/api/v1/docs/"' in page and 'href="/api/v1/schema/"' in page
    for name in ("publications", "issues", "articles", "photos", "advertisements", "people", "tags"):
        assert f"/api/v1/{name}/" in page
    assert "Api Root" not in page and "DefaultRouter" not in page
    assert '<html lang="zh-Hans"' in page  # the archive's frame: header, language switch


def test_a_browser_asking_for_english_gets_the_landing_page_in_english(client):
    page = client.get("/api/v1/", HTTP_ACCEPT=BROWSER, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Open data API <small>REST API</small></h1>" in page
    assert "follow the <code>next</code> address as given" in page


def test_a_program_still_gets_the_collections_as_json(client):
    response = client.get("/api/v1/")  # no Accept header: JSON, the first renderer
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) >= {"articles", "issues"}
    assert client.get("/api/v1/?format=json").json()["articles"].endswith("/api/v1/articles/?format=json")
