"""Correcting a photo: its caption, its image, the article it belongs to, its credits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from newsroom.changes import touch_issues
from newsroom.editorial.common import (
    PERM_CHANGE_CREDITS,
    PERM_CHANGE_PHOTO,
    PHOTO_FIELDS,
    CreditLine,
    StaleEditError,
    _bump_articles,
    _copy_state,
    _lock_articles,
    _plan_credits,
    _require,
    _write,
    _write_credits,
    normalize_text,
)
from newsroom.models import (
    Article,
    Issue,
    Photo,
)


def _set_photo_fields(photo: Photo, changes: Mapping[str, Any]) -> list[str]:
    """Set the changed PHOTO_FIELDS on an (unsaved) photo; return the names that changed.

    Values are as a form cleans them: for ``image`` a new file, the current one, or False
    to clear it.
    """
    errors = [name for name in changes if name not in PHOTO_FIELDS]
    if errors:
        raise ValidationError({
            name: _("不能通过此操作修改此字段；可修改的字段：%(fields)s。")
            % {"fields": "、".join(PHOTO_FIELDS)}
            for name in errors
        })
    changed = []
    for name, value in changes.items():
        field = Photo._meta.get_field(name)
        if name == "caption":
            value = normalize_text(value or "").strip()
        before = getattr(photo, field.attname)
        before = getattr(before, "name", before)
        field.save_form_data(photo, value)
        after = getattr(photo, field.attname)
        if getattr(after, "name", after) != before or not getattr(after, "_committed", True):
            changed.append(name)
    return changed


def edit_photo(
    photo: Photo,
    *,
    changes: Mapping[str, Any],
    expected_version: int,
    user,
    credits: list[CreditLine] | None = None,
    reason: str = "",
) -> Photo:
    """Apply an editor's changes to a photo (PHOTO_FIELDS, and its credits) and return it.

    The photo gets a new version, and so does every article it is shown with, before and
    after a move to another article of its issue; a loose photo (on no article) moves its
    issue's updated_at on. So every page showing the photo gets new validators. Refused
    with StaleEditError when the photo is no longer at ``expected_version``.
    """
    _require(user, PERM_CHANGE_PHOTO)
    if credits is not None:
        _require(user, *PERM_CHANGE_CREDITS)
    target = changes.get("article")
    with transaction.atomic():
        # The articles first, then the photo: the order edit_article locks them in.
        shown_on = {
            Photo.objects.filter(pk=photo.pk).values_list("article_id", flat=True).first(),
            getattr(target, "pk", None),
        }
        articles = _lock_articles(Article.objects.filter(pk__in=[pk for pk in shown_on if pk]))
        current = Photo.objects.select_for_update().get(pk=photo.pk)
        if current.version != expected_version:
            raise StaleEditError(current, expected_version)
        was_on = current.article_id
        names = _set_photo_fields(current, changes)
        if target is not None and target.issue_id != current.issue_id:
            raise ValidationError({"article": _("图片只能属于同一期报纸上的文章。")})
        credit_plan = (
            _plan_credits(list(current.credits.all()), credits, owner={"photo": current})
            if credits is not None else ([], [])
        )
        labels = [str(Photo._meta.get_field(n).verbose_name) for n in names]
        if credit_plan != ([], []):
            labels.append(_("署名"))
        if not labels:
            _copy_state(current, photo)
            return photo
        if not reason:
            reason = _("修改图片：%(fields)s") % {"fields": "、".join(labels)}
        current.version += 1
        _write(current, user=user, reason=reason)
        _write_credits(credit_plan, user=user, reason=reason)
        _bump_articles([a for a in articles if a.pk in (was_on, current.article_id)],
                       user=user, reason=reason)
        if was_on is None or current.article_id is None:
            touch_issues(Issue.objects.filter(pk=current.issue_id))
    _copy_state(current, photo)
    return photo
