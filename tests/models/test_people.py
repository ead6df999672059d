"""Contributors and their aliases (newsroom/models/people.py)."""

import pytest

from tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_person_named_matches_aliases(db):
    person = make_person("张浩星")
    person.aliases.create(name="张浩呈")
    assert list(type(person).objects.named("张浩呈")) == [person]
    assert list(type(person).objects.named("张浩星")) == [person]
