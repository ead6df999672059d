"""Versions in the admin: the history page, comparing two versions, reverting to one."""

import pytest
from django.urls import reverse

from newsroom.models import Article, Person, Publication
from tests.admin.helpers import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def _two_versions(article, user):
    from newsroom.editorial import edit_article

    edit_article(article, changes={"body": "杭州市总工会<开会>。"}, expected_version=1, user=user)
    edit_article(article, changes={"body": "杭州市总工会召开会议。"}, expected_version=2, user=user)
    return list(article.history.order_by("history_date").values_list("history_id", flat=True))


def _revert_url(obj, record):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def test_the_history_page_lets_an_editor_pick_any_two_versions(client, issue, editor_user):
    article = make_article(issue=issue)
    first, second, third = _two_versions(article, editor_user)
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_article_history", args=[article.pk])).content.decode()
    for history_id in (first, second, third):
        assert f'name="old" value="{history_id}"' in page
        assert f'name="new" value="{history_id}"' in page
    assert "修改：正文" in page


def test_comparing_two_versions_shows_a_character_diff_per_field(client, issue, editor_user):
    article = make_article(issue=issue)
    _first, second, third = _two_versions(article, editor_user)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_history_compare", args=[article.pk])
    page = client.get(url, {"old": second, "new": third}).content.decode()
    assert "杭州市总工会<del>&lt;</del><ins>召</ins>开会<del>&gt;</del><ins>议</ins>。" in page
    # Any two, in either order: the older one is always on the left.
    swapped = client.get(url, {"old": third, "new": second}).context
    assert (swapped["old"].pk, swapped["new"].pk) == (second, third)


def test_comparing_a_version_of_another_article_is_not_found(client, issue, editor_user):
    article, other = make_article(issue=issue), make_article(issue=issue)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_history_compare", args=[article.pk])
    response = client.get(url, {"old": article.history.get().pk, "new": other.history.get().pk})
    assert response.status_code == 404


def test_reverting_to_an_old_version_goes_through_the_lock_and_is_recorded(client, issue, editor_user):
    # Other articles' history first, so that history ids and versions differ.
    for _ in range(4):
        make_article(issue=issue)
    article = make_article(issue=issue, body="最初的正文。")
    first, _second, _third = _two_versions(article, editor_user)
    assert first != 1
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_simple_history", args=[article.pk, first])
    opened = client.get(url).content.decode()
    # The revert form starts from the live version (3), not the old one's (1).
    assert 'name="expected_version" value="3"' in opened
    response = client.post(url, {"expected_version": "3", "_save": "恢复"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.version) == ("最初的正文。", 4)
    record = article.history.latest()
    # Named as the history list names it (v1), not by the history row's id.
    assert record.history_change_reason == "恢复到历史版本 v1"
    assert record.history_user == editor_user


def test_a_revert_restores_the_versions_text_and_tags_whatever_the_form_posts(client, issue, editor_user):
    from newsroom.editorial import add_tags, edit_article

    article = make_article(issue=issue, body="最初的正文。", kicker="引题")
    first = article.history.get().history_id
    edit_article(article, changes={"kicker": "", "body": "改过的正文。", "correction_status": "reviewed"},
                 expected_version=1, user=editor_user, tags=["工会"])
    add_tags(Article.objects.filter(pk=article.pk), ["劳模"], user=editor_user)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_simple_history", args=[article.pk, first])
    page = client.get(url).content.decode()
    assert 'name="body"' not in page  # the version is shown, not edited
    response = client.post(url, form_data(article, body="表单里的正文。", expected_version="3"))
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert (article.kicker, article.body, article.correction_status) == ("引题", "最初的正文。", "unreviewed")
    assert sorted(article.tags.names()) == []
    assert article.history.latest().tag_names == []


def test_a_version_after_a_bulk_change_restores_the_tags_it_had(client, issue, editor_user):
    from newsroom.editorial import edit_article, set_correction_status

    article = make_article(issue=issue)
    edit_article(article, changes={}, expected_version=1, user=editor_user, tags=["工会"])
    set_correction_status(Article.objects.filter(pk=article.pk), "reviewed", user=editor_user)
    bulk = article.history.latest()
    assert bulk.tag_names is None  # a bulk change holds no tags: it never changes them
    edit_article(article, changes={}, expected_version=3, user=editor_user, tags=["劳模", "工匠"])
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_simple_history", args=[article.pk, bulk.history_id])
    assert "工会" in client.get(url).content.decode()
    assert client.post(url, {"expected_version": "4"}).status_code == 302
    assert sorted(Article.objects.get(pk=article.pk).tags.names()) == ["工会"]


def test_a_view_only_user_cannot_revert_an_article(client, issue, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="view_article"))
    article = make_article(issue=issue, body="最初的正文。")
    first = article.history.get().history_id
    Article.objects.filter(pk=article.pk).update(body="现在的正文。")
    client.force_login(staff_user)
    url = reverse("admin:newsroom_article_simple_history", args=[article.pk, first])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"expected_version": "1"}).status_code == 403
    assert Article.objects.get(pk=article.pk).body == "现在的正文。"


