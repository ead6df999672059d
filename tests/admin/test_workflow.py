"""Moving articles through correction and publishing: the change page's buttons and bulk actions."""

import pytest
from django.urls import reverse

from newsroom.models import Article
from tests.admin.helpers import change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _action(client, action, articles, **extra):
    data = {"action": action, "_selected_action": [str(a.pk) for a in articles], **extra}
    return client.post(reverse("admin:newsroom_article_changelist"), data)


def test_an_editor_moves_an_article_through_the_correction_states(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    page = client.get(change_url(article)).content.decode()
    assert "标记为已校对" in page
    url = reverse("admin:newsroom_article_set_status", args=[article.pk, "reviewed"])
    assert client.post(url).status_code == 302
    article.refresh_from_db()
    assert article.correction_status == "reviewed"
    assert article.history.latest().history_user == editor_user


def test_the_workflow_buttons_refuse_a_get(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_set_status", args=[article.pk, "reviewed"])
    assert client.get(url).status_code == 405
    assert Article.objects.get(pk=article.pk).correction_status == "unreviewed"


def test_an_unknown_status_gives_a_message_not_an_error(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_set_status", args=[article.pk, "done"])
    response = client.post(url, follow=True)
    assert "未知的校对状态：done。" in response.content.decode()


def test_only_a_chief_editor_sees_and_uses_the_withdraw_button(client, issue, editor_user, chief_editor_user):
    article = make_article(issue=issue)
    url = reverse("admin:newsroom_article_set_visibility", args=[article.pk, "withdrawn"])
    client.force_login(editor_user)
    assert url not in client.get(change_url(article)).content.decode()
    assert client.post(url).status_code == 403
    assert Article.objects.get(pk=article.pk).visibility == "published"
    client.force_login(chief_editor_user)
    assert url in client.get(change_url(article)).content.decode()
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Article.objects.get(pk=article.pk).visibility == "withdrawn"


def test_the_withdraw_button_asks_first_and_withdraws_only_when_confirmed(client, issue, chief_editor_user):
    article = make_article(issue=issue, headline="待撤回的文章")
    url = reverse("admin:newsroom_article_set_visibility", args=[article.pk, "withdrawn"])
    client.force_login(chief_editor_user)
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "确定要撤回吗" in page and "待撤回的文章" in page
    assert 'name="confirm" value="yes"' in page and change_url(article) in page  # the way back
    assert Article.objects.get(pk=article.pk).visibility == "published"
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Article.objects.get(pk=article.pk).visibility == "withdrawn"
    # Re-publishing is not destructive: it needs no confirmation.
    back = reverse("admin:newsroom_article_set_visibility", args=[article.pk, "published"])
    assert client.post(back).status_code == 302
    assert Article.objects.get(pk=article.pk).visibility == "published"


def test_the_bulk_withdraw_lists_the_articles_and_asks_first(client, issue, chief_editor_user):
    articles = [make_article(issue=issue, headline="第一篇"), make_article(issue=issue, headline="第二篇")]
    client.force_login(chief_editor_user)
    asked = _action(client, "withdraw", articles)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "第一篇" in page and "第二篇" in page and 'name="action" value="withdraw"' in page
    assert Article.objects.withdrawn().count() == 0
    assert _action(client, "withdraw", articles, confirm="yes").status_code == 302
    assert Article.objects.withdrawn().count() == 2


def test_bulk_mark_reviewed_is_recorded_in_history(client, issue, editor_user):
    articles = [make_article(issue=issue), make_article(issue=issue)]
    client.force_login(editor_user)
    assert _action(client, "mark_reviewed", articles).status_code == 302
    for article in articles:
        article.refresh_from_db()
        assert article.correction_status == "reviewed"
        assert article.history.latest().history_user == editor_user


def test_an_editor_is_not_offered_withdraw_and_cannot_post_it(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_article_changelist")).content.decode()
    assert 'value="withdraw"' not in page
    assert 'value="mark_reviewed"' in page
    _action(client, "withdraw", [article], confirm="yes")
    assert Article.objects.get(pk=article.pk).visibility == "published"


def test_a_chief_editor_withdraws_and_republishes_in_bulk(client, issue, chief_editor_user):
    articles = [make_article(issue=issue), make_article(issue=issue)]
    client.force_login(chief_editor_user)
    _action(client, "withdraw", articles, confirm="yes")
    assert Article.objects.withdrawn().count() == 2
    _action(client, "republish", articles[:1])
    assert list(Article.objects.public()) == articles[:1]


def test_bulk_tagging_asks_for_the_tags_then_adds_them(client, issue, editor_user):
    articles = [make_article(issue=issue, tags=["工会"]), make_article(issue=issue)]
    client.force_login(editor_user)
    asked = _action(client, "add_tags_action", articles)
    assert asked.status_code == 200
    assert "要添加的标签" in asked.content.decode()
    assert _action(client, "add_tags_action", articles, apply="1", tags="劳模").status_code == 302
    assert sorted(articles[0].tags.names()) == ["劳模", "工会"]
    assert list(articles[1].tags.names()) == ["劳模"]


def test_bulk_tagging_without_a_tag_asks_again(client, issue, editor_user):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    response = _action(client, "add_tags_action", [article], apply="1", tags="")
    assert response.status_code == 200
    assert "该字段是必填项。" in response.content.decode()
    assert list(article.tags.names()) == []
