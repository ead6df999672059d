"""What every editorial operation shares: the fields and permissions, errors, locking, history.

Also the small helpers the operations are built from: writing a row with its history
record, giving locked articles a new version, planning and writing credits.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from newsroom.changes import articles_changed
from newsroom.models import (
    Article,
    Credit,
    Person,
    Photo,
    Role,
)

# What an editor may change on a photo (ArticleAdmin's photo inline, PhotoAdmin).
PHOTO_FIELDS = ("caption", "image", "article")


PERM_CHANGE_ARTICLE = "newsroom.change_article"


PERM_CHANGE_PHOTO = "newsroom.change_photo"


PERM_CHANGE_PERSON = "newsroom.change_person"


PERM_CHANGE_CREDITS = ("newsroom.add_credit", "newsroom.change_credit", "newsroom.delete_credit")


PERM_PUBLISH_ARTICLE = "newsroom.publish_article"


PERM_RESOLVE_FLAG = "newsroom.change_reviewflag"


PERM_MERGE_PERSON = "newsroom.merge_person"


class StaleEditError(Exception):
    """Someone saved the article (photo, person) after the version this edit started from.

    Nothing was written; ``current`` is the object as the other editor saved it.
    """

    def __init__(self, current: Article | Photo | Person, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            f"{current._meta.model_name} {current.pk} is at version {current.version}, "
            f"the edit started from version {expected_version}"
        )


@dataclass(frozen=True)
class CreditLine:
    """One credit as the editor wants it: who, in which role, in which place of the byline."""

    person: Person
    role: str
    order: int = 1


# The roles (auth groups made by migration 0003) in the editor's language.
ROLE_LABELS = {"editor": gettext_lazy("编辑"), "chief editor": gettext_lazy("总编辑")}
ACTION_LABELS = {
    "add": gettext_lazy("添加"), "change": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"), "view": gettext_lazy("查看"),
}


def permission_label(perm: str) -> str:
    """Return a permission ("app.codename") in the editor's language, e.g. 可以合并作者."""
    app_label, codename = perm.split(".", 1)
    for model in apps.get_app_config(app_label).get_models():
        opts = model._meta
        for code, name in opts.permissions:
            if code == codename:
                return str(name)
        action = codename.removesuffix(f"_{opts.model_name}")
        if action in ACTION_LABELS and codename == f"{action}_{opts.model_name}":
            return _("可以%(action)s%(model)s") % {"action": ACTION_LABELS[action], "model": opts.verbose_name}
    return perm


def refusal(*perms: str) -> str:
    """Return why a user is refused: the permissions needed and the roles that have them."""
    groups = Group.objects.all()
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        groups = groups.filter(permissions__content_type__app_label=app_label, permissions__codename=codename)
    roles = [str(ROLE_LABELS.get(name, name)) for name in groups.order_by("name").values_list("name", flat=True)]
    return _("您没有执行此操作的权限：需要“%(perms)s”权限（%(roles)s）。") % {
        "perms": "”“".join(permission_label(perm) for perm in perms),
        "roles": _("%(roles)s角色拥有此权限") % {"roles": "、".join(roles)} if roles else _("仅超级用户"),
    }


def _require(user, *perms: str) -> None:
    if user is not None and not all(user.has_perm(perm) for perm in perms):
        raise PermissionDenied(refusal(*perms))


def _history_user(user):
    return user if user is not None and user.is_authenticated else None


def _write(row, *, user, reason: str, delete: bool = False) -> None:
    """Save (or delete) a row with a history record naming the user and the reason."""
    row._history_user = _history_user(user)
    row._change_reason = reason
    if delete:
        row.delete()
    else:
        row.save()


def normalize_text(value: str) -> str:
    # Browsers submit textareas with CRLF; the body format (newsroom.lib.blocks) uses LF only.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _lock(article_id: int) -> Article:
    """Return the article re-read from the database, its row locked until the transaction ends."""
    return Article.objects.select_for_update().get(pk=article_id)


def _save_article(article: Article, *, user, reason: str) -> None:
    """Bump the version and save the article with a history record naming the user and reason."""
    article.version += 1
    article._history_user = user
    article._change_reason = reason
    article.save()


def _plan_credits(
    existing: list[Credit], lines: list[CreditLine], *, owner: Mapping[str, Any]
) -> tuple[list[Credit], list[Credit]]:
    """Return (credits to delete, credits to save) that make ``existing`` exactly ``lines``.

    A credit is the same credit while its person and role stay: only its order is updated.
    Raises ValidationError for an unknown role or a person credited twice in one role.
    """
    wanted: dict[tuple[int, str], CreditLine] = {}
    for line in lines:
        if line.role not in Role.values:
            raise ValidationError({"credits": _("未知的署名角色：%(role)s。") % {"role": line.role}})
        key = (line.person.pk, line.role)
        if key in wanted:
            raise ValidationError(
                {"credits": _("%(name)s 在同一角色中署名了两次。") % {"name": line.person.name}}
            )
        wanted[key] = line
    have = {(credit.person_id, credit.role): credit for credit in existing}
    delete = [credit for key, credit in have.items() if key not in wanted]
    save = []
    for key, line in wanted.items():
        credit = have.get(key)
        if credit is None:
            save.append(Credit(
                person=line.person, role=line.role, order=line.order,
                printed_name=line.person.name, **owner,
            ))
        elif credit.order != line.order:
            credit.order = line.order
            save.append(credit)
    return delete, save


def _write_credits(plan: tuple[list[Credit], list[Credit]], *, user, reason: str) -> None:
    delete, save = plan
    for credit in delete:
        _write(credit, user=user, reason=reason, delete=True)
    for credit in save:
        _write(credit, user=user, reason=reason)


def _copy_state(source, target) -> None:
    """Make the caller's instance match what is saved, so it can be used for the next edit."""
    if source is target:
        return
    for f in type(source)._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def _bump_articles(articles: list[Article], *, fields: Iterable[str] = (), user, reason: str) -> int:
    """Give locked articles a new version (and ``fields`` as set on them); record history.

    For what changes many articles at once, or changes what their pages show without
    changing the article row (a contributor renamed, a photo moved): the new version and
    updated_at change the pages' ETag and Last-Modified, and make every open form stale.
    Returns how many articles were written.
    """
    if not articles:
        return 0
    now = timezone.now()
    for article in articles:
        article.version += 1
        article.updated_at = now
    # bulk_update sends no post_save: say what changed (search and the page cache follow).
    articles_changed([article.pk for article in articles])
    bulk_update_with_history(
        articles,
        Article,
        [*fields, "version", "updated_at"],
        batch_size=500,
        default_user=_history_user(user),
        default_change_reason=reason,
        default_date=now,
    )
    return len(articles)


def _lock_articles(articles: QuerySet, **exclude) -> list[Article]:
    """Return these articles (but those matching ``exclude``) re-read and locked, by primary key."""
    locked = Article.objects.select_for_update().filter(pk__in=articles.values("pk"))
    return list(locked.exclude(**exclude).order_by("pk") if exclude else locked.order_by("pk"))


def char_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Return the character-level diff of two texts as (op, text) pairs, op in equal/insert/delete.

    Chinese has no spaces between words, so the diff is by character, not by word.
    """
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("equal", old[i1:i2]))
        else:
            if i2 > i1:
                parts.append(("delete", old[i1:i2]))
            if j2 > j1:
                parts.append(("insert", new[j1:j2]))
    return parts
