"""Credits and who is credited where (newsroom/models/credits.py)."""

import pytest
from django.db import IntegrityError, transaction

from newsroom.lib import roles
from newsroom.models import Article, Credit, Person, Photo, Role, Visibility
from tests.factories import make_article, make_credit, make_person, make_photo

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


def test_by_person_takes_several_people_and_a_role(issue):
    reporter, photographer, other = make_person(), make_person(), make_person()
    written = make_article(issue=issue)
    make_credit(person=reporter, article=written)
    pictured = make_article(issue=issue)
    make_credit(person=photographer, photo=make_photo(issue, article=pictured), role="photographer")
    make_credit(person=other, article=make_article(issue=issue), role="correspondent")
    both = Person.objects.filter(pk__in=[reporter.pk, photographer.pk])
    assert set(Article.objects.by_person(both)) == {written, pictured}
    assert set(Article.objects.by_person(both, role="photographer")) == {pictured}
    assert set(Article.objects.by_person(role="reporter")) == {written}
    assert set(Article.objects.by_person(reporter.pk)) == {written}


def test_credits_on_public_work_are_exactly_the_credits_on_public_articles_and_photos(issue):
    person = make_person()
    public = make_article(issue=issue)
    make_credit(person=person, article=public)
    make_credit(person=person, photo=make_photo(issue, article=public), role="photographer")
    make_credit(person=person, photo=make_photo(issue), role="photographer")
    withdrawn = make_article(issue=issue, visibility=Visibility.WITHDRAWN)
    make_credit(person=person, article=withdrawn)
    make_credit(person=person, photo=make_photo(issue, article=withdrawn), role="photographer")
    expected = set(
        Credit.objects.filter(article__in=Article.objects.public()).values_list("pk", flat=True)
    ) | set(Credit.objects.filter(photo__in=Photo.objects.public()).values_list("pk", flat=True))
    assert set(Credit.objects.on_public_work().values_list("pk", flat=True)) == expected
    assert len(expected) == Credit.objects.count() - 2


def test_the_roles_are_the_codes_of_newsroom_lib_roles():
    assert tuple(Role.values) == roles.ALL_ROLES
