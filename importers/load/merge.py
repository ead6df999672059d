"""Keep the editor's work: merge a re-imported row field by field, flag conflicts, keep touched rows.

Each row's ``imported`` snapshot holds what the importer last wrote; a value that differs
from it is an editor's, and a re-import never overwrites it.
"""

from __future__ import annotations

from django.utils import translation

from importers.load.flags import fingerprint
from importers.load.reports import DELETED, KEPT, UNCHANGED, UPDATED
from newsroom.models import Article, CorrectionStatus, ReviewFlag, Visibility


class MergeMixin:
    """The merging part of the page loader (importers/load/page.py, ``PageLoader``).

    Uses the loader's ``page``, ``reason``, ``report`` and ``add_flag``.
    """

    def merge(self, row, values: dict, fixed: dict, kind: str, *, key, lines, **target):
        """Update a stored row from a changed file, keeping every field an editor corrected.

        A field whose stored value still equals what the last import wrote takes the new
        value; a field an editor changed keeps the editor's text, and when the new import
        changes it too, a ``import_conflict`` flag shows both.
        """
        changed: list[str] = []
        imported = dict(row.imported or {})
        for name, new in values.items():
            current = getattr(row, name)
            last = imported.get(name)
            if new == last:
                continue  # the import did not change it: nothing to take, whoever edited it
            if current == new or current == last or (last is None and current in ("", None)):
                if current != new:
                    setattr(row, name, new)
                    changed.append(name)
                imported[name] = new
                continue
            self.report.count(kind, KEPT)
            self.conflict(row, name, current, new, key=key, lines=lines, **target)
        changed += _set_fixed(row, fixed)
        if imported != (row.imported or {}):
            row.imported = imported
            changed.append("imported")
        if not changed:
            self.report.count(kind, UNCHANGED)
            return row
        if any(f.name == "updated_at" for f in row._meta.concrete_fields):
            changed.append("updated_at")
        row._change_reason = self.reason
        row.save(update_fields=changed)
        self.report.count(kind, UPDATED)
        return row

    def conflict(self, row, name: str, editor: str, new: str, *, key, lines, **target) -> None:
        """Flag a field the file changes that an editor had changed too (the editor's stays)."""
        label = row._meta.get_field(name).name
        self.add_flag(
            code=ReviewFlag.Code.IMPORT_CONFLICT,
            message=(
                f"{self.page.source}: the new import changes the {label} to «{_short(new)}», "
                f"but an editor had changed it to «{_short(editor)}»; kept the editor's version"
            ),
            fingerprint=fingerprint(ReviewFlag.Code.IMPORT_CONFLICT, key, name, new),
            lines=lines,
            before=editor,
            after=new,
            message_key=ReviewFlag.Code.IMPORT_CONFLICT,
            message_params={"source": self.page.source, "field": _chinese_name(row, name),
                            "new": _short(new), "editor": _short(editor)},
            **target,
        )

    def disappeared(self, row, kind: str, fields: tuple[str, ...], **target) -> bool:
        """Delete a row the new file no longer has, or flag it when an editor worked on it;
        return whether it was deleted."""
        if not touched(row, fields):
            row._change_reason = self.reason
            row.delete()
            self.report.count(kind, DELETED)
            return True
        self.report.count(kind, KEPT)
        what = row._meta.model_name
        self.add_flag(
            code=ReviewFlag.Code.OTHER,
            message=(
                f"{self.page.source} no longer has the {what} at page {row.page} position "
                f"{row.position}; kept it because an editor worked on it (delete it if it is gone)"
            ),
            fingerprint=fingerprint("disappeared", what, row.page, row.position, self.page.sha256),
            lines=(row.line_start or 0, row.line_end or 0),
            message_key="disappeared",
            message_params={"source": self.page.source, "page": row.page,
                            "position": row.position, "what": _chinese_name(row)},
            **target,
        )
        return False


def _set_fixed(row, fixed: dict) -> list[str]:
    """Set the fields only the file decides (lines, original text, the photo's article) on a
    stored row; return the names of those that changed."""
    changed = []
    for name, new in fixed.items():
        if name == "article":
            if row.article_id != (new.pk if new else None):
                row.article = new
                changed.append(name)
        elif getattr(row, name) != new:
            setattr(row, name, new)
            changed.append(name)
    return changed


def touched(row, fields: tuple[str, ...]) -> bool:
    """Return whether an editor has worked on a row the importer wrote."""
    imported = row.imported or {}
    if any(getattr(row, name) != imported.get(name) for name in fields):
        return True
    if isinstance(row, Article):
        return (
            row.correction_status != CorrectionStatus.UNREVIEWED
            or row.visibility != Visibility.PUBLISHED
            or row.tags.exists()
            or row.flags.resolved().exists()
        )
    return row.flags.resolved().exists()


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chinese_name(row, field: str = "") -> str:
    """Return a model's (or one of its fields') name in Chinese, the catalogs' msgid, for a
    flag's message_params (flag_messages words it in the reader's language)."""
    meta = row._meta
    with translation.override("zh-hans"):
        return str(meta.get_field(field).verbose_name if field else meta.verbose_name)
