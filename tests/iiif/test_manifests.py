"""An issue's IIIF Presentation 3.0 manifest: its pages' scans a user may see, in page order, with their text.

Every manifest answered here is validated with the iiif-prezi3 models (the Presentation 3.0
schema as pydantic models), read from the response's JSON as a viewer would.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from iiif_prezi3 import Manifest

from newsroom import editorial
from newsroom.models import Article, Page
from newsroom.scans import iiif as image_api
from tests.factories import make_article, make_issue, make_page
from tests.scans import page_scan

pytestmark = pytest.mark.django_db

SITE = "https://archive.example.org"
MANIFEST = "/iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json"
LD_JSON = 'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def scanned_page(issue, number: int, name: str = "", width: int = 400, height: int = 560) -> Page:
    page = make_page(issue, number, name)
    editorial.set_scan(page, page_scan(width=width, height=height, lines=[f"第{number}版"]), f"{number}.jpg")
    return page


@pytest.fixture
def paper():
    """Three scanned pages: page 1 with a lead continued on page 3, page 2 with a withdrawn article."""
    issue = make_issue()
    pages = {1: scanned_page(issue, 1, "要闻"), 2: scanned_page(issue, 2, "综合"), 3: scanned_page(issue, 3, "经济")}
    lead = make_article(issue, page=1, kicker="全省职工", headline="杭州职工技能大赛开赛",
                        body="近日,大赛在杭州开幕,选手将获得", jump_to=3, jump_mid_sentence=True)
    make_article(issue, page=1, headline="全省工会会议召开", body="会议强调数字化改革。", dateline="")
    make_article(issue, page=2, headline="被撤回的报道", body="不应公开的文字。", visibility="withdrawn")
    make_article(issue, page=2, headline="第二版的报道", body="第二版正文。")
    make_article(issue, page=3, headline="", body="“浙江金蓝领”称号。", is_continuation=True,
                 continued_from=1, continues=lead)
    make_article(issue, page=3, headline="小微企业享受减税红利", body="减税正文。")
    return {"issue": issue, "pages": pages, "lead": lead}


def manifest_of(response) -> dict:
    """Return a manifest response's JSON, after checking it is a valid Presentation 3.0 manifest."""
    assert response.status_code == 200, response.content
    Manifest.model_validate_json(response.content)
    return json.loads(response.content)


def canvas_numbers(manifest: dict) -> list[int]:
    return [int(canvas["id"].rsplit("/", 1)[1]) for canvas in manifest["items"]]


def text_of(canvas: dict) -> str:
    (annotation_page,) = canvas.get("annotations", [{"items": [{"body": {"value": ""}}]}])
    (annotation,) = annotation_page["items"]
    return annotation["body"]["value"]


