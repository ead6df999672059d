"""Page scans on the public archive and in the API: shown beside their page when the reader may see them.

The issue page offers each visible scan (版面图) beside its articles, with a link to the whole
scan and to the issue's IIIF manifest; an article page links to its pages on the issue page;
the API gives an issue's manifest and each page's image service. A scan withheld from readers
(a withdrawn article on its page) is in none of them for a reader, and in all of them for staff.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from newsroom import editorial
from newsroom.models import Article, Page
from tests.factories import make_article, make_issue, make_page, make_user
from tests.scans import page_scan

pytestmark = pytest.mark.django_db

SITE = "https://archive.example.org"
ISSUE_URL = "/issues/2021-03-19/"
MANIFEST = "/iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def scan(page: Page, width: int = 400, height: int = 560) -> Page:
    editorial.set_scan(page, page_scan(width=width, height=height, lines=[f"第{page.number}版"]), "scan.jpg")
    return page


def service(number: int) -> str:
    return reverse("iiif:image-base", kwargs={"identifier": f"zjgrrb_2021-03-19_1_{number}"})


@pytest.fixture
def paper():
    """Page 1 scanned, page 2 scanned with a withdrawn article on it, page 3 without a scan."""
    issue = make_issue()
    pages = {1: scan(make_page(issue, 1, "要闻")), 2: scan(make_page(issue, 2, "综合")), 3: make_page(issue, 3)}
    lead = make_article(issue, page=1, headline="职工运动会开幕", jump_to=3)
    make_article(issue, page=2, headline="第二版的报道")
    make_article(issue, page=2, headline="被撤回的报道", visibility="withdrawn")
    make_article(issue, page=3, headline="", body="续文。", continues=lead)
    return {"issue": issue, "pages": pages, "lead": lead}


def section(html: str, number: int) -> str:
    """Return the issue page's section of one page."""
    start = html.index(f'<section class="newspaper-page" aria-labelledby="page-{number}">')
    return html[start:html.index("</section>", start)]


def thumbnails(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+/full/300,/0/default\.jpg)"', html)


# --- The issue page ---------------------------------------------------------------------------------


def test_the_issue_page_shows_a_visible_scan_beside_its_page_with_the_manifest(client, paper):
    html = client.get(ISSUE_URL).content.decode()
    page_1 = section(html, 1)
    assert f'<img src="{service(1)}/full/300,/0/default.jpg" srcset="{service(1)}/full/400,/0/default.jpg 2x"' \
           ' width="300" height="420"' in page_1  # a 400-pixel scan: no larger for 2x screens
    assert f'<a href="{service(1)}/full/max/0/default.jpg">第1版版面图</a>' in page_1
    assert f'<a class="iiif-link" href="{MANIFEST}" type="application/ld+json"' in page_1
    assert ">IIIF 清单</a>" in page_1
    assert f'<link rel="alternate" type="application/ld+json" href="{MANIFEST}"' in html
    # Page 2's scan shows a withdrawn article; page 3 has none.
    assert thumbnails(html) == [f"{service(1)}/full/300,/0/default.jpg"]
    assert "版面图" not in section(html, 2) and "版面图" not in section(html, 3)


def test_staff_see_on_the_issue_page_the_scan_withheld_from_readers(client, paper, editor_user):
    reader = client.get(ISSUE_URL)
    client.force_login(editor_user)
    staff = client.get(ISSUE_URL)
    assert len(thumbnails(staff.content.decode())) == 2
    assert "版面图" in section(staff.content.decode(), 2)
    # Not one page for both: a reader's cached copy never answers staff, nor staff's a reader.
    assert staff["ETag"] != reader["ETag"]


def test_an_issue_without_a_visible_scan_links_no_scan_and_no_manifest(client, chief_editor_user):
    issue = make_issue()
    make_article(issue, page=1, headline="头版")
    html = client.get(ISSUE_URL).content.decode()
    assert "版面图" not in html and "IIIF" not in html and "/iiif/" not in html
    # A page whose scan a chief editor released shows it, though its only article is withdrawn.
    page = scan(make_page(issue, 2))
    make_article(issue, page=2, headline="撤回", visibility="withdrawn")
    assert "/iiif/" not in client.get(ISSUE_URL).content.decode()
    editorial.release_scan(page, user=chief_editor_user)
    html = client.get(ISSUE_URL).content.decode()
    assert thumbnails(html) == [f"{service(2)}/full/300,/0/default.jpg"] and 'id="page-2"' in html


def test_a_narrow_scan_is_never_asked_for_larger_than_it_is(client):
    issue = make_issue()
    scan(make_page(issue, 1), width=250, height=350)
    make_article(issue, page=1, headline="头版")
    html = client.get(ISSUE_URL).content.decode()
    assert f'<img src="{service(1)}/full/250,/0/default.jpg" srcset="{service(1)}/full/250,/0/default.jpg 2x"' \
           ' width="250" height="350"' in html


