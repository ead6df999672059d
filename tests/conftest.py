import pytest


@pytest.fixture
def publication(db):
    from tests.factories import make_publication

    return make_publication()


@pytest.fixture
def issue(publication):
    from tests.factories import make_issue

    return make_issue(publication=publication)
