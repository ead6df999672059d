"""The editorial operations: what an editor may do to the paper, called by the admin and the API alike.

Every function here takes the acting ``user``, checks that user's permission (a ``user`` of
``None`` is the system itself, e.g. a management command), changes the database in one
transaction and records the change in history (django-simple-history) with that user and a
reason. The admin and the REST API are thin layers over these functions; the business rules
(optimistic locking, the correction workflow, how a repair is undone, how two people merge)
live only here.

Errors callers are expected to handle:

- ``StaleEditError``: someone saved the article after the version the editor started from
  (``.current`` is the article as saved by the other editor).
- ``FlagNotUndoable``: the repair cannot be put back (``.message`` says why).
- ``FlagAlreadyResolved``: the flag was accepted or undone already.
- ``django.core.exceptions.ValidationError``: a bad value (``.message_dict`` names the field).
- ``django.core.exceptions.PermissionDenied``: the user may not do this.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from newsroom.lib import repairs
from newsroom.models import (
    Article,
    CorrectionStatus,
    Credit,
    Issue,
    Person,
    PersonAlias,
    Photo,
    ReviewFlag,
    Role,
    Visibility,
)
from newsroom.pagecache import archive_changed
from newsroom.search import index_on_commit

# The fields an editor may correct through edit_article: the text and what kind of piece it is.
# Where an article sits (issue, page, position) is the importer's business, not a correction.
TEXT_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body")
EDITABLE_FIELDS = (*TEXT_FIELDS, "kind", "correction_status")

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


class FlagError(Exception):
    """A review flag cannot be resolved as asked; ``message`` says why, for the editor."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class FlagNotUndoable(FlagError):
    """The repair recorded by a flag cannot be put back into the article."""


class FlagAlreadyResolved(FlagError):
    """The flag was accepted or undone already."""


@dataclass(frozen=True)
class DuplicateSuggestion:
    """Two people who may be one contributor, and why we think so."""

    first: Person
    second: Person
    reasons: tuple[str, ...]
    shared_roles: tuple[str, ...] = ()
    flags: tuple[ReviewFlag, ...] = field(default=())


def _require(user, *perms: str) -> None:
    if user is not None and not all(user.has_perm(perm) for perm in perms):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


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


