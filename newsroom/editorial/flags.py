"""Resolving the importer's review flags: accepting a repair, or undoing it in the body."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.editorial.common import (
    PERM_CHANGE_ARTICLE,
    PERM_RESOLVE_FLAG,
    _copy_state,
    _lock,
    _require,
    _save_article,
)
from newsroom.editorial.continuations import split_article
from newsroom.editorial.suggestions import SuggestionRefused, apply_suggestion
from newsroom.lib import repairs
from newsroom.models import (
    Article,
    CorrectionStatus,
    ReviewFlag,
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
    """Mark a flag accepted (the importer's repair or doubt is fine as it is) and return it.

    A reader's suggestion accepted is applied to the text (newsroom/editorial/suggestions.py).
    """
    _require(user, PERM_RESOLVE_FLAG)
    with transaction.atomic():
        current = _lock_open_flag(flag)
        if current.is_reader_suggestion:
            try:
                article = apply_suggestion(current, user=user)
            except SuggestionRefused as refused:
                raise FlagError(refused.message) from None
            cached = flag._state.fields_cache.get("article")
            if cached is not None:
                _copy_state(article, cached)
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
        if current.is_reader_suggestion:
            # Undoing a reader's suggestion rejects it: the text stays as it is.
            _resolve(current, ReviewFlag.Status.UNDONE, user)
            return _copy_flag(current, flag)
        if current.is_join:
            article = _split(current, user=user)
            _resolve(current, ReviewFlag.Status.UNDONE, user)
            cached = flag._state.fields_cache.get("article")
            if cached is not None:
                _copy_state(article, cached)
            return _copy_flag(current, flag)
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


def _split(flag: ReviewFlag, *, user) -> Article:
    """Split the part a join flag names off its article again; return the article."""
    params = flag.message_params or {}
    part = Article.objects.filter(
        issue_id=flag.issue_id, page=params.get("page"), position=params.get("position"),
        continues_id=flag.article_id,
    ).first()
    if part is not None:
        split_article(part, user=user)
    return Article.objects.get(pk=flag.article_id)


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