def test_a_readers_manifest_is_valid_presentation_3_with_one_canvas_a_visible_page(client, paper):
    response = client.get(MANIFEST)
    manifest = manifest_of(response)
    assert manifest["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert manifest["id"] == SITE + MANIFEST and manifest["type"] == "Manifest"
    # Page 2 shows a withdrawn article: no canvas for a reader.
    assert canvas_numbers(manifest) == [1, 3]
    first = manifest["items"][0]
    assert first["label"] == {"zh-Hans": ["第1版 要闻"], "en": ["Page 1 要闻"]}
    assert (first["width"], first["height"]) == (400, 560)
    (painting,) = first["items"][0]["items"]
    assert painting["motivation"] == "painting" and painting["target"] == first["id"]
    service = SITE + reverse("iiif:image-base", kwargs={"identifier": "zjgrrb_2021-03-19_1_1"})
    assert painting["body"] == {
        "id": f"{service}/full/max/0/default.jpg", "type": "Image", "format": "image/jpeg",
        "width": 400, "height": 560,
        "service": [{"id": service, "type": "ImageService3", "profile": image_api.PROFILE}],
    }
    assert first["thumbnail"][0]["id"] == f"{service}/full/300,/0/default.jpg"
    assert (first["thumbnail"][0]["width"], first["thumbnail"][0]["height"]) == (300, 420)


def test_the_manifest_names_the_paper_its_date_and_the_masthead(client, paper):
    manifest = manifest_of(client.get(MANIFEST))
    assert manifest["label"]["zh-Hans"] == ["浙江工人日报 2021年3月19日"]
    assert manifest["label"]["en"][0].startswith("浙江工人日报 March 19, 2021")
    facts = {entry["label"]["zh-Hans"][0]: entry["value"] for entry in manifest["metadata"]}
    assert facts["报纸"] == {"zh-Hans": ["浙江工人日报"]}
    assert facts["日期"]["zh-Hans"] == ["2021年3月19日"]
    assert facts["星期"] == {"zh-Hans": ["星期五"], "en": ["Friday"]}
    assert facts["农历"] == {"zh-Hans": ["辛丑年二月初七"]}
    assert facts["期号"] == {"zh-Hans": ["总第11771号"], "en": ["No. 11771"]}
    assert facts["国内统一刊号"] == {"none": ["CN33-0018"]}
    assert {entry["label"]["en"][0] for entry in manifest["metadata"]} >= {"Newspaper", "Lunar date"}
    (homepage,) = manifest["homepage"]
    assert homepage["id"] == SITE + "/issues/2021-03-19/" and homepage["format"] == "text/html"
    assert manifest["behavior"] == ["individuals"] and manifest["viewingDirection"] == "left-to-right"
    assert manifest["navDate"] == "2021-03-19T00:00:00+08:00"
    assert manifest["requiredStatement"]["value"]["zh-Hans"] == ["浙江工人日报数字档案"]


def test_each_canvas_holds_the_text_printed_on_its_page_as_readers_see_it(client, paper):
    manifest = manifest_of(client.get(MANIFEST))
    first, third = manifest["items"]
    (annotation,) = first["annotations"][0]["items"]
    assert annotation["motivation"] == "supplementing" and annotation["target"] == first["id"]
    assert annotation["body"]["type"] == "TextualBody"
    assert annotation["body"]["format"] == "text/plain" and annotation["body"]["language"] == "zh-Hans"
    # Headlines and text in print order, punctuation set full-width as the archive shows it.
    assert text_of(first) == (
        "全省职工\n杭州职工技能大赛开赛\n本报讯 近日，大赛在杭州开幕，选手将获得\n\n"
        "全省工会会议召开\n会议强调数字化改革。"
    )
    # The continued article's part stands on page 3, headed as the paper heads it.
    assert text_of(third) == "杭州职工技能大赛开赛（上接第1版）\n本报讯 “浙江金蓝领”称号。\n\n小微企业享受减税红利\n本报讯 减税正文。"


def test_a_withheld_page_is_absent_for_readers_and_present_with_its_withdrawn_text_for_staff(
        client, paper, editor_user):
    reader = manifest_of(client.get(MANIFEST))
    assert "被撤回的报道" not in json.dumps(reader, ensure_ascii=False)
    client.force_login(editor_user)
    staff = manifest_of(client.get(MANIFEST))
    assert canvas_numbers(staff) == [1, 2, 3]
    assert "被撤回的报道" in text_of(staff["items"][1]) and "第二版的报道" in text_of(staff["items"][1])


def test_a_released_scan_is_shown_to_readers_without_the_withdrawn_articles_text(client, paper,
                                                                                 chief_editor_user):
    editorial.release_scan(paper["pages"][2], user=chief_editor_user)
    manifest = manifest_of(client.get(MANIFEST))
    assert canvas_numbers(manifest) == [1, 2, 3]
    assert text_of(manifest["items"][1]) == "第二版的报道\n本报讯 第二版正文。"


def test_a_page_without_text_a_reader_may_see_has_a_canvas_and_no_annotations(client, chief_editor_user):
    issue = make_issue()
    make_article(issue, page=1, headline="头版")
    page = scanned_page(issue, 2)
    make_article(issue, page=2, headline="撤回", visibility="withdrawn")
    editorial.release_scan(page, user=chief_editor_user)
    manifest = manifest_of(client.get(MANIFEST))
    assert canvas_numbers(manifest) == [2]
    assert "annotations" not in manifest["items"][0]


@pytest.mark.parametrize("path", [
    "/iiif/3/manifests/zjgrrb_2021-03-20_1/manifest.json",  # no issue that day
    "/iiif/3/manifests/zjgrrb_2021-03-19_2/manifest.json",  # no second edition
    "/iiif/3/manifests/other_2021-03-19_1/manifest.json",   # no such paper
    "/iiif/3/manifests/zjgrrb_2021-02-30_1/manifest.json",  # no such date
    "/iiif/3/manifests/nonsense/manifest.json",
])
def test_an_identifier_naming_no_issue_is_404(client, paper, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Access-Control-Allow-Origin"] == "*"


def test_an_issue_readers_may_not_see_is_404_for_them_and_there_for_staff(client, paper, editor_user):
    Article.objects.filter(issue=paper["issue"]).update(visibility="withdrawn")
    assert client.get(MANIFEST).status_code == 404
    client.force_login(editor_user)
    assert canvas_numbers(manifest_of(client.get(MANIFEST))) == [1, 2, 3]


def test_an_issue_with_no_scan_to_show_is_404_for_no_viewer_shows_an_empty_manifest(client, editor_user):
    issue = make_issue()
    make_page(issue, 1)
    make_article(issue, page=1, headline="头版")
    assert client.get(MANIFEST).status_code == 404
    # Its only scan shows a withdrawn article: still nothing for a reader, the page for staff.
    scanned_page(issue, 2)
    make_article(issue, page=2, headline="撤回", visibility="withdrawn")
    assert client.get(MANIFEST).status_code == 404
    client.force_login(editor_user)
    assert canvas_numbers(manifest_of(client.get(MANIFEST))) == [2]


def test_the_manifest_is_json_ld_for_any_site_and_cached_publicly_only_for_readers(client, paper,
                                                                                    editor_user):
    response = client.get(MANIFEST)
    assert response["Content-Type"] == LD_JSON
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, no-cache"
    assert "Cookie" in response["Vary"]
    assert client.options(MANIFEST)["Access-Control-Allow-Origin"] == "*"
    assert client.post(MANIFEST).status_code == 405
    client.force_login(editor_user)
    staff = client.get(MANIFEST)
    assert staff["Cache-Control"] == "private, no-store"
    assert staff["ETag"] != response["ETag"]


def test_a_revalidation_costs_one_query_and_a_change_to_the_issue_answers_anew(
        client, paper, settings, django_assert_num_queries):
    settings.PAGE_CACHE = False
    first = client.get(MANIFEST)
    with django_assert_num_queries(1):  # the issue with its stamps
        again = client.get(MANIFEST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*" and again["Cache-Control"] == "public, no-cache"
    assert client.get(MANIFEST, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    # A correction of a headline on page 1 changes the canvas's text.
    lead = Article.objects.get(pk=paper["lead"].pk)
    editorial.edit_article(lead, changes={"headline": "杭州职工技能大赛隆重开赛"}, expected_version=lead.version,
                           user=None)
    changed = client.get(MANIFEST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "隆重开赛" in text_of(manifest_of(changed)["items"][0])


def test_a_withdrawal_or_a_new_scan_moves_the_etag(client, paper, chief_editor_user):
    etag = client.get(MANIFEST)["ETag"]
    editorial.set_visibility(Article.objects.filter(headline="小微企业享受减税红利"), "withdrawn",
                             user=chief_editor_user)
    after_withdrawal = client.get(MANIFEST, HTTP_IF_NONE_MATCH=etag)
    assert after_withdrawal.status_code == 200
    assert canvas_numbers(manifest_of(after_withdrawal)) == [1]  # page 3 is withheld now
    editorial.set_scan(paper["pages"][1], page_scan(width=500, height=700, lines=["新扫描"]), "new.jpg")
    after_scan = client.get(MANIFEST, HTTP_IF_NONE_MATCH=after_withdrawal["ETag"])
    assert after_scan.status_code == 200 and manifest_of(after_scan)["items"][0]["width"] == 500


def _issue_of(pages: int):
    issue = make_issue()
    for number in range(1, pages + 1):
        scanned_page(issue, number, width=200, height=280)
        lead = make_article(issue, page=number, headline=f"第{number}版头条", jump_to=number + 1)
        make_article(issue, page=number, headline=f"第{number}版短讯")
        if number > 1:
            make_article(issue, page=number, headline="", body="续文。", continues=Article.objects.get(
                issue=issue, page=number - 1, headline=f"第{number - 1}版头条"))
        assert lead.pk
    return issue


@pytest.mark.parametrize("pages", [2, 8])
def test_building_a_manifest_costs_four_queries_whatever_the_number_of_pages(
        client, settings, pages, django_assert_max_num_queries):
    settings.PAGE_CACHE = False
    _issue_of(pages)
    # The issue with its stamps, its pages with a scan the reader may see, the articles, their parts.
    with django_assert_max_num_queries(4):
        manifest = manifest_of(client.get(MANIFEST))
    assert canvas_numbers(manifest) == list(range(1, pages + 1))
    assert "第1版头条（上接第1版）" in text_of(manifest["items"][1])


@pytest.mark.django_db(transaction=True)
def test_a_readers_manifest_comes_from_the_page_cache_until_a_withdrawal_changes_it(
        client, paper, settings, chief_editor_user, django_assert_max_num_queries):
    settings.PAGE_CACHE_GENERATION_TTL = 0  # the generation is read on every request
    first = client.get(MANIFEST)
    with django_assert_max_num_queries(2):  # the generation; the stamps, once per generation
        second = client.get(MANIFEST)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert second["Access-Control-Allow-Origin"] == "*" and second["Cache-Control"] == "public, no-cache"
    editorial.set_visibility(Article.objects.filter(headline="小微企业享受减税红利"), "withdrawn",
                             user=chief_editor_user)
    third = client.get(MANIFEST)
    assert third["X-Page-Cache"] == "miss" and canvas_numbers(manifest_of(third)) == [1]
