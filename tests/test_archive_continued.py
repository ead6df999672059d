"""A whole paper on every public surface: pages with names and staff, continued articles once."""

from __future__ import annotations

import re

import pytest

from importers.load import import_paths
from newsroom import editorial
from newsroom.models import Article
from tests.factories import make_user
from tests.load.test_joins import FILES

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(tmp_path, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://archive.example.org"
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([tmp_path])
    assert result.ok
    contest = Article.objects.get(headline="杭州职工技能大赛开赛")
    return {"contest": contest, "part": Article.objects.get(page=3, position=1),
            "issue": contest.issue}


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_issue_page_shows_each_page_with_its_name_staff_and_the_jumps(client, paper):
    page = client.get(paper["issue"].get_absolute_url()).content.decode()
    nav = page[page.index('class="page-nav"'):page.index("</nav>", page.index('class="page-nav"'))]
    assert [_text(item).strip() for item in re.findall(r"<li>(.*?)</li>", nav)] == [
        "第1版", "第2版 综合", "第3版 经济"]
    assert 'id="page-3"' in page and "经济" in page
    # The contest appears once, on page 1, with its jump; page 3 leads back to it.
    assert page.count(">杭州职工技能大赛开赛</a>") == 1
    assert 'href="#page-3" class="jump-mark">转第3版</a>' in page
    assert f'<a href="{paper["contest"].get_absolute_url()}"><span class="jump-mark">上接第1版</span>' in page
    assert "(上接第1版)" not in page  # the part is no story of its own


def test_the_article_page_reads_the_parts_as_one_on_its_pages(client, paper):
    contest = paper["contest"]
    page = client.get(contest.get_absolute_url()).content.decode()
    assert "第1、3版" in page
    assert "选手将获得“浙江金蓝领”称号" in page and "本次大赛共有3000余名职工报名参赛。" in page
    # The part's own address leads to the article for good.
    response = client.get(paper["part"].get_absolute_url())
    assert response.status_code == 301 and response["Location"] == contest.get_absolute_url()


def test_the_api_gives_pages_and_the_whole_text_and_finds_it_on_any_of_its_pages(client, paper):
    contest = paper["contest"]
    listed = client.get("/api/v1/articles/", {"issue": paper["issue"].pk}).json()["results"]
    assert sorted(a["headline"] for a in listed) == sorted(
        ["杭州职工技能大赛开赛", "全省工会数字化改革推进会召开", "小微企业享受减税红利"])
    assert {a["headline"]: a["pages"] for a in listed}["杭州职工技能大赛开赛"] == [1, 3]
    on_3 = client.get("/api/v1/articles/", {"issue": paper["issue"].pk, "page": 3}).json()["results"]
    assert sorted(a["headline"] for a in on_3) == ["小微企业享受减税红利", "杭州职工技能大赛开赛"]
    detail = client.get(f"/api/v1/articles/{contest.pk}/").json()
    assert detail["body_text"].endswith("本次大赛共有3000余名职工报名参赛。") and detail["page"] == 1
    issue = client.get(f"/api/v1/issues/{paper['issue'].pk}/").json()
    assert [(p["number"], p["name"], p["label"]) for p in issue["pages"]] == [
        (1, "", "第1版"), (2, "综合", "第2版 综合"), (3, "经济", "第3版 经济")]
    assert len(issue["articles"]) == 3
    ninjs = client.get(f"/api/v1/articles/{contest.pk}/ninjs/").json()
    assert ninjs["bodies"][1]["value"].endswith("本次大赛共有3000余名职工报名参赛。")


def test_feeds_sitemap_and_search_hold_a_continued_article_once(client, paper):
    contest = paper["contest"]
    sitemap = "".join(client.get(f"/sitemap-{s}.xml").content.decode() for s in ("articles",))
    assert sitemap.count(f"/articles/{contest.pk}/<") == 1
    assert f"/articles/{paper['part'].pk}/<" not in sitemap
    results = client.get("/search/", {"q": "金蓝领"}).content.decode()
    assert results.count(f'href="/articles/{contest.pk}/"') >= 1
    assert f'href="/articles/{paper["part"].pk}/"' not in results


def test_a_withdrawn_continued_article_is_gone_from_every_public_surface(client, paper):
    contest, part = paper["contest"], paper["part"]
    editorial.set_visibility(Article.objects.filter(pk=contest.pk), "withdrawn",
                             user=make_user(role="chief editor"))
    issue_page = client.get(paper["issue"].get_absolute_url()).content.decode()
    assert "杭州职工技能大赛开赛" not in issue_page and "金蓝领" not in issue_page
    assert "上接第1版</span> 全省工会" in issue_page  # the other continued article stays
    assert client.get(contest.get_absolute_url()).status_code == 410
    assert client.get(part.get_absolute_url()).status_code == 410
    assert client.get(f"/api/v1/articles/{contest.pk}/").status_code == 404
    assert client.get(f"/api/v1/articles/{part.pk}/").status_code == 404
    assert client.get("/api/v1/articles/", {"page": 3}).json()["results"][0]["headline"] == "小微企业享受减税红利"
    results = client.get("/search/", {"q": "金蓝领"}).content.decode()
    assert f'href="/articles/{contest.pk}/"' not in results and f'href="/articles/{part.pk}/"' not in results
    assert "杭州职工技能大赛" not in client.get("/feeds/issues/").content.decode()
    assert f"/articles/{contest.pk}/<" not in client.get("/sitemap-articles.xml").content.decode()
    photos = client.get("/api/v1/photos/", {"issue": paper["issue"].pk}).json()["results"]
    assert all(p["article"] not in (contest.pk, part.pk) for p in photos)


def test_the_article_page_keeps_the_ocr_of_every_part_with_its_jump_lines(client, paper):
    page = client.get(paper["contest"].get_absolute_url()).content.decode()
    ocr = page[page.index('class="ocr-original"'):]
    assert "(下转第3版)" in ocr and "(上接第1版)" in ocr
    assert ocr.index("(下转第3版)") < ocr.index("(上接第1版)")


def test_correcting_a_part_changes_the_whole_articles_page_validators_and_search(
    client, paper, django_capture_on_commit_callbacks
):
    contest, part = paper["contest"], paper["part"]
    url = f"/articles/{contest.pk}/"
    before = client.get(url)
    assert before.status_code == 200 and "本次大赛共有3000余名职工报名参赛" in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        editorial.edit_article(
            part, changes={"body": part.body.replace("3000余名", "3200余名")},
            expected_version=part.version, user=make_user(role="editor"),
        )

    again = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200 and again["ETag"] != before["ETag"]
    assert "本次大赛共有3200余名职工报名参赛" in again.content.decode()
    found = client.get("/search/", {"q": "3200余名"}).content.decode()
    assert f"/articles/{contest.pk}/" in found