def _clean_changes(article: Article, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return the changes validated against the model's fields; raise ValidationError naming each bad one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS:
            errors.setdefault(name, []).append(
                _("不能通过校对修改此字段；可修改的字段：%(fields)s。")
                % {"fields": "、".join(EDITABLE_FIELDS)}
            )
            continue
        if value is None:
            value = ""
        if name in TEXT_FIELDS:
            if not isinstance(value, str):
                errors.setdefault(name, []).append(_("应为文本。"))
                continue
            value = normalize_text(value)
            if name != "body":
                value = value.strip()
        try:
            cleaned[name] = Article._meta.get_field(name).clean(value, article)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lock(article_id: int) -> Article:
    """Return the article re-read from the database, its row locked until the transaction ends."""
    return Article.objects.select_for_update().get(pk=article_id)


def _save_article(article: Article, *, user, reason: str) -> None:
    """Bump the version and save the article with a history record naming the user and reason."""
    article.version += 1
    article._history_user = user
    article._change_reason = reason
    article.save()


def edit_article(
    article: Article,
    *,
    changes: Mapping[str, Any],
    expected_version: int,
    user,
    tags: list[str] | None = None,
    credits: list[CreditLine] | None = None,
    photos: Mapping[int, Mapping[str, Any]] | None = None,
    reason: str = "",
) -> Article:
    """Apply an editor's corrections to an article and return it as saved.

    ``changes`` maps field names from EDITABLE_FIELDS to new values; ``tags``, when given,
    replaces the article's tags; ``credits``, when given, replaces its byline; ``photos``
    maps the pk of a photo of this article to changes of its PHOTO_FIELDS (caption, image).
    Whatever changes, the article gets a new version (so its page's ETag changes and every
    other editor's open form is stale) and history records each row with the reason.

    The edit is refused with StaleEditError when the article is no longer at
    ``expected_version`` (someone else saved it in between), so no one's work is
    overwritten. An unreviewed article whose text is corrected moves to in_review. Saving
    nothing new changes nothing (no new version, no history record).
    """
    _require(user, PERM_CHANGE_ARTICLE)
    if credits is not None:
        _require(user, *PERM_CHANGE_CREDITS)
    if photos:
        _require(user, PERM_CHANGE_PHOTO)
    return _apply_edit(
        article, _clean_changes(article, changes), tags,
        credits=credits, photos=photos,
        expected_version=expected_version, user=user, reason=reason, promote=True,
    )


def revert_article(article: Article, history_id: int, *, expected_version: int, user) -> Article:
    """Restore an article to one of its versions and return it as saved.

    ``history_id`` names a history record of this article. Every field an editor may correct
    (EDITABLE_FIELDS) gets the version's value, and the tags too when the history holds them
    (ArticleVersion.held_tags). A revert is an edit: locked, refused with StaleEditError when
    the article is no longer at ``expected_version``, recorded with a reason naming the version
    as the history list shows it. Where the article sits and whether it is public are not
    restored: placement is the importer's, withdrawing needs its own permission.
    """
    _require(user, PERM_CHANGE_ARTICLE)
    record = Article.history.filter(id=article.pk, history_id=history_id).first()
    if record is None:
        raise ValidationError({"version": _("这篇文章没有这个历史版本，请从历史列表中选择。")})
    changes = {name: getattr(record, name) for name in EDITABLE_FIELDS}
    return _apply_edit(
        article, _clean_changes(article, changes), record.held_tags(),
        expected_version=expected_version, user=user, reason=revert_reason(record), promote=False,
    )


def version_label(record) -> str:
    """Return how the history list names a history record: v3 (an article's version) or #12."""
    version = getattr(record, "version", None)
    return f"v{version}" if version else f"#{record.history_id}"


def revert_reason(record) -> str:
    """Return the history reason of a revert to ``record``, naming it as the history list does."""
    return _("恢复到历史版本 %(version)s") % {"version": version_label(record)}


def _apply_edit(
    article: Article,
    cleaned: Mapping[str, Any],
    tags: list[str] | None,
    *,
    credits: list[CreditLine] | None = None,
    photos: Mapping[int, Mapping[str, Any]] | None = None,
    expected_version: int,
    user,
    reason: str,
    promote: bool,
) -> Article:
    """Save validated changes, tags, credits and photos under the row lock (see edit_article).

    ``promote`` moves an unreviewed article whose text changes to in_review; a revert restores
    the version's status instead. Returns the article as saved.
    """
    tag_names = sorted({t.strip() for t in tags if t and t.strip()}) if tags is not None else None
    with transaction.atomic():
        current = _lock(article.pk)
        if current.version != expected_version:
            raise StaleEditError(current, expected_version)
        changed = {name: v for name, v in cleaned.items() if getattr(current, name) != v}
        tags_changed = False
        if tag_names is not None:
            existing = sorted(current.tags.names())
            tags_changed = [t.casefold() for t in existing] != [t.casefold() for t in tag_names]
        credit_plan = (
            _plan_credits(list(current.credits.all()), credits, owner={"article": current})
            if credits is not None else ([], [])
        )
        photo_plan = _plan_photos(current, photos or {})
        labels = [str(Article._meta.get_field(n).verbose_name) for n in changed]
        if tags_changed:
            labels.append(_("标签"))
        if credit_plan != ([], []):
            labels.append(_("署名"))
        labels += [str(Photo._meta.get_field(n).verbose_name)
                   for n in PHOTO_FIELDS if any(n in names for _p, names in photo_plan)]
        if not labels:
            _copy_state(current, article)
            return article
        for name, value in changed.items():
            setattr(current, name, value)
        text_changed = any(name in TEXT_FIELDS for name in changed)
        if (
            promote
            and text_changed
            and "correction_status" not in changed
            and current.correction_status == CorrectionStatus.UNREVIEWED
        ):
            current.correction_status = CorrectionStatus.IN_REVIEW
        if not reason:
            reason = _("修改：%(fields)s") % {"fields": "、".join(labels)}
        if tags_changed:
            # Before the save: the history record it writes holds the tags (ArticleVersion).
            current.tags.set(tag_names)
        _save_article(current, user=user, reason=reason)
        _write_credits(credit_plan, user=user, reason=reason)
        for photo, _names in photo_plan:
            photo.version += 1
            _write(photo, user=user, reason=reason)
    _copy_state(current, article)
    return article


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
            save.append(Credit(person=line.person, role=line.role, order=line.order, **owner))
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


def _plan_photos(article: Article, photos: Mapping[int, Mapping[str, Any]]):
    """Return [(photo, changed field names)] for the changes to this article's photos."""
    if not photos:
        return []
    if any("article" in changes for changes in photos.values()):
        raise ValidationError({"photos": _("请在图片页面把图片移到另一篇文章。")})
    locked = {p.pk: p for p in Photo.objects.select_for_update().filter(article=article, pk__in=photos)}
    missing = set(photos) - set(locked)
    if missing:
        raise ValidationError({"photos": _("这些图片不属于这篇文章：%(ids)s。")
                               % {"ids": "、".join(str(pk) for pk in sorted(missing))}})
    plan = []
    for pk in sorted(locked):
        names = _set_photo_fields(locked[pk], photos[pk])
        if names:
            plan.append((locked[pk], names))
    return plan


def _copy_state(source, target) -> None:
    """Make the caller's instance match what is saved, so it can be used for the next edit."""
    if source is target:
        return
    for f in type(source)._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


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
            _touch_issues(Issue.objects.filter(pk=current.issue_id))
    _copy_state(current, photo)
    return photo


def edit_person(
    person: Person,
    *,
    name: str,
    expected_version: int,
    user,
    aliases: list[str] | None = None,
    reason: str = "",
) -> Person:
    """Rename a contributor and/or replace their aliases; return the person as saved.

    A new name changes every byline and photo credit of the person, so every article
    showing them gets a new version and every issue with a loose photo of theirs a new
    updated_at: the pages' validators change. Aliases are shown on no article or issue
    page; changing them moves only the person's version on. Refused with StaleEditError
    when the person is no longer at ``expected_version``.
    """
    _require(user, PERM_CHANGE_PERSON)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    wanted = None if aliases is None else sorted({a.strip() for a in aliases if a and a.strip()} - {name})
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != expected_version:
            raise StaleEditError(current, expected_version)
        errors = {}
        if name != current.name and (
            Person.objects.filter(name=name).exclude(pk=current.pk).exists()
            or PersonAlias.objects.filter(name=name).exclude(person=current).exists()
        ):
            errors["name"] = [_("已有作者使用此姓名或别名：%(name)s。") % {"name": name}]
        have = {alias.name: alias for alias in current.aliases.all()}
        removed = [alias for n, alias in have.items() if n not in wanted] if wanted is not None else []
        added = [n for n in wanted if n not in have] if wanted is not None else []
        taken = list(PersonAlias.objects.filter(name__in=added).values_list("name", flat=True))
        taken += [n for n in added if Person.objects.filter(name=n).exclude(pk=current.pk).exists()]
        if taken:
            errors["aliases"] = [_("别名已属于其他作者：%(names)s。") % {"names": "、".join(taken)}]
        if errors:
            raise ValidationError(errors)
        renamed = name != current.name
        labels = [_("姓名")] if renamed else []
        if removed or added:
            labels.append(_("别名"))
        if not labels:
            _copy_state(current, person)
            return person
        if not reason:
            reason = _("修改作者：%(fields)s") % {"fields": "、".join(labels)}
        articles = _lock_articles(Article.objects.by_person(current)) if renamed else []
        current.name = name
        current.version += 1
        _write(current, user=user, reason=reason)
        for alias in removed:
            _write(alias, user=user, reason=reason, delete=True)
        for alias_name in added:
            _write(PersonAlias(person=current, name=alias_name), user=user, reason=reason)
        if renamed:
            _bump_articles(articles, user=user, reason=reason)
            _touch_issues(_issues_with_loose_photos_of(current))
    _copy_state(current, person)
    return person


def _issues_with_loose_photos_of(person: Person) -> QuerySet:
    """Return the issues showing a photo credited to the person on no article (its own box)."""
    return Issue.objects.filter(
        photos__article__isnull=True, photos__credits__person=person
    )


def _resolve(flag: ReviewFlag, status: str, user) -> ReviewFlag:
    flag.status = status
    flag.resolved_by = user if user is not None and user.is_authenticated else None
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["status", "resolved_by", "resolved_at"])
    return flag


