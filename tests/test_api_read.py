"""The read endpoints: what each returns, nested where a client needs it, and who sees what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from newsroom.models import Visibility
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db



@pytest.fixture
def article(issue):
    article = make_article(
        issue,
        kicker="喜迎建党百年",
        headline="全省劳模表彰大会召开",
        subheadline="百名劳模受表彰",
        heading="喜迎建党百年 全省劳模表彰大会召开 百名劳模受表彰",
        body="第一段<script>alert(1)</script>。\n\n### 小标题\n\n第二段 & 结尾。",
        original_text="# 全省劳模表彰大会召开\n第一段<script>alert(1)</script>。",
        line_start=10,
        line_end=14,
        tags=["劳模", "RCEP"],
    )
    make_credit(person=make_person("张三"), article=article, role="reporter", order=1)
    make_credit(person=make_person("李四"), article=article, role="correspondent", order=2)
    photo = make_photo(issue, article=article, caption="表彰现场。")
    make_credit(person=make_person("王五"), photo=photo, role="photographer")
    make_flag(issue, article=article)
    make_flag(issue, article=article, status="accepted", resolved_at="2021-03-20T00:00:00+08:00")
    return article


@pytest.fixture
def withdrawn(issue):
    return make_article(issue, headline="已撤回的稿件", visibility=Visibility.WITHDRAWN)


def token_client(client, user):
    token = Token.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def test_the_root_lists_every_collection(client):
    data = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()
    assert set(data) == {
        "publications", "issues", "articles", "photos", "advertisements", "people", "tags", "flags",
    }


def test_an_article_carries_its_credits_photos_tags_flags_and_links(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data["kicker"] == "喜迎建党百年"
    assert data["headline"] == "全省劳模表彰大会召开"
    assert data["subheadline"] == "百名劳模受表彰"
    assert data["issue"]["date"] == "2021-03-19"
    assert data["issue"]["publication"] == "zjgrrb"
    assert [(c["person"]["name"], c["role"], c["role_label"]) for c in data["credits"]] == [
        ("张三", "reporter", "记者"),
        ("李四", "correspondent", "通讯员"),
    ]
    assert [p["caption"] for p in data["photos"]] == ["表彰现场。"]
    assert data["photos"][0]["credits"][0]["person"]["name"] == "王五"
    assert data["tags"] == ["RCEP", "劳模"]
    assert data["open_flags_count"] == 1
    assert data["correction_status"] == "unreviewed"
    assert data["original_url"].endswith(f"/api/v1/articles/{article.pk}/original/")
    assert data["ninjs_url"].endswith(f"/api/v1/articles/{article.pk}/ninjs/")
    assert data["archive_url"].endswith(f"/articles/{article.pk}/")
    assert data["snippet"] is None


def test_an_article_body_comes_as_blocks_and_as_escaped_html(client, article):
    data = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert data["blocks"] == [
        {"type": "paragraph", "text": "第一段<script>alert(1)</script>。"},
        {"type": "crosshead", "text": "小标题"},
        {"type": "paragraph", "text": "第二段 & 结尾。"},
    ]
    assert data["body_html"] == (
        "<p>第一段&lt;script&gt;alert(1)&lt;/script&gt;。</p>\n<h3>小标题</h3>\n<p>第二段 &amp; 结尾。</p>"
    )
    assert "<script>" not in data["body_html"]
    assert data["body_text"] == "第一段<script>alert(1)</script>。\n小标题\n第二段 & 结尾。"


def test_an_article_response_carries_its_etag(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/")
    assert response["ETag"] == f'"article-{article.pk}-v1"'
    assert response.json()["etag"] == response["ETag"]
    assert response.json()["version"] == 1


def test_the_original_text_comes_verbatim_as_json(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/original/")
    assert response.status_code == 200
    assert response.json() == {
        "id": article.pk,
        "source_file": None,
        "line_start": 10,
        "line_end": 14,
        "original_text": "# 全省劳模表彰大会召开\n第一段<script>alert(1)</script>。",
    }


def test_the_original_text_comes_verbatim_as_plain_text(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/original/", HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "# 全省劳模表彰大会召开\n第一段<script>alert(1)</script>。"
    assert client.get(f"/api/v1/articles/{article.pk}/original/?format=txt").content == response.content


def test_a_withdrawn_article_is_not_found_for_anonymous_clients(client, withdrawn):
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 404
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/original/").status_code == 404
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/ninjs/").status_code == 404
    assert client.get("/api/v1/articles/").json()["results"] == []


def test_a_withdrawn_article_is_not_found_for_a_logged_in_reader_who_is_not_staff(client, withdrawn):
    reader = User.objects.create_user("reader", password="pw-Newsroom-1")
    token_client(client, reader)
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 404


def test_staff_see_a_withdrawn_article_by_token(client, withdrawn, staff_user):
    token_client(client, staff_user)
    response = client.get(f"/api/v1/articles/{withdrawn.pk}/")
    assert response.status_code == 200
    assert response.json()["visibility"] == "withdrawn"
    assert [a["id"] for a in client.get("/api/v1/articles/").json()["results"]] == [withdrawn.pk]


def test_staff_see_a_withdrawn_article_by_session(client, withdrawn, staff_user):
    client.force_login(staff_user)
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 200


def test_an_unknown_or_malformed_article_id_is_a_json_404(client, article):
    response = client.get("/api/v1/articles/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}
    assert client.get("/api/v1/articles/abc/").status_code == 404
    assert client.get("/api/v1/articles/99999999999999999999999/").status_code == 404


def test_an_issue_lists_the_headlines_of_the_articles_a_client_may_see(client, article, withdrawn):
    second = make_article(article.issue, page=2, position=1, headline="二版头条")
    response = client.get(f"/api/v1/issues/{article.issue_id}/")
    assert response.status_code == 200
    data = response.json()
    assert data["date"] == "2021-03-19"
    assert data["number"] == 11771
    assert data["publication"]["slug"] == "zjgrrb"
    assert [(a["id"], a["page"], a["headline"]) for a in data["articles"]] == [
        (article.pk, 1, "全省劳模表彰大会召开"),
        (second.pk, 2, "二版头条"),
    ]
    assert data["articles"][0]["kicker"] == "喜迎建党百年"


def test_staff_see_withdrawn_headlines_in_an_issue(client, article, withdrawn, staff_user):
    token_client(client, staff_user)
    data = client.get(f"/api/v1/issues/{article.issue_id}/").json()
    assert withdrawn.pk in [a["id"] for a in data["articles"]]


def test_an_issue_with_no_public_article_is_hidden_from_anonymous_clients(client, publication, staff_user):
    issue = make_issue(publication, date="2021-03-20", number=11772)
    make_article(issue, visibility=Visibility.WITHDRAWN)
    assert client.get(f"/api/v1/issues/{issue.pk}/").status_code == 404
    token_client(client, staff_user)
    assert client.get(f"/api/v1/issues/{issue.pk}/").status_code == 200


def test_photos_list_with_their_issue_article_and_photographer(client, article):
    data = client.get("/api/v1/photos/").json()["results"]
    assert len(data) == 1
    assert data[0]["article"] == article.pk
    assert data[0]["issue"]["date"] == "2021-03-19"
    assert data[0]["caption"] == "表彰现场。"
    assert data[0]["image"] is None
    assert data[0]["credits"][0]["role"] == "photographer"


def test_a_photo_of_a_withdrawn_article_is_hidden_from_anonymous_clients(client, withdrawn, staff_user):
    photo = make_photo(withdrawn.issue, article=withdrawn)
    standalone = make_photo(withdrawn.issue)
    assert [p["id"] for p in client.get("/api/v1/photos/").json()["results"]] == [standalone.pk]
    assert client.get(f"/api/v1/photos/{photo.pk}/").status_code == 404
    token_client(client, staff_user)
    assert client.get(f"/api/v1/photos/{photo.pk}/").status_code == 200


def test_advertisements_list_as_printed(client, issue):
    ad = make_advertisement(issue)
    data = client.get(f"/api/v1/advertisements/{ad.pk}/").json()
    assert data["advertiser"] == "中国工商银行"
    assert data["phone"] == "95588"
    assert data["text"].startswith("ICBC")
    assert data["issue"]["id"] == issue.pk


def test_people_list_with_their_aliases(client):
    person = make_person("张三")
    person.aliases.create(name="张叁")
    data = client.get(f"/api/v1/people/{person.pk}/").json()
    assert data["name"] == "张三"
    assert data["aliases"] == ["张叁"]
    assert data["archive_url"].endswith(f"/people/{person.pk}/")


def test_tags_count_only_the_articles_a_client_may_see(client, issue, staff_user):
    make_article(issue, tags=["劳模"])
    make_article(issue, tags=["劳模"], visibility=Visibility.WITHDRAWN)
    make_article(issue, tags=["只在撤回稿"], visibility=Visibility.WITHDRAWN)
    assert [(t["name"], t["article_count"]) for t in client.get("/api/v1/tags/").json()["results"]] == [
        ("劳模", 1)
    ]
    token_client(client, staff_user)
    assert [(t["name"], t["article_count"]) for t in client.get("/api/v1/tags/").json()["results"]] == [
        ("劳模", 2),
        ("只在撤回稿", 1),
    ]


def test_publications_list_their_masthead_identifiers(client, publication):
    data = client.get("/api/v1/publications/").json()["results"]
    assert [(p["name"], p["cn_number"], p["postal_code"]) for p in data] == [
        ("浙江工人日报", "CN33-0018", "31-2")
    ]
    assert client.get(f"/api/v1/publications/{publication.pk}/").json()["slug"] == "zjgrrb"


def test_review_flags_are_for_staff_only(client, article, staff_user):
    response = client.get("/api/v1/flags/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()
    token_client(client, staff_user)
    data = client.get("/api/v1/flags/?status=open").json()["results"]
    assert [(f["article"], f["status"], f["code"]) for f in data] == [
        (article.pk, "open", "joined_paragraphs")
    ]


def test_a_logged_in_reader_who_is_not_staff_may_not_list_flags(client, article):
    token_client(client, User.objects.create_user("reader", password="pw-Newsroom-1"))
    assert client.get("/api/v1/flags/").status_code == 403


def test_a_flags_message_is_worded_in_the_language_the_client_asks_for(
    client, staff_user, tmp_path
):
    from importers.load import import_paths
    from tests.load.pages import SEED_2021

    misprinted = tmp_path / "misprinted.txt"
    misprinted.write_text(SEED_2021.read_text(encoding="utf-8").replace("星期五", "星期六", 1),
                          encoding="utf-8")
    assert import_paths([misprinted]).ok
    token_client(client, staff_user)

    def flag(language):
        data = client.get("/api/v1/flags/?code=weekday_mismatch",
                          HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        return data[0]

    chinese, english = flag("zh-hans"), flag("en")
    assert chinese["display_message"] == "报头印的是星期六，但 2021-03-19 是星期五"
    assert english["display_message"] == (
        "the masthead prints 星期六, but 2021-03-19 is a 星期五")
    assert chinese["message"] == english["message"] == (
        "masthead prints 星期六 but 2021-03-19 is a 星期五")


def test_a_merged_person_answers_301_to_the_person_kept(client, chief_editor_user):
    from newsroom.editorial import merge_people

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    merge_people(keep=keep, remove=remove, user=chief_editor_user)
    response = client.get(f"/api/v1/people/{remove.pk}/", {"format": "json"})
    assert response.status_code == 301
    assert response["Location"].endswith(f"/api/v1/people/{keep.pk}/?format=json")
    assert response.json()["merged_into"] == keep.pk
    assert response.json()["url"] == response["Location"]
    followed = client.get(f"/api/v1/people/{keep.pk}/")
    assert followed.json()["name"] == "张浩星" and "张浩呈" in followed.json()["aliases"]
    missing = client.get("/api/v1/people/999999/")
    assert missing.status_code == 404 and "detail" in missing.json()


def test_a_merged_byline_reads_as_printed_and_links_to_the_person_kept(client, issue, chief_editor_user):
    from newsroom.editorial import merge_people

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    article = make_article(issue, headline="劳模工作室")
    make_credit(person=remove, article=article)
    merge_people(keep=keep, remove=remove, user=chief_editor_user)

    detail = client.get(f"/api/v1/articles/{article.pk}/").json()
    assert [(c["person"]["name"], c["printed_name"]) for c in detail["credits"]] == [("张浩星", "张浩呈")]
    listed = client.get("/api/v1/articles/").json()["results"][0]["contributors"]
    assert [(c["person_id"], c["name"], c["printed_name"]) for c in listed] == [(keep.pk, "张浩星", "张浩呈")]
    ninjs = client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()
    assert ninjs["by"] == "记者 张浩呈"
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/people/{keep.pk}/">张浩呈</a>' in page
