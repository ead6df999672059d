"""Load parsed pages into the database: records in, models out, one transaction per issue.

The importer works in pretix's three phases: the parser (importers/parser.py) reads and
validates a file into frozen records; ``load_page`` checks what the database cannot store,
then compares the records with the rows already there (keyed on natural keys: publication
+ date + edition, issue + page + position) and writes only what differs, inside one
``transaction.atomic()``. Re-importing the same file therefore writes nothing, and an
editor's correction is never overwritten: the ``imported`` snapshot on each row says what
the importer last wrote, so a value that differs from it is an editor's.

This is the only part of the importer that uses the ORM. A page of a new issue (every
page of a first import) has nothing to compare with: its articles, photos, advertisements,
credits and review flags are built unsaved and written a kind at a time
(``bulk_create_with_history``, so each still gets its history row), and their search
documents are built from those rows and written in the same transaction (``bulk_create``
sends no signals, and nothing needs reading back). Re-imports compare and merge row by row
through ``.save()``, so history and search follow each change.

``import_paths`` keeps one name -> Person cache for the whole run, indexes the changes of
re-imported pages in batches of pages, and can load files in several worker processes
(``jobs``). It reads
files in batches of PAGES_PER_BATCH; the pages of a batch that start new issues are
written together, in one transaction with one INSERT per table (``_load_new_issues``). If
that fails, nothing of the batch stays and each of its pages is loaded on its own, so a bad
page still fails alone, naming its file, and the others are written.
"""

from __future__ import annotations

import glob
import hashlib
import json
import logging
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    OperationalError,
    connections,
    models,
    transaction,
)
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import (
    AdvertisementRecord,
    ArticleRecord,
    FlagRecord,
    PageRecord,
    ParseError,
    PhotoRecord,
)
from newsroom import changes
from newsroom.lib.blocks import render_body
from newsroom.lib.bounds import ISSUE_NUMBERS, PAGES, POSITIONS, range_text
from newsroom.models import (
    Advertisement,
    Article,
    CorrectionStatus,
    Credit,
    ImportedFile,
    ImportRun,
    Issue,
    Person,
    PersonAlias,
    Photo,
    Publication,
    ReviewFlag,
    SourceFile,
    Visibility,
)
from newsroom.search import indexing

logger = logging.getLogger(__name__)

# The fields an editor may correct; their values as last imported live in ``row.imported``.
ARTICLE_TEXT_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body", "kind")
PHOTO_TEXT_FIELDS = ("caption",)
ADVERTISEMENT_TEXT_FIELDS = ("advertiser", "text", "phone", "website")

# Used only if the parser stops naming its limit; a front page in the seeds is about 15 kB.
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024

# Files a folder argument stands for.
PAGE_SUFFIXES = (".txt", ".md")

# What a report counts, and the ways each thing can fare.
KINDS = ("articles", "photos", "advertisements", "people", "credits", "flags")
CREATED, UPDATED, UNCHANGED, KEPT, DELETED = "created", "updated", "unchanged", "kept", "deleted"
FAILED = "failed"

# A page of a new issue writes its rows a kind at a time (False: row by row, as re-imports do).
BULK_NEW_ISSUES = True
# During import_paths the search index is written once per this many pages, not per page.
INDEX_EVERY_PAGES = 200
# Files handed to a worker process at a time (with --jobs): it indexes search after each lot.
FILES_PER_TASK = 50
# Pages of new issues written together, in one transaction (see _load_new_issues).
PAGES_PER_BATCH = 25
# A run's file reports are written as ImportedFile rows this many at a time (RunFiles).
FILE_RECORDS_PER_WRITE = 500


def max_file_bytes() -> int:
    """Return the largest file the importer reads: the parser's limit for one page."""
    from importers import parser

    return int(getattr(parser, "MAX_PAGE_BYTES", DEFAULT_MAX_FILE_BYTES))


# --------------------------------------------------------------------------- reports


@dataclass
class PageReport:
    """What loading one file did (or would do, in a dry run), or why it failed."""

    source: str
    status: str = UNCHANGED  # created | updated | unchanged | failed
    encoding: str = ""
    issue_id: int | None = None
    error: str = ""
    counts: dict[str, Counter] = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, action: str, n: int = 1) -> None:
        self.counts[kind][action] += n

    def total(self, action: str, kinds: Iterable[str] = ("articles", "photos", "advertisements")) -> int:
        """Return how many things of these kinds fared this way."""
        return sum(self.counts[kind][action] for kind in kinds)

    @property
    def wrote(self) -> bool:
        return any(
            self.counts[kind][action]
            for kind in KINDS
            for action in (CREATED, UPDATED, DELETED)
        )

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def summary(self) -> dict[str, int]:
        """Return the numbers the command's table shows."""
        return {
            "created": self.total(CREATED, ("articles", "photos", "advertisements", "people")),
            "updated": self.total(UPDATED),
            "unchanged": self.total(UNCHANGED),
            "kept": self.total(KEPT),
            "flags": self.counts["flags"][CREATED],
        }

    def as_record(self, run: ImportRun, position: int, *, with_issue: bool = True) -> ImportedFile:
        """Return the unsaved ImportedFile row of this report, the run's file number ``position``."""
        return ImportedFile(
            run=run,
            position=position,
            source=self.source[: ImportedFile._meta.get_field("source").max_length],
            status=self.status,
            encoding=self.encoding,
            issue_id=self.issue_id if with_issue else None,
            error=self.error,
            counts={kind: dict(counter) for kind, counter in self.counts.items() if counter},
            notes=self.notes,
        )

    @classmethod
    def from_record(cls, row: ImportedFile) -> PageReport:
        return cls(
            source=row.source,
            status=row.status,
            encoding=row.encoding,
            issue_id=row.issue_id,
            error=row.error,
            counts={kind: Counter(row.counts.get(kind, {})) for kind in KINDS},
            notes=list(row.notes),
        )


