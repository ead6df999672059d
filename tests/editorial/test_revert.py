"""Putting an article back to a version from its history (newsroom/editorial/revert.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsroom.editorial import (
    StaleEditError,
    add_tags,
    edit_article,
    revert_article,
)
from newsroom.models import Article
from tests.factories import (
    make_article,
)

pytestmark = pytest.mark.django_db


# revert_article -------------------------------------------------------------------------------


def test_every_save_records_the_tags_the_article_has_after_it(issue, editor_user):
    article = make_article(issue=issue)
    assert article.history.get().tag_names == []
    edit_article(article, changes={}, expected_version=1, user=editor_user, tags=["工会", "劳模"])
    assert article.history.latest().tag_names == ["劳模", "工会"]  # sorted by code point
    add_tags(Article.objects.filter(pk=article.pk), ["工匠"], user=editor_user)
    assert article.history.latest().tag_names == sorted(["劳模", "工会", "工匠"])


def test_a_revert_restores_the_version_and_names_it_as_the_history_list_does(issue, editor_user):
    article = make_article(issue=issue, headline="原标题", body="原文。")
    first = article.history.get()
    edit_article(article, changes={"headline": "新标题", "body": "改文。"}, expected_version=1,
                 user=editor_user, tags=["工会"])
    revert_article(article, first.history_id, expected_version=2, user=editor_user)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.body, saved.version) == ("原标题", "原文。", 3)
    assert list(saved.tags.names()) == []
    assert (article.version, article.headline) == (3, "原标题")  # the caller's instance follows
    record = saved.history.latest()
    assert (record.history_change_reason, record.history_user) == ("恢复到历史版本 v1", editor_user)


def test_a_stale_revert_writes_nothing(issue, editor_user):
    article = make_article(issue=issue, body="原文。")
    first = article.history.get().history_id
    edit_article(article, changes={"body": "改文。"}, expected_version=1, user=editor_user)
    with pytest.raises(StaleEditError):
        revert_article(article, first, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).body == "改文。"
    assert article.history.count() == 2


def test_a_revert_needs_the_change_permission_and_a_version_of_that_article(issue, editor_user, staff_user):
    article, other = make_article(issue=issue), make_article(issue=issue)
    with pytest.raises(PermissionDenied):
        revert_article(article, article.history.get().history_id, expected_version=1, user=staff_user)
    with pytest.raises(ValidationError):
        revert_article(article, other.history.get().history_id, expected_version=1, user=editor_user)
    assert article.history.count() == 1


def test_a_version_whose_tags_were_never_recorded_keeps_the_current_tags(issue, editor_user):
    article = make_article(issue=issue, body="原文。", tags=["工会"])
    first = article.history.get()
    # A record written before tags were recorded holds none.
    type(first).objects.filter(pk=first.pk).update(tag_names=None)
    edit_article(article, changes={"body": "改文。"}, expected_version=1, user=editor_user)
    revert_article(article, first.history_id, expected_version=2, user=editor_user)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.body, list(saved.tags.names())) == ("原文。", ["工会"])
