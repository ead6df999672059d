"""Correcting articles: one article's text, credits, photos and tags, and bulk status, visibility and tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from newsroom.editorial.common import (
    PERM_CHANGE_ARTICLE,
    PERM_CHANGE_CREDITS,
    PERM_CHANGE_PHOTO,
    PERM_PUBLISH_ARTICLE,
    PHOTO_FIELDS,
    CreditLine,
    StaleEditError,
    _bump_articles,
    _copy_state,
    _lock,
    _lock_articles,
    _plan_credits,
    _require,
    _save_article,
    _write,
    _write_credits,
    normalize_text,
)
from newsroom.editorial.photos import _set_photo_fields
from newsroom.models import (
    Article,
    CorrectionStatus,
    Photo,
    Visibility,
)
from newsroom.models.continuations import continuing_ids


def _clean_changes(article: Article, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return the changes validated against the model's fields; raise ValidationError naming each bad one."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in Article.EDITABLE_FIELDS:
            errors.setdefault(name, []).append(
                _("不能通过校对修改此字段；可修改的字段：%(fields)s。")
                % {"fields": "、".join(Article.EDITABLE_FIELDS)}
            )
            continue
        if value is None:
            value = ""
        if name in Article.TEXT_FIELDS:
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

    ``changes`` maps field names from Article.EDITABLE_FIELDS to new values; ``tags``, when given,
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
        _set_fields(current, changed, promote=promote)
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


def _set_fields(article: Article, changed: Mapping[str, Any], *, promote: bool) -> None:
    """Set the changed fields; with ``promote``, a text change moves unreviewed to in_review."""
    for name, value in changed.items():
        setattr(article, name, value)
    if (
        promote
        and any(name in Article.TEXT_FIELDS for name in changed)
        and "correction_status" not in changed
        and article.correction_status == CorrectionStatus.UNREVIEWED
    ):
        article.correction_status = CorrectionStatus.IN_REVIEW


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
    reason = _("公开状态改为：%(s)s") % {"s": label}
    with transaction.atomic():
        count = _bulk_set(articles, "visibility", visibility, user=user, reason=reason)
        # A continued article is withdrawn (or re-published) whole: the parts continuing it too.
        parts = continuing_ids(Article, articles.values_list("pk", flat=True))
        if parts:
            _bulk_set(Article.objects.filter(pk__in=parts), "visibility", visibility, user=user, reason=reason)
    return count


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
