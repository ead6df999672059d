"""Atom feeds and the sitemap: absolute links on SITE_URL, escaped text, no withdrawn article."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from archive.sitemaps import ArchiveSitemap
from newsroom.models import Article, Visibility
from tests.factories import make_article, make_credit, make_person
from tests.test_archive_pages import MARCH_19, front_page

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://archive.example.org"


def atom_entries(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary"),
            "author": entry.findtext(f"{ATOM}author/{ATOM}name"),
        }
        for entry in root.iter(f"{ATOM}entry")
    ]


def locs(response) -> list[str]:
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def sitemap_urls(client) -> list[str]:
    """Return every address of every page of every section listed in the sitemap index."""
    urls = []
    for section in locs(client.get("/sitemap.xml")):
        assert section.startswith("https://archive.example.org/sitemap-")
        urls += locs(client.get(section.removeprefix("https://archive.example.org")))
    return urls


def test_the_issues_feed_lists_public_issues_newest_first_with_their_headlines(client):
    _, old = front_page(2)
    front_page(1, date=dt.date(2022, 6, 17))
    _gone_issue, gone = front_page(1, date=dt.date(2021, 3, 18))
    Article.objects.filter(pk=gone[0].pk).update(visibility=Visibility.WITHDRAWN)
    entries = atom_entries(client.get("/feeds/issues/"))
    assert [e["link"] for e in entries] == [
        "https://archive.example.org/issues/2022-06-17/",
        "https://archive.example.org/issues/2021-03-19/",
    ]
    assert old[0].headline in entries[1]["summary"]


def test_the_tag_feed_lists_the_tags_public_articles_with_their_authors(client):
    reporter = make_person("阮向民")
    _, articles = front_page(2, reporter=reporter, tag="劳模")
    Article.objects.filter(pk=articles[1].pk).update(visibility=Visibility.WITHDRAWN)
    entries = atom_entries(client.get("/tags/劳模/feed/"))
    assert [e["link"] for e in entries] == [
        f"https://archive.example.org/articles/{articles[0].pk}/"
    ]
    assert entries[0]["author"] == "阮向民"
    assert entries[0]["summary"] == "第0篇的导语，工会组织。"


def test_the_contributor_feed_lists_articles_with_their_photos_too(client):
    reporter, photographer = make_person(), make_person()
    _, articles = front_page(1, reporter=reporter, photographer=photographer)
    other = make_article(articles[0].issue)
    make_credit(person=reporter, article=other)
    links = {e["link"] for e in atom_entries(client.get(f"/people/{photographer.pk}/feed/"))}
    assert links == {f"https://archive.example.org/articles/{articles[0].pk}/"}
    assert len(atom_entries(client.get(f"/people/{reporter.pk}/feed/"))) == 2


def test_feeds_of_unknown_tags_or_people_are_404(client):
    assert client.get("/tags/nothing/feed/").status_code == 404
    assert client.get("/people/999999/feed/").status_code == 404


def test_feed_text_is_escaped_for_readers_that_render_html(client):
    article = make_article(headline="<script>alert(1)</script>",
                           body='"><img src=x onerror=alert(2)>', tags=["x"])
    entry = atom_entries(client.get("/tags/x/feed/"))[0]
    # Parsed once by the XML reader, the text is still escaped HTML, so a reader rendering
    # it as HTML shows the characters instead of running them.
    assert entry["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert entry["summary"] == "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
    assert article.pk


def test_the_sitemap_lists_public_issues_articles_people_and_tags_on_site_url(client):
    reporter = make_person("阮向民")
    _issue, articles = front_page(2, reporter=reporter, tag="劳模")
    _gone_issue, gone = front_page(1, date=dt.date(2021, 3, 18), tag="撤回")
    Article.objects.filter(pk=gone[0].pk).update(visibility=Visibility.WITHDRAWN)
    hidden = make_person("只署名在撤回文章")
    make_credit(person=hidden, article=gone[0], role="correspondent")
    urls = sitemap_urls(client)
    site = "https://archive.example.org"
    assert f"{site}/issues/2021-03-19/" in urls
    assert f"{site}/issues/2021-03-18/" not in urls
    assert f"{site}/articles/{articles[0].pk}/" in urls
    assert f"{site}/articles/{gone[0].pk}/" not in urls
    assert f"{site}{reporter.get_absolute_url()}" in urls
    assert f"{site}{hidden.get_absolute_url()}" not in urls
    assert f"{site}/tags/%E5%8A%B3%E6%A8%A1/" in urls
    assert not any("%E6%92%A4%E5%9B%9E" in url for url in urls)
    assert all(url.startswith(site + "/") for url in urls)


@pytest.mark.parametrize("n", [2, 10])
def test_the_feeds_cost_a_fixed_number_of_queries(client, django_assert_num_queries, n):
    reporter = make_person()
    for day in range(n):
        front_page(2, date=MARCH_19 + dt.timedelta(days=day), reporter=reporter, tag="工会")
    client.get("/tags/工会/feed/")
    # latest issues; their front-page articles
    with django_assert_num_queries(2):
        client.get("/feeds/issues/")
    # the tag; its latest articles with issues; their credits with people
    with django_assert_num_queries(3):
        client.get("/tags/工会/feed/")
    # the person; their latest articles with issues; their credits with people
    with django_assert_num_queries(3):
        client.get(f"/people/{reporter.pk}/feed/")


def test_the_sitemap_is_an_index_of_section_pages_of_at_most_limit_addresses(client, monkeypatch):
    monkeypatch.setattr(ArchiveSitemap, "limit", 3)
    _, articles = front_page(7)
    site = "https://archive.example.org"
    sections = locs(client.get("/sitemap.xml"))
    assert sections == [
        f"{site}/sitemap-issues.xml",
        f"{site}/sitemap-articles.xml", f"{site}/sitemap-articles.xml?p=2",
        f"{site}/sitemap-articles.xml?p=3",
        f"{site}/sitemap-people.xml",
        f"{site}/sitemap-tags.xml", f"{site}/sitemap-tags.xml?p=2", f"{site}/sitemap-tags.xml?p=3",
    ]
    pages = [locs(client.get(f"/sitemap-articles.xml?p={p}")) for p in (1, 2, 3)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [url for page in pages for url in page] == [f"{site}/articles/{a.pk}/" for a in articles]
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    assert client.get("/sitemap-articles.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("n", [2, 10])
def test_the_sitemap_costs_a_fixed_number_of_queries(client, django_assert_num_queries, n):
    for day in range(n):
        front_page(2, date=MARCH_19 + dt.timedelta(days=day))
    client.get("/sitemap.xml")
    # the count of issues, articles, people and tags (for the number of pages of each)
    with django_assert_num_queries(4):
        client.get("/sitemap.xml")
    for section in ("issues", "articles", "people", "tags"):
        # the section's count, then its page of rows
        with django_assert_num_queries(2):
            assert client.get(f"/sitemap-{section}.xml").status_code == 200


# ------------------------------------------------------------------- a saved search's feed


def test_a_saved_search_is_a_feed_of_the_newest_public_matches(client):
    from newsroom.changes import rebuild_search_index
    from tests.factories import make_issue

    old = make_article(make_issue(date=MARCH_19), headline="红色工会", tags=["劳模"])
    new = make_article(make_issue(date=dt.date(2022, 6, 17), number=12135), headline="工会数字化")
    gone = make_article(new.issue, headline="撤回的工会秘密", visibility=Visibility.WITHDRAWN)
    make_article(new.issue, headline="消防比武")
    rebuild_search_index()
    response = client.get("/search/feed/", {"q": "工会", "order": "relevance"})
    entries = atom_entries(response)
    site = "https://archive.example.org"
    assert [e["link"] for e in entries] == [f"{site}/articles/{new.pk}/", f"{site}/articles/{old.pk}/"]
    assert "撤回的工会秘密" not in response.content.decode()
    root = ET.fromstring(response.content)
    assert root.findtext(f"{ATOM}title") == "检索：工会"
    assert gone.pk
    # The search page's filters narrow it too.
    assert [e["link"] for e in atom_entries(client.get("/search/feed/", {"q": "工会", "tag": "劳模"}))] == [
        f"{site}/articles/{old.pk}/"]
    assert [e["link"] for e in atom_entries(client.get("/search/feed/", {"q": "工会", "year": 2021}))] == [
        f"{site}/articles/{old.pk}/"]
    assert atom_entries(client.get("/search/feed/", {"q": "工会", "start": "2023-01-01"})) == []


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "工会", "start": "not a date"},
                                    {"q": "工会", "start": "2022-01-01", "end": "2021-01-01"},
                                    {"q": "工会", "year": "99999"}, {"q": "x" * 300}])
def test_a_saved_search_with_bad_or_no_criteria_is_a_400_that_says_why(client, params):
    response = client.get("/search/feed/", params)
    assert response.status_code == 400
    assert "检索订阅需要有效的检索词或筛选条件" in response.content.decode()


def test_the_search_page_links_its_feed_when_something_is_asked(client):
    make_article(headline="红色工会")
    page = client.get("/search/", {"q": "工会"}).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/search/feed/?q=%E5%B7%A5%E4%BC%9A' in page
    assert "订阅这个检索" in page
    assert "/search/feed/" not in client.get("/search/").content.decode()


def test_a_saved_search_feed_costs_as_many_queries_for_2_issues_as_for_10(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom.changes import rebuild_search_index

    reporter = make_person()
    counts = []
    for first, last in ((0, 2), (2, 10)):
        for day in range(first, last):
            front_page(2, date=MARCH_19 + dt.timedelta(days=day), reporter=reporter, tag="工会")
        rebuild_search_index()
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/search/feed/", {"q": "工会"})
        assert len(atom_entries(response)) >= 2 * last
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
