"""Readers' suggestions (报错): a passage of an article and what the paper printed instead.

A suggestion never changes the text by itself: it is a review flag (``reader_suggestion``) in
the review queue, its ``before`` the passage and its ``after`` the suggestion. An editor
accepts it (``apply_suggestion``: the passage replaced in the article's body, an ordinary
recorded correction whose reason credits the reader's suggestion), rejects it (the flag
undone, the text untouched), or corrects the article by hand and accepts or rejects it then.
The rules on what a reader may send (lengths, the passage really in the text, the paper
taking suggestions at all) are here; the archive's form (archive/suggestions.py) adds the
abuse guards of a public form (a honeypot, a rate per address).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from newsroom.editorial.common import PERM_CHANGE_ARTICLE, _lock, _require, _save_article
from newsroom.lib import flagcodes
from newsroom.lib.cjk import fullwidth_punctuation
from newsroom.lib.fingerprints import fingerprint
from newsroom.models import Article, CorrectionStatus, ReviewFlag

MAX_PASSAGE = 200
MAX_SUGGESTION = 200
MAX_NOTE = 500


class SuggestionRefused(ValueError):
    """A suggestion that cannot be taken; ``message`` says why, for the reader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def locate(body: str, passage: str) -> str | None:
    """Return the stored text of a passage a reader copied from the page, or None if it is not there.

    Pages show half-width marks in Chinese text full-width (newsroom/lib/cjk.py, one character
    for one), so a passage selected on the page is looked for in the body as shown too.
    """
    if passage in body:
        return passage
    at = fullwidth_punctuation(body).find(passage)
    return body[at:at + len(passage)] if at >= 0 else None


def suggest_correction(article: Article, *, passage: str, suggestion: str, note: str = "") -> ReviewFlag:
    """Record a reader's suggestion on a public article as an open review flag and return it.

    The same suggestion for the same passage again gives back the flag already made.
    """
    passage, suggestion, note = (passage or "").strip(), (suggestion or "").strip(), (note or "").strip()
    if not article.issue.publication.reader_suggestions:
        raise SuggestionRefused(_("本报目前不接受读者报错。"))
    if not passage or not suggestion:
        raise SuggestionRefused(_("请选中有误的文字，并填写报纸上印的内容。"))
    if len(passage) > MAX_PASSAGE or len(suggestion) > MAX_SUGGESTION or len(note) > MAX_NOTE:
        raise SuggestionRefused(_("内容过长：所选文字和建议各不超过 %(text)d 字，说明不超过 %(note)d 字。") % {
            "text": MAX_PASSAGE, "note": MAX_NOTE})
    if passage == suggestion:
        raise SuggestionRefused(_("建议的文字与原文相同。"))
    found = next(((p, stored) for p in article.parts() if (stored := locate(p.body, passage))), None)
    if found is None:
        raise SuggestionRefused(_("所选文字不在本文正文中（请直接从正文中选取）。"))
    part, passage = found
    params = {"passage": passage[:60], "suggestion": suggestion[:60]}
    flag = ReviewFlag(
        code=ReviewFlag.Code.READER_SUGGESTION, issue_id=part.issue_id, article=part,
        message=f"A reader suggests \u201c{passage[:60]}\u201d should read \u201c{suggestion[:60]}\u201d",
        message_key=flagcodes.READER_SUGGESTION, message_params=params,
        before=passage, after=suggestion, original=note,
        fingerprint=fingerprint(flagcodes.READER_SUGGESTION, part.pk, passage, suggestion),
    )
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        return ReviewFlag.objects.get(issue_id=part.issue_id, fingerprint=flag.fingerprint)
    return flag


def apply_suggestion(flag: ReviewFlag, *, user) -> Article:
    """Replace the suggested passage in the article's body (the flag locked by the caller); return it.

    Called by ``accept_flag`` inside its transaction. Refused (SuggestionRefused) when the
    passage is no longer in the text: an editor changed it since.
    """
    _require(user, PERM_CHANGE_ARTICLE)
    article = _lock(flag.article_id)
    if flag.before not in article.body:
        raise SuggestionRefused(_("所选文字已不在正文中（已有编辑修改），请直接修改正文后驳回或接受此建议。"))
    article.body = article.body.replace(flag.before, flag.after, 1)
    if article.correction_status == CorrectionStatus.UNREVIEWED:
        article.correction_status = CorrectionStatus.IN_REVIEW
    _save_article(article, user=user, reason=_("采纳读者报错建议：“%(before)s”改为“%(after)s”") % {
        "before": flag.before[:40], "after": flag.after[:40]})
    return article