def test_the_issue_page_costs_the_same_queries_with_scans(client, paper, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE = False
    # The issue, articles, credits, tags, photos, photo credits, ads, pages (with whether their
    # scan is the reader's), their staff, the parts continuing articles: as without scans.
    with django_assert_max_num_queries(10):
        assert client.get(ISSUE_URL).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_cached_issue_page_shows_a_new_scan_and_hides_it_after_a_withdrawal_at_once(
        client, settings, chief_editor_user):
    settings.PAGE_CACHE_GENERATION_TTL = 0  # the generation is read on every request
    issue = make_issue()
    page = make_page(issue, 1, "要闻")
    make_article(issue, page=1, headline="职工运动会开幕")
    neighbour = make_article(issue, page=1, headline="第二篇")
    client.get(ISSUE_URL)
    cached = client.get(ISSUE_URL)
    assert cached["X-Page-Cache"] == "hit" and not thumbnails(cached.content.decode())

    scan(page)
    shown = client.get(ISSUE_URL)
    assert shown["X-Page-Cache"] == "miss" and len(thumbnails(shown.content.decode())) == 1
    assert client.get(ISSUE_URL)["X-Page-Cache"] == "hit"

    editorial.set_visibility(Article.objects.filter(pk=neighbour.pk), "withdrawn", user=chief_editor_user)
    hidden = client.get(ISSUE_URL)
    assert hidden["X-Page-Cache"] == "miss"
    assert not thumbnails(hidden.content.decode()) and "职工运动会开幕" in hidden.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_release_and_a_withholding_reach_the_cached_issue_page_and_the_manifest_at_once(client, settings):
    settings.PAGE_CACHE_GENERATION_TTL = 0
    # Superuser: a flushed database has lost the groups' scan permissions (make_user restores
    # only 0003's roles).
    chief = make_user(is_superuser=True)
    earlier = make_issue(date="2021-03-18")
    make_page(earlier, 1), make_page(earlier, 2)  # the page's pk is not its issue's
    issue = make_issue()
    page = scan(make_page(issue, 1))
    make_article(issue, page=1, headline="职工运动会开幕")
    make_article(issue, page=1, headline="第二篇", visibility="withdrawn")
    client.get(ISSUE_URL)
    assert client.get(ISSUE_URL)["X-Page-Cache"] == "hit"
    assert client.get(MANIFEST).status_code == 404  # nothing for a reader yet

    editorial.release_scan(page, user=chief)
    released = client.get(ISSUE_URL)
    assert released["X-Page-Cache"] == "miss" and len(thumbnails(released.content.decode())) == 1
    manifest_etag = client.get(MANIFEST)["ETag"]

    editorial.withhold_scan(page, user=chief)
    withheld = client.get(ISSUE_URL)
    assert withheld["X-Page-Cache"] == "miss" and not thumbnails(withheld.content.decode())
    assert client.get(MANIFEST, HTTP_IF_NONE_MATCH=manifest_etag).status_code == 404


# --- The article page ------------------------------------------------------------------------------


def test_an_article_links_to_its_page_on_the_issue_page(client, paper):
    html = client.get(paper["lead"].get_absolute_url()).content.decode()
    assert re.search(rf'<a href="{ISSUE_URL}#page-1" title="[^"]+">第1、3版</a>', html)
    issue_page = client.get(ISSUE_URL).content.decode()
    assert 'id="page-1"' in issue_page


# --- The API --------------------------------------------------------------------------------------


def scans_of(issue_json: dict) -> dict[int, dict | None]:
    return {page["number"]: page["scan"] for page in issue_json["pages"]}


def test_the_api_gives_a_reader_the_manifest_and_the_scans_they_may_see(client, paper):
    data = client.get(f"/api/v1/issues/{paper['issue'].pk}/").json()
    assert data["iiif_manifest"] == SITE + MANIFEST
    assert scans_of(data) == {1: {"iiif_service": SITE + service(1), "width": 400, "height": 560},
                              2: None, 3: None}
    listed = client.get("/api/v1/issues/").json()["results"]
    assert listed[0]["iiif_manifest"] == SITE + MANIFEST and scans_of(listed[0])[2] is None


def test_the_api_gives_staff_the_withheld_scans(client, paper, editor_user):
    client.force_login(editor_user)
    data = client.get(f"/api/v1/issues/{paper['issue'].pk}/").json()
    assert scans_of(data)[2] == {"iiif_service": SITE + service(2), "width": 400, "height": 560}
    assert data["iiif_manifest"] == SITE + MANIFEST


def test_an_issue_without_a_scan_for_the_client_has_no_manifest_in_the_api(client, editor_user):
    issue = make_issue()
    make_article(issue, page=1, headline="头版")
    scan(make_page(issue, 2))
    make_article(issue, page=2, headline="撤回", visibility="withdrawn")
    data = client.get(f"/api/v1/issues/{issue.pk}/").json()
    assert data["iiif_manifest"] is None and scans_of(data) == {2: None}
    client.force_login(editor_user)
    assert client.get(f"/api/v1/issues/{issue.pk}/").json()["iiif_manifest"] == SITE + MANIFEST


def test_listing_issues_asks_once_which_scans_a_reader_may_see(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE = False
    for day in range(1, 6):
        issue = make_issue(date=f"2021-03-{day:02d}")
        for number in (1, 2):
            scan(make_page(issue, number), width=120, height=160)
            make_article(issue, page=number, headline=f"{day}日第{number}版")
    # Issues (with the paper), their pages, the pages' staff, their articles, which scans are public.
    with django_assert_num_queries(5):
        listed = client.get("/api/v1/issues/").json()["results"]
    assert all(issue["iiif_manifest"] for issue in listed)
    assert all(page["scan"]["width"] == 120 for issue in listed for page in issue["pages"])


def test_the_schema_documents_the_scan_fields(client):
    schemas = client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    assert schemas["Issue"]["properties"]["iiif_manifest"]["nullable"] is True
    scan_field = schemas["Page"]["properties"]["scan"]
    assert scan_field.get("nullable") or any("nullable" in s for s in scan_field.get("allOf", []) + scan_field.get(
        "oneOf", []))
    assert set(schemas["PageScan"]["properties"]) == {"iiif_service", "width", "height"}
