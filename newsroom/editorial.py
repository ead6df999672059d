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

from newsroom.models import (
    Article,
    CorrectionStatus,
    Credit,
    Person,
    PersonAlias,
    ReviewFlag,
    Visibility,
)
from newsroom.pagecache import archive_changed
from newsroom.search import index_on_commit

# The fields an editor may correct through edit_article: the text and what kind of piece it is.
# Where an article sits (issue, page, position) is the importer's business, not a correction.
TEXT_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body")
EDITABLE_FIELDS = (*TEXT_FIELDS, "kind", "correction_status")

PERM_CHANGE_ARTICLE = "newsroom.change_article"
PERM_PUBLISH_ARTICLE = "newsroom.publish_article"
PERM_RESOLVE_FLAG = "newsroom.change_reviewflag"
PERM_MERGE_PERSON = "newsroom.merge_person"


class StaleEditError(Exception):
    """Someone saved the article after the version this edit started from; nothing was written."""

    def __init__(self, current: Article, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        super().__init__(
            f"article {current.pk} is at version {current.version}, "
            f"the edit started from version {expected_version}"
        )


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


def _require(user, perm: str) -> None:
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _normalize_text(value: str) -> str:
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
            value = _normalize_text(value)
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
    reason: str = "",
) -> Article:
    """Apply an editor's corrections to an article and return it as saved.

    ``changes`` maps field names from EDITABLE_FIELDS to new values; ``tags``, when given,
    replaces the article's tags. The edit is refused with StaleEditError when the article is
    no longer at ``expected_version`` (someone else saved it in between), so no one's work is
    overwritten. An unreviewed article whose text is corrected moves to in_review. Saving
    nothing new changes nothing (no new version, no history record).
    """
    _require(user, PERM_CHANGE_ARTICLE)
    return _apply_edit(
        article, _clean_changes(article, changes), tags,
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
    expected_version: int,
    user,
    reason: str,
    promote: bool,
) -> Article:
    """Save validated changes and tags under the row lock (see edit_article) and return the article.

    ``promote`` moves an unreviewed article whose text changes to in_review; a revert restores
    the version's status instead.
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
        if not changed and not tags_changed:
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
            labels = [str(Article._meta.get_field(n).verbose_name) for n in changed]
            if tags_changed:
                labels.append(_("标签"))
            reason = _("修改：%(fields)s") % {"fields": "、".join(labels)}
        if tags_changed:
            # Before the save: the history record it writes holds the tags (ArticleVersion).
            current.tags.set(tag_names)
        _save_article(current, user=user, reason=reason)
    _copy_state(current, article)
    return article


def _copy_state(source: Article, target: Article) -> None:
    """Make the caller's instance match what is saved, so it can be used for the next edit."""
    if source is target:
        return
    for f in Article._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


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

    The repair's ``after`` text must occur exactly once in the article body; it is replaced
    by ``before``. Raises FlagNotUndoable when the flag is not a repair of an article's
    text, or when an editor has since rewritten the repaired passage.
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
        found = article.body.count(current.after)
        if found != 1:
            raise FlagNotUndoable(
                _("正文中找不到修复后的文本（或出现不止一次，共 %(count)d 处），可能已被编辑改写；请直接修改正文。")
                % {"count": found}
            )
        article.body = article.body.replace(current.after, current.before, 1)
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


def _bulk_set(articles: QuerySet, field_name: str, value: str, *, user, reason: str) -> int:
    """Set one field on every article that differs, bump versions, record history; return the count."""
    with transaction.atomic():
        changed = list(
            Article.objects.select_for_update()
            .filter(pk__in=articles.values("pk"))
            .exclude(**{field_name: value})
            .order_by("pk")
        )
        now = timezone.now()
        for article in changed:
            setattr(article, field_name, value)
            article.version += 1
            article.updated_at = now
        if changed:
            # bulk_update sends no post_save: tell the page cache and the search index.
            archive_changed()
            index_on_commit([article.pk for article in changed])
            bulk_update_with_history(
                changed,
                Article,
                [field_name, "version", "updated_at"],
                batch_size=500,
                default_user=user if user is not None and user.is_authenticated else None,
                default_change_reason=reason,
                default_date=now,
            )
    return len(changed)


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
