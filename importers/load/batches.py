"""Loading a batch of files: the pages that start new issues written together, the rest one by one.

Files are read in batches of ``IMPORT_BATCH_PAGES`` (a setting); the pages of a batch that start new issues are
written in one transaction with one INSERT per table (``_load_new_issues``). If that fails,
nothing of the batch stays and each of its pages is loaded on its own, so a bad page still
fails alone, naming its file, and the others are written.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, OperationalError, models, transaction
from django.utils.translation import gettext

from importers.load.files import PageFile, parse_file, read_bytes
from importers.load.flags import stored_flag_rows
from importers.load.history import create_with_history
from importers.load.joins import join_issues
from importers.load.page import PageLoader, load_page
from importers.load.pagerows import AwaitingFrontPage
from importers.load.reports import FAILED, UNCHANGED, PageReport
from importers.load.scans import ScanFile, check_and_store, find_scan, verify_new_scans
from importers.load.values import validate
from importers.load.version import importer_version
from importers.load.writes import commit_without_waiting, write_collected
from importers.records import PageRecord, ParseError
from newsroom import changes
from newsroom.models import ImportRun, Issue, Page, Person, Publication, SourceFile

logger = logging.getLogger(__name__)


def in_batches(files: list[PageFile]):
    """Yield the files ``IMPORT_BATCH_PAGES`` at a time, in order.

    The pages of new issues in a batch are written together, in one transaction (see
    _load_new_issues). Each batch costs a fixed amount besides its pages (the issues' joins,
    the page cache's scopes and reach at commit, the lookups of papers, issues and sources,
    the pages of an issue cut by the batch's edge, loaded one by one): batches of 25 pages
    spent a quarter of the import's CPU on it (docs/performance.md). A run reports progress
    after each batch; a batch that fails is loaded again page by page.
    """
    size = settings.IMPORT_BATCH_PAGES
    for start in range(0, len(files), size):
        yield files[start : start + size]


@dataclass
class _ReadPage:
    """A file read and parsed, waiting to be loaded."""

    file: PageFile
    page: PageRecord
    text: str
    size: int
    scan: ScanFile | None = None


def import_files(
    files: list[PageFile], *, run: ImportRun, people: dict[str, Person] | None = None,
    concurrent: bool = False, store_scans: bool = True,
) -> list[PageReport]:
    """Read, parse and load a batch of files; return their reports in file order.

    Each page's scan beside it is checked, and stored unless ``store_scans`` is False (a dry
    run, which writes nothing).

    The pages that start new issues are written together by ``_load_new_issues``; the
    others (re-imports, a second page of an issue) and, if the batch failed, every page,
    are loaded one by one by ``_load_file``.
    """
    reports: dict[int, PageReport] = {}
    read: dict[int, _ReadPage] = {}
    data: dict[int, bytes] = {}
    scans: dict[int, ScanFile | None] = {}
    for number, file in enumerate(files):
        try:
            data[number] = read_bytes(file)
            scans[number] = find_scan(file)
        except ParseError as error:
            data.pop(number, None)
            reports[number] = PageReport(source=file.name, status=FAILED, error=str(error))
    reports.update(_unchanged_files(files, data, scans))
    for number, content in data.items():
        if number in reports:
            continue
        try:
            if scans[number] is not None:
                # Read (and hashed) here, one at a time: its bytes are dropped once stored.
                scans[number].read()
            read[number] = _ReadPage(files[number], *parse_file(files[number], content), scan=scans[number])
            validate(read[number].page)
            if scans[number] is not None:
                check_and_store(scans[number], store_it=store_scans)
        except ParseError as error:
            read.pop(number, None)
            reports[number] = PageReport(source=files[number].name, status=FAILED, error=str(error))
    if PageLoader.BULK_NEW_ISSUES and len(read) > 1:
        try:
            reports.update(_load_new_issues(read, run=run, people=people, concurrent=concurrent))
        except Exception as error:
            # Another process wrote one of these issues or names at the same moment, a
            # deadlock, or one bad page: nothing of the batch stays, and each page is loaded
            # on its own (which retries a collision and names the file that fails).
            if isinstance(error, (IntegrityError, OperationalError)):
                logger.info("a batch of %d pages met another process; loading them one by one: %s",
                            len(read), error)
            else:
                # Not a collision: a bug that costs the batch its speed (nothing is lost).
                logger.warning("a batch of %d pages failed; loading them one by one", len(read),
                               exc_info=error)
    for number, item in read.items():
        if number not in reports:
            reports[number] = _load_file(item, run=run, people=people, concurrent=concurrent)
    return [reports[number] for number in range(len(files))]


def _unchanged_files(
    files: list[PageFile], data: dict[int, bytes], scans: dict[int, ScanFile | None]
) -> dict[int, PageReport]:
    """Return the reports of the files whose exact bytes this importer already loaded into their
    page (importers/load/version.py), with the same scan beside them if any: unchanged, not
    read again (one query for the batch). Only the scans of those files are read here (a scan
    that cannot be read fails its page, naming the scan)."""
    shas = {number: hashlib.sha256(content).hexdigest() for number, content in data.items()}
    loaded = {
        sha: (issue_id, encoding, scan_imported)
        for sha, issue_id, encoding, scan_imported in Page.objects.filter(
            source__sha256__in=set(shas.values()), source__importer_version=importer_version()
        ).values_list("source__sha256", "issue", "source__encoding", "scan_imported_sha256")
    }
    reports = {}
    for number, sha in shas.items():
        scan = scans.get(number)
        if sha not in loaded:
            continue
        if scan is not None:
            try:
                scan.read()
            except ParseError as error:
                reports[number] = PageReport(source=files[number].name, status=FAILED, error=str(error))
                continue
        if scan is None or scan.sha256 == loaded[sha][2]:
            if scan is not None:
                scan.forget_bytes()
            issue_id, encoding, _scan = loaded[sha]
            reports[number] = PageReport(source=files[number].name, status=UNCHANGED,
                                         encoding=encoding, issue_id=issue_id)
            reports[number].notes.append(gettext("与上次导入的文件完全相同，未再读取"))
    return reports


def _load_new_issues(
    read: dict[int, _ReadPage], *, run: ImportRun, people: dict[str, Person] | None,
    concurrent: bool,
) -> dict[int, PageReport]:
    """Write the batch's new pages together; return their reports.

    A new page is one that starts an issue not yet in the archive, or an inside page of an
    issue (stored, or started in this batch) that holds nothing of that page yet. One
    transaction and one INSERT per table for the whole batch instead of per page: the same
    rows, history rows and reasons as ``load_page`` writes for each; the issues' continued
    articles are joined once per issue. Other pages (re-imports, front pages of stored issues,
    which update the masthead, inside pages whose paper is not known yet) are left out (not in
    the returned reports). Any error rolls back the whole batch.
    """
    found: dict[str, Person] = {}
    collected: defaultdict[type[models.Model], list] = defaultdict(list)
    loaders = {
        number: PageLoader(
            item.page, report=PageReport(source=item.page.source, encoding=item.page.encoding),
            run=run, source_text=item.text, size=item.size, people=people,
            concurrent=concurrent, found_people=found, collected=collected,
        )
        for number, item in read.items()
    }
    for number, loader in loaders.items():
        loader.scan = read[number].scan
    with transaction.atomic():
        commit_without_waiting()
        papers = _papers(loaders)
        loaders = {number: loader for number, loader in loaders.items() if number in papers}
        issues = _issues_of(loaders, papers)
        starting = _starting_issues(loaders, papers, issues)
        joining = _new_inside_pages(loaders, starting, issues, papers)
        chosen = {**starting, **joining}
        if not chosen:
            return {}
        sources = _source_files(chosen.values())
        # The flags of the stored issues that pages join: one query (a new issue has none).
        stored_flags = stored_flag_rows({loader.issue.pk for loader in joining.values()
                                         if loader.issue is not None})
        new = {number: loader.new_issue(papers[number], sources[loader.sha256])
               for number, loader in starting.items()}
        create_with_history(list(new.values()), Issue)
        for number, issue in new.items():
            issues[(papers[number].pk, issue.date)] = issue
        for number, loader in sorted(chosen.items()):
            issue = issues[(papers[number].pk, loader.page.issue.date)]
            loader.issue, loader.source = issue, sources[loader.sha256]
            loader.load_contents(papers[number], bulk=True,
                                 stored_flags=stored_flags.get(issue.pk, []))
        documents = write_collected(
            collected, [a for loader in chosen.values() for a in loader.articles_written])
        # Continued articles: in the issues this batch gave jumps or continuations, or new pages.
        rejoin = {loader.issue.pk: loader for number, loader in chosen.items()
                  if number not in starting or any(a.jump or a.continued_from for a in loader.page.articles)}
        joined = join_issues({issue_id: (loader.issue, loader.reason) for issue_id, loader in rejoin.items()})
        documents.write_after_join(joined)
        # bulk_create sends no post_save: readers' cached pages must learn of the new pages.
        changes.archive_changed(issues=[loader.issue.pk for loader in chosen.values()])
        verify_new_scans(chosen.values())
    if people is not None:
        # As in load_page: only once (and if) the batch's transaction commits.
        transaction.on_commit(lambda: people.update(found))
    return {number: loader.report for number, loader in chosen.items()}


def _papers(loaders: dict[int, PageLoader]) -> dict[int, Publication]:
    """Return each page's paper; an inside page whose paper is not known yet is left out."""
    by_name: dict[str, Publication] = {}
    # An unnamed inside page's paper depends on its date alone (paper_of_inside_page), and
    # nothing is written once the named pages are done: asked once a date, not once a page.
    by_date: dict = {}
    papers: dict[int, Publication] = {}
    for number, loader in sorted(loaders.items(), key=lambda item: not item[1].page.issue.publication):
        name = loader.page.issue.publication
        try:
            if not name:
                date = loader.page.issue.date
                if date not in by_date:
                    by_date[date] = None  # stays None if it awaits its front page
                    by_date[date] = loader.publication()
                if by_date[date] is not None:
                    papers[number] = by_date[date]
                continue
            if name not in by_name:
                by_name[name] = loader.publication()
        except AwaitingFrontPage:
            continue
        papers[number] = by_name[name]
    return papers


