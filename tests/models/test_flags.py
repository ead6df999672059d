"""Review flags (newsroom/models/flags.py)."""

import pytest
from django.db import IntegrityError, transaction

from newsroom.models import Article, ReviewFlag
from tests.factories import make_article, make_flag

pytestmark = pytest.mark.django_db


def test_a_resolved_flag_needs_a_resolution_time(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_flag(issue, status=ReviewFlag.Status.ACCEPTED)


def test_open_flags_mark_their_articles(issue):
    flagged = make_article(issue=issue)
    make_flag(issue, article=flagged)
    make_article(issue=issue)
    assert list(Article.objects.with_open_flags()) == [flagged]
