"""Absolute addresses: SITE_URL in production, the request's own address with DEBUG on."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.siteurl import absolute_url, check_site_url
from tests.factories import make_credit, make_person
from tests.test_archive_pages import front_page

pytestmark = pytest.mark.django_db

DEMO_HOST = "127.0.0.1:8101"


def addresses_a_reader_and_a_client_see(client, article) -> dict[str, str]:
    """Return one absolute address from each place that builds them, asked of DEMO_HOST."""
    person = article.credits.first().person
    get = lambda path: client.get(path, HTTP_HOST=DEMO_HOST)  # noqa: E731
    page = get(article.get_absolute_url()).content.decode()
    feed = get(f"/people/{person.pk}/feed/").content.decode()
    return {
        "canonical": re.search(r'<link rel="canonical" href="([^"]+)"', page)[1],
        "og:url": re.search(r'<meta property="og:url" content="([^"]+)"', page)[1],
        "json-ld": re.search(r'"mainEntityOfPage": "([^"]+)"', page)[1],
        "feed": re.search(r'<link href="([^"]+)" rel="alternate"', feed)[1],
        "sitemap index": re.search(r"<loc>([^<]+)</loc>", get("/sitemap.xml").content.decode())[1],
        "sitemap": re.search(r"<loc>([^<]+)</loc>", get("/sitemap-articles.xml").content.decode())[1],
        "robots": re.search(r"Sitemap: (\S+)", get("/robots.txt").content.decode())[1],
        "ninjs uri": get(f"/api/v1/articles/{article.pk}/ninjs/").json()["uri"],
        "api archive_url": get(f"/api/v1/articles/{article.pk}/").json()["archive_url"],
        "api person archive_url": get(f"/api/v1/people/{person.pk}/").json()["archive_url"],
    }


def test_with_debug_on_every_absolute_address_follows_the_request(client, settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = [DEMO_HOST.split(":")[0]]
    settings.SITE_URL = "http://127.0.0.1:8000"
    _, (article,) = front_page(1)
    found = addresses_a_reader_and_a_client_see(client, article)
    wrong = {where: url for where, url in found.items() if not url.startswith(f"http://{DEMO_HOST}/")}
    assert wrong == {}


def test_in_production_every_absolute_address_is_on_site_url_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = [DEMO_HOST.split(":")[0]]
    settings.SITE_URL = "https://archive.example.org/"
    _, (article,) = front_page(1)
    make_credit(person=make_person(), article=article, role="reporter")
    found = addresses_a_reader_and_a_client_see(client, article)
    wrong = {where: url for where, url in found.items() if not url.startswith("https://archive.example.org/")}
    assert wrong == {}
    assert found["canonical"] == f"https://archive.example.org/articles/{article.pk}/"


def test_the_api_s_own_links_still_follow_the_request_in_production(client, settings):
    settings.ALLOWED_HOSTS = ["api.internal"]
    settings.SITE_URL = "https://archive.example.org"
    _, (article,) = front_page(1)
    data = client.get(f"/api/v1/articles/{article.pk}/", HTTP_HOST="api.internal").json()
    assert data["url"] == f"http://api.internal/api/v1/articles/{article.pk}/"
    assert data["archive_url"] == f"https://archive.example.org/articles/{article.pk}/"


def test_production_without_site_url_refuses_to_build_an_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SITE_URL=https://"):
        absolute_url("/articles/1/")


@pytest.mark.parametrize(
    ("debug", "site_url", "expected"),
    [
        (False, "", ["newsroom.E001"]),
        (False, "http://archive.example.org", ["newsroom.E002"]),
        (False, "archive.example.org", ["newsroom.E002"]),
        (False, "https://archive.example.org", []),
        (True, "", []),
        (True, "http://127.0.0.1:8000", []),
    ],
)
def test_the_system_check_requires_an_https_site_url_in_production(settings, debug, site_url, expected):
    settings.DEBUG = debug
    settings.SITE_URL = site_url
    assert [error.id for error in check_site_url()] == expected