class RunFiles:
    """Records a run's file reports as they arrive: ImportedFile rows, written
    FILE_RECORDS_PER_WRITE at a time, so a run of any length holds only that many.

    A dry run keeps its records until it has rolled back (its writes would roll back
    with it), and records no issue, since the dry run's issues never existed.
    """

    def __init__(self, run: ImportRun, *, dry_run: bool = False):
        self.run = run
        self.dry_run = dry_run
        self.count = 0
        self.failed = 0
        self.totals: Counter = Counter()
        self.pending: list[ImportedFile] = []

    def add(self, report: PageReport) -> None:
        self.count += 1
        self.failed += report.failed
        self.totals.update(report.summary())
        self.pending.append(report.as_record(self.run, self.count, with_issue=not self.dry_run))
        if not self.dry_run and len(self.pending) >= FILE_RECORDS_PER_WRITE:
            self.write()

    def write(self) -> None:
        ImportedFile.objects.bulk_create(self.pending)
        self.pending = []


class ReportedFiles(Sequence):
    """A run's file reports (PageReport), read from its ImportedFile rows in file order."""

    def __init__(self, run: ImportRun):
        self.run = run

    def __len__(self) -> int:
        return self.run.files.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [PageReport.from_record(row) for row in list(self.run.files.all())[index]]
        position = index + 1 if index >= 0 else len(self) + index + 1
        row = self.run.files.filter(position=position).first() if position > 0 else None
        if row is None:
            raise IndexError(index)
        return PageReport.from_record(row)

    def __iter__(self) -> Iterator[PageReport]:
        for row in self.run.files.order_by("position").iterator(chunk_size=FILE_RECORDS_PER_WRITE):
            yield PageReport.from_record(row)


@dataclass
class RunReport:
    """What one run of the importer did to each file, and the ImportRun that records it."""

    run: ImportRun
    dry_run: bool = False

    @property
    def files(self) -> ReportedFiles:
        return ReportedFiles(self.run)

    @property
    def failures(self) -> list[PageReport]:
        return [PageReport.from_record(row) for row in self.run.files.filter(status=FAILED)]

    @property
    def ok(self) -> bool:
        return not self.run.files.filter(status=FAILED).exists()


# --------------------------------------------------------------------------- loading one page


def load_page(
    page: PageRecord,
    *,
    run: ImportRun | None = None,
    source_text: str = "",
    size: int | None = None,
    people: dict[str, Person] | None = None,
    concurrent: bool = False,
) -> PageReport:
    """Write one parsed page to the database in one transaction and return what changed.

    ``source_text`` (the decoded file) and ``size`` (its bytes) are stored on the
    SourceFile. ``people`` is a run's name -> Person cache: read, and given the people
    this page found or created once (and only if) its transaction commits. With
    ``concurrent`` (a worker of a parallel run) a person or publication that another
    process creates at the same moment is taken from it instead of failing the page.
    Raises ParseError for values the database cannot hold; any error rolls back
    everything this page wrote.
    """
    report = PageReport(source=page.source, encoding=page.encoding)
    _validate(page)
    with transaction.atomic():
        _commit_without_waiting()
        loader = _PageLoader(
            page, report=report, run=run, source_text=source_text, size=size,
            people=people, concurrent=concurrent,
        )
        loader.load()
    if people is not None:
        found = loader.people
        # Runs now when the page's transaction was the outermost; inside a dry run's
        # transaction only if it ever commits (it does not), so no rolled-back person stays.
        transaction.on_commit(lambda: people.update(found))
    if report.status != CREATED:
        report.status = UPDATED if report.wrote else UNCHANGED
    return report


