"""Users and groups: Django's own admins, with the same guard on changelist parameters as ours."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from newsroom.admin.common import ChangelistGuardMixin


class GuardedUserAdmin(ChangelistGuardMixin, UserAdmin):
    """Django's user admin, with the same guard on changelist parameters as ours."""


class GuardedGroupAdmin(ChangelistGuardMixin, GroupAdmin):
    """Django's group admin, with the same guard on changelist parameters as ours."""


admin.site.unregister(User)
admin.site.register(User, GuardedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GuardedGroupAdmin)
