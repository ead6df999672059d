"""Correcting articles, one at a time and in bulk (newsroom/editorial/articles.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsroom.editorial import (
    StaleEditError,
    add_tags,
    edit_article,
    set_correction_status,
    set_visibility,
)
from newsroom.models import Article
from tests.factories import (
    make_article,
)

pytestmark = pytest.mark.django_db


# edit_article ---------------------------------------------------------------------------------


def test_an_edit_saves_the_text_bumps_the_version_and_records_who_and_why(issue, editor_user):
    article = make_article(issue=issue, headline="工会新闻", body="第一段。")
    edit_article(
        article, changes={"headline": "工会要闻", "body": "第一段，改。"},
        expected_version=1, user=editor_user, reason="改错字",
    )
    article.refresh_from_db()
    assert (article.headline, article.body, article.version) == ("工会要闻", "第一段，改。", 2)
    latest = article.history.latest()
    assert latest.history_user == editor_user
    assert latest.history_change_reason == "改错字"
    assert latest.headline == "工会要闻"


def test_an_edit_without_a_reason_names_the_fields_changed(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"dateline": "本报杭州讯"}, expected_version=1, user=editor_user)
    assert article.history.latest().history_change_reason == "修改：电头"


def test_a_stale_edit_is_refused_and_the_other_editors_save_is_kept(issue, editor_user, chief_editor_user):
    article = make_article(issue=issue, body="原文。")
    mine = Article.objects.get(pk=article.pk)
    edit_article(article, changes={"body": "主编改的。"}, expected_version=1, user=chief_editor_user)
    with pytest.raises(StaleEditError) as raised:
        edit_article(mine, changes={"body": "编辑改的。"}, expected_version=1, user=editor_user)
    assert raised.value.current.body == "主编改的。"
    assert raised.value.current.version == 2
    article.refresh_from_db()
    assert article.body == "主编改的。"
    assert article.history.count() == 2  # created, the chief's edit; not the refused one


def test_an_edit_from_the_current_version_after_a_refusal_succeeds(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"body": "一。"}, expected_version=1, user=editor_user)
    edit_article(article, changes={"body": "二。"}, expected_version=2, user=editor_user)
    article.refresh_from_db()
    assert (article.body, article.version) == ("二。", 3)


def test_correcting_an_unreviewed_article_moves_it_to_in_review(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"body": "改过的正文。"}, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).correction_status == "in_review"


def test_correcting_a_reviewed_article_keeps_it_reviewed(issue, editor_user):
    article = make_article(issue=issue, correction_status="reviewed")
    edit_article(article, changes={"body": "改过的正文。"}, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).correction_status == "reviewed"


def test_an_editor_can_mark_the_article_reviewed_in_the_same_edit(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(
        article, changes={"body": "改。", "correction_status": "reviewed"},
        expected_version=1, user=editor_user,
    )
    assert Article.objects.get(pk=article.pk).correction_status == "reviewed"


def test_saving_unchanged_text_makes_no_new_version(issue, editor_user):
    article = make_article(issue=issue, headline="不变")
    edit_article(article, changes={"headline": "不变"}, expected_version=1, user=editor_user)
    article.refresh_from_db()
    assert article.version == 1
    assert article.history.count() == 1


def test_the_page_cannot_be_changed_through_a_correction(issue, editor_user):
    article = make_article(issue=issue, page=1)
    with pytest.raises(ValidationError) as raised:
        edit_article(article, changes={"page": 2}, expected_version=1, user=editor_user)
    assert "page" in raised.value.message_dict
    assert Article.objects.get(pk=article.pk).page == 1


def test_an_empty_headline_and_an_unknown_kind_are_refused_naming_each_field(issue, editor_user):
    article = make_article(issue=issue)
    with pytest.raises(ValidationError) as raised:
        edit_article(
            article, changes={"headline": "  ", "kind": "poem"}, expected_version=1, user=editor_user
        )
    assert set(raised.value.message_dict) == {"headline", "kind"}


def test_a_textarea_body_with_crlf_is_stored_with_plain_newlines(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(
        article, changes={"body": "一。\r\n\r\n### 小标题\r\n\r\n二。"},
        expected_version=1, user=editor_user,
    )
    assert Article.objects.get(pk=article.pk).body == "一。\n\n### 小标题\n\n二。"


def test_tags_given_to_an_edit_replace_the_articles_tags(issue, editor_user):
    article = make_article(issue=issue, tags=["工会", "旧标签"])
    edit_article(article, changes={}, tags=["工会", "劳模"], expected_version=1, user=editor_user)
    article.refresh_from_db()
    assert sorted(article.tags.names()) == ["劳模", "工会"]
    assert article.version == 2


def test_a_staff_user_without_a_role_cannot_edit(issue, staff_user):
    article = make_article(issue=issue, body="原文。")
    with pytest.raises(PermissionDenied):
        edit_article(article, changes={"body": "改。"}, expected_version=1, user=staff_user)
    assert Article.objects.get(pk=article.pk).body == "原文。"


# bulk operations ------------------------------------------------------------------------------


def test_marking_articles_reviewed_counts_only_those_that_changed_and_records_each(issue, editor_user):
    a = make_article(issue=issue)
    b = make_article(issue=issue, correction_status="reviewed")
    count = set_correction_status(Article.objects.all(), "reviewed", user=editor_user)
    assert count == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.correction_status, a.version, b.version) == ("reviewed", 2, 1)
    record = a.history.latest()
    assert record.history_user == editor_user
    assert record.history_change_reason == "校对状态改为：已校对"


def test_an_unknown_correction_status_is_refused(issue, editor_user):
    make_article(issue=issue)
    with pytest.raises(ValidationError):
        set_correction_status(Article.objects.all(), "done", user=editor_user)


def test_an_editor_cannot_withdraw_articles(issue, editor_user):
    article = make_article(issue=issue)
    with pytest.raises(PermissionDenied):
        set_visibility(Article.objects.all(), "withdrawn", user=editor_user)
    assert Article.objects.get(pk=article.pk).visibility == "published"


def test_a_chief_editor_withdraws_and_republishes_with_history(issue, chief_editor_user):
    article = make_article(issue=issue)
    assert set_visibility(Article.objects.all(), "withdrawn", user=chief_editor_user) == 1
    assert not Article.objects.public().exists()
    assert set_visibility(Article.objects.all(), "published", user=chief_editor_user) == 1
    assert Article.objects.public().get() == article
    reasons = list(article.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["公开状态改为：已发布", "公开状态改为：已撤回"]


def test_adding_tags_keeps_the_other_tags_and_records_history(issue, editor_user):
    a = make_article(issue=issue, tags=["工会"])
    b = make_article(issue=issue, tags=["劳模"])
    assert add_tags(Article.objects.filter(pk=a.pk), ["劳模"], user=editor_user) == 1
    assert add_tags(Article.objects.all(), ["劳模"], user=editor_user) == 0
    assert sorted(a.tags.names()) == ["劳模", "工会"]
    assert list(b.tags.names()) == ["劳模"]
    assert a.history.latest().history_user == editor_user


def test_adding_no_tag_is_refused(issue, editor_user):
    make_article(issue=issue)
    with pytest.raises(ValidationError):
        add_tags(Article.objects.all(), [" "], user=editor_user)
