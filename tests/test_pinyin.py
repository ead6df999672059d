"""Contributors found by pinyin and initials: in the API's filter and the desk's search and autocomplete."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from importers.load import import_paths
from newsroom.lib.pinyin import fold_query, spellings
from newsroom.models import Person
from tests.factories import make_person, make_user

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_a_name_is_spelled_in_full_and_by_initials_with_each_reading_of_its_surname():
    assert spellings("阮向民").split()[:2] == ["ruanxiangmin", "rxm"]
    assert {"danyuzifeng", "shanyuzifeng", "syzf"} <= set(spellings("单玉紫枫").split())
    assert spellings("John Smith") == ""


@pytest.mark.parametrize(("query", "folded"), [
    ("Ruan Xiangmin", "ruanxiangmin"), ("ruan'xiang min", "ruanxiangmin"), ("RXM", "rxm"),
    ("阮向民", None), ("ruan1", None), ("", None),
])
def test_a_query_is_folded_only_when_it_is_pinyin(query, folded):
    assert fold_query(query) == folded


@pytest.mark.django_db
def test_the_importer_and_a_rename_keep_the_spelling():
    assert import_paths([SEEDS]).ok
    assert Person.objects.get(name="阮向民").name_pinyin.startswith("ruanxiangmin rxm")
    person = make_person("张浩")
    person.name = "李华"
    person.save(update_fields=["name"])
    person.refresh_from_db()
    assert person.name_pinyin.startswith("lihua lh")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ruan xiangmin", "ruanxiangmin", "rxm", "Ruan", "阮向"])
def test_the_api_finds_a_contributor_by_pinyin(client, query):
    make_person("阮向民")
    make_person("金钩")
    names = [p["name"] for p in client.get(reverse("api:person-list"), {"name": query}).json()["results"]]
    assert names == ["阮向民"]


@pytest.mark.django_db
def test_the_desk_finds_a_contributor_by_pinyin_in_its_list_and_the_credit_autocomplete(client):
    make_person("阮向民")
    make_person("金钩")
    client.force_login(make_user("editor1", role="editor"))
    page = client.get(reverse("admin:newsroom_person_changelist"), {"q": "ruan xiangmin"}).content.decode()
    assert "阮向民" in page and "金钩" not in page
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "newsroom", "model_name": "credit", "field_name": "person", "term": "rxm"}).json()
    assert [row["text"] for row in found["results"]] == ["阮向民"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["阮向民", "ruan xiangmin", "rxm"])
def test_the_contributor_filters_take_a_name_or_its_pinyin(client, query):
    assert import_paths([SEEDS]).ok
    api = client.get(reverse("api:article-list"), {"contributor": query}).json()["results"]
    assert api and all("阮向民" in str(article) for article in api)
    page = client.get(reverse("archive:search"), {"contributor": query}).content.decode()
    assert "以党史学习教育为契机" in page
    # Initials that are a part of another spelling, or a syllable, name nobody on their own.
    assert client.get(reverse("api:article-list"), {"contributor": "xm"}).json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["gonghui", "gong hui", "gh", "工会"])
def test_a_tag_is_found_by_its_pinyin_in_the_api_and_the_desk(client, query):

    from tests.factories import make_article, make_issue

    issue = make_issue()
    make_article(issue, tags=["工会"])  # the API lists the tags of public articles
    make_article(issue, tags=["教育"])
    assert [t["name"] for t in client.get(reverse("api:tag-list"), {"name": query}).json()["results"]] == ["工会"]
    client.force_login(make_user("editor1", role="editor"))
    found = client.get(reverse("admin:newsroom_article_tag_suggestions"), {"q": query}).json()["results"]
    assert found == ["工会"]
    page = client.get(reverse("admin:taggit_tag_changelist"), {"q": query}).content.decode()
    assert "工会" in page and "教育" not in page


@pytest.mark.django_db
def test_a_renamed_tag_is_spelled_again():
    from taggit.models import Tag

    tag = Tag.objects.create(name="工会", slug="gonghui")
    tag.name = "教育"
    tag.save()
    from newsroom.models import TagSpelling

    assert TagSpelling.objects.get(tag=tag).spellings.split()[:2] == ["jiaoyu", "jy"]
