"""Who may see what the public archive does not show: the one rule the QuerySets' visible_to() apply."""

from __future__ import annotations


def sees_unpublished(user) -> bool:
    """Return whether a user may see unpublished content (withdrawn articles, review flags).

    Active staff accounts may; anonymous readers and ordinary accounts see public content only.
    """
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)
