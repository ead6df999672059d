"""Filtering, searching, ordering and paging the API's lists, and the 400s for bad values."""

from __future__ import annotations

import datetime as dt

import pytest

from newsroom.models import CorrectionStatus
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
    make_publication,
)

pytestmark = pytest.mark.django_db



@pytest.fixture
def paper(publication):
    """Return a small archive: two issues, articles by two reporters, tags, flags, a photo story."""
    march19 = make_issue(publication, date=dt.date(2021, 3, 19), number=11771)
    march20 = make_issue(publication, date=dt.date(2021, 3, 20), number=11772, weekday="星期六")
    zhang = make_person("张三")
    zhang.aliases.create(name="张叁")
    li = make_person("李四")
    a = {
        "lead19": make_article(march19, page=1, position=1, headline="劳模表彰大会召开",
                               body="全省劳模齐聚杭州。", tags=["劳模"]),
        "second19": make_article(march19, page=2, position=1, headline="职工书屋建设",
                                 body="书屋里的职工。", correction_status=CorrectionStatus.REVIEWED),
        "photo19": make_article(march19, page=1, position=2, headline="图片新闻", kind="photo",
                                body="比赛现场。"),
        "lead20": make_article(march20, page=1, position=1, headline="工会服务职工",
                               body="工会为劳模送温暖。", tags=["劳模", "工会"]),
    }
    make_credit(person=zhang, article=a["lead19"], role="reporter")
    make_credit(person=li, article=a["lead19"], role="correspondent", order=2)
    make_credit(person=li, article=a["lead20"], role="reporter")
    photo = make_photo(march19, article=a["photo19"])
    make_credit(person=zhang, photo=photo, role="photographer")
    make_flag(march19, article=a["second19"])
    from newsroom.search import index_articles

    index_articles([article.pk for article in a.values()])
    a["zhang"], a["li"] = zhang, li
    a["march19"], a["march20"] = march19, march20
    return a


def ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_articles_come_newest_issue_first_then_in_page_order(client, paper):
    assert ids(client, "/api/v1/articles/") == [
        paper["lead20"].pk, paper["lead19"].pk, paper["photo19"].pk, paper["second19"].pk,
    ]


def test_articles_filter_by_issue_date(client, paper):
    assert ids(client, "/api/v1/articles/?date=2021-03-20") == [paper["lead20"].pk]


def test_articles_filter_by_date_range(client, paper, publication):
    later = make_issue(publication, date=dt.date(2021, 3, 22), number=11773)
    make_article(later)
    assert ids(client, "/api/v1/articles/?date_from=2021-03-20&date_to=2021-03-21") == [paper["lead20"].pk]
    assert len(ids(client, "/api/v1/articles/?date_to=2021-03-19")) == 3


def test_articles_filter_by_publication_issue_page_and_kind(client, paper):
    other = make_issue(make_publication(name="工人日报", slug="grrb"), date=dt.date(2021, 3, 19))
    elsewhere = make_article(other)
    assert ids(client, "/api/v1/articles/?publication=grrb") == [elsewhere.pk]
    assert ids(client, f"/api/v1/articles/?issue={paper['march20'].pk}") == [paper["lead20"].pk]
    assert ids(client, "/api/v1/articles/?page=2") == [paper["second19"].pk]
    assert ids(client, "/api/v1/articles/?kind=photo") == [paper["photo19"].pk]


def test_articles_filter_by_contributor_id_name_or_alias_including_photo_credits(client, paper):
    expected = [paper["lead19"].pk, paper["photo19"].pk]
    assert ids(client, f"/api/v1/articles/?contributor={paper['zhang'].pk}") == expected
    assert ids(client, "/api/v1/articles/?contributor=张三") == expected
    assert ids(client, "/api/v1/articles/?contributor=张叁") == expected
    assert ids(client, "/api/v1/articles/?contributor=无名氏") == []


