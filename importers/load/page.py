"""Loading one page: compare its records with the rows already stored, and write the differences.

A page of a new issue has nothing to compare with: its rows are built unsaved and written a
kind at a time (importers/load/writes.py). A re-imported page is merged row by row through
``.save()`` (importers/load/merge.py), so history and search follow each change.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import PurePath

from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from importers.load.flags import FlagMixin, fingerprint
from importers.load.joins import join_issue
from importers.load.merge import MergeMixin
from importers.load.pagerows import PageRowMixin, paper_of_inside_page
from importers.load.people import PeopleMixin
from importers.load.reports import CREATED, UNCHANGED, UPDATED, PageReport
from importers.load.scans import ScanFile, ScanMixin, verify_new_scans
from importers.load.values import (
    ADVERTISEMENT_TEXT_FIELDS,
    ARTICLE_TEXT_FIELDS,
    PHOTO_TEXT_FIELDS,
    advertisement_values,
    article_values,
    jump_values,
    line_span,
    validate,
)
from importers.load.version import importer_version
from importers.load.writes import commit_without_waiting, save_unless_taken, write_collected
from importers.publications import KNOWN_PUBLICATIONS
from importers.records import ArticleRecord, PageRecord, PhotoRecord
from newsroom.changes import archive_changed
from newsroom.models import (
    Advertisement,
    Article,
    CorrectionStatus,
    Credit,
    ImportRun,
    Issue,
    Page,
    Person,
    Photo,
    Publication,
    SourceFile,
    Visibility,
)

# django-simple-history keeps at most 100 characters of a change reason; the run's part
# ("导入批次 123：", "import run 123: ") takes at most 20 of them.
CHANGE_REASON_LENGTH = 100
SOURCE_ROOM = 80


def load_page(
    page: PageRecord,
    *,
    run: ImportRun | None = None,
    source_text: str = "",
    size: int | None = None,
    people: dict[str, Person] | None = None,
    concurrent: bool = False,
    scan: ScanFile | None = None,
) -> PageReport:
    """Write one parsed page to the database in one transaction and return what changed.

    ``source_text`` (the decoded file) and ``size`` (its bytes) are stored on the
    SourceFile. ``people`` is a run's name -> Person cache: read, and given the people
    this page found or created once (and only if) its transaction commits. With
    ``concurrent`` (a worker of a parallel run) a person or publication that another
    process creates at the same moment is taken from it instead of failing the page.
    ``scan`` is the page's scan, checked and stored (importers/load/scans.py), or None.
    Raises ParseError for values the database cannot hold; any error rolls back
    everything this page wrote.
    """
    report = PageReport(source=page.source, encoding=page.encoding)
    validate(page)
    with transaction.atomic():
        commit_without_waiting()
        loader = PageLoader(
            page, report=report, run=run, source_text=source_text, size=size,
            people=people, concurrent=concurrent,
        )
        loader.scan = scan
        loader.load()
        verify_new_scans([loader])
    if people is not None:
        found = loader.people
        # Runs now when the page's transaction was the outermost; inside a dry run's
        # transaction only if it ever commits (it does not), so no rolled-back person stays.
        transaction.on_commit(lambda: people.update(found))
    if report.status != CREATED:
        report.status = UPDATED if report.wrote else UNCHANGED
    return report


def change_reason(run_id: int | None, source: str) -> str:
    """Return the history's change reason for a page: the run and the file, in the site's language.

    Editors read it in the history list, so it is worded as they read the desk (Chinese by
    default), in the language active when the import runs. A path too long for the reason is
    replaced by its file name, so the reason still says which page a row came from, whatever
    the run number's length.
    """
    if len(source) > SOURCE_ROOM:
        source = "…/" + PurePath(source).name[-(SOURCE_ROOM - 2):]
    where = gettext("导入批次 %(run)s") % {"run": run_id} if run_id else gettext("导入")
    return (gettext("%(where)s：%(source)s") % {"where": where, "source": source})[:CHANGE_REASON_LENGTH]


class PageLoader(MergeMixin, PeopleMixin, FlagMixin, PageRowMixin, ScanMixin):
    """Compare one page's records with the rows already stored, and write the differences."""

    # A page of a new issue writes its rows a kind at a time (False: row by row, as
    # re-imports do; the tests compare the two).
    BULK_NEW_ISSUES = True

    def __init__(
        self, page: PageRecord, *, report: PageReport, run, source_text: str, size,
        people: dict[str, Person] | None = None, concurrent: bool = False,
        found_people: dict[str, Person] | None = None, collected: defaultdict | None = None,
    ):
        self.page = page
        self.report = report
        self.run = run
        self.source_text = source_text
        self.size = size
        self.reason = change_reason(run.pk if run is not None else None, page.source)
        # The people this page found or created; ``known_people`` holds those of pages
        # already committed in this run.
        self.people: dict[str, Person] = found_people if found_people is not None else {}
        self.known_people = people if people is not None else {}
        self.concurrent = concurrent
        self.start_flags()
        # The issue the page belongs to, once known (load_issue, or a batch of new pages).
        self.issue: Issue | None = None
        # True for a page of a new issue: its rows are collected here and written a kind at
        # a time by write_collected(). A batch of new issues shares one collection.
        self.bulk = False
        self.collected: defaultdict[type[models.Model], list] = (
            collected if collected is not None else defaultdict(list)
        )
        self.articles_written: list[Article] = []
        # Stored articles whose credits or photos this page changed: they get a new version.
        self.restamped: dict[int, Article] = {}

    # -- the issue

    def load(self) -> None:
        """Load the page: its paper, its source file, its issue and what the issue holds."""
        publication = self.publication()
        self.source = source = self.source_file()
        self.issue = self.load_issue(publication, source)
        self.load_contents(publication)
        documents = None
        if self.bulk:
            documents = write_collected(self.collected, self.articles_written)
            if self.report.status != CREATED:
                # A new page of a stored issue: bulk_create sends no signal for readers' pages.
                archive_changed(issues=[self.issue.pk])
        # A page that changed nothing leaves the issue's jumps, continuations and pages as
        # the last join pass found them: a re-import of unchanged files joins nothing again.
        joined = []
        if self.report.status == CREATED or self.report.wrote:
            joined = self.join_parts()
        if documents is not None:
            documents.write_after_join(joined)

    def join_parts(self) -> list[int]:
        """Join the issue's continued articles again now that this page is in (joins.py);
        return the ids of the articles whose text changed."""
        return join_issue(self.issue, reason=self.reason)

    def load_contents(
        self, publication: Publication, *, bulk: bool | None = None, stored_flags: list | None = None
    ) -> None:
        """Load the page's articles, photos, advertisements and flags into ``self.issue``.

        ``bulk`` says the page is new (the caller checked); None: find out. ``stored_flags``
        are the issue's flags a batch read for all its pages at once (None: read them here).
        """
        self.report.issue_id = self.issue.pk
        # A new issue, or a page its issue does not hold yet (an inside page arriving), has no
        # rows to compare with: build them all and write them at once.
        if bulk is None:
            bulk = self.report.status == CREATED or self.page_is_new()
        self.bulk = self.BULK_NEW_ISSUES and bulk
        if self.bulk and self.report.status != CREATED:
            # The issue's flags (its front page's) are not given twice.
            self.read_stored_flags(stored_flags)
        self.load_page_row(self.source)
        if not self.bulk:
            self.read_stored_flags()
        pages = (
            {self.page.page}
            | {a.page for a in self.page.articles}
            | {a.page for a in self.page.advertisements}
        )
        self.load_articles(pages)
        self.load_advertisements(pages)
        self.load_page_flags(publication)
        if not self.bulk:
            self.supersede_flags(pages)

    def page_is_new(self) -> bool:
        """Tell whether the issue holds nothing of this page yet (no Page, no rows on it)."""
        numbers = {self.page.page, *(a.page for a in self.page.articles),
                   *(a.page for a in self.page.advertisements)}
        on_page = {"issue": OuterRef("pk"), "page__in": numbers}
        holds = (Exists(Page.objects.filter(issue=OuterRef("pk"), number__in=numbers))
                 | Exists(Article.objects.filter(**on_page))
                 | Exists(Advertisement.objects.filter(**on_page))
                 | Exists(Photo.objects.filter(**on_page)))
        return not Issue.objects.filter(holds, pk=self.issue.pk).exists()  # one query

    def publication(self) -> Publication:
        """Return the paper the masthead names, creating it the first time.

        An inside page that prints no paper's name belongs to its day's front page's paper.
        """
        record = self.page.issue
        if not record.publication:
            return paper_of_inside_page(self.page)
        publication = Publication.objects.filter(name=record.publication).first()
        if publication is not None:
            return publication
        known = KNOWN_PUBLICATIONS.get(record.publication)
        values = dict(known) if known else {
            name: getattr(record, name) for name in Publication.IDENTIFIERS
        }
        values = {
            name: value[: Publication._meta.get_field(name).max_length]
            for name, value in values.items()
            if hasattr(Publication, name)
        }
        publication = Publication(
            name=record.publication, slug=_publication_slug(record.publication, values), **values
        )
        publication._change_reason = self.reason
        if not self.concurrent:
            publication.save()
        elif not save_unless_taken(publication):
            # Another import process created the paper a moment ago: use theirs.
            return Publication.objects.get(name=record.publication)
        self.report.notes.append(f"created publication {record.publication}")
        return publication

    @property
    def sha256(self) -> str:
        """Return the SHA-256 of the page's file (or of its records, for a page made by hand)."""
        return self.page.sha256 or fingerprint("page", self.page.as_json())

    def source_file(self) -> SourceFile:
        """Return the stored SourceFile of the page's file, saving it the first time."""
        source = SourceFile.objects.defer("text").filter(sha256=self.sha256).first()
        if source is None:
            source = self.new_source_file()
            source.save()
        elif source.importer_version != importer_version():
            # Loaded by this importer from now on (version.py): the same bytes are skipped next
            # time. In the page's transaction: a page that fails leaves it as it was.
            source.importer_version = importer_version()
            SourceFile.objects.filter(pk=source.pk).update(importer_version=source.importer_version)
        return source

    def new_source_file(self) -> SourceFile:
        """Return the unsaved SourceFile row of this page's file."""
        return SourceFile(
            name=self.page.source[: SourceFile._meta.get_field("name").max_length],
            sha256=self.sha256,
            size=self.size if self.size is not None else len(self.source_text.encode("utf-8")),
            encoding=self.page.encoding,
            text=self.source_text,
            importer_version=importer_version(),
        )

    def issue_values(self, source: SourceFile) -> dict:
        """Return the fields of the Issue that the page's masthead gives (an inside page: none)."""
        record = self.page.issue
        if not self.page.front:
            return {"weekday": record.weekday, "source": None}
        return {
            "lunar_date": record.lunar_date,
            "weekday": record.weekday,
            "number": record.number,
            # The masthead's identifiers as printed on this front page (Issue.masthead).
            "masthead": {
                name: getattr(record, name) for name in Publication.IDENTIFIERS if getattr(record, name)
            },
            "source": source,
        }

    def new_issue(self, publication: Publication, source: SourceFile) -> Issue:
        """Return the unsaved Issue this page starts, and count the page as creating it.

        Held when its paper holds new issues (a chief editor releases it: newsroom/editorial/
        releases.py); a stored issue is never held or released by a re-import."""
        issue = Issue(
            publication=publication, date=self.page.issue.date, edition=1,
            held=publication.hold_new_issues, **self.issue_values(source),
        )
        issue._change_reason = self.reason
        self.report.status = CREATED
        return issue

    def load_issue(self, publication: Publication, source: SourceFile) -> Issue:
        """Return the page's issue: created, or stored (its masthead updated by a front page)."""
        record = self.page.issue
        # Locked until the page commits: another process loading a page of the same issue
        # waits, then sees this page (the join pass must see every page of the issue). FOR NO
        # KEY UPDATE: rows that only refer to the issue (an ImportedFile) are not held up.
        issue = (Issue.objects.select_for_update(no_key=True)
                 .filter(publication=publication, date=record.date, edition=1).first())
        if issue is None:
            issue = self.new_issue(publication, source)
            issue.save()
            return issue
        # Only the front page (版) prints the masthead; inside pages do not overwrite it.
        if not self.page.front or self.page.page != 1:
            return issue
        values = self.issue_values(source)
        changed = [name for name, value in values.items() if getattr(issue, name) != value]
        if changed:
            for name in changed:
                setattr(issue, name, values[name])
            issue._change_reason = self.reason
            issue.save(update_fields=[*changed, "updated_at"])
        return issue

    # -- articles and their photos

    def read_stored_articles(self, pages: set[int]) -> dict:
        """Return the issue's stored articles on these pages by (page, position); keep its
        stored photos and credits there to compare the page's with."""
        if self.bulk:
            self.existing_photos: dict = {}
            self.credits: set[tuple] = set()
            return {}
        existing = {(a.page, a.position): a for a in self.issue.articles.filter(page__in=pages)}
        self.existing_photos = {
            (p.page, p.position): p for p in self.issue.photos.filter(page__in=pages)
        }
        # (model name, row id, person id, role) of every credit on these pages.
        self.credits = {
            ("article", *values)
            for values in Credit.objects.filter(
                article__issue=self.issue, article__page__in=pages
            ).values_list("article_id", "person_id", "role")
        } | {
            ("photo", *values)
            for values in Credit.objects.filter(
                photo__issue=self.issue, photo__page__in=pages
            ).values_list("photo_id", "person_id", "role")
        }
        return existing

    def load_articles(self, pages: set[int]) -> None:
        """Load the page's articles with their credits, photos and flags; remove those gone."""
        existing = self.read_stored_articles(pages)
        stored = {article.pk: article for article in existing.values()}
        for record in self.page.articles:
            article = existing.pop((record.page, record.position), None)
            article = self.load_article(record, article)
            for order, contributor in enumerate(record.contributors, start=1):
                self.credit(contributor.name, contributor.role, order, article=article)
            photos = [(photo.lines, self.load_photo(photo, record, article)) for photo in record.photos]
            for flag in record.flags:
                # A flag about a caption (an inferred photo credit, ...) also names the photo.
                photo = next(
                    (row for (start, end), row in photos if start <= flag.lines[0] <= end), None
                )
                self.flag(
                    flag,
                    key=("article", record.page, record.position),
                    article=article,
                    photo=photo,
                )
        for article in existing.values():
            self.disappeared(article, "articles", ARTICLE_TEXT_FIELDS, article=article)
        for photo in self.existing_photos.values():
            if self.disappeared(photo, "photos", PHOTO_TEXT_FIELDS, photo=photo):
                self.shown_changed(photo.article_id)
        self.new_versions(stored)

    def shown_changed(self, *article_ids: int | None) -> None:
        """Note that what the pages of these articles show changed (a credit, a photo)."""
        self.restamped.update(dict.fromkeys(i for i in article_ids if i is not None))

    def new_versions(self, stored: dict[int, Article]) -> None:
        """Give the stored articles whose credits or photos changed a new version and
        updated_at, with a history row naming the import (an open editor's form goes stale)."""
        for pk in self.restamped:
            article = stored.get(pk)
            if article is None:
                continue  # a new article (its first version shows them), or another page's
            article.refresh_from_db(fields=["version"])
            article.version += 1
            article._change_reason = self.reason
            article.save(update_fields=["version", "updated_at"])
        self.restamped.clear()

    def load_article(self, record: ArticleRecord, article: Article | None) -> Article:
        """Write a new article, or merge the record into the stored one; return it."""
        values = article_values(record)
        fixed = {
            "heading": record.heading,
            "original_text": record.original_text,
            "truncated": record.truncated,
            **line_span(record.lines),
            **jump_values(record),
        }
        if article is not None and record.jump is None and article.jump_to is not None \
                and article.continuations.exists():
            # An editor joined a part the page's lost jump line did not name: keep the jump.
            fixed.update(jump_to=article.jump_to, jump_mid_sentence=article.jump_mid_sentence)
        if article is None:
            article = Article(
                issue=self.issue,
                page=record.page,
                position=record.position,
                imported=values,
                visibility=Visibility.PUBLISHED,
                correction_status=CorrectionStatus.UNREVIEWED,
                **values,
                **fixed,
            )
            return self.write_new(article, "articles")
        return self.merge(
            article, values, fixed, "articles", key=("article", record.page, record.position),
            lines=record.lines, article=article,
        )

    def load_photo(self, record: PhotoRecord, article_record: ArticleRecord, article: Article) -> Photo:
        """Write or merge one of an article's photos, with its credits; return it."""
        key = (article_record.page, record.position)
        photo = self.existing_photos.pop(key, None)
        was = None if photo is None else (photo.article_id, photo.caption, photo.image.name)
        values = {"caption": record.caption}
        fixed = {"article": article, "original_text": record.original_text, **line_span(record.lines)}
        if photo is None:
            photo = self.write_new(
                Photo(
                    issue=self.issue, page=key[0], position=key[1], imported=values, **values, **fixed
                ),
                "photos",
            )
        else:
            photo = self.merge(
                photo, values, fixed, "photos", key=("photo", *key), lines=record.lines, photo=photo
            )
        if was != (photo.article_id, photo.caption, photo.image.name):
            self.shown_changed(photo.article_id, was[0] if was else None)
        for order, contributor in enumerate(record.contributors, start=1):
            self.credit(contributor.name, contributor.role, order, photo=photo)
        return photo

    # -- advertisements

    def load_advertisements(self, pages: set[int]) -> None:
        """Write or merge the page's advertisements; remove those gone."""
        existing = {} if self.bulk else {
            (a.page, a.position): a for a in self.issue.advertisements.filter(page__in=pages)
        }
        for record in self.page.advertisements:
            key = (record.page, record.position)
            ad = existing.pop(key, None)
            values = advertisement_values(record)
            fixed = {"original_text": record.original_text, **line_span(record.lines)}
            if ad is None:
                self.write_new(
                    Advertisement(
                        issue=self.issue, page=key[0], position=key[1], imported=values,
                        **values, **fixed,
                    ),
                    "advertisements",
                )
            else:
                self.merge(
                    ad, values, fixed, "advertisements", key=("advertisement", *key),
                    lines=record.lines, advertisement=ad,
                )
        for ad in existing.values():
            self.disappeared(ad, "advertisements", ADVERTISEMENT_TEXT_FIELDS, advertisement=ad)

    def write_new(self, row, kind: str):
        """Save a new row, or (for a new issue) collect it for write_collected()."""
        row._change_reason = self.reason
        if self.bulk:
            self.collected[type(row)].append(row)
            if isinstance(row, Article):
                self.articles_written.append(row)
        else:
            row.save()
        self.report.count(kind, CREATED)
        return row


def _publication_slug(name: str, values: dict) -> str:
    """Return a unique slug: the website's name (zjgrrb for www.zjgrrb.com), else a hash."""
    host = values.get("website", "").lower().split("//")[-1].split("/")[0]
    labels = [label for label in host.split(".") if label and label != "www"]
    base = labels[0] if labels and labels[0].isascii() and labels[0].replace("-", "").isalnum() else ""
    base = base or "paper-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    slug, n = base, 1
    while Publication.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