def _commit_without_waiting() -> None:
    """Let the current transaction commit without waiting for the WAL flush (PostgreSQL).

    A crash may lose the last fraction of a second of imported pages but never corrupts
    anything, and re-running the import (idempotent) brings them back. Only this
    transaction is affected.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _validate(page: PageRecord) -> None:
    """Raise ParseError, naming file and line, for a value too long or out of range to store."""
    issue = page.issue
    if issue.number is not None and issue.number not in ISSUE_NUMBERS:
        # The parser refuses such a number at its masthead line; this guards other records.
        raise ParseError(
            page.source,
            None,
            f"issue number {issue.number} is out of range: it must be within "
            f"{range_text(ISSUE_NUMBERS)}",
        )
    _check_lengths(
        Issue, {"lunar_date": issue.lunar_date, "weekday": issue.weekday}, page.source, (0, 0)
    )
    for article in page.articles:
        _check_position(page.source, article.lines, article.page, article.position, "article")
        values = _article_values(article)
        if article.kind not in Article.Kind.values:
            raise ParseError(
                page.source,
                article.lines[0] or None,
                f"article kind {article.kind!r} is not one of {', '.join(Article.Kind.values)}",
            )
        _check_lengths(Article, {**values, "heading": article.heading}, page.source, article.lines)
        for photo in article.photos:
            _check_position(page.source, photo.lines, article.page, photo.position, "photo")
            _check_lengths(Photo, {"caption": photo.caption}, page.source, photo.lines)
            for contributor in photo.contributors:
                _check_lengths(Person, {"name": contributor.name}, page.source, photo.lines)
        for contributor in article.contributors:
            _check_lengths(Person, {"name": contributor.name}, page.source, article.lines)
    for ad in page.advertisements:
        _check_position(page.source, ad.lines, ad.page, ad.position, "advertisement")
        _check_lengths(Advertisement, _advertisement_values(ad), page.source, ad.lines)


def _check_position(source: str, lines, page: int, position: int, what: str) -> None:
    if page not in PAGES or position not in POSITIONS:
        raise ParseError(
            source,
            lines[0] or None,
            f"{what} at page {page} position {position} is out of range: pages must be within "
            f"{range_text(PAGES)} and positions within {range_text(POSITIONS)}",
        )


def _check_lengths(model: type[models.Model], values: dict, source: str, lines) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and isinstance(value, str) and len(value) > limit:
            raise ParseError(
                source,
                lines[0] or None,
                f"{model._meta.model_name} {name} is {len(value)} characters long; "
                f"the archive stores at most {limit} (check the OCR around this line)",
            )


def _article_values(record: ArticleRecord) -> dict[str, str]:
    return {
        "kicker": record.kicker,
        "headline": record.headline or record.heading,
        "subheadline": record.subheadline,
        "dateline": record.dateline,
        "body": render_body(record.blocks),
        "kind": record.kind,
    }


def _advertisement_values(record: AdvertisementRecord) -> dict[str, str]:
    return {
        "advertiser": record.advertiser,
        "text": record.text,
        "phone": record.phone,
        "website": record.website,
    }


def _lines(lines) -> dict[str, int | None]:
    start, end = lines
    return {"line_start": start or None, "line_end": end or start or None}


def fingerprint(*parts) -> str:
    """Return the stable identity of a review flag: a SHA-256 of its description."""
    description = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(description.encode("utf-8")).hexdigest()


def one_edit_apart(a: str, b: str) -> bool:
    """Return whether two different names differ by one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


# django-simple-history keeps at most 100 characters of a change reason; the run's part
# ("import run 123: ") takes at most 20 of them.
CHANGE_REASON_LENGTH = 100
SOURCE_ROOM = 80


def change_reason(where: str, source: str) -> str:
    """Return the history's change reason for a page: the run and the file.

    A path too long for the reason is replaced by its file name, so the reason still says which
    page a row came from, whatever the run number's length.
    """
    if len(source) > SOURCE_ROOM:
        source = "…/" + PurePath(source).name[-(SOURCE_ROOM - 2):]
    return f"{where}: {source}"[:CHANGE_REASON_LENGTH]