def test_articles_filter_by_role_alone_and_with_a_contributor_on_the_same_credit(client, paper):
    assert ids(client, "/api/v1/articles/?role=correspondent") == [paper["lead19"].pk]
    assert ids(client, "/api/v1/articles/?role=photographer") == [paper["photo19"].pk]
    assert ids(client, "/api/v1/articles/?contributor=李四&role=reporter") == [paper["lead20"].pk]
    assert ids(client, "/api/v1/articles/?contributor=张三&role=correspondent") == []


def test_articles_filter_by_tag_name_in_any_case_or_slug(client, paper):
    make_article(paper["march20"], tags=["RCEP"])
    assert ids(client, "/api/v1/articles/?tag=劳模") == [paper["lead20"].pk, paper["lead19"].pk]
    assert ids(client, "/api/v1/articles/?tag=rcep") != []
    assert ids(client, "/api/v1/articles/?tag=没有") == []


def test_articles_filter_by_correction_status_and_open_flags(client, paper):
    assert ids(client, "/api/v1/articles/?correction_status=reviewed") == [paper["second19"].pk]
    assert ids(client, "/api/v1/articles/?has_open_flags=true") == [paper["second19"].pk]
    assert paper["second19"].pk not in ids(client, "/api/v1/articles/?has_open_flags=false")
    assert len(ids(client, "/api/v1/articles/?has_open_flags=0")) == 3


def test_articles_filter_by_last_change_for_incremental_harvests(client, paper):
    from newsroom.models import Article

    Article.objects.filter(pk=paper["second19"].pk).update(
        updated_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    )
    assert ids(client, "/api/v1/articles/?updated_since=2029-12-31T00:00:00Z") == [paper["second19"].pk]


def test_a_time_offset_postgresql_refuses_is_compared_in_utc(client, paper):
    from newsroom.models import Article

    Article.objects.filter(pk=paper["second19"].pk).update(
        updated_at=dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    )
    # -19:54 is a valid ISO 8601 offset that PostgreSQL cannot store: 2030-01-01 11:54 UTC.
    assert ids(client, "/api/v1/articles/?updated_since=2029-12-31T16:00:00-19:54") == [paper["second19"].pk]
    assert ids(client, "/api/v1/articles/?updated_since=2029-12-31T16:07:00-19:54") == []


def test_a_search_finds_articles_and_highlights_a_snippet(client, paper):
    response = client.get("/api/v1/articles/?q=劳模")
    assert response.status_code == 200
    results = response.json()["results"]
    # Headline matches first (relevance), then the body-only match.
    assert [r["id"] for r in results] == [paper["lead19"].pk, paper["lead20"].pk]
    assert all("<mark>劳模</mark>" in r["snippet"] for r in results)


def test_a_search_combines_with_filters_and_date_ordering(client, paper):
    assert ids(client, "/api/v1/articles/?q=劳模&date=2021-03-20") == [paper["lead20"].pk]
    assert ids(client, "/api/v1/articles/?q=劳模&ordering=date") == [paper["lead19"].pk, paper["lead20"].pk]


def test_a_snippet_escapes_the_ocr_text(client, issue):
    article = make_article(issue, body="劳模<b>加粗</b>。")
    from newsroom.search import index_articles

    index_articles([article.pk])
    (row,) = client.get("/api/v1/articles/?q=劳模").json()["results"]
    assert "&lt;b&gt;" in row["snippet"]
    assert "<b>" not in row["snippet"]