def _lock_open_flag(flag: ReviewFlag) -> ReviewFlag:
    current = ReviewFlag.objects.select_for_update().get(pk=flag.pk)
    if current.status != ReviewFlag.Status.OPEN:
        raise FlagAlreadyResolved(
            _("此标记已处理（%(status)s）。") % {"status": current.get_status_display()}
        )
    return current


def _copy_flag(source: ReviewFlag, target: ReviewFlag) -> ReviewFlag:
    if source is not target:
        target.status = source.status
        target.resolved_by_id = source.resolved_by_id
        target.resolved_at = source.resolved_at
    return target


def accept_flag(flag: ReviewFlag, *, user) -> ReviewFlag:
    """Mark a flag accepted (the importer's repair or doubt is fine as it is) and return it."""
    _require(user, PERM_RESOLVE_FLAG)
    with transaction.atomic():
        current = _lock_open_flag(flag)
        _resolve(current, ReviewFlag.Status.ACCEPTED, user)
    return _copy_flag(current, flag)


def undo_flag(flag: ReviewFlag, *, user) -> ReviewFlag:
    """Put back the text the importer's repair replaced, mark the flag undone and return it.

    Only this repair is undone, whatever other repairs of the article were undone before
    (newsroom.lib.repairs composes them from the imported body); an editor's corrections
    elsewhere in the body are kept. Raises FlagNotUndoable when the flag is not a repair of
    an article's text, when an editor has since rewritten the repaired passage, or when
    another flag must be undone first (the message names it).
    """
    _require(user, PERM_RESOLVE_FLAG)
    _require(user, PERM_CHANGE_ARTICLE)
    with transaction.atomic():
        current = _lock_open_flag(flag)
        if not current.is_repair or current.article_id is None:
            raise FlagNotUndoable(_("此标记不是对正文的修复，无法撤销；请接受或直接修改正文。"))
        if not current.after:
            raise FlagNotUndoable(_("此标记没有记录修复后的文本，无法定位；请直接修改正文。"))
        article = _lock(current.article_id)
        body = _body_with_repair_undone(article, current)
        # A repair undone along with another one (before undos composed) changes nothing now.
        if body != article.body:
            article.body = body
            if article.correction_status == CorrectionStatus.UNREVIEWED:
                article.correction_status = CorrectionStatus.IN_REVIEW
            _save_article(
                article,
                user=user,
                reason=_("撤销修复：%(code)s") % {"code": current.get_code_display()},
            )
        _resolve(current, ReviewFlag.Status.UNDONE, user)
    cached = flag._state.fields_cache.get("article")
    if cached is not None:
        _copy_state(article, cached)
    return _copy_flag(current, flag)


