"""The issue and article pages' shortcuts: queries compiled once, markup rendered once a language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Max
from django.urls import reverse

from archive import queries
from archive.templatetags.archive_tags import path_of
from newsroom.models import Article, Visibility
from newsroom.models.continuations import continuing
from tests.factories import make_article, make_credit, make_issue, make_person, make_publication

pytestmark = pytest.mark.django_db

MARCH_19 = dt.date(2021, 3, 19)


def _stamps(issue) -> tuple:
    return (issue.pk, issue.publication.name, issue.previous_date, issue.next_date, issue.last_article_change,
            issue.neighbouring_issue_change, issue.neighbouring_article_change)


def test_the_compiled_issue_state_is_what_the_orm_answers_for_every_date():
    paper = make_publication()
    dates = [MARCH_19 + dt.timedelta(days=n) for n in (0, 1, 3, 7)]
    for date in dates:
        make_article(make_issue(paper, date=date))
    make_article(make_issue(paper, date=MARCH_19 + dt.timedelta(days=2)), visibility=Visibility.WITHDRAWN)
    for date in dates:
        compiled = queries.issue_with_state(date)
        orm = queries._issue_state_query(date).get()
        assert _stamps(compiled) == _stamps(orm)
    assert queries.issue_with_state(MARCH_19 + dt.timedelta(days=2)) is None  # nothing public
    assert queries.issue_with_state(dt.date(1999, 1, 1)) is None


def test_the_article_state_gives_the_latest_change_of_its_parts_however_deep():
    issue = make_issue(date=MARCH_19)
    lead = make_article(issue, page=1, jump_to=2)
    second = make_article(issue, page=2, continues=lead, jump_to=3)
    third = make_article(issue, page=3, continues=second)
    alone = make_article(issue, page=1)
    Article.objects.filter(pk=third.pk).update(updated_at=third.updated_at + dt.timedelta(hours=1))
    # What continuing(), the rule the subqueries follow depth by depth, finds.
    expected = Article.objects.filter(continuing(lead.pk)).aggregate(last=Max("updated_at"))["last"]
    assert expected == third.updated_at + dt.timedelta(hours=1)
    assert queries.article_with_state(lead.pk).parts_last_change == expected
    assert queries.article_with_state(second.pk).parts_last_change == expected
    assert queries.article_with_state(alone.pk).parts_last_change is None
    assert queries.article_with_state(2**40) is None  # an id no column holds: none, no error


def test_a_compiled_query_refuses_a_query_whose_sql_changes_with_its_values():
    bad = queries.CompiledQuery(
        lambda pk: Article.objects.filter(pk=pk) if pk % 2 else Article.objects.filter(pk=pk, page=1),
        Article._meta.pk,
    )
    with pytest.raises(ValueError, match="depends on more than"):
        bad(1)


def test_the_byline_and_addresses_are_those_the_models_give():
    article = make_article(issue=make_issue(date=MARCH_19))
    person = make_person("王小明")
    make_credit(person=person, article=article, role="reporter")
    assert path_of(article, "archive:article") == article.get_absolute_url()
    assert path_of(person, "archive:person") == person.get_absolute_url()


def test_the_header_and_footer_follow_the_readers_language_page_after_page(client):
    article = make_article(issue=make_issue(date=MARCH_19))
    for _round in range(2):
        chinese = client.get(article.get_absolute_url()).content.decode()
        english = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "跳到正文" in chinese and "网站地图" in chinese and "Skip to" not in chinese
        assert "跳到正文" not in english and "网站地图" not in english
        assert f'href="{reverse("archive:exports")}"' in english
        assert '<option value="en" lang="en" selected>' in english
        assert '<option value="en" lang="en" selected>' not in chinese
        # The one part of the header that is the page's own: where the language form leads back.
        assert f'name="next" value="{article.get_absolute_url()}"' in chinese
