"""manage.py create_editor: staff users in the editorial groups."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "Zhejiang-Workers-2021"


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
    with pytest.raises(CommandError, match="password:"):
        call_command("create_editor", "wang", "--no-input", stdout=StringIO())
