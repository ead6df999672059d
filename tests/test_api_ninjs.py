"""The IPTC ninjs 2.x export of an article and of an issue, checked against the standard's schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from rest_framework.authtoken.models import Token

from newsroom.models import Visibility
from tests.factories import make_article, make_credit, make_person, make_photo

pytestmark = pytest.mark.django_db

# The key parts of the ninjs 2.1 JSON schema (iptc.org/std/ninjs/ninjs-schema_2.1.json), as
# published: the property names a ninjs object may have, and the shapes of those we write.
_TEXT = {
    "type": "object",
    "required": ["value"],
    "additionalProperties": False,
    "properties": {
        "role": {"type": "string"},
        "contenttype": {"type": "string"},
        "value": {"type": "string"},
    },
}
_BODY = {**_TEXT, "properties": {**_TEXT["properties"], "charcount": {"type": "number"}, "wordcount": {"type": "number"}}}
_ENTITY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "rel": {"type": "string"},
        "uri": {"type": "string", "format": "uri"},
        "literal": {"type": "string"},
    },
}
NINJS_PROPERTIES = {
    "uri": {"type": "string", "format": "uri"},
    "type": {"enum": ["text", "audio", "video", "picture", "graphic", "composite", "component"]},
    "representationtype": {"enum": ["full", "partial"]},
    "profile": {"type": "string"},
    "version": {"type": "string"},
    "firstcreated": {"type": "string", "format": "date-time"},
    "versioncreated": {"type": "string", "format": "date-time"},
    "contentcreated": {"type": "string", "format": "date-time"},
    "embargoed": {"type": "string", "format": "date-time"},
    "pubstatus": {"enum": ["usable", "withheld", "canceled"]},
    "urgency": {"type": "integer"},
    "copyrightholder": {"type": "string"},
    "copyrightnotice": {"type": "string"},
    "usageterms": {"type": "string"},
    "ednote": {"type": "string"},
    "language": {"type": "string"},
    "descriptions": {"type": "array", "items": _TEXT},
    "bodies": {"type": "array", "items": _BODY},
    "headlines": {"type": "array", "items": _TEXT},
    "people": {"type": "array", "items": _ENTITY},
    "organisations": {"type": "array"},
    "places": {"type": "array"},
    "subjects": {"type": "array", "items": _ENTITY},
    "events": {"type": "array"},
    "objects": {"type": "array"},
    "infosources": {"type": "array"},
    "title": {"type": "string"},
    "by": {"type": "string"},
    "slugline": {"type": "string"},
    "located": {"type": "string"},
    "renditions": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "href": {"type": "string", "format": "uri"}},
        },
    },
    "associations": {"type": "array", "items": {"$ref": "#/$defs/association"}},
    "altids": {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"role": {"type": "string"}, "value": {"type": "string"}},
        },
    },
    "trustindicators": {"type": "array"},
    "standard": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "schema": {"type": "string"}},
    },
    "genres": {"type": "array"},
    "expires": {"type": "string"},
    "rightsinfo": {"type": "object"},
}
NINJS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["uri"],
    "additionalProperties": False,
    "properties": NINJS_PROPERTIES,
    "$defs": {
        "association": {
            "type": "object",
            "required": ["name", "uri"],
            "additionalProperties": False,
            "properties": {**NINJS_PROPERTIES, "name": {"type": "string"}},
        }
    },
}


def assert_valid_ninjs(data):
    validator = Draft202012Validator(NINJS_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]



@pytest.fixture
def article(issue):
    article = make_article(
        issue, kicker="喜迎建党百年", headline="全省劳模表彰大会召开", subheadline="百名劳模受表彰",
        body="劳模<b>代表</b>发言。\n\n### 小标题\n\n第二段。", tags=["劳模", "工会"],
    )
    make_credit(person=make_person("张三"), article=article, role="reporter", order=1)
    make_credit(person=make_person("李四"), article=article, role="reporter", order=2)
    make_credit(person=make_person("王五"), article=article, role="correspondent", order=3)
    photo = make_photo(issue, article=article, caption="表彰现场。")
    make_credit(person=make_person("赵六"), photo=photo, role="photographer")
    return article


def test_the_validator_refuses_what_ninjs_does_not_define():
    with pytest.raises(AssertionError):
        assert_valid_ninjs({"uri": "http://example.org/1", "headline": "not a ninjs 2 property"})
    with pytest.raises(AssertionError):
        assert_valid_ninjs({"uri": "http://example.org/1", "associations": [{"uri": "http://example.org/2"}]})


def test_an_article_exports_as_a_valid_ninjs_text_item(client, article):
    response = client.get(f"/api/v1/articles/{article.pk}/ninjs/")
    assert response.status_code == 200
    data = response.json()
    assert_valid_ninjs(data)
    assert data["uri"] == f"http://127.0.0.1:8000/api/v1/articles/{article.pk}/"
    assert data["type"] == "text"
    assert data["version"] == "1"
    assert data["pubstatus"] == "usable"
    assert data["language"] == "zh-Hans"
    assert data["contentcreated"] == "2021-03-19T00:00:00+08:00"
    assert data["standard"]["name"] == "ninjs"
    assert data["standard"]["version"].startswith("2.")


def test_an_articles_headlines_carry_their_roles(client, article):
    data = client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()
    assert [(h["role"], h["value"]) for h in data["headlines"]] == [
        ("main", "全省劳模表彰大会召开"),
        ("subheadline", "百名劳模受表彰"),
        ("kicker", "喜迎建党百年"),
    ]


def test_an_articles_bodies_come_as_escaped_html_and_plain_text(client, article):
    bodies = {b["contenttype"]: b["value"] for b in client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()["bodies"]}
    assert bodies["text/html"] == "<p>劳模&lt;b&gt;代表&lt;/b&gt;发言。</p>\n<h3>小标题</h3>\n<p>第二段。</p>"
    assert bodies["text/plain"] == "劳模<b>代表</b>发言。\n小标题\n第二段。"


def test_an_articles_byline_people_and_subjects(client, article):
    data = client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()
    assert data["by"] == "记者 张三 李四 通讯员 王五"
    assert [(p["name"], p["rel"], p["literal"]) for p in data["people"]] == [
        ("张三", "reporter", "记者"), ("李四", "reporter", "记者"), ("王五", "correspondent", "通讯员"),
    ]
    assert [(s["name"], s["rel"]) for s in data["subjects"]] == [("劳模", "tag"), ("工会", "tag")]


def test_an_articles_photos_are_picture_associations_with_captions(client, article):
    (photo,) = client.get(f"/api/v1/articles/{article.pk}/ninjs/").json()["associations"]
    assert photo["name"] == "photo1"
    assert photo["type"] == "picture"
    assert photo["descriptions"] == [{"role": "caption", "contenttype": "text/plain", "value": "表彰现场。"}]
    assert photo["by"] == "摄影 赵六"


def test_a_withdrawn_article_is_not_exported_to_anonymous_clients(client, issue, staff_user):
    withdrawn = make_article(issue, visibility=Visibility.WITHDRAWN)
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/ninjs/").status_code == 404
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=staff_user).key}"
    data = client.get(f"/api/v1/articles/{withdrawn.pk}/ninjs/").json()
    assert data["pubstatus"] == "withheld"
    assert_valid_ninjs(data)


def test_an_issue_exports_as_a_package_of_its_public_articles_and_photos(client, article, issue):
    second = make_article(issue, page=2, position=1, headline="二版头条")
    make_article(issue, page=2, position=2, visibility=Visibility.WITHDRAWN)
    make_photo(issue, page=3, caption="独立图片。")
    response = client.get(f"/api/v1/issues/{issue.pk}/ninjs/")
    assert response.status_code == 200
    data = response.json()
    assert_valid_ninjs(data)
    assert data["type"] == "composite"
    assert data["uri"] == f"http://127.0.0.1:8000/api/v1/issues/{issue.pk}/"
    assert data["headlines"][0]["value"] == "浙江工人日报 2021年3月19日"
    assert [(a["name"], a["type"], a["uri"]) for a in data["associations"]] == [
        ("article1", "text", f"http://127.0.0.1:8000/api/v1/articles/{article.pk}/"),
        ("article2", "text", f"http://127.0.0.1:8000/api/v1/articles/{second.pk}/"),
        ("photo1", "picture", data["associations"][2]["uri"]),
    ]
    assert data["associations"][0]["associations"][0]["type"] == "picture"
    assert {"role": "issue-number", "value": "11771"} in data["altids"]
