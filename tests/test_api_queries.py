"""Every API list answers in a fixed number of queries, whatever the page holds (2 rows or 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.authtoken.models import Token

from newsroom.models import Article, Page, PageStaff
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


@pytest.fixture(autouse=True)
def _content_type_cached():
    # Taggit asks for the article content type; Django caches it after the first time.
    ContentType.objects.get_for_model(Article)


def fill(publication, rows: int) -> list[Article]:
    """Make `rows` issues, each with an article (credits, a photo, tags, a flag) and an ad; the
    article runs on on page 2 (下转/上接), where its part has a photo of its own."""
    articles = []
    for day in range(rows):
        issue = make_issue(publication, date=dt.date(2021, 3, 1) + dt.timedelta(days=day), number=11000 + day)
        article = make_article(issue, body=f"劳模第{day}位。", tags=["劳模", f"标签{day}"])
        person = make_person()
        person.aliases.create(name=f"别名{day}")
        make_credit(person=person, article=article)
        photo = make_photo(issue, article=article)
        make_credit(person=make_person(), photo=photo, role="photographer")
        make_advertisement(issue)
        make_flag(issue, article=article)
        article.jump_to = 2
        article.save(update_fields=["jump_to"])
        part = make_article(issue, page=2, headline="(上接第1版)", body="续完。", continues=article,
                            is_continuation=True, continued_from=1)
        make_credit(person=make_person(), photo=make_photo(issue, article=part, page=2), role="photographer")
        for number in (1, 2):
            page = Page.objects.create(issue=issue, number=number, name="要闻")
            PageStaff.objects.create(page=page, person=person, role="editor", label="责任编辑")
        articles.append(article)
    return articles


# (url, expected queries, why, rows in the answer: None for every row made)
LISTS = [
    # The list answers summaries: no photos (2 queries fewer than the full article's 5).
    ("/api/v1/articles/", 4, "articles (issue, publication joined; open flags counted in a subquery), "
                             "credits+people, tags, the parts continuing them (pages)", None),
    # A search's snippet may come from a caption: the photos' captions too.
    ("/api/v1/articles/?q=劳模", 5, "the same four, the search a subquery of the first; photo captions",
     None),
    ("/api/v1/articles/?contributor=别名1&tag=劳模&has_open_flags=true", 4,
     "the same four; each filter is a subquery (EXISTS) of the first", 1),
    ("/api/v1/articles/?fields=full", 9, "full articles: articles, credits+people, photos, "
                                         "photo credits+people, tags; the continuing parts, their "
                                         "credits+people, photos, photo credits+people", None),
    ("/api/v1/issues/", 4, "issues (publication joined, EXISTS public article), their pages, the "
                           "pages' staff+people, their visible articles", None),
    ("/api/v1/photos/", 2, "photos (issue, publication joined), credits+people", None),
    ("/api/v1/advertisements/", 1, "advertisements (issue, publication joined)", None),
    ("/api/v1/people/", 2, "people, aliases", None),
    ("/api/v1/tags/", 1, "tags with the visible-article count as a subquery", None),
    ("/api/v1/publications/", 1, "publications", 1),
]


@pytest.mark.parametrize("rows", [2, 10])
@pytest.mark.parametrize(("url", "queries", "why", "answered"), LISTS, ids=[row[0] for row in LISTS])
def test_a_list_costs_the_same_queries_for_2_or_10_rows(client, publication, django_assert_num_queries,
                                                        rows, url, queries, why, answered):
    articles = fill(publication, rows)
    if "q=" in url:
        from newsroom.search import index_articles

        index_articles([a.pk for a in articles])
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    # Each day made its own tag besides the shared 劳模, and two people (reporter, photographer).
    # The continued parts are no articles of their own; their photos and photographers count.
    expected = answered or (rows + 1 if "/tags/" in url else rows * 3 if "/people/" in url
                            else rows * 2 if "/photos/" in url else rows)
    expected = min(expected, 20)  # one page of the list
    assert len(response.json()["results"]) == expected


@pytest.mark.parametrize("rows", [2, 10])
def test_the_staff_flag_list_costs_the_same_queries_for_2_or_10_rows(client, publication, staff_user,
                                                                     django_assert_num_queries, rows):
    fill(publication, rows)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=staff_user).key}"
    # The token with its user, then the flags (resolving user joined).
    with django_assert_num_queries(2):
        response = client.get("/api/v1/flags/")
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [2, 10])
def test_an_issue_and_its_ninjs_package_cost_the_same_queries_for_2_or_10_articles(
    client, publication, django_assert_num_queries, rows
):
    issue = make_issue(publication)
    for position in range(1, rows + 1):
        article = make_article(issue, position=position, tags=["劳模"])
        make_credit(person=make_person(), article=article)
        make_photo(issue, article=article)
    make_photo(issue)
    page = Page.objects.create(issue=issue, number=1, name="要闻")
    PageStaff.objects.create(page=page, person=make_person(), role="editor", label="责任编辑")
    # The issue (publication joined), its pages, their staff+people, its visible articles.
    with django_assert_num_queries(4):
        assert len(client.get(f"/api/v1/issues/{issue.pk}/").json()["articles"]) == rows
    # The issue; its articles, their credits, photos, photo credits and tags, the parts
    # continuing them; the stand-alone photos and their credits.
    with django_assert_num_queries(9):
        assert len(client.get(f"/api/v1/issues/{issue.pk}/ninjs/").json()["associations"]) == rows + 1


def test_an_article_and_its_ninjs_cost_the_article_queries(client, publication, django_assert_num_queries):
    (article,) = fill(publication, 1)
    # The article, its credits, photos, photo credits, tags; the part continuing it on page
    # 2, its credits, photos, photo credits.
    with django_assert_num_queries(9):
        assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 200
    with django_assert_num_queries(9):
        assert client.get(f"/api/v1/articles/{article.pk}/ninjs/").status_code == 200
    # The article with its issue's source file joined.
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/articles/{article.pk}/original/").status_code == 200