def test_articles_order_by_date_position_and_relevance(client, paper):
    assert ids(client, "/api/v1/articles/?ordering=date") == [
        paper["lead19"].pk, paper["photo19"].pk, paper["second19"].pk, paper["lead20"].pk,
    ]
    assert ids(client, "/api/v1/articles/?ordering=position") == [
        paper["lead20"].pk, paper["lead19"].pk, paper["photo19"].pk, paper["second19"].pk,
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("date=2021-13-45", "date"),
        ("date_from=yesterday", "date_from"),
        ("date_from=2021-03-20&date_to=2021-03-19", "date_to"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=99999999999999999999999", "page"),
        ("issue=1.5", "issue"),
        ("kind=nope", "kind"),
        ("role=editor", "role"),
        ("correction_status=done", "correction_status"),
        ("has_open_flags=maybe", "has_open_flags"),
        ("updated_since=soon", "updated_since"),
        ("updated_since=0001-01-01T00:00:00%2B23:00", "updated_since"),
        ("ordering=headline", "ordering"),
        ("ordering=relevance", "ordering"),
        ("q=" + "劳" * 201, "q"),
        ("contributor=%00", "contributor"),
        ("page_size=abc", "page_size"),
        ("page_size=0", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, paper, query, parameter):
    response = client.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    data = response.json()
    assert list(data["errors"]) == [parameter]
    assert parameter in data["detail"]


def test_bad_parameters_are_400s_on_every_list(client, paper):
    for url in (
        "/api/v1/issues/?date=2021-02-30", "/api/v1/issues/?ordering=position",
        "/api/v1/photos/?page=x", "/api/v1/advertisements/?issue=abc",
        "/api/v1/people/?page_size=-1", "/api/v1/tags/?cursor=%%%", "/api/v1/publications/?cursor=e30",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["errors"], url


def test_a_harvest_walks_every_article_once_with_a_capped_page_size(client, paper):
    for position in range(3, 9):
        make_article(paper["march19"], page=1, position=position)
    expected = ids(client, "/api/v1/articles/?page_size=100")
    assert len(expected) == 10
    seen, url = [], "/api/v1/articles/?page_size=3"
    while url:
        data = client.get(url).json()
        assert len(data["results"]) <= 3
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
    assert seen == expected


def test_a_harvest_is_not_thrown_by_rows_added_behind_it(client, paper):
    first = client.get("/api/v1/articles/?page_size=2&ordering=date").json()
    earlier = make_issue(paper["march19"].publication, date=dt.date(2021, 3, 18), number=11770)
    make_article(earlier)  # an earlier issue: sorts before the cursor
    second = client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == [paper["second19"].pk, paper["lead20"].pk]


def test_previous_links_walk_back_to_the_first_page(client, paper):
    first = client.get("/api/v1/articles/?page_size=3").json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in first["results"]]


def test_a_page_size_above_the_maximum_is_capped(client, issue):
    for position in range(1, 103):
        make_article(issue, page=1, position=position)
    data = client.get("/api/v1/articles/?page_size=500").json()
    assert len(data["results"]) == 100
    assert data["next"] is not None


def test_search_results_page_by_relevance_too(client, issue):
    from newsroom.search import index_articles

    articles = [make_article(issue, position=n, body=f"劳模第{n}位。") for n in range(1, 6)]
    index_articles([a.pk for a in articles])
    seen, url = [], "/api/v1/articles/?q=劳模&page_size=2"
    while url:
        data = client.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
    assert sorted(seen) == sorted(a.pk for a in articles)
    assert len(seen) == 5


def test_issues_filter_by_date_and_order_oldest_first(client, paper):
    assert ids(client, "/api/v1/issues/?date=2021-03-19") == [paper["march19"].pk]
    assert ids(client, "/api/v1/issues/?ordering=date") == [paper["march19"].pk, paper["march20"].pk]
    assert ids(client, "/api/v1/issues/?number=11772") == [paper["march20"].pk]


def test_photos_filter_by_article_and_photographer(client, paper):
    (photo_id,) = ids(client, f"/api/v1/photos/?article={paper['photo19'].pk}")
    assert ids(client, "/api/v1/photos/?contributor=张叁") == [photo_id]
    assert ids(client, "/api/v1/photos/?contributor=李四") == []
    assert ids(client, "/api/v1/photos/?date=2021-03-20") == []


def test_advertisements_filter_by_advertiser(client, paper):
    icbc = make_advertisement(paper["march19"])
    make_advertisement(paper["march19"], advertiser="中国农业银行")
    assert ids(client, "/api/v1/advertisements/?advertiser=工商") == [icbc.pk]


def test_people_filter_by_name_or_alias(client, paper):
    assert ids(client, "/api/v1/people/?name=张") == [paper["zhang"].pk]
    assert ids(client, "/api/v1/people/?name=叁") == [paper["zhang"].pk]


def test_tags_filter_by_name(client, paper):
    assert [t["name"] for t in client.get("/api/v1/tags/?name=工").json()["results"]] == ["工会"]
