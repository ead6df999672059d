"""Who may read what, and who may write, through the API.

Anonymous clients and ordinary accounts read public content only; staff also
see withdrawn articles and the review flags; editors (the ``editor`` or
``chief editor`` group, or a superuser) may correct articles and resolve flags.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from newsroom.models import sees_unpublished

EDITOR_GROUPS = ("editor", "chief editor")


def is_editor(user) -> bool:
    """Return whether the user may correct articles and resolve flags."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    # One query, asked only on writes.
    return user.groups.filter(name__in=EDITOR_GROUPS).exists()


class ReadOnlyOrEditor(permissions.BasePermission):
    """Allow anyone to read; allow writes to editors only."""

    message = _("只有编辑可以修改。")

    @staticmethod
    def anonymous_may(method: str) -> bool:
        """Return whether a client without an account may make this request (for the schema)."""
        return method in permissions.SAFE_METHODS

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_editor(request.user)


class StaffReadEditorWrite(permissions.BasePermission):
    """Allow staff to read; allow editors to act (the review flags)."""

    message = _("只有工作人员可以查看审校标记，只有编辑可以处理。")

    @staticmethod
    def anonymous_may(method: str) -> bool:
        """Return False: the flags are for staff alone."""
        return False

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return sees_unpublished(request.user)
        return is_editor(request.user)
