"""A page's own row: which issue's page it is, its name, its staff and the file it was read from.

The front page names the paper in its masthead; an inside page may not (PAGES.md). Such a page
belongs to the paper of the same day's front page, or to the archive's only paper; when neither
is known it waits (``AwaitingFrontPage``): a run loads it again after its other files, and a
later run that brings the front page loads it too.

A page already read from another file (another name: not a corrected re-export of the same
file) is not silently replaced: the page takes the new file and a ``page_source_changed`` flag
asks an editor to check both are the same page.
"""

from __future__ import annotations

from pathlib import PurePath

from importers.load.flags import fingerprint
from importers.load.reports import CREATED, UNCHANGED, UPDATED
from importers.records import ParseError
from newsroom.lib.flagcodes import PAGE_SOURCE_CHANGED
from newsroom.models import Issue, Page, PageStaff, Person, Publication, SourceFile


class AwaitingFrontPage(ParseError):
    """An inside page that names no paper, before any front page of its day is in the archive."""


def paper_of_inside_page(page) -> Publication:
    """Return the paper of an inside page that prints no paper's name; raise AwaitingFrontPage."""
    date = page.issue.date
    papers = list(Publication.objects.filter(issues__date=date).distinct()[:2])
    if len(papers) == 1:
        return papers[0]
    if not papers:
        papers = list(Publication.objects.all()[:2])
        if len(papers) == 1:
            return papers[0]
    raise AwaitingFrontPage(
        page.source,
        None,
        f"page {page.page} of {date:%Y-%m-%d} does not print the paper's name, and "
        + ("several papers have an issue that day" if papers else "no front page of that day is in the archive yet")
        + ": import it together with (or after) its front page",
    )


class PageRowMixin:
    """PageLoader's part that records the page itself (newsroom.models.Page, PageStaff)."""

    def load_page_row(self, source: SourceFile) -> Page:
        """Create or update the Page of this file in ``self.issue``, with its staff."""
        record = self.page
        row = None
        if not self.bulk:
            row = Page.objects.filter(issue=self.issue, number=record.page).select_related("source").first()
        if row is None:
            row = Page(issue=self.issue, number=record.page, name=record.page_name, source=source)
            self.apply_page_scan(row)
            self.write_new_page_row(row)
        else:
            self.update_page_row(row, source)
            self.save_page_scan(row)
            self.load_staff(row)
        return row

    def write_new_page_row(self, row: Page) -> None:
        """Write a new page with its staff (for a new issue: collected, written with its rows)."""
        row._change_reason = self.reason
        staff = []
        for order, credit in enumerate(self.page.staff, start=1):
            person = self.staff_person(credit.name)
            if any(s.person is person and s.role == credit.role for s in staff):
                continue
            staff.append(PageStaff(page=row, person=person, role=credit.role, label=credit.label, order=order))
        for item in staff:
            item._change_reason = self.reason
        if self.bulk:
            self.collected[Page].append(row)
            self.collected[PageStaff].extend(staff)
        else:
            row.save()
            for item in staff:
                item.save()
        self.report.count("pages", CREATED)

    def update_page_row(self, row: Page, source: SourceFile) -> None:
        record = self.page
        changed = []
        if row.source_id != source.pk:
            if row.source is not None and PurePath(row.source.name).name != PurePath(record.source).name:
                self.flag_page_source_changed(row.source.name)
            row.source = source
            changed.append("source")
        if row.name != record.page_name:
            row.name = record.page_name
            changed.append("name")
        if changed:
            row._change_reason = self.reason
            row.save(update_fields=[*changed, "updated_at"])
            Issue.objects.filter(pk=self.issue.pk).update(updated_at=row.updated_at)
        self.report.count("pages", UPDATED if changed else UNCHANGED)

    def flag_page_source_changed(self, before: str) -> None:
        record = self.page
        params = {"page": str(record.page), "before": before, "source": record.source}
        self.add_flag(
            code=PAGE_SOURCE_CHANGED,
            message=f"page {record.page} was imported from {before} and now from another file, "
            f"{record.source}: check that both are the same page",
            fingerprint=fingerprint(PAGE_SOURCE_CHANGED, record.page, before, record.source),
            message_key=PAGE_SOURCE_CHANGED,
            message_params=params,
        )

    def load_staff(self, row: Page) -> None:
        """Make the page's staff those the file prints, in its order (people found by name or alias)."""
        wanted = []
        for order, staff in enumerate(self.page.staff, start=1):
            person = self.staff_person(staff.name)
            wanted.append((person.pk, staff.role, staff.label, order, person))
        stored = {(s.person_id, s.role): s for s in row.staff.all()}
        keep = set()
        for person_id, role, label, order, person in wanted:
            if (person_id, role) in keep:
                continue
            keep.add((person_id, role))
            current = stored.get((person_id, role))
            if current is None:
                credit = PageStaff(page=row, person=person, role=role, label=label, order=order)
            elif (current.label, current.order) != (label, order):
                credit = current
                credit.label, credit.order = label, order
            else:
                continue
            credit._change_reason = self.reason
            credit.save()
        for key, gone in stored.items():
            if key not in keep:
                gone._change_reason = self.reason
                gone.delete()

    def staff_person(self, name: str):
        """Return the person of a page credit: by name or alias, created the first time.

        Page staff are not checked for near-duplicate names (that review is about bylines).
        """
        if name in self.people:
            return self.people[name]
        person = self.known_people.get(name) or Person.objects.named(name).first()
        if person is None:
            person = self.create_person(name) or Person.objects.named(name).get()
            self.report.count("people", CREATED)
        self.people[name] = person
        return person
