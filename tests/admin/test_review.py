"""The review queue: open flags first, accepted or undone one by one or in bulk."""

import datetime as dt

import pytest
from django.urls import reverse

from newsroom.models import Article, ReviewFlag
from tests.factories import (
    make_article,
    make_flag,
    make_issue,
)

pytestmark = pytest.mark.django_db


QUEUE = "admin:newsroom_reviewflag_changelist"


def _queue(client, **params):
    response = client.get(reverse(QUEUE), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_open_flags_come_first_in_the_queue(client, issue, editor_user):
    done = make_flag(issue, line_start=1, status="accepted", resolved_at="2021-03-19T00:00Z")
    later = make_flag(issue, line_start=20)
    earlier = make_flag(issue, line_start=5)
    client.force_login(editor_user)
    assert _queue(client) == [earlier, later, done]


def test_the_queue_shows_the_original_lines_escaped_and_buttons_for_open_flags(client, issue, editor_user):
    article = make_article(issue=issue, body="甲乙。")
    repair = make_flag(issue, article=article, before="甲\n\n乙。", after="甲乙。",
                       original="甲<i>\n乙。", line_start=3, line_end=4)
    done = make_flag(issue, status="accepted", resolved_at="2021-03-19T00:00Z")
    client.force_login(editor_user)
    page = client.get(reverse(QUEUE)).content.decode()
    assert "甲&lt;i&gt;\n乙。" in page
    assert "第 3–4 行" in page
    assert reverse("admin:newsroom_reviewflag_accept", args=[repair.pk]) in page
    assert reverse("admin:newsroom_reviewflag_undo", args=[repair.pk]) in page
    assert reverse("admin:newsroom_reviewflag_accept", args=[done.pk]) not in page
    assert reverse("admin:newsroom_article_change", args=[article.pk]) in page


def test_the_queue_is_filtered_by_code_status_and_issue_date(client, publication, editor_user):
    march = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    june = make_issue(publication=publication, date=dt.date(2022, 6, 17))
    joined = make_flag(march, code="joined_paragraphs")
    masthead = make_flag(june, code="masthead_mismatch")
    accepted = make_flag(june, code="joined_paragraphs", status="accepted", resolved_at="2022-06-17T00:00Z")
    client.force_login(editor_user)
    assert _queue(client, code__exact="masthead_mismatch") == [masthead]
    assert _queue(client, status__exact="open") == [masthead, joined]
    assert _queue(client, status__exact="accepted") == [accepted]
    assert _queue(client, issue__date__year="2021") == [joined]


def test_accepting_from_the_queue_records_who_and_when(client, issue, editor_user):
    flag = make_flag(issue)
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsroom_reviewflag_accept", args=[flag.pk]), follow=True)
    assert "已接受" in response.content.decode()
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("accepted", editor_user)
    assert flag.resolved_at is not None


def test_undoing_a_rewritten_repair_says_why_and_leaves_the_flag_open(client, issue, editor_user):
    article = make_article(issue=issue, body="编辑重写了。")
    flag = make_flag(issue, article=article, before="甲\n\n乙", after="甲乙")
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsroom_reviewflag_undo", args=[flag.pk]), follow=True)
    assert "正文中找不到修复后的文本" in response.content.decode()
    assert ReviewFlag.objects.get(pk=flag.pk).status == "open"


def test_resolving_a_resolved_flag_says_so(client, issue, editor_user):
    flag = make_flag(issue, status="undone", resolved_at="2021-03-19T00:00Z")
    client.force_login(editor_user)
    response = client.post(reverse("admin:newsroom_reviewflag_accept", args=[flag.pk]), follow=True)
    assert "此标记已处理（已撤销）" in response.content.decode()
    assert ReviewFlag.objects.get(pk=flag.pk).status == "undone"


def test_bulk_accept_and_undo_from_the_queue(client, issue, editor_user):
    article = make_article(issue=issue, body="甲乙。丙丁。")
    one = make_flag(issue, article=article, before="甲\n\n乙。", after="甲乙。")
    two = make_flag(issue, article=article, before="丙\n\n丁。", after="丙丁。")
    doubt = make_flag(issue, code="truncated_article")
    client.force_login(editor_user)
    client.post(reverse(QUEUE), {"action": "undo_selected", "_selected_action": [one.pk, two.pk, doubt.pk]})
    assert Article.objects.get(pk=article.pk).body == "甲\n\n乙。丙\n\n丁。"
    assert ReviewFlag.objects.get(pk=doubt.pk).status == "open"  # not a repair: reported, left open
    client.post(reverse(QUEUE), {"action": "accept_selected", "_selected_action": [doubt.pk]})
    assert ReviewFlag.objects.get(pk=doubt.pk).status == "accepted"


def test_the_flag_page_shows_what_undoing_would_change(client, issue, editor_user):
    article = make_article(issue=issue, body="甲乙。")
    flag = make_flag(issue, article=article, before="甲\n\n乙。", after="甲乙。")
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_reviewflag_change", args=[flag.pk])).content.decode()
    assert '<div class="nr-diff">甲<ins>\n\n</ins>乙。</div>' in page
    assert reverse("admin:newsroom_reviewflag_undo", args=[flag.pk]) in page


def test_a_staff_user_without_a_role_cannot_see_or_resolve_flags(client, issue, staff_user):
    flag = make_flag(issue)
    client.force_login(staff_user)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.post(reverse("admin:newsroom_reviewflag_accept", args=[flag.pk])).status_code == 403
    assert ReviewFlag.objects.get(pk=flag.pk).status == "open"
