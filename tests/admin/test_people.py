"""Contributors in the admin: merging two records of one person, suggested duplicates."""

import pytest
from django.urls import reverse

from newsroom.models import Person
from tests.factories import (
    make_article,
    make_credit,
    make_person,
)

pytestmark = pytest.mark.django_db


def test_merging_two_selected_people_asks_which_to_keep(client, chief_editor_user):
    a, b = make_person("张伟"), make_person("张纬")
    client.force_login(chief_editor_user)
    response = client.post(
        reverse("admin:newsroom_person_changelist"),
        {"action": "merge_selected", "_selected_action": [a.pk, b.pk]},
    )
    assert response.url == f"{reverse('admin:newsroom_person_merge')}?keep={a.pk}&remove={b.pk}"
    page = client.get(response.url).content.decode()
    assert "张伟" in page and "张纬" in page


def test_merging_needs_exactly_two_people(client, chief_editor_user):
    people = [make_person("甲"), make_person("乙"), make_person("丙")]
    client.force_login(chief_editor_user)
    response = client.post(
        reverse("admin:newsroom_person_changelist"),
        {"action": "merge_selected", "_selected_action": [p.pk for p in people]}, follow=True,
    )
    assert "请恰好选择两位作者进行合并。" in response.content.decode()
    assert Person.objects.count() == 3


def test_a_chief_editor_merges_with_the_chosen_keep(client, issue, chief_editor_user):
    keep, remove = make_person("张伟"), make_person("张纬")
    make_credit(person=remove, article=make_article(issue=issue))
    client.force_login(chief_editor_user)
    response = client.post(
        reverse("admin:newsroom_person_merge"), {"keep": keep.pk, "remove": remove.pk, "confirmed": "1"}
    )
    assert response.url == reverse("admin:newsroom_person_change", args=[keep.pk])
    assert list(Person.objects.values_list("name", flat=True)) == ["张伟"]
    assert keep.credits.count() == 1


def test_merging_a_person_into_themself_is_refused_with_a_message(client, chief_editor_user):
    person = make_person("张伟")
    client.force_login(chief_editor_user)
    response = client.post(reverse("admin:newsroom_person_merge"), {"keep": person.pk, "remove": person.pk})
    assert response.status_code == 200
    assert "请选择两个不同的作者。" in response.content.decode()


def test_an_editor_cannot_merge_people(client, editor_user):
    keep, remove = make_person("张伟"), make_person("张纬")
    client.force_login(editor_user)
    response = client.post(
        reverse("admin:newsroom_person_merge"), {"keep": keep.pk, "remove": remove.pk, "confirmed": "1"}
    )
    assert response.status_code == 403
    assert Person.objects.count() == 2
    page = client.get(reverse("admin:newsroom_person_changelist")).content.decode()
    assert 'value="merge_selected"' not in page


def test_the_duplicates_page_lists_suggestions_with_merge_buttons_for_chief_editors(
    client, issue, editor_user, chief_editor_user
):
    article = make_article(issue=issue)
    a, b = make_person("张伟"), make_person("张纬")
    make_credit(person=a, article=article)
    make_credit(person=b, article=article)
    url = reverse("admin:newsroom_person_duplicates")
    client.force_login(editor_user)
    page = client.get(url).content.decode()
    assert "张伟" in page and "张纬" in page and "姓名仅差一字" in page and "记者" in page
    assert "保留“张伟”" not in page
    client.force_login(chief_editor_user)
    page = client.get(url).content.decode()
    assert "保留“张伟”" in page and "保留“张纬”" in page
    response = client.post(reverse("admin:newsroom_person_merge"),
                           {"keep": a.pk, "remove": b.pk, "next": url})
    assert response.status_code == 200  # the 保留 button asks first
    assert Person.objects.count() == 2
    confirmation = response.content.decode()
    assert 'name="confirmed"' in confirmation and f'name="next" value="{url}"' in confirmation
    response = client.post(reverse("admin:newsroom_person_merge"),
                           {"keep": a.pk, "remove": b.pk, "next": url, "confirmed": "1"})
    assert response.url == url
    assert "没有发现疑似重复的作者。" in client.get(url).content.decode()


def test_merging_asks_for_confirmation_showing_what_will_move(client, issue, chief_editor_user):
    from newsroom.models import PersonAlias

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    PersonAlias.objects.create(person=remove, name="张 浩呈")
    make_credit(person=remove, article=make_article(issue=issue, headline="劳模工作室<b>"))
    make_credit(person=keep, article=make_article(issue=issue, headline="与之无关"))
    client.force_login(chief_editor_user)
    url = reverse("admin:newsroom_person_merge")

    response = client.post(url, {"keep": keep.pk, "remove": remove.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "将把“张浩呈”并入“张浩星”" in page
    assert "1 条署名转到“张浩星”名下" in page and "张浩呈、张 浩呈" in page
    assert "劳模工作室&lt;b&gt;" in page and "与之无关" not in page
    assert f'name="keep" value="{keep.pk}"' in page and 'name="confirmed" value="1"' in page
    assert Person.objects.count() == 2 and remove.credits.count() == 1

    client.post(url, {"keep": keep.pk, "remove": remove.pk, "confirmed": "1"})
    assert list(Person.objects.values_list("name", flat=True)) == ["张浩星"]
