"""Create (or update) an editor: ``manage.py create_editor NAME [--chief] [--email E]``."""

from __future__ import annotations

import getpass
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

EDITOR, CHIEF_EDITOR = "editor", "chief editor"
PASSWORD_ENV = "NEWSROOM_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create a staff user in the 'editor' group (or 'chief editor' with --chief), or move an "
        f"existing user to that group. The password is asked for, or read from ${PASSWORD_ENV}."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--chief", action="store_true", help="chief editor: also withdraws, publishes, merges, deletes")
        parser.add_argument("--email", default="")
        parser.add_argument("--no-input", action="store_true", help=f"never prompt; take the password from ${PASSWORD_ENV}")

    def handle(self, *args, **options):
        # The password validators' messages come in the active language; the site's language
        # (not whatever a caller had active) words them, and the sentence around them too.
        with translation.override(settings.LANGUAGE_CODE):
            self.create(**options)

    def create(self, *, username, chief, email, no_input, **options):
        """Create or update the user, in the editor or chief editor group."""
        role = CHIEF_EDITOR if chief else EDITOR
        try:
            group = Group.objects.get(name=role)
        except Group.DoesNotExist:
            raise CommandError(f"the group {role!r} is missing: run `manage.py migrate` first") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = os.environ.get(PASSWORD_ENV) or None
        if user is None and password is None:
            if no_input:
                raise CommandError(f"set {PASSWORD_ENV} to give the new user a password")
            password = getpass.getpass(f"Password for {username}: ")
        if password is not None:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(
                    gettext("密码不可用：%(errors)s") % {"errors": "".join(error.messages)}
                ) from None
        with transaction.atomic():
            created = user is None
            if created:
                user = User(username=username, email=email)
            user.is_staff = True
            if email:
                user.email = email
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=[EDITOR, CHIEF_EDITOR]))
            user.groups.add(group)
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} {username} ({role})")