def _body_with_repair_undone(article: Article, flag: ReviewFlag) -> str:
    """Return the article's body with the flag's repair undone; raise FlagNotUndoable if it can't be.

    The repairs are placed in the body as the importer wrote it (``imported``); a flag from
    another version of the text (or an article imported before snapshots) is found by its
    ``after`` text alone.
    """
    imported = (article.imported or {}).get("body")
    if isinstance(imported, str):
        flags = {
            other.pk: other
            for other in ReviewFlag.objects.filter(
                article_id=article.pk, code__in=ReviewFlag.BODY_REPAIR_CODES
            ).exclude(status=ReviewFlag.Status.SUPERSEDED).exclude(after="")
        }
        found = (
            repairs.place(imported, pk, before=f.before, after=f.after, line=f.line_start or 0)
            for pk, f in flags.items()
        )
        placed = [repair for repair in found if repair is not None]
        if any(repair.key == flag.pk for repair in placed):
            undone = {pk for pk, other in flags.items() if other.status == ReviewFlag.Status.UNDONE}
            first = repairs.blocker(placed, flag.pk, undone)
            if first is not None:
                raise FlagNotUndoable(_blocked_by(flags[first.key]))
            body = repairs.replace_passage(
                article.body,
                expected=repairs.render(imported, placed, undone),
                wanted=repairs.render(imported, placed, undone | {flag.pk}),
            )
            if body is None:
                raise FlagNotUndoable(_rewritten())
            return body
    found = article.body.count(flag.after)
    if found == 0:
        raise FlagNotUndoable(_rewritten())
    if found > 1:
        raise FlagNotUndoable(
            _("修复后的文本在正文中出现 %(count)d 处，无法确定是哪一处；请直接修改正文。")
            % {"count": found}
        )
    return article.body.replace(flag.after, flag.before, 1)


