"""Contributors: renaming one, changing their aliases, merging two into one."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from newsroom.changes import touch_issues
from newsroom.editorial.common import (
    PERM_CHANGE_PERSON,
    PERM_MERGE_PERSON,
    StaleEditError,
    _bump_articles,
    _copy_state,
    _lock_articles,
    _require,
    _write,
)
from newsroom.models import (
    Article,
    Credit,
    Issue,
    PageStaff,
    Person,
    PersonAlias,
    PersonRedirect,
    ReviewFlag,
)


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
        removed, added = _plan_names(current, name, wanted)
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
        if renamed:
            _correct_printed_names(current, name, user=user, reason=reason)
        current.name = name
        current.version += 1
        _write(current, user=user, reason=reason)
        for alias in removed:
            _write(alias, user=user, reason=reason, delete=True)
        for alias_name in added:
            _write(PersonAlias(person=current, name=alias_name), user=user, reason=reason)
        if renamed:
            _bump_articles(articles, user=user, reason=reason)
            touch_issues(_issues_with_loose_photos_of(current))
    _copy_state(current, person)
    return person


def _correct_printed_names(person: Person, name: str, *, user, reason: str) -> None:
    """Renaming corrects how the name was read: bylines printed with the old name follow.

    A byline printed with another name (one a merge brought in: 张浩呈 for 张浩星) stays as
    printed; only the credits that read as the person's old name take the new one.
    """
    credits = list(Credit.objects.filter(person=person, printed_name__in=[person.name, ""]).order_by("pk"))
    for credit in credits:
        credit.printed_name = name
    # One UPDATE and one history INSERT, however many bylines: a rename costs the same queries.
    bulk_update_with_history(
        credits, Credit, ["printed_name"], batch_size=500,
        default_user=user if user is not None and user.is_authenticated else None,
        default_change_reason=reason,
    )


def _plan_names(current: Person, name: str, wanted: list[str] | None):
    """Return the (aliases to remove, alias names to add); ValidationError if a name is taken."""
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
    return removed, added


def _issues_with_loose_photos_of(person: Person) -> QuerySet:
    """Return the issues showing a photo credited to the person on no article (its own box)."""
    return Issue.objects.filter(
        photos__article__isnull=True, photos__credits__person=person
    )


@dataclass(frozen=True)
class MergePreview:
    """What merge_people(keep=..., remove=...) would do, for the editor to confirm first."""

    keep: Person
    remove: Person
    new_aliases: list[str]  # the removed person's name and aliases, aliases of ``keep`` after
    credits_moving: int  # credits that move to ``keep`` (their printed name stays)
    credits_merged: int  # credits ``keep`` already has in the same role on the same work
    articles: list[Article]  # articles whose byline or photo credit links to ``keep`` after
    article_count: int
    flags_moving: int  # review flags about ``remove`` that move to ``keep``


def merge_preview(*, keep: Person, remove: Person, limit: int = 20) -> MergePreview:
    """Return what merging ``remove`` into ``keep`` would move, changing nothing (five queries)."""
    kept = set(Credit.objects.filter(person=keep).values_list("article_id", "photo_id", "role"))
    moving = merged = 0
    for key in Credit.objects.filter(person=remove).values_list("article_id", "photo_id", "role"):
        if key in kept:
            merged += 1
        else:
            moving += 1
    articles = Article.objects.by_person(remove).select_related("issue").order_by("-issue__date", "page", "position")
    names = [remove.name, *remove.aliases.order_by("name").values_list("name", flat=True)]
    return MergePreview(
        keep=keep,
        remove=remove,
        new_aliases=[n for n in names if n != keep.name],
        credits_moving=moving,
        credits_merged=merged,
        articles=list(articles[:limit]),
        article_count=articles.count(),
        flags_moving=ReviewFlag.objects.filter(person=remove).exclude(
            code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR, status=ReviewFlag.Status.OPEN
        ).count(),
    )


def merge_people(*, keep: Person, remove: Person, user) -> Person:
    """Merge ``remove`` into ``keep`` and return ``keep``.

    ``remove``'s name and aliases become aliases of ``keep``; every credit moves to ``keep``
    (a credit ``keep`` already has in the same role on the same article or photo is not
    duplicated), and so does every page credit (PageStaff, once per page and role); open
    possible_duplicate_contributor flags about either are resolved as accepted, other flags
    about ``remove`` move to ``keep``; ``remove`` is deleted. Each step is recorded in history
    with the user.
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

        _move_names(keep=keep_locked, remove=remove_locked, user=user, reason=reason)
        _move_credits(keep=keep_locked, remove=remove_locked, user=user, reason=reason)
        _move_page_staff(keep=keep_locked, remove=remove_locked, user=user, reason=reason)

        now = timezone.now()
        ReviewFlag.objects.filter(
            person__in=[keep_locked, remove_locked],
            code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR,
            status=ReviewFlag.Status.OPEN,
        ).update(status=ReviewFlag.Status.ACCEPTED, resolved_by=history_user, resolved_at=now)
        # Other flags about the removed person would vanish with it (on_delete=CASCADE).
        ReviewFlag.objects.filter(person=remove_locked).update(person=keep_locked)

        _bump_articles(bylines, user=user, reason=reason)
        touch_issues(Issue.objects.filter(pk__in=loose_photo_issues))
        keep_locked.version += 1
        keep_locked._history_user = history_user
        keep_locked._change_reason = reason
        keep_locked.save()
        # The removed person's addresses lead to the kept one, older merges' included.
        PersonRedirect.objects.filter(person=remove_locked).update(person=keep_locked)
        PersonRedirect.objects.update_or_create(old_id=remove_locked.pk, defaults={"person": keep_locked})
        remove_locked._history_user = history_user
        remove_locked._change_reason = reason
        remove_locked.delete()
    return keep_locked


def _move_names(*, keep: Person, remove: Person, user, reason: str) -> None:
    """Make ``remove``'s aliases, and its name, aliases of ``keep`` (with history)."""
    for alias in PersonAlias.objects.filter(person=remove):
        alias.person = keep
        _write(alias, user=user, reason=reason)
    if not PersonAlias.objects.filter(name=remove.name).exists():
        _write(PersonAlias(person=keep, name=remove.name), user=user, reason=reason)


def _move_page_staff(*, keep: Person, remove: Person, user, reason: str) -> None:
    """Move ``remove``'s page credits (责任编辑, 版式, ...) to ``keep``, once per page and role.

    Saved one by one: the issues printing them get a new updated_at (newsroom/changes.py).
    """
    kept = set(PageStaff.objects.filter(person=keep).values_list("page_id", "role"))
    for credit in PageStaff.objects.filter(person=remove).order_by("pk"):
        key = (credit.page_id, credit.role)
        if key in kept:
            _write(credit, user=user, reason=reason, delete=True)
        else:
            credit.person = keep
            _write(credit, user=user, reason=reason)
            kept.add(key)


def _move_credits(*, keep: Person, remove: Person, user, reason: str) -> None:
    """Move ``remove``'s credits to ``keep``, deleting those ``keep`` has already (same role, same row)."""
    kept = set(Credit.objects.filter(person=keep).values_list("article_id", "photo_id", "role"))
    for credit in Credit.objects.filter(person=remove).order_by("pk"):
        key = (credit.article_id, credit.photo_id, credit.role)
        if key in kept:
            _write(credit, user=user, reason=reason, delete=True)
        else:
            # The byline keeps the name the paper printed; only the person it links to changes.
            credit.printed_name = credit.printed_name or remove.name
            credit.person = keep
            _write(credit, user=user, reason=reason)
            kept.add(key)