def _issues_of(loaders: dict[int, PageLoader], papers: dict[int, Publication]) -> dict:
    """Return the stored issues of the batch's pages by (paper id, date) (one query), locked
    until the batch commits, in one order (no deadlock between two batches): another process
    loading a page of one of them waits, then sees this batch's pages when it joins parts. FOR
    NO KEY UPDATE: rows that only refer to an issue (the run's ImportedFile) are not held up."""
    stored = Issue.objects.select_for_update(no_key=True).order_by("pk").filter(
        publication__in=set(papers.values()), edition=1,
        date__in={loader.page.issue.date for loader in loaders.values()},
    )
    return {(issue.publication_id, issue.date): issue for issue in stored}


def _new_inside_pages(loaders, starting, issues, papers) -> dict[int, PageLoader]:
    """Return the inside pages (not the first of a new issue) that their issue does not hold yet."""
    started = {(papers[n].pk, loader.page.issue.date) for n, loader in starting.items()}
    claimed: set[tuple] = set()
    joining = {}
    for number, loader in loaders.items():
        key = (papers[number].pk, loader.page.issue.date)
        if number in starting or loader.page.front or (key not in started and key not in issues):
            continue
        if (*key, loader.page.page) in claimed:
            continue  # two files of one page: the second is loaded on its own (and flagged)
        if key in issues:
            loader.issue = issues[key]
            if not loader.page_is_new():
                continue
        claimed.add((*key, loader.page.page))
        joining[number] = loader
    return joining