def _rewritten() -> str:
    """Return why a repair whose passage an editor rewrote cannot be undone."""
    return _("正文中找不到修复后的文本，可能已被编辑改写；请直接修改正文。")


def _blocked_by(other: ReviewFlag) -> str:
    """Return why a repair cannot be undone before ``other``, naming ``other`` for the editor."""
    values = {
        "id": other.pk,
        "line": other.line_start or "?",
        "code": other.get_code_display(),
        "message": other.display_message,
    }
    if other.status == ReviewFlag.Status.OPEN:
        return _(
            "此修复与第 %(line)s 行的标记 #%(id)s（%(code)s：%(message)s）在同一处："
            "请先撤销那个标记，再撤销此标记。"
        ) % values
    return _(
        "此修复与第 %(line)s 行的标记 #%(id)s（%(code)s：%(message)s，%(status)s）在同一处，"
        "撤销它会破坏那个修复；请直接修改正文。"
    ) % {**values, "status": other.get_status_display()}


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
    # bulk_update sends no post_save: tell the page cache and the search index.
    archive_changed()
    index_on_commit([article.pk for article in articles])
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


def _touch_issues(issues: QuerySet) -> None:
    """Move these issues' updated_at on: their pages show something that changed (a loose photo)."""
    if Issue.objects.filter(pk__in=issues.values("pk")).update(updated_at=timezone.now()):
        archive_changed()


def _bulk_set(articles: QuerySet, field_name: str, value: str, *, user, reason: str) -> int:
    """Set one field on every article that differs, bump versions, record history; return the count."""
    with transaction.atomic():
        changed = _lock_articles(articles, **{field_name: value})
        for article in changed:
            setattr(article, field_name, value)
        return _bump_articles(changed, fields=[field_name], user=user, reason=reason)


def set_correction_status(articles: QuerySet, status: str, *, user) -> int:
    """Move articles to a correction status (unreviewed -> in_review -> reviewed); return how many changed."""
    _require(user, PERM_CHANGE_ARTICLE)
    if status not in CorrectionStatus.values:
        raise ValidationError({"correction_status": _("未知的校对状态：%(s)s。") % {"s": status}})
    label = CorrectionStatus(status).label
    return _bulk_set(
        articles, "correction_status", status, user=user,
        reason=_("校对状态改为：%(s)s") % {"s": label},
    )


