"""Held issues on the desk: marked in the list and on their page, released by chief editors only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks_db.models import DBTaskResult

from newsroom.models import Issue, Publication
from tests.factories import make_article, make_issue, make_publication

pytestmark = pytest.mark.django_db

RELEASE, SCHEDULE, CANCEL = "release", "schedule_release", "cancel_release"


@pytest.fixture
def held(publication):
    issue = make_issue(publication=publication, date=dt.date(2021, 4, 19), held=True)
    make_article(issue, headline="待发布的头条")
    return issue


def url(name: str, issue: Issue) -> str:
    return reverse(f"admin:newsroom_issue_{name}", args=[issue.pk])


def change_page(client, issue) -> str:
    response = client.get(url("change", issue))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def local_input(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_the_issue_list_marks_held_issues_and_filters_them(client, editor_user, held, issue):
    client.force_login(editor_user)
    page = client.get(reverse("admin:newsroom_issue_changelist")).content.decode()
    assert page.count('class="nr-held"') == 1  # the badge on the held issue's row only
    assert "待发布" in page
    only_held = client.get(reverse("admin:newsroom_issue_changelist") + "?held__exact=1")
    assert list(only_held.context["cl"].result_list) == [held]


def test_a_chief_editor_sees_the_release_buttons_and_an_editor_does_not(client, editor_user, chief_editor_user,
                                                                         held, issue):
    client.force_login(editor_user)
    page = change_page(client, held)
    assert "nr-held-note" in page and url(RELEASE, held) not in page
    client.force_login(chief_editor_user)
    page = change_page(client, held)
    for name in (RELEASE, SCHEDULE):
        assert url(name, held) in page
    assert url(CANCEL, held) not in page  # nothing scheduled yet
    assert "立即发布" in page and 'name="release_when"' in page
    # A released issue: no note, no buttons.
    released = change_page(client, issue)
    assert "nr-held-note" not in released and url(RELEASE, issue) not in released


def test_a_chief_editor_releases_an_issue_now(client, chief_editor_user, held):
    client.force_login(chief_editor_user)
    response = client.post(url(RELEASE, held))
    assert response.status_code == 302 and response["Location"].startswith(url("change", held))
    held.refresh_from_db()
    assert not held.held
    assert messages_of(response) == ["已发布这一期：读者现在可以看到它的文章、版面和版面图。"]
    assert held.history.first().history_user == chief_editor_user


def test_a_chief_editor_schedules_a_release_and_cancels_it(client, chief_editor_user, held):
    client.force_login(chief_editor_user)
    when = (timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    response = client.post(url(SCHEDULE, held), {"release_when": local_input(when)})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.held and held.release_at == when
    task = DBTaskResult.objects.get(task_path="newsroom.editorial.releases.release_scheduled_issue")
    issue_id, scheduled = task.args_kwargs["args"]
    assert task.run_after == when and issue_id == held.pk and parse_datetime(scheduled) == when
    page = change_page(client, held)
    assert url(CANCEL, held) in page and local_input(when) in page
    response = client.post(url(CANCEL, held))
    held.refresh_from_db()
    assert held.held and held.release_at is None
    assert messages_of(response) == ["已取消定时发布：这一期仍待发布。"]


@pytest.mark.parametrize("value", ["", "明天早上", "2024-02-30T06:00", "2020-01-01T06:00"])
def test_a_schedule_without_a_time_to_come_is_refused_with_a_message(client, chief_editor_user, held, value):
    client.force_login(chief_editor_user)
    response = client.post(url(SCHEDULE, held), {"release_when": value})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.held and held.release_at is None
    assert not DBTaskResult.objects.exists()
    assert len(messages_of(response)) == 1


@pytest.mark.parametrize("name", [RELEASE, SCHEDULE, CANCEL])
def test_an_editor_is_refused_every_release_button(client, editor_user, held, name):
    held.release_at = timezone.now() + dt.timedelta(hours=2)
    held.save()
    client.force_login(editor_user)
    later = local_input(timezone.now() + dt.timedelta(days=1))
    assert client.post(url(name, held), {"release_when": later}).status_code == 403
    before = held.release_at
    held.refresh_from_db()
    assert held.held and held.release_at == before
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("name", [RELEASE, SCHEDULE, CANCEL])
def test_the_release_buttons_answer_only_a_post(client, chief_editor_user, held, name):
    client.force_login(chief_editor_user)
    assert client.get(url(name, held)).status_code == 405
    held.refresh_from_db()
    assert held.held


def test_a_chief_editor_sets_a_paper_to_hold_its_new_issues(client, chief_editor_user):
    publication = make_publication()
    client.force_login(chief_editor_user)
    change = reverse("admin:newsroom_publication_change", args=[publication.pk])
    form = client.get(change).context["adminform"].form
    assert "hold_new_issues" in form.fields
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"hold_new_issues": "on", "reader_suggestions": "on"} if "reader_suggestions" in form.fields else {
        "hold_new_issues": "on"}
    assert client.post(change, data).status_code == 302
    assert Publication.objects.get(pk=publication.pk).hold_new_issues