class _PageLoader:
    """Compare one page's records with the rows already stored, and write the differences."""

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
        where = f"import run {run.pk}" if run is not None and run.pk else "import"
        self.reason = change_reason(where, page.source)
        # The people this page found or created; ``known_people`` holds those of pages
        # already committed in this run.
        self.people: dict[str, Person] = found_people if found_people is not None else {}
        self.known_people = people if people is not None else {}
        self.concurrent = concurrent
        # The stored flags of the issue: fingerprint -> (id, first line, last line).
        self.fingerprints: dict[str, tuple[int | None, int | None, int | None]] = {}
        # Those of the stored flags a re-import closed as superseded (reopened if given again).
        self.superseded: set[str] = set()
        self.reopened = 0
        # The fingerprints of every flag this load gives, new or already stored.
        self.given: set[str] = set()
        # True for a page of a new issue: its rows are collected here and written a kind at
        # a time by _write_collected(). A batch of new issues shares one collection.
        self.bulk = False
        self.collected: defaultdict[type[models.Model], list] = (
            collected if collected is not None else defaultdict(list)
        )
        self.articles_written: list[Article] = []

    # -- the issue

    def load(self) -> None:
        publication = self.publication()
        source = self.source_file()
        self.issue = self.load_issue(publication, source)
        self.load_contents(publication)
        if self.bulk:
            _write_collected(self.collected, self.articles_written)

    def load_contents(self, publication: Publication) -> None:
        """Load the page's articles, photos, advertisements and flags into ``self.issue``."""
        self.report.issue_id = self.issue.pk
        # A new issue has no rows to compare with: build them all and write them at once.
        self.bulk = BULK_NEW_ISSUES and self.report.status == CREATED
        if not self.bulk:
            for fingerprint, pk, start, end, status in self.issue.flags.values_list(
                "fingerprint", "pk", "line_start", "line_end", "status"
            ):
                self.fingerprints[fingerprint] = (pk, start, end)
                if status == ReviewFlag.Status.SUPERSEDED:
                    self.superseded.add(fingerprint)
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

    def publication(self) -> Publication:
        record = self.page.issue
        publication = Publication.objects.filter(name=record.publication).first()
        if publication is not None:
            return publication
        known = KNOWN_PUBLICATIONS.get(record.publication)
        values = dict(known) if known else {
            "cn_number": record.cn_number,
            "postal_code": record.postal_code,
            "website": record.website,
            "email": record.email,
            "slogan": record.slogan,
            "address": record.address,
            "postcode": record.postcode,
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
        elif not _save_unless_taken(publication):
            # Another import process created the paper a moment ago: use theirs.
            return Publication.objects.get(name=record.publication)
        self.report.notes.append(f"created publication {record.publication}")
        return publication

    @property
    def sha256(self) -> str:
        return self.page.sha256 or fingerprint("page", self.page.as_json())

    def source_file(self) -> SourceFile:
        source = SourceFile.objects.filter(sha256=self.sha256).first()
        if source is None:
            source = self.new_source_file()
            source.save()
        return source

    def new_source_file(self) -> SourceFile:
        """Return the unsaved SourceFile row of this page's file."""
        return SourceFile(
            name=self.page.source[: SourceFile._meta.get_field("name").max_length],
            sha256=self.sha256,
            size=self.size if self.size is not None else len(self.source_text.encode("utf-8")),
            encoding=self.page.encoding,
            text=self.source_text,
        )

    def issue_values(self, source: SourceFile) -> dict:
        record = self.page.issue
        return {
            "lunar_date": record.lunar_date,
            "weekday": record.weekday,
            "number": record.number,
            "masthead": {
                name: getattr(record, name)
                for name in (
                    "cn_number", "postal_code", "website", "email", "slogan", "address", "postcode",
                )
                if getattr(record, name)
            },
            "source": source,
        }

    def new_issue(self, publication: Publication, source: SourceFile) -> Issue:
        """Return the unsaved Issue this page starts, and count the page as creating it."""
        issue = Issue(
            publication=publication, date=self.page.issue.date, edition=1,
            **self.issue_values(source),
        )
        issue._change_reason = self.reason
        self.report.status = CREATED
        return issue

    def load_issue(self, publication: Publication, source: SourceFile) -> Issue:
        record = self.page.issue
        issue = Issue.objects.filter(publication=publication, date=record.date, edition=1).first()
        if issue is None:
            issue = self.new_issue(publication, source)
            issue.save()
            return issue
        # Only the front page (版) prints the masthead; later pages do not overwrite it.
        if self.page.page != 1:
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

    def load_articles(self, pages: set[int]) -> None:
        if self.bulk:
            existing: dict = {}
            self.existing_photos: dict = {}
            self.credits: set[tuple] = set()
        else:
            existing = {
                (a.page, a.position): a for a in self.issue.articles.filter(page__in=pages)
            }
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
            self.disappeared(photo, "photos", PHOTO_TEXT_FIELDS, photo=photo)

    def load_article(self, record: ArticleRecord, article: Article | None) -> Article:
        values = _article_values(record)
        fixed = {
            "heading": record.heading,
            "original_text": record.original_text,
            "truncated": record.truncated,
            **_lines(record.lines),
        }
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
        key = (article_record.page, record.position)
        photo = self.existing_photos.pop(key, None)
        values = {"caption": record.caption}
        fixed = {"article": article, "original_text": record.original_text, **_lines(record.lines)}
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
        for order, contributor in enumerate(record.contributors, start=1):
            self.credit(contributor.name, contributor.role, order, photo=photo)
        return photo

    # -- advertisements

    def load_advertisements(self, pages: set[int]) -> None:
        existing = {} if self.bulk else {
            (a.page, a.position): a for a in self.issue.advertisements.filter(page__in=pages)
        }
        for record in self.page.advertisements:
            key = (record.page, record.position)
            ad = existing.pop(key, None)
            values = _advertisement_values(record)
            fixed = {"original_text": record.original_text, **_lines(record.lines)}
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

    # -- writing rows

    def write_new(self, row, kind: str):
        """Save a new row, or (for a new issue) collect it for _write_collected()."""
        row._change_reason = self.reason
        if self.bulk:
            self.collected[type(row)].append(row)
            if isinstance(row, Article):
                self.articles_written.append(row)
        else:
            row.save()
        self.report.count(kind, CREATED)
        return row

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
        for name, new in fixed.items():
            if name == "article":
                if row.article_id != (new.pk if new else None):
                    row.article = new
                    changed.append(name)
            elif getattr(row, name) != new:
                setattr(row, name, new)
                changed.append(name)
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

    def disappeared(self, row, kind: str, fields: tuple[str, ...], **target) -> None:
        """Delete a row the new file no longer has, or flag it when an editor worked on it."""
        if not _touched(row, fields):
            row._change_reason = self.reason
            row.delete()
            self.report.count(kind, DELETED)
            return
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

    # -- people and credits

    def person(self, name: str, role: str, **target) -> Person:
        """Return the person with this name or alias, creating (and maybe flagging) a new one."""
        if name in self.people:
            return self.people[name]
        person = self.known_people.get(name) or Person.objects.named(name).first()
        if person is None:
            similar = self.similar_person(name, role)
            person = self.create_person(name)
            if person is None:
                # Another import process created this person a moment ago: use theirs.
                person = Person.objects.named(name).get()
            else:
                self.report.count("people", CREATED)
                if similar is not None:
                    self.add_flag(
                        code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR,
                        message=(
                            f"{name} may be the same contributor as {similar.name} (both "
                            f"credited as {role}); merge them if so"
                        ),
                        fingerprint=fingerprint(
                            ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR, name, similar.name
                        ),
                        message_key=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR,
                        message_params={"name": name, "other": similar.name, "role": role},
                        person=person,
                        **target,
                    )
        self.people[name] = person
        return person

    def create_person(self, name: str) -> Person | None:
        """Save a new person; return None if a concurrent import saved the name first."""
        person = Person(name=name)
        person._change_reason = self.reason
        if not self.concurrent:
            person.save()
            return person
        return person if _save_unless_taken(person) else None

    def similar_person(self, name: str, role: str) -> Person | None:
        """Return a person credited in the same role whose name is one edit away, if any."""
        candidates = (
            Person.objects.filter(credits__role=role)
            .annotate(name_length=Length("name"))
            .filter(name_length__gte=len(name) - 1, name_length__lte=len(name) + 1)
            .distinct()
            .order_by("name")
        )
        for candidate in candidates:
            if one_edit_apart(name, candidate.name):
                return candidate
        # Credits collected for a new issue are not in the database yet, but count as well.
        for credit in self.collected.get(Credit, ()):
            if credit.role == role and one_edit_apart(name, credit.person.name):
                return credit.person
        return None

    def credit(self, name: str, role: str, order: int, *, article=None, photo=None) -> None:
        if article is not None:
            person = self.person(name, role, article=article)
        else:
            person = self.person(name, role, photo=photo, article=photo.article)
        on = article if article is not None else photo
        # Rows collected for a new issue have no key yet: tell them apart by identity.
        key = (on._meta.model_name, on.pk if on.pk is not None else id(on), person.pk, role)
        if key in self.credits:
            self.report.count("credits", UNCHANGED)
            return
        credit = Credit(person=person, role=role, order=order, article=article, photo=photo)
        credit._change_reason = self.reason
        if self.bulk:
            self.collected[Credit].append(credit)
        else:
            credit.save()
        self.credits.add(key)
        self.report.count("credits", CREATED)

    # -- review flags

    def load_page_flags(self, publication: Publication) -> None:
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
        code = record.code if record.code in ReviewFlag.Code.values else ReviewFlag.Code.OTHER
        message = record.message if code == record.code else f"[{record.code}] {record.message}"
        self.add_flag(
            code=code,
            message=message,
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
        on_these_pages = (
            Q(article__page__in=pages) | Q(photo__page__in=pages)
            | Q(advertisement__page__in=pages)
            | Q(article__isnull=True, photo__isnull=True, advertisement__isnull=True)
        )
        stale = (
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
        if self.reopened:
            self.report.notes.append(
                f"reopened {self.reopened} superseded flag(s) the file gives again"
            )
        # An unchanged file writes nothing.
        stale_ids = dict(stale.values_list("pk", "code"))
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

    def add_flag(self, *, fingerprint: str, lines=(0, 0), **fields) -> None:
        """Open a review flag unless one with this fingerprint exists, open or resolved by an
        editor; one an earlier re-import superseded opens again (the file gives it again)."""
        self.given.add(fingerprint)
        where = _lines(lines)
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


def _write_collected(collected: defaultdict, articles: list[Article]) -> None:
    """Write collected new rows a kind at a time, parents first, with their history rows,
    then the search documents of the new articles."""
    photos, credits = list(collected.get(Photo, ())), list(collected.get(Credit, ()))
    for model in (Article, Photo, Advertisement, Credit):
        rows = collected.pop(model, [])
        if rows:
            # Each row gets the history row a .save() would give it (type "+", its page's
            # reason, no user; a new article's record holds its tags: none, see
            # ArticleVersion); PostgreSQL and SQLite >= 3.35 return the new keys.
            extra = {"tag_names": []} if model is Article else None
            bulk_create_with_history(rows, model, custom_historical_attrs=extra)
    flags = collected.pop(ReviewFlag, [])
    if flags:
        ReviewFlag.objects.bulk_create(flags)
    _index_new_articles(articles, photos, credits)


def _index_new_articles(articles: list[Article], photos: list[Photo], credits: list[Credit]) -> None:
    """Write the search documents of just-written articles from the rows in hand.

    bulk_create sends no signals, and nothing needs reading back: the documents are
    built from these rows (and the aliases of the people credited) and commit with them.
    """
    photos_of: defaultdict[int, list[Photo]] = defaultdict(list)
    for photo in sorted(photos, key=lambda row: (row.page, row.position)):
        photos_of[id(photo.article)].append(photo)
    credits_of: defaultdict[int, list[Credit]] = defaultdict(list)
    for credit in sorted(credits, key=lambda row: (row.order, row.pk)):
        credits_of[id(credit.article if credit.article is not None else credit.photo)].append(credit)
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for person_id, name in PersonAlias.objects.filter(
        person_id__in={credit.person_id for credit in credits}
    ).order_by("name").values_list("person_id", "name"):
        aliases[person_id].append(name)

    def texts(article: Article) -> tuple[str, str, str]:
        on_photos = photos_of[id(article)]
        credited = [*credits_of[id(article)], *(c for p in on_photos for c in credits_of[id(p)])]
        return indexing.document_texts(
            article, on_photos, [(c.person.name, aliases[c.person_id]) for c in credited]
        )

    indexing.write_documents([(article, texts(article)) for article in articles])


def _chinese_name(row, field: str = "") -> str:
    """Return a model's (or one of its fields') name in Chinese, the catalogs' msgid, for a
    flag's message_params (flag_messages words it in the reader's language)."""
    from django.utils import translation

    meta = row._meta
    with translation.override("zh-hans"):
        return str(meta.get_field(field).verbose_name if field else meta.verbose_name)


def _save_unless_taken(row) -> bool:
    """Save a new row unless a concurrent transaction took its unique value; return if saved.

    A savepoint, so a clash leaves the page's transaction usable.
    """
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False
    return True


def _touched(row, fields: tuple[str, ...]) -> bool:
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


# --------------------------------------------------------------------------- files and runs


@dataclass(frozen=True)
class PageFile:
    """A file an argument named (``path``), or an argument that named nothing (``error``)."""

    name: str
    path: Path | None = None
    error: str = ""


def expand_paths(paths: Iterable[str | Path]) -> list[PageFile]:
    """Return the files that files, folders (their *.txt and *.md) and globs name, in order."""
    found: list[PageFile] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            found.append(PageFile(name=_display(path), path=path))

    for argument in paths:
        path = Path(argument)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and child.suffix.lower() in PAGE_SUFFIXES:
                    add(child)
        elif path.is_file():
            add(path)
        else:
            matches = sorted(glob.glob(str(argument), recursive=True))
            files = [Path(m) for m in matches if Path(m).is_file()]
            for match in matches:
                if Path(match).is_dir():
                    files.extend(
                        sorted(c for c in Path(match).iterdir()
                               if c.is_file() and c.suffix.lower() in PAGE_SUFFIXES)
                    )
            if not files:
                found.append(PageFile(name=str(argument), error=f"{argument}: no such file or folder"))
            for file in files:
                add(file)
    return found


def _display(path: Path) -> str:
    """Return a path as short as it can be told: relative to the working or project folder."""
    resolved = path.resolve()
    for base in (Path.cwd(), Path(settings.BASE_DIR)):
        try:
            return str(resolved.relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


def read_file(file: PageFile) -> tuple[PageRecord, str, int]:
    """Read and parse one file; return the page, its decoded text and its size in bytes.

    Raises ParseError for a file that is missing, unreadable, too large or not a page;
    a file over the size limit is refused before it is read.
    """
    from importers.parser import decode_page, read_page

    if file.error:
        raise ParseError(file.name, None, file.error.removeprefix(f"{file.name}: "))
    try:
        size = file.path.stat().st_size
        limit = max_file_bytes()
        if size > limit:
            raise ParseError(
                file.name,
                None,
                f"file is {size / 1024 / 1024:.1f} MB, over the {limit / 1024 / 1024:.0f} MB limit "
                "for one page; check it is a single page's Markdown (not read)",
            )
        data = file.path.read_bytes()
    except OSError as error:
        raise ParseError(file.name, None, f"cannot read the file ({error.strerror})") from error
    page = read_page(data, file.name)
    text, _encoding = decode_page(data, file.name)  # as the parser read it: without a BOM
    return page, text, size


def iter_pages(paths: Iterable[str | Path]) -> Iterator[tuple[str, PageRecord | None, str]]:
    """Yield (file name, parsed page or None, error message) for each file, one at a time."""
    for file in expand_paths(paths):
        try:
            page, _text, _size = read_file(file)
        except ParseError as error:
            yield file.name, None, str(error)
        else:
            yield file.name, page, ""


class _DryRunRollback(Exception):
    """Raised to roll back everything a dry run wrote."""


def import_paths(
    paths: Iterable[str | Path],
    *,
    dry_run: bool = False,
    started_by: str = "",
    progress: Callable[[int, int, PageReport], None] | None = None,
    jobs: int = 1,
) -> RunReport:
    """Import every file the paths name, each in its own transaction; return the run's report.

    A file that fails writes nothing and does not stop the others. With ``dry_run`` every
    file is loaded inside one transaction that is rolled back at the end, so the report
    says what would happen (people a file would create count for the files after it).
    The ImportRun is written outside those transactions and survives them.

    The search index is written every INDEX_EVERY_PAGES pages and before this returns,
    not after each page. ``jobs`` > 1 loads the files in that many worker processes, each
    with its own connection (PostgreSQL only, not in a dry run or inside a transaction;
    otherwise one process loads them all); the reports come back in file order.
    """
    paths = [str(p) for p in paths]
    files = expand_paths(paths)
    run = ImportRun.objects.create(
        started_by=started_by,
        arguments=" ".join([*paths, *(["--dry-run"] if dry_run else [])]),
        files_total=len(files),
    )
    recorded = RunFiles(run, dry_run=dry_run)

    def done(report: PageReport) -> None:
        recorded.add(report)
        if progress is not None:
            progress(recorded.count, len(files), report)

    jobs = effective_jobs(jobs, dry_run=dry_run, files=len(files))
    duplicates_flagged = 0
    try:
        with transaction.atomic() if dry_run else nullcontext():
            if jobs > 1:
                for chunk in _import_in_workers(files, run=run, jobs=jobs):
                    for report in chunk:
                        done(report)
                duplicates_flagged = flag_missed_duplicates(run)
            else:
                _import_serially(files, run=run, done=done, index=not dry_run)
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    recorded.write()
    run.status = (
        ImportRun.Status.DRY_RUN if dry_run
        else ImportRun.Status.FAILED if recorded.failed
        else ImportRun.Status.SUCCEEDED
    )
    run.files_failed = recorded.failed
    run.finished_at = timezone.now()
    # Each file's report is an ImportedFile row (run.files); the run keeps the totals.
    run.report = {"totals": {name: n for name, n in sorted(recorded.totals.items()) if n > 0}}
    if duplicates_flagged:
        run.report["duplicates_flagged_after_the_run"] = duplicates_flagged
    run.save()
    return RunReport(run=run, dry_run=dry_run)


def effective_jobs(jobs: int, *, dry_run: bool = False, files: int | None = None) -> int:
    """Return how many processes an import may use: 1 on SQLite, in a dry run or a transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    if jobs <= 1 or dry_run or connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    if files is not None:
        jobs = min(jobs, max(1, -(-files // FILES_PER_TASK)))
    return jobs


def flag_missed_duplicates(run: ImportRun) -> int:
    """Flag new people one edit from a person in the same role; return how many were flagged.

    Worker processes of a parallel run do not see each other's uncommitted credits, so two
    similar names first credited at the same moment would be flagged by neither page. This
    check after the run flags each such pair not yet flagged, on the newer person's first
    credit in that role.
    """
    code = ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR
    known = set(ReviewFlag.objects.filter(code=code).values_list("fingerprint", flat=True))
    count = 0
    for person in Person.objects.filter(created_at__gte=run.started_at).order_by("pk"):
        roles = person.credits.values_list("role", flat=True).distinct().order_by("role")
        for role in roles:
            candidates = (
                Person.objects.filter(credits__role=role)
                .exclude(pk=person.pk)
                .annotate(name_length=Length("name"))
                .filter(name_length__gte=len(person.name) - 1,
                        name_length__lte=len(person.name) + 1)
                .distinct()
                .order_by("name")
            )
            for other in candidates:
                if not one_edit_apart(person.name, other.name):
                    continue
                prints = {fingerprint(code, person.name, other.name),
                          fingerprint(code, other.name, person.name)}
                if prints & known:
                    continue
                credit = (
                    person.credits.filter(role=role).select_related("article", "photo__article")
                    .order_by("pk").first()
                )
                article = credit.article or credit.photo.article
                ReviewFlag.objects.create(
                    issue_id=article.issue_id,
                    fingerprint=fingerprint(code, person.name, other.name),
                    code=code,
                    message_key=code,
                    message_params={"name": person.name, "other": other.name, "role": role},
                    message=(
                        f"{person.name} may be the same contributor as {other.name} (both "
                        f"credited as {role}); merge them if so"
                    ),
                    person=person,
                    article=article,
                    photo=credit.photo,
                )
                known |= prints
                count += 1
    return count


def _import_serially(files: list[PageFile], *, run: ImportRun, done, index: bool = True) -> None:
    """Load the files one batch after another in this process, indexing search in batches."""
    people: dict[str, Person] = {}
    loaded = 0
    # Readers' cached pages are renewed at most once a second, not after every page.
    with changes.bulk() as changed:
        for start in range(0, len(files), PAGES_PER_BATCH):
            batch = files[start : start + PAGES_PER_BATCH]
            for report in _import_files(batch, run=run, people=people):
                done(report)
            before, loaded = loaded, loaded + len(batch)
            if index and loaded // INDEX_EVERY_PAGES > before // INDEX_EVERY_PAGES:
                changed.flush()


# The name -> Person cache of a worker process, kept across the lots of files it loads.
_worker_people: dict[str, Person] = {}


def _import_in_workers(files: list[PageFile], *, run: ImportRun, jobs: int):
    """Yield the reports of lots of files loaded by ``jobs`` worker processes, in file order."""
    tasks = [
        (files[start : start + FILES_PER_TASK], run.pk)
        for start in range(0, len(files), FILES_PER_TASK)
    ]
    # Fork without an open connection, so no worker shares the parent's socket.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        yield from pool.imap(_import_lot, tasks)
        pool.close()
        pool.join()


def _import_lot(task: tuple[list[PageFile], int]) -> list[PageReport]:
    """Load a lot of files in a worker process; index them for search before returning."""
    files, run_pk = task
    run = ImportRun(pk=run_pk)
    try:
        with changes.bulk():
            return [
                report
                for start in range(0, len(files), PAGES_PER_BATCH)
                for report in _import_files(
                    files[start : start + PAGES_PER_BATCH], run=run, people=_worker_people,
                    concurrent=True,
                )
            ]
    finally:
        connections.close_all()


@dataclass
class _ReadPage:
    """A file read and parsed, waiting to be loaded."""

    file: PageFile
    page: PageRecord
    text: str
    size: int


def _import_files(
    files: list[PageFile], *, run: ImportRun, people: dict[str, Person] | None = None,
    concurrent: bool = False,
) -> list[PageReport]:
    """Read, parse and load a batch of files; return their reports in file order.

    The pages that start new issues are written together by ``_load_new_issues``; the
    others (re-imports, a second page of an issue) and, if the batch failed, every page,
    are loaded one by one by ``_load_file``.
    """
    reports: dict[int, PageReport] = {}
    read: dict[int, _ReadPage] = {}
    for number, file in enumerate(files):
        try:
            read[number] = _ReadPage(file, *read_file(file))
            _validate(read[number].page)
        except ParseError as error:
            read.pop(number, None)
            reports[number] = PageReport(source=file.name, status=FAILED, error=str(error))
    if BULK_NEW_ISSUES and len(read) > 1:
        try:
            reports.update(_load_new_issues(read, run=run, people=people, concurrent=concurrent))
        except Exception as error:
            # Another process wrote one of these issues or names at the same moment, a
            # deadlock, or one bad page: nothing of the batch stays, and each page is loaded
            # on its own (which retries a collision and names the file that fails).
            logger.info("a batch of %d pages failed; loading them one by one: %s", len(read), error)
    for number, item in read.items():
        if number not in reports:
            reports[number] = _load_file(item, run=run, people=people, concurrent=concurrent)
    return [reports[number] for number in range(len(files))]


def _load_new_issues(
    read: dict[int, _ReadPage], *, run: ImportRun, people: dict[str, Person] | None,
    concurrent: bool,
) -> dict[int, PageReport]:
    """Write the pages that start issues not yet in the archive, together; return their reports.

    One transaction and one INSERT per table for the whole batch instead of per page: the
    same rows, history rows and reasons as ``load_page`` writes for each. A page whose issue
    exists, or whose issue an earlier page of the batch starts, is left out (not in the
    returned reports). Any error rolls back the whole batch.
    """
    found: dict[str, Person] = {}
    collected: defaultdict[type[models.Model], list] = defaultdict(list)
    loaders = {
        number: _PageLoader(
            item.page, report=PageReport(source=item.page.source, encoding=item.page.encoding),
            run=run, source_text=item.text, size=item.size, people=people,
            concurrent=concurrent, found_people=found, collected=collected,
        )
        for number, item in read.items()
    }
    with transaction.atomic():
        _commit_without_waiting()
        publications: dict[str, Publication] = {}
        for loader in loaders.values():
            name = loader.page.issue.publication
            if name not in publications:
                publications[name] = loader.publication()
        existing = set(
            Issue.objects.filter(
                publication__in=publications.values(), edition=1,
                date__in={loader.page.issue.date for loader in loaders.values()},
            ).values_list("publication_id", "date")
        )
        starting: dict[int, _PageLoader] = {}
        for number, loader in loaders.items():
            key = (publications[loader.page.issue.publication].pk, loader.page.issue.date)
            if key not in existing:
                existing.add(key)
                starting[number] = loader
        if not starting:
            return {}
        sources = SourceFile.objects.in_bulk(
            {loader.sha256 for loader in starting.values()}, field_name="sha256"
        )
        new_sources = {}
        for loader in starting.values():
            if loader.sha256 not in sources and loader.sha256 not in new_sources:
                new_sources[loader.sha256] = loader.new_source_file()
        SourceFile.objects.bulk_create(new_sources.values())
        sources.update(new_sources)
        issues = {
            number: loader.new_issue(
                publications[loader.page.issue.publication], sources[loader.sha256]
            )
            for number, loader in starting.items()
        }
        bulk_create_with_history(list(issues.values()), Issue)
        for number, loader in starting.items():
            loader.issue = issues[number]
            loader.load_contents(publications[loader.page.issue.publication])
        _write_collected(
            collected, [a for loader in starting.values() for a in loader.articles_written]
        )
        # bulk_create sends no post_save: readers' cached pages must learn of the new issues.
        changes.archive_changed()
    if people is not None:
        # As in load_page: only once (and if) the batch's transaction commits.
        transaction.on_commit(lambda: people.update(found))
    return {number: loader.report for number, loader in starting.items()}


def _load_file(
    item: _ReadPage, *, run: ImportRun, people: dict[str, Person] | None = None,
    concurrent: bool = False,
) -> PageReport:
    """Load one parsed file on its own; return its report, with the error if it failed.

    With ``concurrent`` (a worker of a parallel run) a page that collided with another
    process's transaction (the same issue or name created at once, a deadlock) is loaded
    once more: by then the other transaction has finished.
    """
    file = item.file
    for attempt in (1, 2):
        try:
            return load_page(
                item.page, run=run, source_text=item.text, size=item.size, people=people,
                concurrent=concurrent,
            )
        except ParseError as error:
            return PageReport(source=file.name, status=FAILED, error=str(error))
        except (IntegrityError, OperationalError) as error:
            if concurrent and attempt == 1:
                logger.info("importing %s collided with another process; again: %s", file.name, error)
                continue
            return _unexpected_failure(file, error)
        except Exception as error:
            return _unexpected_failure(file, error)
    raise AssertionError("unreachable")


def _unexpected_failure(file: PageFile, error: Exception) -> PageReport:
    # Not the input's fault: keep the traceback in the log, name the file in the report,
    # and go on with the next file (this one's transaction has rolled back).
    logger.exception("importing %s failed", file.name, exc_info=error)
    return PageReport(
        source=file.name, status=FAILED, error=f"{file.name}: {type(error).__name__}: {error}"
    )
