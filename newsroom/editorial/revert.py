"""Putting an article back to a version from its history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from newsroom.editorial.articles import _apply_edit, _clean_changes
from newsroom.editorial.common import PERM_CHANGE_ARTICLE, _require
from newsroom.models import (
    Article,
)


def revert_article(article: Article, history_id: int, *, expected_version: int, user) -> Article:
    """Restore an article to one of its versions and return it as saved.

    ``history_id`` names a history record of this article. Every field an editor may correct
    (Article.EDITABLE_FIELDS) gets the version's value, and the tags too when the history holds them
    (ArticleVersion.held_tags). A revert is an edit: locked, refused with StaleEditError when
    the article is no longer at ``expected_version``, recorded with a reason naming the version
    as the history list shows it. Where the article sits and whether it is public are not
    restored: placement is the importer's, withdrawing needs its own permission.
    """
    _require(user, PERM_CHANGE_ARTICLE)
    record = Article.history.filter(id=article.pk, history_id=history_id).first()
    if record is None:
        raise ValidationError({"version": _("这篇文章没有这个历史版本，请从历史列表中选择。")})
    changes = {name: getattr(record, name) for name in Article.EDITABLE_FIELDS}
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
