"""The article list answers summaries (no body); `fields=full` answers the articles whole."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from newsroom.models import Visibility
from tests.factories import make_article, make_credit, make_flag, make_person, make_photo

pytestmark = pytest.mark.django_db

BODY_FIELDS = {"blocks", "body_html", "body_text", "photos", "credits"}



@pytest.fixture
def articles(issue):
    """Return three articles; the first opens with a crosshead, has a credit, photo, tags, a flag."""
    first = make_article(
        issue, headline="全省劳模表彰大会召开", tags=["劳模", "工会"],
        body="### 小标题\n\n第一段<b>劳模</b>。\n\n第二段。",
    )
    make_credit(person=make_person("阮向民"), article=first, role="reporter")
    make_credit(person=make_person("郑莎"), article=first, role="correspondent", order=2)
    make_photo(issue, article=first, caption="劳模合影")
    make_flag(issue, article=first)
    return [first, make_article(issue, body=""), make_article(issue)]


def by_id(response) -> dict[int, dict]:
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["results"]}


def test_the_list_answers_summaries_without_the_body(client, articles):
    rows = by_id(client.get("/api/v1/articles/"))
    assert len(rows) == 3
    for row in rows.values():
        assert not BODY_FIELDS & set(row)
    first = rows[articles[0].pk]
    # The lead is the first paragraph (the crosshead before it is skipped), as plain text.
    assert first["lead"] == "第一段<b>劳模</b>。"
    assert rows[articles[1].pk]["lead"] == ""
    assert first["contributors"] == [
        {"person_id": articles[0].credits.get(order=1).person_id, "name": "阮向民",
         "printed_name": "阮向民", "role": "reporter", "role_label": "记者"},
        {"person_id": articles[0].credits.get(order=2).person_id, "name": "郑莎",
         "printed_name": "郑莎", "role": "correspondent", "role_label": "通讯员"},
    ]
    assert first["tags"] == ["劳模", "工会"]  # sorted by code point: 劳 U+52B3 before 工 U+5DE5
    assert first["open_flags_count"] == 1
    assert first["etag"] == articles[0].etag
    assert first["snippet"] is None


def test_every_summary_field_says_what_the_full_article_says(client, articles):
    rows = by_id(client.get("/api/v1/articles/"))
    for article in articles:
        detail = client.get(f"/api/v1/articles/{article.pk}/").json()
        summary = rows[article.pk]
        assert set(summary) < set(detail)
        assert {name: detail[name] for name in summary} == summary
        assert BODY_FIELDS < set(detail)


def test_the_urls_built_from_one_template_are_each_articles_own(client, articles):
    rows = by_id(client.get("/api/v1/articles/"))
    for article in articles:
        row = rows[article.pk]
        assert row["url"] == f"http://testserver/api/v1/articles/{article.pk}/"
        assert row["archive_url"].endswith(f"/articles/{article.pk}/")
        assert row["issue"]["url"] == f"http://testserver/api/v1/issues/{article.issue_id}/"
        detail = client.get(row["url"]).json()
        assert detail["id"] == article.pk
        assert detail["ninjs_url"] == f"http://testserver/api/v1/articles/{article.pk}/ninjs/"
        assert detail["original_url"] == f"http://testserver/api/v1/articles/{article.pk}/original/"


def test_a_format_suffix_carries_into_the_templated_urls(client, articles):
    rows = by_id(client.get("/api/v1/articles.json"))
    assert rows[articles[0].pk]["url"] == f"http://testserver/api/v1/articles/{articles[0].pk}.json"


def test_fields_full_answers_each_article_as_its_detail_view_does(client, articles):
    rows = by_id(client.get("/api/v1/articles/?fields=full"))
    assert len(rows) == 3
    for article in articles:
        assert rows[article.pk] == client.get(f"/api/v1/articles/{article.pk}/").json()
    first = rows[articles[0].pk]
    assert [block["type"] for block in first["blocks"]] == ["crosshead", "paragraph", "paragraph"]
    assert "&lt;b&gt;劳模&lt;/b&gt;" in first["body_html"]
    assert [photo["caption"] for photo in first["photos"]] == ["劳模合影"]


def test_fields_full_pages_the_same_rows_as_the_summary(client, articles):
    summary = client.get("/api/v1/articles/?page_size=2").json()
    full = client.get("/api/v1/articles/?page_size=2&fields=full").json()
    assert [row["id"] for row in full["results"]] == [row["id"] for row in summary["results"]]
    assert "fields=full" in full["next"]
    rest = client.get(full["next"]).json()["results"]
    assert len(rest) == 1 and BODY_FIELDS < set(rest[0])


def test_an_unknown_fields_value_is_a_400_naming_the_parameter(client, articles):
    response = client.get("/api/v1/articles/?fields=body")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"fields"}


def test_a_search_summary_has_its_snippet_and_lead(client, articles):
    from newsroom.search import index_articles

    index_articles([a.pk for a in articles])
    rows = by_id(client.get("/api/v1/articles/?q=劳模"))
    first = rows[articles[0].pk]
    assert "<mark>" in first["snippet"]
    assert "<b>" not in first["snippet"]
    assert first["lead"] == "第一段<b>劳模</b>。"
    assert not BODY_FIELDS & set(first)


def test_staff_see_a_withdrawn_articles_visibility_in_the_summary(client, articles, staff_user):
    articles[2].visibility = Visibility.WITHDRAWN
    articles[2].save()
    assert articles[2].pk not in by_id(client.get("/api/v1/articles/"))
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=staff_user).key}"
    assert by_id(client.get("/api/v1/articles/"))[articles[2].pk]["visibility"] == "withdrawn"
