"""Proofreading an article in the admin: the change page beside the OCR text, its flags, the list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsroom.models import Article
from tests.admin.helpers import change_url, form_data
from tests.factories import make_article, make_credit, make_flag, make_person

pytestmark = pytest.mark.django_db


def _listed(client, **params):
    response = client.get(reverse("admin:newsroom_article_changelist"), params)
    assert response.status_code == 200
    return sorted(a.headline for a in response.context["cl"].result_list)


def test_the_change_page_shows_the_ocr_text_escaped_beside_the_body(client, issue, editor_user):
    article = make_article(issue=issue, body="工会<b>新闻</b>", original_text="工会<script>alert(1)</script>")
    client.force_login(editor_user)
    page = client.get(change_url(article)).content.decode()
    assert '<pre class="nr-ocr" lang="zh">工会&lt;script&gt;alert(1)&lt;/script&gt;</pre>' in page
    assert "<script>alert(1)" not in page
    assert "<b>新闻</b>" not in page


def test_the_change_page_diffs_the_body_against_the_ocr_character_by_character(client, issue, editor_user):
    article = make_article(issue=issue, body="杭州市总工会召开会议", original_text="杭州市总公会召开会议")
    client.force_login(editor_user)
    page = client.get(change_url(article)).content.decode()
    assert '<div class="nr-diff">杭州市总<del>公</del><ins>工</ins>会召开会议</div>' in page


def test_an_editor_saves_a_correction_through_the_form(client, issue, editor_user):
    article = make_article(issue=issue, body="第一段。")
    client.force_login(editor_user)
    response = client.post(change_url(article), form_data(article, body="第一段，改。\r\n\r\n### 小标题"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "第一段，改。\n\n### 小标题"
    assert (article.version, article.correction_status) == (2, "in_review")
    record = article.history.latest()
    assert record.history_user == editor_user
    assert record.history_change_reason == "修改：正文"


def test_tags_are_saved_from_the_form(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    client.post(change_url(article), form_data(article, tags="工会, 劳模"))
    assert sorted(article.tags.names()) == ["劳模", "工会"]


def test_a_credit_is_added_with_a_person_through_the_inline(client, issue, editor_user):
    article = make_article(issue=issue)
    person = make_person("阮向民")
    client.force_login(editor_user)
    data = form_data(article) | {
        "credits-TOTAL_FORMS": "1", "credits-0-person": str(person.pk),
        "credits-0-role": "reporter", "credits-0-order": "1",
    }
    assert client.post(change_url(article), data).status_code == 302
    assert list(article.credits.values_list("person__name", "role")) == [("阮向民", "reporter")]


def test_a_stale_save_is_refused_in_chinese_showing_the_other_editors_change(
    client, issue, editor_user, chief_editor_user
):
    article = make_article(issue=issue, body="原来的正文。")
    client.force_login(editor_user)
    opened = client.get(change_url(article)).content.decode()
    assert 'name="expected_version" value="1"' in opened
    # Meanwhile the chief editor saves a correction.
    from newsroom.editorial import edit_article

    edit_article(article, changes={"body": "主编<改>的正文。"}, expected_version=1, user=chief_editor_user)

    response = client.post(change_url(article), form_data(article, body="编辑改的正文。", expected_version="1"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "保存失败：在您编辑期间，chief 已保存了这篇文章（第 2 版）" in page
    assert 'id="stale-conflict"' in page
    # Their saved text struck through, what the editor submitted underlined, all escaped.
    conflict = page[page.index('id="stale-conflict"'):]
    assert (
        '<div class="nr-diff"><del>主</del>编<del>&lt;</del><ins>辑</ins>改<del>&gt;</del>的正文。</div>'
        in conflict
    )
    # The editor's text is kept in the form, and the next save would start from version 2.
    assert "编辑改的正文。</textarea>" in page
    assert 'name="expected_version" value="2"' in page
    article.refresh_from_db()
    assert (article.body, article.version) == ("主编<改>的正文。", 2)


def test_a_staff_user_without_a_role_cannot_open_or_save_an_article(client, issue, staff_user):
    article = make_article(issue=issue, body="原文。")
    client.force_login(staff_user)
    assert client.get(change_url(article)).status_code == 403
    assert client.post(change_url(article), form_data(article, body="改。")).status_code == 403
    assert Article.objects.get(pk=article.pk).body == "原文。"


def test_an_editor_cannot_delete_an_article_and_a_chief_editor_can(
    client, issue, editor_user, chief_editor_user
):
    article = make_article(issue=issue)
    url = reverse("admin:newsroom_article_delete", args=[article.pk])
    client.force_login(editor_user)
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.force_login(chief_editor_user)
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_the_articles_open_flags_are_listed_with_accept_and_undo_buttons(client, issue, editor_user):
    article = make_article(issue=issue, body="甲乙。")
    repair = make_flag(issue, article=article, before="甲\n\n乙。", after="甲乙。", original="甲<\n乙。")
    doubt = make_flag(issue, article=article, code="truncated_article", message="转至缺失版面")
    closed = make_flag(issue, article=article, status="accepted", resolved_at="2021-03-19T00:00Z")
    client.force_login(editor_user)
    page = client.get(change_url(article)).content.decode()
    assert f'id="flag-{repair.pk}"' in page
    assert f'id="flag-{doubt.pk}"' in page
    assert f'id="flag-{closed.pk}"' not in page
    assert reverse("admin:newsroom_reviewflag_undo", args=[repair.pk]) in page
    assert reverse("admin:newsroom_reviewflag_undo", args=[doubt.pk]) not in page
    assert "甲&lt;\n乙。" in page


def test_undoing_a_repair_from_the_article_page_returns_to_it(client, issue, editor_user):
    article = make_article(issue=issue, body="甲乙。")
    flag = make_flag(issue, article=article, before="甲\n\n乙。", after="甲乙。")
    client.force_login(editor_user)
    url = reverse("admin:newsroom_reviewflag_undo", args=[flag.pk])
    response = client.post(f"{url}?next={change_url(article)}")
    assert response.url == change_url(article)
    assert Article.objects.get(pk=article.pk).body == "甲\n\n乙。"


def test_a_next_address_on_another_site_is_ignored(client, issue, editor_user):
    flag = make_flag(issue)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_reviewflag_accept", args=[flag.pk])
    response = client.post(f"{url}?next=https://evil.example/")
    assert response.url == reverse("admin:newsroom_reviewflag_changelist")


def test_articles_are_filtered_by_open_flags_tag_and_contributor(client, issue, editor_user):
    flagged = make_article(issue=issue, headline="有标记")
    make_flag(issue, article=flagged)
    tagged = make_article(issue=issue, headline="有标签", tags=["劳模"])
    credited = make_article(issue=issue, headline="有作者")
    person = make_person("郑莎")
    make_credit(person=person, article=credited)
    client.force_login(editor_user)
    assert _listed(client, open_flags="yes") == ["有标记"]
    assert _listed(client, open_flags="no") == ["有作者", "有标签"]
    assert _listed(client, tag="劳模") == ["有标签"]
    assert _listed(client, person=str(person.pk)) == ["有作者"]
    assert _listed(client, person="x") == []
    assert tagged.pk and flagged.pk


def test_articles_are_filtered_by_correction_status_visibility_and_issue_date(client, issue, editor_user):
    make_article(issue=issue, headline="已校对的", correction_status="reviewed")
    make_article(issue=issue, headline="撤回的", visibility="withdrawn")
    client.force_login(editor_user)
    assert _listed(client, correction_status__exact="reviewed") == ["已校对的"]
    assert _listed(client, visibility__exact="withdrawn") == ["撤回的"]
    assert _listed(client, issue__date__year="2021", issue__date__month="3") == ["已校对的", "撤回的"]
    assert _listed(client, issue__date__year="2020") == []


def test_articles_are_searched_in_chinese_including_withdrawn_ones(
    client, issue, editor_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the search index is written on commit
        make_article(issue=issue, headline="职工运动会", body="杭州市总工会举办运动会。")
        make_article(issue=issue, headline="劳模表彰", body="表彰先进。", visibility="withdrawn")
    client.force_login(editor_user)
    assert _listed(client, q="总工会") == ["职工运动会"]
    assert _listed(client, q="劳模") == ["劳模表彰"]


def test_people_are_suggested_by_name_for_credits(client, editor_user):
    make_person("张浩呈")
    make_person("李四")
    client.force_login(editor_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "newsroom", "model_name": "credit", "field_name": "person", "term": "张浩"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["张浩呈"]


def test_the_version_field_is_hidden_in_the_form(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    page = client.get(change_url(article)).content.decode()
    assert re.search(r'<input type="hidden" name="expected_version" value="1"', page)


def test_the_change_page_reads_the_articles_version_once(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(change_url(article)).status_code == 200
    version_reads = [q["sql"] for q in queries.captured_queries
                     if q["sql"].startswith('SELECT "newsroom_article"."version"')]
    assert len(version_reads) == 1
