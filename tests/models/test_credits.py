"""Credits and who is credited where (newsroom/models/credits.py)."""


import pytest
from django.db import IntegrityError, transaction

from newsroom.models import Article, Credit
from tests.factories import (
    make_article,
    make_credit,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


def test_a_credit_must_be_on_an_article_or_a_photo_but_not_both(issue):
    person = make_person("阮向民")
    article = make_article(issue=issue)
    photo = make_photo(issue=issue)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(person=person, role="reporter")
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(person=person, role="reporter", article=article, photo=photo)


def test_the_same_person_in_the_same_role_twice_on_an_article_is_refused(issue):
    person = make_person("阮向民")
    article = make_article(issue=issue)
    make_credit(person=person, article=article, role="reporter")
    make_credit(person=person, article=article, role="photographer", order=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_credit(person=person, article=article, role="reporter", order=3)


def test_an_unknown_role_is_refused_by_the_database(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_credit(person=make_person(), article=make_article(issue=issue), role="editor")


def test_by_person_finds_articles_and_photo_credits_once_each(issue):
    person = make_person("邹伟锋")
    written = make_article(issue=issue)
    make_credit(person=person, article=written)
    pictured = make_article(issue=issue)
    photo = make_photo(issue=issue, article=pictured)
    make_credit(person=person, photo=photo, role="photographer")
    make_credit(person=person, article=pictured, role="photographer")
    make_article(issue=issue)
    found = sorted(a.pk for a in Article.objects.by_person(person))
    assert found == sorted([written.pk, pictured.pk])
