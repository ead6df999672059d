"""The review flags a page opens: given once, moved with their passage, closed when gone.

A flag is known by its fingerprint (``fingerprint``): the same description on a re-import
is the same flag, whatever lines it moved to.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from importers.load.reports import CREATED, UPDATED
from importers.load.values import line_span
from importers.publications import masthead_mismatches
from importers.records import FlagRecord
from newsroom.lib.fingerprints import fingerprint
from newsroom.models import Publication, ReviewFlag

__all__ = ["FlagMixin", "fingerprint"]


def stored_flag_rows(issue_ids) -> dict[int, list[tuple]]:
    """Return the stored flags of these issues by issue id, as read_stored_flags takes them
    (fingerprint, id, first line, last line, status): one query for a batch's issues."""
    rows: dict[int, list[tuple]] = {}
    for issue_id, *row in ReviewFlag.objects.filter(issue__in=issue_ids).order_by().values_list(
        "issue", "fingerprint", "pk", "line_start", "line_end", "status"
    ):
        rows.setdefault(issue_id, []).append(tuple(row))
    return rows


class FlagMixin:
    """The review-flag part of the page loader (importers/load/page.py, ``PageLoader``).

    Uses the loader's ``page``, ``issue``, ``report``, ``bulk`` and ``collected``; keeps
    what it learns of the issue's stored flags in ``fingerprints``, ``superseded``,
    ``reopened`` and ``given`` (set up by ``start_flags``).
    """

    def start_flags(self) -> None:
        """Start with no stored flags known and none given."""
        # The stored flags of the issue: fingerprint -> (id, first line, last line).
        self.fingerprints: dict[str, tuple[int | None, int | None, int | None]] = {}
        # Those of the stored flags a re-import closed as superseded (reopened if given again).
        self.superseded: set[str] = set()
        self.reopened = 0
        # The fingerprints of every flag this load gives, new or already stored.
        self.given: set[str] = set()

    def read_stored_flags(self, rows: list | None = None) -> None:
        """Read the fingerprints of the issue's stored flags, to compare the page's with.

        ``rows``: those a batch read for this issue with ``stored_flag_rows`` (None: read them).
        """
        if rows is None:
            rows = stored_flag_rows([self.issue.pk]).get(self.issue.pk, [])
        for print_, pk, start, end, status in rows:
            self.fingerprints[print_] = (pk, start, end)
            if status == ReviewFlag.Status.SUPERSEDED:
                self.superseded.add(print_)

    def load_page_flags(self, publication: Publication) -> None:
        """Open the flags about the page itself: the parser's and the masthead's."""
        parsed = list(self.page.flags)
        printed = {f.message for f in parsed if f.code == ReviewFlag.Code.MASTHEAD_MISMATCH}
        # The parser checks the masthead against what it knows of the paper; the Publication
        # row may differ (an editor corrected it), so check again without repeating a flag.
        for flag in masthead_mismatches(self.page.issue, publication.masthead_identifiers()):
            if flag.message not in printed:
                parsed.append(flag)
        for flag in parsed:
            self.flag(flag, key=("page", self.page.page))

    def flag(self, record: FlagRecord, *, key, **target) -> None:
        """Open the flag a record of the parser describes, on ``target`` (article, photo...)."""
        self.add_flag(
            code=record.code,
            message=record.message,
            # Not the lines: a flag is the same one when a changed export only moved it.
            fingerprint=fingerprint(record.code, key, record.original, record.before, record.after),
            lines=record.lines,
            original=record.original,
            before=record.before,
            after=record.after,
            message_key=record.code,
            message_params=dict(record.params),
            **target,
        )

    def supersede_flags(self, pages: set[int]) -> None:
        """Close the open flags of these pages that the file no longer gives.

        When a changed export rewrites a passage (or the repair around it), the parser's flag
        about it gets another fingerprint: the old one describes text that is gone (a passage
        that only moved keeps its flag, at its new lines). An import conflict whose text the
        file no longer gives (it gives the text the editor corrected again, or the editor's
        own) is closed too. Flags an editor resolved stay as they are, and so do those not
        derived from the file (possible duplicates, rows kept for an editor).
        """
        if self.reopened:
            self.report.notes.append(
                f"reopened {self.reopened} superseded flag(s) the file gives again"
            )
        # An unchanged file writes nothing.
        stale_ids = dict(self._stale_flags(pages).values_list("pk", "code"))
        closed = stale_ids and ReviewFlag.objects.filter(pk__in=stale_ids).update(
            status=ReviewFlag.Status.SUPERSEDED, resolved_at=timezone.now()
        )
        if not closed:
            return
        self.report.count("flags", UPDATED, closed)
        conflicts = sum(code == ReviewFlag.Code.IMPORT_CONFLICT for code in stale_ids.values())
        if closed - conflicts:
            self.report.notes.append(
                f"closed {closed - conflicts} flag(s) the changed file no longer gives"
            )
        if conflicts:
            self.report.notes.append(
                f"closed {conflicts} import conflict(s): the file no longer gives the text "
                "they showed against the editor's"
            )

    def _stale_flags(self, pages: set[int]):
        """Return the open flags of these pages, derived from the file, that it no longer gives."""
        on_these_pages = (
            Q(article__page__in=pages) | Q(photo__page__in=pages)
            | Q(advertisement__page__in=pages)
            | Q(article__isnull=True, photo__isnull=True, advertisement__isnull=True)
        )
        return (
            self.issue.flags.open()
            .filter(
                on_these_pages,
                Q(message_key__in=ReviewFlag.FROM_THE_FILE)
                # A conflict shows the text a file gave against the editor's: a file that
                # gives the editor's text, the text the editor corrected, or yet another
                # text (a new conflict) no longer gives it.
                | Q(code=ReviewFlag.Code.IMPORT_CONFLICT),
            )
            .exclude(fingerprint__in=self.given)
        )

    def add_flag(self, *, fingerprint: str, lines=(0, 0), **fields) -> None:
        """Open a review flag unless one with this fingerprint exists, open or resolved by an
        editor; one an earlier re-import superseded opens again (the file gives it again)."""
        self.given.add(fingerprint)
        where = line_span(lines)
        stored = self.fingerprints.get(fingerprint)
        if stored is not None and fingerprint in self.superseded:
            self.superseded.discard(fingerprint)
            ReviewFlag.objects.filter(pk=stored[0]).update(
                status=ReviewFlag.Status.OPEN, resolved_at=None, resolved_by=None, **where, **fields
            )
            self.fingerprints[fingerprint] = (stored[0], where["line_start"], where["line_end"])
            self.report.count("flags", UPDATED)
            self.reopened += 1
            return
        if stored is not None:
            pk, start, end = stored
            if pk is not None and (start, end) != (where["line_start"], where["line_end"]):
                # The passage moved in a changed export: the flag points at its new lines.
                ReviewFlag.objects.filter(pk=pk).update(**where)
                self.fingerprints[fingerprint] = (pk, where["line_start"], where["line_end"])
                self.report.count("flags", UPDATED)
            return
        flag = ReviewFlag(issue=self.issue, fingerprint=fingerprint, **where, **fields)
        if self.bulk:
            self.collected[ReviewFlag].append(flag)
        else:
            flag.save()
        self.fingerprints[fingerprint] = (flag.pk, where["line_start"], where["line_end"])
        self.report.count("flags", CREATED)
