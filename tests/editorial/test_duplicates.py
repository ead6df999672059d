"""Suggesting contributors who may be one person (newsroom/editorial/duplicates.py)."""

import pytest

from newsroom.editorial import (
    accept_flag,
    suggested_duplicates,
)
from tests.factories import (
    make_article,
    make_credit,
    make_flag,
    make_person,
)

pytestmark = pytest.mark.django_db


def _pairs():
    return [(s.first.name, s.second.name) for s in suggested_duplicates()]


def test_names_one_character_apart_in_the_same_role_are_suggested(issue):
    article = make_article(issue=issue)
    for name in ("张伟", "张纬", "张伟明", "李四"):
        make_credit(person=make_person(name), article=article)
    assert _pairs() == [("张伟", "张伟明"), ("张伟", "张纬")]


def test_names_one_apart_in_different_roles_are_not_suggested(issue):
    article = make_article(issue=issue)
    make_credit(person=make_person("张伟"), article=article, role="reporter")
    make_credit(person=make_person("张纬"), article=article, role="correspondent")
    assert _pairs() == []


def test_names_two_characters_apart_are_not_suggested(issue):
    article = make_article(issue=issue)
    make_credit(person=make_person("张伟"), article=article)
    make_credit(person=make_person("李纬"), article=article)
    assert _pairs() == []


def test_an_open_duplicate_flag_suggests_the_people_it_names(issue, editor_user):
    a, b = make_person("陈红"), make_person("程宏")
    flag = make_flag(issue, code="possible_duplicate_contributor", person=b, message="程宏 可能是 陈红")
    [suggestion] = suggested_duplicates()
    assert (suggestion.first, suggestion.second) == (b, a)  # sorted by name
    assert suggestion.flags == (flag,)
    accept_flag(flag, user=editor_user)
    assert suggested_duplicates() == []
