"""Publications and issues (newsroom/models/papers.py)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from newsroom.models import Issue, Publication
from tests.factories import make_article, make_flag, make_issue, make_publication, make_user

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


def test_a_weekday_printed_with_libai_or_tian_matches_its_date(publication):
    # 2021-03-19 is a Friday, 2021-03-21 a Sunday: the parser's rule (newsroom/lib/weekdays.py).
    assert make_issue(publication=publication, weekday="礼拜五").weekday_matches()
    sunday = make_issue(publication=publication, date=dt.date(2021, 3, 21), weekday="星期天")
    assert sunday.weekday_matches() and sunday.expected_weekday() == "星期日"


def test_a_papers_masthead_identifiers_are_its_identifier_fields(publication):
    assert list(publication.masthead_identifiers()) == list(Publication.IDENTIFIERS)
    assert publication.masthead_identifiers()["cn_number"] == "CN33-0018"
    from newsroom.api.serializers import PublicationSerializer

    assert set(Publication.IDENTIFIERS) <= set(PublicationSerializer.Meta.fields)


def test_issues_with_only_withdrawn_articles_are_visible_to_staff_only(publication):
    from django.contrib.auth.models import AnonymousUser

    shown = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    make_article(issue=shown)
    hidden = make_issue(publication=publication, date=dt.date(2021, 3, 20))
    make_article(issue=hidden, visibility="withdrawn")
    assert set(Issue.objects.visible_to(AnonymousUser())) == {shown}
    assert set(Issue.objects.visible_to(make_user())) == {shown, hidden}


def test_issue_open_flag_counts_count_every_open_flag_of_the_issue(publication):
    flagged = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    clean = make_issue(publication=publication, date=dt.date(2021, 3, 20))
    make_flag(flagged)
    make_flag(flagged, article=make_article(issue=flagged))
    make_flag(flagged, status="undone", resolved_at=timezone.now())
    counts = dict(Issue.objects.with_open_flag_count().values_list("pk", "open_flag_count"))
    assert counts == {flagged.pk: 2, clean.pk: 0}
