"""Writing through the API: editors correct articles (If-Match locking) and resolve flags."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from newsroom.models import Article, CorrectionStatus, ReviewFlag, Visibility
from tests.factories import make_article, make_flag

pytestmark = pytest.mark.django_db



@pytest.fixture
def article(issue):
    return make_article(issue, headline="劳模表彰大会召开", body="第一段。\n\n第二段。", tags=["劳模"])


def as_user(client, user):
    token = Token.objects.create(user=user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


def patch(client, article, data, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return client.patch(
        f"/api/v1/articles/{article.pk}/", data=json.dumps(data), content_type="application/json", **headers
    )


def test_an_editor_corrects_an_article_with_the_current_etag(client, article, editor_user):
    as_user(client, editor_user)
    etag = client.get(f"/api/v1/articles/{article.pk}/")["ETag"]
    response = patch(client, article, {"headline": "全省劳模表彰大会召开", "kicker": "喜迎建党百年"}, etag)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["headline"] == "全省劳模表彰大会召开"
    assert data["kicker"] == "喜迎建党百年"
    assert data["version"] == 2
    assert response["ETag"] == f'"article-{article.pk}-v2"' == data["etag"]
    article.refresh_from_db()
    assert article.headline == "全省劳模表彰大会召开"
    assert article.correction_status == CorrectionStatus.IN_REVIEW


def test_an_edit_is_recorded_in_history_with_the_api_user(client, article, editor_user):
    as_user(client, editor_user)
    patch(client, article, {"dateline": "本报杭州讯"}, article.etag)
    record = article.history.latest()
    assert record.history_user == editor_user
    assert record.dateline == "本报杭州讯"


def test_a_chief_editor_may_edit_too(client, article, chief_editor_user):
    as_user(client, chief_editor_user)
    assert patch(client, article, {"subheadline": "百名劳模受表彰"}, article.etag).status_code == 200


def test_an_edit_replaces_the_tags_and_accepts_the_body_as_blocks(client, article, editor_user):
    as_user(client, editor_user)
    response = patch(
        client, article,
        {"tags": ["工会", "RCEP"], "blocks": [{"type": "crosshead", "text": "小标题"}, {"type": "paragraph", "text": "正文。"}]},
        article.etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["tags"] == ["RCEP", "工会"]
    article.refresh_from_db()
    assert article.body == "### 小标题\n\n正文。"
    assert sorted(article.tags.names()) == ["RCEP", "工会"]


def test_an_edit_without_if_match_is_428_with_the_current_version(client, article, editor_user):
    as_user(client, editor_user)
    response = patch(client, article, {"headline": "新标题"})
    assert response.status_code == 428
    assert response.json()["version"] == 1
    assert response.json()["etag"] == article.etag
    assert "If-Match" in response.json()["detail"]
    assert Article.objects.get(pk=article.pk).headline == "劳模表彰大会召开"


def test_an_if_match_wildcard_is_not_enough(client, article, editor_user):
    as_user(client, editor_user)
    assert patch(client, article, {"headline": "新标题"}, "*").status_code == 428


def test_an_edit_of_a_stale_version_is_412_with_the_current_version(client, article, editor_user):
    as_user(client, editor_user)
    stale = article.etag
    assert patch(client, article, {"headline": "第一次修改"}, stale).status_code == 200
    response = patch(client, article, {"headline": "第二次修改"}, stale)
    assert response.status_code == 412
    assert response.json()["version"] == 2
    assert response.json()["etag"] == f'"article-{article.pk}-v2"'
    assert Article.objects.get(pk=article.pk).headline == "第一次修改"


def test_an_edit_that_loses_a_race_after_the_etag_check_is_412(client, article, editor_user, monkeypatch):
    import newsroom.api.views

    real_edit = newsroom.api.views.edit_article

    def someone_saves_first(target, **kwargs):
        Article.objects.filter(pk=target.pk).update(version=5)
        return real_edit(target, **kwargs)

    monkeypatch.setattr(newsroom.api.views, "edit_article", someone_saves_first)
    as_user(client, editor_user)
    response = patch(client, article, {"headline": "新标题"}, article.etag)
    assert response.status_code == 412
    assert response.json()["version"] == 5


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"correction_status": "reviewed"}, "correction_status"),
        ({"visibility": "withdrawn"}, "visibility"),
        ({"headline": ""}, "headline"),
        ({"headline": "长" * 301}, "headline"),
        ({"tags": "劳模"}, "tags"),
        ({"body": "a", "blocks": []}, "blocks"),
        ({"blocks": [{"type": "table", "text": "x"}]}, "blocks.0.type"),
        ({}, "detail"),
    ],
)
def test_a_bad_edit_is_a_400_naming_the_field(client, article, editor_user, data, field):
    as_user(client, editor_user)
    response = patch(client, article, data, article.etag)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Article.objects.get(pk=article.pk).version == 1


def test_anonymous_clients_may_not_edit(client, article):
    response = patch(client, article, {"headline": "新标题"}, article.etag)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_staff_outside_the_editor_groups_may_not_edit(client, article, staff_user):
    as_user(client, staff_user)
    assert patch(client, article, {"headline": "新标题"}, article.etag).status_code == 403


def test_a_reader_account_may_not_edit(client, article):
    as_user(client, User.objects.create_user("reader", password="pw-Newsroom-1"))
    assert patch(client, article, {"headline": "新标题"}, article.etag).status_code == 403


def test_an_editor_may_correct_a_withdrawn_article(client, issue, editor_user):
    withdrawn = make_article(issue, visibility=Visibility.WITHDRAWN)
    as_user(client, editor_user)
    assert patch(client, withdrawn, {"headline": "更正"}, withdrawn.etag).status_code == 200


def test_put_and_delete_are_not_allowed(client, article, editor_user):
    as_user(client, editor_user)
    assert client.put(f"/api/v1/articles/{article.pk}/", data="{}", content_type="application/json").status_code == 405
    assert client.delete(f"/api/v1/articles/{article.pk}/").status_code == 405


def test_an_editor_accepts_a_flag(client, article, editor_user):
    flag = make_flag(article.issue, article=article)
    as_user(client, editor_user)
    response = client.post(f"/api/v1/flags/{flag.pk}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["resolved_by"] == "editor"
    assert ReviewFlag.objects.get(pk=flag.pk).status == ReviewFlag.Status.ACCEPTED


def test_an_editor_undoes_a_repair_and_the_text_comes_back(client, article, editor_user):
    flag = make_flag(article.issue, article=article, before="第一段\n第二段。", after="第一段。\n\n第二段。")
    as_user(client, editor_user)
    response = client.post(f"/api/v1/flags/{flag.pk}/undo/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "undone"
    article.refresh_from_db()
    assert article.body == "第一段\n第二段。"
    assert article.history.latest().history_user == editor_user


def test_undoing_a_flag_that_is_not_a_repair_is_a_409(client, article, editor_user):
    flag = make_flag(article.issue, article=article)
    as_user(client, editor_user)
    response = client.post(f"/api/v1/flags/{flag.pk}/undo/")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert ReviewFlag.objects.get(pk=flag.pk).status == ReviewFlag.Status.OPEN


def test_resolving_a_resolved_flag_is_a_409(client, article, editor_user):
    flag = make_flag(article.issue, article=article)
    as_user(client, editor_user)
    client.post(f"/api/v1/flags/{flag.pk}/accept/")
    assert client.post(f"/api/v1/flags/{flag.pk}/accept/").status_code == 409


def test_only_editors_resolve_flags(client, article, staff_user):
    flag = make_flag(article.issue, article=article)
    assert client.post(f"/api/v1/flags/{flag.pk}/accept/").status_code == 401
    as_user(client, staff_user)
    assert client.post(f"/api/v1/flags/{flag.pk}/accept/").status_code == 403
    assert ReviewFlag.objects.get(pk=flag.pk).status == ReviewFlag.Status.OPEN


def test_anonymous_clients_are_throttled_with_a_json_429(client, article, monkeypatch, staff_user):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    for _ in range(3):
        assert client.get("/api/v1/articles/").status_code == 200
    response = client.get("/api/v1/articles/")
    assert response.status_code == 429
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0
    as_user(client, staff_user)
    assert client.get("/api/v1/articles/").status_code == 200

