"""Joining and splitting the parts of a continued article by hand (下转第3版 … 上接第1版).

The importer joins what the pages say (importers/load/joins.py); an editor joins what it could
not (a jump line the OCR lost, a continuation two articles could start) and splits what it
joined wrongly. Each is recorded in history and as a ``joined_continuation`` flag: an undone
one tells later imports to leave the pair apart.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom import changes
from newsroom.editorial.common import PERM_CHANGE_ARTICLE, _lock, _require, _save_article
from newsroom.lib.fingerprints import fingerprint
from newsroom.lib.flagcodes import CONTINUATION_UNMATCHED, JOINED_CONTINUATION, JUMP_PENDING
from newsroom.models import Article, ReviewFlag


def join_fingerprint(lead: Article, part: Article) -> str:
    """Return the fingerprint of the join of two parts (the importer's and the desk's alike)."""
    return fingerprint(JOINED_CONTINUATION, lead.page, lead.position, part.page, part.position)


def join_articles(lead: Article, part: Article, *, user) -> Article:
    """Make ``part`` the continuation of ``lead`` (read after it, as one article); return ``lead``."""
    _require(user, PERM_CHANGE_ARTICLE)
    with transaction.atomic():
        lead, part = _lock(lead.pk), _lock(part.pk)
        _check_join(lead, part)
        reason = _("合并接续部分：第 %(page)s 版") % {"page": part.page}
        part.continues = lead
        part.visibility = lead.visibility
        _save_part(part, user=user, reason=reason)
        if lead.jump_to is None:
            lead.jump_to = part.page  # the jump line the page lost
        _save_article(lead, user=user, reason=reason)
        _record(lead, part, ReviewFlag.Status.ACCEPTED, user=user)
        # The doubts this join answers.
        ReviewFlag.objects.open().filter(
            article__in=[lead, part], code__in=[CONTINUATION_UNMATCHED, JUMP_PENDING]
        ).update(status=ReviewFlag.Status.ACCEPTED, resolved_by=user, resolved_at=timezone.now())
    changes.articles_changed([lead.pk, part.pk])
    return lead


def split_article(part: Article, *, user) -> Article:
    """Make a continuing part an article of its own again; return it. Later imports leave it so."""
    _require(user, PERM_CHANGE_ARTICLE)
    with transaction.atomic():
        part = _lock(part.pk)
        if part.continues_id is None:
            raise ValidationError(_("这篇文章不是其他文章的接续部分。"))
        lead = _lock(part.continues_id)
        reason = _("拆分接续部分：第 %(page)s 版") % {"page": part.page}
        part.continues = None
        _save_part(part, user=user, reason=reason)
        _save_article(lead, user=user, reason=reason)
        _record(lead, part, ReviewFlag.Status.UNDONE, user=user)
    changes.articles_changed([lead.pk, part.pk])
    return part


def _check_join(lead: Article, part: Article) -> None:
    if lead.issue_id != part.issue_id:
        raise ValidationError(_("只能合并同一期报纸上的文章。"))
    if lead.pk == part.pk or part.continues_id is not None:
        raise ValidationError(_("这部分已经接续了一篇文章；请先拆分。"))
    if any(p.pk == part.pk for p in lead.first_part().parts()):
        raise ValidationError(_("这样合并会形成循环。"))
    if lead.has_continuation:
        raise ValidationError(_("这篇文章已经有接续部分；请先拆分。"))


def _save_part(part: Article, *, user, reason: str) -> None:
    part._history_user = user
    part._change_reason = reason
    part.save()


def _record(lead: Article, part: Article, status: str, *, user) -> None:
    """Record the join or split as the pair's join flag, resolved by the editor."""
    message = f"page {part.page} position {part.position} " + (
        "joined to this article by an editor" if status == ReviewFlag.Status.ACCEPTED
        else "split off this article by an editor")
    ReviewFlag.objects.update_or_create(
        issue_id=lead.issue_id, fingerprint=join_fingerprint(lead, part),
        defaults={
            "code": JOINED_CONTINUATION, "article": lead, "status": status, "message": message,
            "message_key": JOINED_CONTINUATION,
            "message_params": {"page": str(part.page), "position": str(part.position)},
            "resolved_by": user, "resolved_at": timezone.now(),
        },
    )