def set_visibility(articles: QuerySet, visibility: str, *, user) -> int:
    """Withdraw or re-publish articles; return how many changed. Needs newsroom.publish_article."""
    _require(user, PERM_PUBLISH_ARTICLE)
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("未知的公开状态：%(s)s。") % {"s": visibility}})
    label = Visibility(visibility).label
    return _bulk_set(
        articles, "visibility", visibility, user=user,
        reason=_("公开状态改为：%(s)s") % {"s": label},
    )


def add_tags(articles: QuerySet, tags: list[str], *, user) -> int:
    """Add tags to articles (keeping their other tags); return how many articles gained a tag."""
    _require(user, PERM_CHANGE_ARTICLE)
    names = [t.strip() for t in tags if t and t.strip()]
    if not names:
        raise ValidationError({"tags": _("请至少填写一个标签。")})
    wanted = {n.casefold() for n in names}
    count = 0
    with transaction.atomic():
        for article in (
            Article.objects.select_for_update()
            .filter(pk__in=articles.values("pk"))
            .prefetch_related("tags")
            .order_by("pk")
        ):
            have = {t.name.casefold() for t in article.tags.all()}
            if wanted <= have:
                continue
            article.tags.add(*names)
            # A tag is part of the article as edited: a new version, recorded in history.
            _save_article(
                article, user=user, reason=_("添加标签：%(tags)s") % {"tags": "、".join(names)}
            )
            count += 1
    return count


def merge_people(*, keep: Person, remove: Person, user) -> Person:
    """Merge ``remove`` into ``keep`` and return ``keep``.

    ``remove``'s name and aliases become aliases of ``keep``; every credit moves to ``keep``
    (a credit ``keep`` already has in the same role on the same article or photo is not
    duplicated); open possible_duplicate_contributor flags about either are resolved as
    accepted, other flags about ``remove`` move to ``keep``; ``remove`` is deleted. Each step
    is recorded in history with the user.
    """
    _require(user, PERM_MERGE_PERSON)
    if keep.pk == remove.pk:
        raise ValidationError({"remove": _("不能把作者与其自身合并。")})
    history_user = user if user is not None and user.is_authenticated else None
    reason = _("合并作者：%(remove)s 并入 %(keep)s") % {"remove": remove.name, "keep": keep.name}
    with transaction.atomic():
        people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])}
        if len(people) != 2:
            raise ValidationError({"remove": _("要合并的作者已不存在。")})
        keep_locked, remove_locked = people[keep.pk], people[remove.pk]
        # Every byline and photo credit of ``remove`` will show ``keep``'s name instead.
        bylines = _lock_articles(Article.objects.by_person(remove_locked))
        loose_photo_issues = list(
            _issues_with_loose_photos_of(remove_locked).values_list("pk", flat=True)
        )

        for alias in PersonAlias.objects.filter(person=remove_locked):
            alias.person = keep_locked
            alias._history_user = history_user
            alias._change_reason = reason
            alias.save()
        if not PersonAlias.objects.filter(name=remove_locked.name).exists():
            alias = PersonAlias(person=keep_locked, name=remove_locked.name)
            alias._history_user = history_user
            alias._change_reason = reason
            alias.save()

        kept = set(
            Credit.objects.filter(person=keep_locked).values_list("article_id", "photo_id", "role")
        )
        for credit in Credit.objects.filter(person=remove_locked).order_by("pk"):
            credit._history_user = history_user
            credit._change_reason = reason
            key = (credit.article_id, credit.photo_id, credit.role)
            if key in kept:
                credit.delete()
            else:
                credit.person = keep_locked
                credit.save()
                kept.add(key)

        now = timezone.now()
        ReviewFlag.objects.filter(
            person__in=[keep_locked, remove_locked],
            code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR,
            status=ReviewFlag.Status.OPEN,
        ).update(status=ReviewFlag.Status.ACCEPTED, resolved_by=history_user, resolved_at=now)
        # Other flags about the removed person would vanish with it (on_delete=CASCADE).
        ReviewFlag.objects.filter(person=remove_locked).update(person=keep_locked)

        _bump_articles(bylines, user=user, reason=reason)
        _touch_issues(Issue.objects.filter(pk__in=loose_photo_issues))
        keep_locked.version += 1
        keep_locked._history_user = history_user
        keep_locked._change_reason = reason
        keep_locked.save()
        remove_locked._history_user = history_user
        remove_locked._change_reason = reason
        remove_locked.delete()
    return keep_locked