def test_a_stale_revert_is_refused(client, issue, editor_user):
    article = make_article(issue=issue, body="最初的正文。")
    first, _second, _third = _two_versions(article, editor_user)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_simple_history", args=[article.pk, first])
    response = client.post(url, {"expected_version": "2"})
    assert response.status_code == 200
    assert "保存失败" in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == "杭州市总工会召开会议。"


def test_a_view_only_editor_can_look_at_a_version_but_not_revert_to_it(client, publication, editor_user):
    first = publication.history.get()
    Publication.objects.filter(pk=publication.pk).update(slogan="现在的口号")
    client.force_login(editor_user)
    url = _revert_url(publication, first)
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"name": publication.name, "slug": publication.slug, "slogan": "编辑改的"})
    assert response.status_code == 403
    assert Publication.objects.get(pk=publication.pk).slogan == "现在的口号"
    assert publication.history.count() == 1


def test_a_chief_editor_reverts_a_person_and_the_history_names_the_version(client, chief_editor_user):
    Person.objects.create(name="别人")  # so that history ids are not 1
    person = Person.objects.create(name="阮向民")
    first = person.history.get()
    person.name = "阮向明"
    person.save()
    client.force_login(chief_editor_user)
    data = {"name": "阮向民", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "_save": "恢复",
            "expected_version": str(person.version)}
    response = client.post(_revert_url(person, first), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "阮向民"
    record = person.history.latest()
    # People carry a version (as articles and photos do): the history list names it "#id · v1".
    assert record.history_change_reason == f"恢复到历史版本 v{first.version}"
    assert record.history_user == chief_editor_user


def test_a_revert_url_with_a_version_that_is_not_a_number_is_not_found(client, publication, editor_user):
    client.force_login(editor_user)
    url = reverse("admin:newsroom_publication_simple_history", args=[publication.pk, "abc"])
    assert client.get(url).status_code == 404


def test_comparing_versions_shows_labels_local_times_and_yes_or_no_instead_of_codes(client, issue, editor_user):
    article = make_article(issue=issue)
    _first, _second, third = _two_versions(article, editor_user)
    client.force_login(editor_user)
    url = reverse("admin:newsroom_article_history_compare", args=[article.pk])
    page = client.get(url, {"old": _first, "new": third}).content.decode()
    # Status: the labels the editor sees elsewhere, as "before → after", not a diff of codes.
    assert "未校对 → 校对中" in page
    assert "unreviewed" not in page and "in_review" not in page
    assert ">published<" not in page and "False" not in page and "True" not in page
    # Times in Asia/Shanghai, formatted like the header, without microseconds.
    from django.utils import formats, timezone

    record = article.history.get(history_id=third)
    local = formats.date_format(timezone.localtime(record.instance.updated_at), "DATETIME_FORMAT")
    assert local in page
    assert str(record.instance.updated_at) not in page


def test_an_old_versions_breadcrumb_names_the_app_and_model_in_the_editors_language(client, issue, editor_user):
    article = make_article(issue=issue)
    first, _second, _third = _two_versions(article, editor_user)
    client.force_login(editor_user)
    page = client.get(_revert_url(article, article.history.get(history_id=first))).content.decode()
    crumbs = page.split('<div class="breadcrumbs">', 1)[1].split("</div>", 1)[0]
    assert "编辑部" in crumbs and "文章" in crumbs
    assert "Historical" not in crumbs and "Newsroom" not in crumbs
    english = client.get(_revert_url(article, article.history.get(history_id=first)), HTTP_ACCEPT_LANGUAGE="en")
    crumbs = english.content.decode().split('<div class="breadcrumbs">', 1)[1].split("</div>", 1)[0]
    assert "Historical" not in crumbs and "首页" not in crumbs and "历史" not in crumbs
