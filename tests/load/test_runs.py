"""A run of the importer: files one by one, dry runs, search in batches, worker processes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
import time

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from importers.load import (
    batches,
    import_paths,
    runs,
    writes,
)
from importers.load.files import DatedFile, PageFile, read_file
from importers.load.page import PageLoader
from newsroom.models import (
    Article,
    ImportRun,
    Issue,
    Person,
    SourceFile,
)
from tests.load.pages import (
    SEED_2021,
    SEED_2022,
    SEEDS,
    archive_snapshot,
    empty_the_archive,
    seed_pages,
)

pytestmark = pytest.mark.django_db


def test_a_failure_half_way_leaves_nothing_for_that_file_and_the_next_file_still_imports(
    tmp_path, monkeypatch
):
    shutil.copy(SEED_2021, tmp_path / "a.txt")
    shutil.copy(SEED_2022, tmp_path / "b.txt")
    original = PageLoader.load_article
    calls = []

    def fail_after_the_first_article(self, record, article):
        if self.page.source.endswith("a.txt") and calls:
            raise RuntimeError("disk full")
        calls.append(record)
        return original(self, record, article)

    monkeypatch.setattr(PageLoader, "load_article", fail_after_the_first_article)

    result = import_paths([tmp_path])

    assert [r.status for r in result.files] == ["failed", "created"]
    assert "a.txt: RuntimeError: disk full" in result.files[0].error
    assert list(Issue.objects.values_list("date", flat=True)) == [dt.date(2022, 6, 17)]
    assert not Person.objects.filter(name="金钩").exists()  # credited only in a.txt
    assert SourceFile.objects.count() == 1
    assert Article.history.filter(issue__date=dt.date(2021, 3, 19)).count() == 0
    assert result.run.status == "failed" and result.run.files_failed == 1


def test_a_dry_run_writes_nothing_but_reports_and_records_what_would_happen():
    result = import_paths([SEEDS], dry_run=True)

    assert [r.status for r in result.files] == ["created", "created"]
    assert result.files[0].counts["articles"]["created"] == 5
    assert Issue.objects.count() == Person.objects.count() == SourceFile.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == "dry_run"
    assert run.files.get(position=2).counts["people"] == {"created": 3}
    assert not run.files.filter(issue__isnull=False).exists()  # its issues never existed


def test_an_import_run_indexes_changed_pages_in_batches_of_pages_and_before_it_returns(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from newsroom.search import indexing
    from newsroom.search.models import ArticleDocument

    seed_pages(tmp_path, range(1, 4))
    # As after a real commit: indexing left waiting by earlier tests (ids on the connection,
    # a callback that never ran in their rolled-back transaction) runs here, not in the run.
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([tmp_path])
    for path in tmp_path.iterdir():  # every page's lead story gets a new headline
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("## ", "## 新", 1), encoding="utf-8")
    indexed = []
    original = indexing.index_articles
    monkeypatch.setattr(indexing, "index_articles",
                        lambda ids, **kw: (indexed.append(set(ids)), original(ids, **kw)))
    monkeypatch.setattr(runs, "INDEX_EVERY_PAGES", 2)
    monkeypatch.setattr(django_settings, "IMPORT_BATCH_PAGES", 2)

    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([tmp_path])

    assert [r.status for r in result.files] == ["updated"] * 3

    def ids(*days):

        changed = Q(kicker__startswith="新") | Q(headline__startswith="新")
        return set(Article.objects.filter(changed, issue__date__in=[dt.date(2021, 4, d) for d in days])
                   .values_list("pk", flat=True))

    # (A batch may also hold ids left from a rolled-back transaction: they are skipped.)
    assert [batch & ids(1, 2, 3) for batch in indexed] == [ids(1, 2), ids(3)]
    assert len(ids(1, 2, 3)) == 3
    titles = ArticleDocument.objects.filter(article_id__in=ids(1, 2, 3)).values_list(
        "title", flat=True)
    assert len(titles) == 3 and all(title.startswith("新") for title in titles)


# ------------------------------------------------------------------ several processes


@pytest.mark.django_db(transaction=True)
def test_two_jobs_import_the_same_archive_as_one(tmp_path, monkeypatch):
    from benchmarks.generate_pages import write_pages
    from newsroom.search import search_articles

    paths = write_pages(12, tmp_path / "pages", seed=3)
    monkeypatch.setattr(runs, "FILES_PER_TASK", 3)

    one = import_paths(paths, jobs=1)
    assert one.ok
    # Search is right as soon as the run returns (no transaction is left to commit here).
    headline = Article.objects.order_by("pk").first().headline
    assert headline in headlines(search_articles(f'"{headline}"'))
    alone = archive_snapshot()
    empty_the_archive()

    two = import_paths(paths, jobs=2)

    assert two.ok
    assert [r.source for r in two.files] == [r.source for r in one.files]

    def counts(result, kinds=("articles", "photos", "advertisements", "credits", "flags")):
        return [{kind: r.counts[kind] for kind in kinds} for r in result.files]

    assert counts(two) == counts(one)
    # Which file creates a person depends on which process gets there first; the total does not.
    assert sum(r.counts["people"]["created"] for r in two.files) == Person.objects.count()
    # The people and the paper were created by whichever file got there first: their history
    # rows name different files.
    shared = ("history of Person", "history of Publication")
    assert {k: v for k, v in archive_snapshot().items() if k not in shared} == {
        k: v for k, v in alone.items() if k not in shared}
    assert [(row.name, row.history_type) for row in Person.history.order_by("name")] == [
        (name, "+") for name in Person.objects.order_by("name").values_list("name", flat=True)]
    assert two.run.report["totals"] == one.run.report["totals"]
    expected = 2 if connection.vendor == "postgresql" else 1  # SQLite: one process
    assert runs.effective_jobs(2, files=12) == expected


@pytest.mark.django_db(transaction=True)
def test_two_jobs_meeting_on_one_issue_load_it_once(tmp_path, monkeypatch):
    from benchmarks.generate_pages import write_pages

    *paths, earlier = write_pages(7, tmp_path / "pages", seed=5)
    import_paths([earlier])  # the paper exists (a worker creating it would hold the other up)
    # A second export of the first page (a corrected headline), handed to the other worker
    # in a lot of its own: both workers' batches start the same issue at the same moment.
    text = paths[0].read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    again = tmp_path / "pages" / "zz-again.txt"
    again.write_text(text.replace(heading, heading + "（更正）", 1), encoding="utf-8")
    monkeypatch.setattr(runs, "FILES_PER_TASK", 3)
    # A run hands each worker whole days (files.by_day); two runs at once still meet on an
    # issue. Here the files keep the order given, with no day, so the lots split the day.
    monkeypatch.setattr(runs, "by_day", lambda files: [
        DatedFile(None, position, file) for position, file in enumerate(files)])
    # Both workers' first batches write their issues at the same moment (a barrier; the
    # workers are forks and inherit it), and the first holds its transaction open a
    # moment: the second's INSERT of the shared issue waits for that commit, fails on the
    # unique date, and its batch is loaded page by page.


    parallel = connection.vendor == "postgresql"  # SQLite: one process, no meeting
    barrier = multiprocessing.get_context("fork").Barrier(2)
    original, collided = writes.create_with_history, tmp_path / "collided"

    def at_once(rows, model, **kwargs):
        if model is Issue and parallel:
            barrier.wait(timeout=10)
        try:
            created = original(rows, model, **kwargs)
        except IntegrityError:
            collided.write_text("yes")
            raise
        if model is Issue:
            time.sleep(0.3)
        return created

    for module in (batches, writes):  # the batch's issues; then its rows, a kind at a time
        monkeypatch.setattr(module, "create_with_history", at_once)

    result = import_paths([*paths[:3], again, *paths[3:]], jobs=2)

    assert collided.exists() == parallel
    assert result.ok, [r.error for r in result.files]
    assert Issue.objects.count() == 6 + 1
    statuses = [r.status for r in result.files]
    assert sorted([statuses[0], statuses[3]]) in (["created", "updated"], ["created", "unchanged"])
    assert result.files[0].issue_id == result.files[3].issue_id
    page, _text, _size = read_file(PageFile(name="first", path=paths[0]))
    shared = Issue.objects.get(pk=result.files[0].issue_id)
    assert shared.articles.count() == len(page.articles)  # nothing loaded twice


def headlines(queryset) -> list[str]:
    return [article.headline for article in queryset]


def test_jobs_fall_back_to_one_process_in_a_dry_run_inside_a_transaction_or_for_few_files():
    assert runs.effective_jobs(4, dry_run=True) == 1
    assert runs.effective_jobs(4) == 1  # every test here runs inside a transaction
    assert runs.effective_jobs(1) == 1


def test_a_run_loads_a_day_at_a_time_and_reports_its_files_in_the_order_given(tmp_path):
    from importers.load.files import by_day, expand_paths

    shutil.copy(SEED_2022, tmp_path / "a.txt")
    shutil.copy(SEED_2021, tmp_path / "b.txt")
    (tmp_path / "c.txt").write_text("no masthead, no date", encoding="utf-8")
    (tmp_path / "d.txt").write_text(
        SEED_2021.read_text(encoding="utf-8").replace("第1版", "第2版"), encoding="utf-8")
    files = expand_paths([tmp_path])

    dated = by_day(files)

    # 2021 before 2022, each day's files in the given order, the unreadable file last.
    assert [item.file.name.rsplit("/", 1)[-1] for item in dated] == ["b.txt", "d.txt", "a.txt", "c.txt"]
    assert [item.position for item in dated] == [1, 3, 0, 2]
    assert dated[-1].day is None and dated[0].day == dt.date(2021, 3, 19)

    result = import_paths([tmp_path])

    assert [r.source.rsplit("/", 1)[-1] for r in result.files] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert [r.status for r in result.files][2] == "failed"


def test_a_file_this_importer_already_loaded_is_not_read_again(tmp_path, monkeypatch):
    from importers.load import page

    paths = [shutil.copy(seed, tmp_path / seed.name) for seed in sorted(SEEDS.glob("*.txt"))]
    import_paths(paths)
    assert set(SourceFile.objects.values_list("importer_version", flat=True)) == {
        batches.importer_version()}

    with CaptureQueriesContext(connection) as queries:
        again = import_paths(paths)

    assert [r.status for r in again.files] == ["unchanged"] * len(paths)
    assert all(r.notes and r.issue_id for r in again.files)
    assert not [q for q in queries.captured_queries if "newsroom_article" in q["sql"]]
    assert len(queries.captured_queries) <= 6  # the run, its file records, one lookup a batch

    # Another importer (a fixed parser, a changed loader) reads every file again, in full,
    # and writes nothing that did not change.
    for module in (batches, page):
        monkeypatch.setattr(module, "importer_version", lambda: "0123456789abcdef")
    newer = import_paths(paths)
    assert all(r.status == "unchanged" and not r.notes and r.counts["articles"]["unchanged"]
               for r in newer.files)
    assert set(SourceFile.objects.values_list("importer_version", flat=True)) == {"0123456789abcdef"}
    assert [r.notes != [] for r in import_paths(paths).files] == [True] * len(paths)


def test_a_batch_that_fails_for_a_bug_says_so_and_its_pages_still_load(tmp_path, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the batch path")

    monkeypatch.setattr(batches, "write_collected", broken)
    paths = [shutil.copy(seed, tmp_path / seed.name) for seed in sorted(SEEDS.glob("*.txt"))]

    with caplog.at_level("INFO", logger="importers.load.batches"):
        result = import_paths(paths)

    assert result.ok and Issue.objects.count() == len(paths)
    (record,) = [r for r in caplog.records if "loading them one by one" in r.getMessage()]
    assert record.levelname == "WARNING" and "a bug in the batch path" in caplog.text


def test_a_run_freezes_the_heap_while_it_loads_and_leaves_it_as_it_found_it(tmp_path, monkeypatch):
    import gc

    frozen_while_loading = []
    real_import_files = runs.import_files

    def recording(*args, **kwargs):
        frozen_while_loading.append(gc.get_freeze_count())
        return real_import_files(*args, **kwargs)

    monkeypatch.setattr(runs, "import_files", recording)
    assert gc.get_freeze_count() == 0
    import_paths([seed_pages(tmp_path / "pages", range(1, 3))])

    assert frozen_while_loading and all(count > 0 for count in frozen_while_loading)
    assert gc.get_freeze_count() == 0
    # A caller that froze objects itself keeps them frozen after the run.
    gc.freeze()
    try:
        import_paths([seed_pages(tmp_path / "more", range(3, 4))])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_lots_keep_days_whole_and_shrink_towards_the_end_so_the_workers_finish_together():
    day = dt.date(2021, 3, 19)
    # 1,000 files of six pages a day, then three that could not be read (no day).
    dated = [DatedFile(day + dt.timedelta(days=i // 6), i, PageFile(name=f"p{i}")) for i in range(1000)]
    dated += [DatedFile(None, 1000 + i, PageFile(name=f"bad{i}")) for i in range(3)]

    lots = runs.plan_lots(dated, jobs=2)

    assert [file for lot in lots for file in lot] == [item.file for item in dated]
    day_of = {item.file.name: item.day for item in dated}
    lot_of_day = {}
    for number, lot in enumerate(lots):
        for file in lot:
            if day_of[file.name] is not None:
                assert lot_of_day.setdefault(day_of[file.name], number) == number  # never split
    sizes = [len(lot) for lot in lots]
    # Full lots while plenty remain, then each the files left divided among the workers, down
    # to the smallest size (a day's pages may carry a lot up to five files past its size).
    for index, size in enumerate(sizes[:-1]):
        wanted = min(runs.FILES_PER_TASK, max(runs.MIN_FILES_PER_TASK, -(-sum(sizes[index:]) // 2)))
        assert wanted <= size <= wanted + 5
    assert sizes[0] >= runs.FILES_PER_TASK
    assert sizes[-2] < runs.FILES_PER_TASK / 2
    # One worker: lots of the full size to the end (nothing to balance).
    assert all(len(lot) >= runs.FILES_PER_TASK for lot in runs.plan_lots(dated, jobs=1)[:-1])
