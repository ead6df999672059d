"""Publications and issues (newsroom/models/papers.py)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from newsroom.models import Issue
from tests.factories import (
    make_article,
    make_issue,
    make_publication,
)

pytestmark = pytest.mark.django_db


def test_a_second_issue_on_the_same_day_and_edition_is_refused():
    publication = make_publication()
    make_issue(publication=publication, date=dt.date(2021, 3, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(publication=publication, date=dt.date(2021, 3, 19))


def test_a_second_edition_on_the_same_day_is_allowed():
    publication = make_publication()
    make_issue(publication=publication, date=dt.date(2021, 3, 19))
    make_issue(publication=publication, date=dt.date(2021, 3, 19), edition=2)
    assert Issue.objects.on_date(dt.date(2021, 3, 19)).count() == 2


def test_issues_with_only_withdrawn_articles_are_not_listed_as_public(publication):
    visible = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    make_article(issue=visible)
    hidden = make_issue(publication=publication, date=dt.date(2022, 6, 17))
    make_article(issue=hidden, visibility="withdrawn")
    assert list(Issue.objects.with_public_articles()) == [visible]


def test_a_wrong_printed_weekday_is_noticed(publication):
    assert make_issue(publication=publication, weekday="星期五").weekday_matches()
    assert not make_issue(
        publication=publication, date=dt.date(2021, 3, 20), weekday="星期五"
    ).weekday_matches()