def _near_name_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    """Return the pairs of names one edit apart, by indexing each name with one character removed."""
    by_key: dict[tuple[int, str], list[str]] = defaultdict(list)
    name_set = set(names)
    pairs: set[tuple[str, str]] = set()
    for name in name_set:
        for i in range(len(name)):
            deleted = name[:i] + name[i + 1 :]
            # Same length, one character replaced: the names agree everywhere but position i.
            by_key[(i, deleted)].append(name)
            # One character inserted: the shorter name is this one with a character removed.
            if deleted and deleted in name_set:
                pairs.add(tuple(sorted((name, deleted))))
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if len(a) == len(b) and a != b:
                    pairs.add(tuple(sorted((a, b))))
    return pairs


def suggested_duplicates() -> list[DuplicateSuggestion]:
    """Return pairs of people who may be one contributor, sorted by name.

    A pair is suggested when their names are one edit apart (one character replaced, inserted
    or deleted, the usual OCR slips) and they share a role, or when an open
    possible_duplicate_contributor flag names them both.
    """
    people = {p.pk: p for p in Person.objects.all()}
    by_name = {p.name: p for p in people.values()}
    roles: dict[int, set[str]] = defaultdict(set)
    for person_id, role in Credit.objects.values_list("person_id", "role").distinct():
        roles[person_id].add(role)

    found: dict[tuple[int, int], dict] = {}

    def note(a: Person, b: Person, reason: str, shared: set[str], flag: ReviewFlag | None = None):
        key = tuple(sorted((a.pk, b.pk)))
        entry = found.setdefault(key, {"reasons": [], "roles": set(), "flags": []})
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
        entry["roles"] |= shared
        if flag is not None:
            entry["flags"].append(flag)

    for a_name, b_name in _near_name_pairs(by_name):
        a, b = by_name[a_name], by_name[b_name]
        shared = roles[a.pk] & roles[b.pk]
        if shared:
            note(a, b, str(_("姓名仅差一字")), shared)

    flags = ReviewFlag.objects.open().filter(
        code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR
    ).select_related("person")
    alias_owner = dict(PersonAlias.objects.values_list("name", "person_id"))
    for flag in flags:
        mentioned = _people_mentioned(flag, by_name, alias_owner, people)
        for i, a in enumerate(mentioned):
            for b in mentioned[i + 1 :]:
                note(a, b, str(_("导入时标记为疑似重复")), roles[a.pk] & roles[b.pk], flag)

    suggestions = []
    for (a_pk, b_pk), entry in found.items():
        a, b = sorted((people[a_pk], people[b_pk]), key=lambda p: p.name)
        suggestions.append(
            DuplicateSuggestion(
                first=a,
                second=b,
                reasons=tuple(entry["reasons"]),
                shared_roles=tuple(sorted(entry["roles"])),
                flags=tuple(entry["flags"]),
            )
        )
    suggestions.sort(key=lambda s: (s.first.name, s.second.name))
    return suggestions


def _people_mentioned(flag, by_name, alias_owner, people) -> list[Person]:
    """Return the people a duplicate-contributor flag is about: its person and the names it quotes."""
    found: dict[int, Person] = {}
    if flag.person_id is not None:
        found[flag.person_id] = flag.person
    text = "\n".join((flag.before, flag.after, flag.original, flag.message))
    for name, person in by_name.items():
        if name and name in text:
            found.setdefault(person.pk, person)
    for name, person_id in alias_owner.items():
        if name and name in text and person_id in people:
            found.setdefault(person_id, people[person_id])
    return sorted(found.values(), key=lambda p: p.name)


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