def _starting_issues(
    loaders: dict[int, PageLoader], papers: dict[int, Publication], stored: dict
) -> dict[int, PageLoader]:
    """Return the loaders of the pages that start an issue not stored yet, one each: its front
    page if the batch has it (the masthead's values), else its first page."""
    existing = set(stored)
    starting: dict[int, PageLoader] = {}
    for number, loader in sorted(loaders.items(), key=lambda item: (not item[1].page.front, item[0])):
        key = (papers[number].pk, loader.page.issue.date)
        if key not in existing:
            existing.add(key)
            starting[number] = loader
    return starting


def _source_files(loaders) -> dict[str, SourceFile]:
    """Return the SourceFile of each loader's page by SHA-256, writing the new ones at once."""
    sources = SourceFile.objects.defer("text").in_bulk({loader.sha256 for loader in loaders},
                                                       field_name="sha256")
    # Loaded by this importer from now on (version.py): the same bytes are skipped next time.
    version = importer_version()
    older = [source.pk for source in sources.values() if source.importer_version != version]
    if older:
        SourceFile.objects.filter(pk__in=older).update(importer_version=version)
    new_sources = {}
    for loader in loaders:
        if loader.sha256 not in sources and loader.sha256 not in new_sources:
            new_sources[loader.sha256] = loader.new_source_file()
    SourceFile.objects.bulk_create(new_sources.values())
    sources.update(new_sources)
    return sources


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
                concurrent=concurrent, scan=item.scan,
            )
        except ParseError as error:
            return PageReport(
                source=file.name, status=FAILED, error=str(error),
                awaits_front_page=isinstance(error, AwaitingFrontPage),
            )
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
