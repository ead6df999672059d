"""Who may do what on the desk: the roles' permissions and the create_editor command."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import (
    make_article,
    make_flag,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


ROLE_PAGES = [
    ("admin:newsroom_article_change", "article"),
    ("admin:newsroom_photo_change", "photo"),
    ("admin:newsroom_issue_change", "issue"),
    ("admin:newsroom_person_change", "person"),
    ("admin:newsroom_reviewflag_change", "flag"),
]


def _objects(issue):
    article = make_article(issue=issue)
    return {
        "article": article,
        "photo": make_photo(issue=issue, article=article),
        "issue": issue,
        "person": make_person("王芳"),
        "flag": make_flag(issue, article=article),
    }


PASSWORD = "Zhejiang-Workers-2021"


@pytest.mark.parametrize(("url_name", "key"), ROLE_PAGES)
def test_a_staff_user_without_a_role_may_open_nothing(client, issue, staff_user, url_name, key):
    obj = _objects(issue)[key]
    client.force_login(staff_user)
    assert client.get(reverse(url_name, args=[obj.pk])).status_code == 403


@pytest.mark.parametrize(
    ("perm", "editor", "chief"),
    [
        ("newsroom.view_issue", True, True),
        ("newsroom.view_sourcefile", True, True),
        ("newsroom.change_article", True, True),
        ("newsroom.change_photo", True, True),
        ("newsroom.change_credit", True, True),
        ("newsroom.change_reviewflag", True, True),
        ("taggit.add_tag", True, True),
        ("newsroom.change_issue", False, True),
        ("newsroom.publish_article", False, True),
        ("newsroom.merge_person", False, True),
        ("newsroom.delete_article", False, True),
        ("newsroom.delete_person", False, True),
        ("newsroom.change_sourcefile", False, False),
        ("newsroom.change_importrun", False, False),
    ],
)
def test_the_roles_have_exactly_their_permissions(editor_user, chief_editor_user, staff_user, perm, editor, chief):
    assert editor_user.has_perm(perm) is editor
    assert chief_editor_user.has_perm(perm) is chief
    assert staff_user.has_perm(perm) is False


@pytest.mark.parametrize("url_name", ["admin:newsroom_article_add", "admin:newsroom_photo_add"])
def test_articles_and_photos_come_only_from_the_importer(client, chief_editor_user, url_name):
    client.force_login(chief_editor_user)
    assert client.get(reverse(url_name)).status_code == 403


def test_create_editor_makes_a_staff_user_in_the_editor_group(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("create_editor", "wang", "--no-input", stdout=out)
    user = User.objects.get(username="wang")
    assert user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    assert user.has_perm("newsroom.change_article") and not user.has_perm("newsroom.publish_article")
    assert out.getvalue() == "created wang (editor)\n"


def test_create_editor_moves_an_existing_user_to_chief_editor(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "wang", "--no-input", stdout=StringIO())
    monkeypatch.delenv("NEWSROOM_EDITOR_PASSWORD")
    call_command("create_editor", "wang", "--chief", "--no-input", stdout=StringIO())
    user = User.objects.get(username="wang")
    assert list(user.groups.values_list("name", flat=True)) == ["chief editor"]
    assert user.check_password(PASSWORD)  # unchanged without a new one


def test_create_editor_without_a_password_and_no_input_says_how(monkeypatch):
    monkeypatch.delenv("NEWSROOM_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="NEWSROOM_EDITOR_PASSWORD"):
        call_command("create_editor", "wang", "--no-input", stdout=StringIO())
    assert not User.objects.filter(username="wang").exists()


def test_create_editor_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码不可用："):
        call_command("create_editor", "wang", "--no-input", stdout=StringIO())


def test_create_editor_words_password_errors_in_one_language_whatever_was_active(monkeypatch):
    import re

    from django.utils import translation

    monkeypatch.setenv("NEWSROOM_EDITOR_PASSWORD", "123")
    with translation.override("en"), pytest.raises(CommandError) as refused:
        call_command("create_editor", "wang", "--no-input", stdout=StringIO())
    message = str(refused.value)
    assert message.startswith("密码不可用：") and "太短" in message
    assert not re.search(r"[A-Za-z]", message), message
