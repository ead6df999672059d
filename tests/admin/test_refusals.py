"""Refusals in the desk: a 403 inside the admin's frame, saying which permission and role are needed."""

import pytest
from django.urls import reverse

from newsroom.models import Article
from tests.factories import make_article, make_person

pytestmark = pytest.mark.django_db


def test_a_plain_editor_who_withdraws_sees_the_refusal_inside_the_admin_naming_the_permission(
    client, issue, editor_user
):
    article = make_article(issue=issue)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_set_visibility", args=[article.pk, "withdrawn"])
    response = client.post(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="site-name"' in page and "浙江工人日报 编辑部" in page  # the admin's frame
    assert "可以撤回或重新发布文章" in page and "总编辑" in page
    assert "Forbidden" not in page
    assert Article.objects.get(pk=article.pk).visibility == "published"


def test_a_plain_editor_who_merges_sees_the_refusal_in_the_language_they_chose(client, editor_user):
    keep, remove = make_person("张浩星"), make_person("张浩呈")
    client.force_login(editor_user)
    url = reverse("admin:newsroom_person_merge")
    chinese = client.get(url, {"keep": keep.pk, "remove": remove.pk})
    assert chinese.status_code == 403
    assert "可以合并作者" in chinese.content.decode()
    english = client.get(url, {"keep": keep.pk, "remove": remove.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 403
    text = english.content.decode()
    assert "merge" in text.lower() and "chief editor" in text.lower()
    assert "可以合并作者" not in text


def test_a_refusal_outside_the_admin_keeps_the_archives_page(client, editor_user):
    client.force_login(editor_user)
    response = client.get(reverse("admin:newsroom_person_merge"))
    assert response.status_code == 403
    # Anonymous visitors of the archive never see the admin's frame.
    from django.test import RequestFactory

    from newsroom.api.exceptions import permission_denied

    request = RequestFactory().get("/issues/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert 'id="site-name"' not in permission_denied(request, None).content.decode()
