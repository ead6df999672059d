"""Batches of new issues written together, and the page-by-page fallback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from importers.load import (
    batches,
    import_paths,
    writes,
)
from newsroom.models import (
    Article,
    Issue,
    Page,
)
from tests.load.pages import (
    archive_snapshot,
    empty_the_archive,
    seed_pages,
)

pytestmark = pytest.mark.django_db


def test_a_batch_of_new_issues_is_written_with_the_same_statements_however_many_pages_it_has(
    tmp_path,
):
    import_paths([seed_pages(tmp_path / "first", range(1, 2))])  # the paper and people exist

    def statements(days: range, month: int) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            result = import_paths([seed_pages(tmp_path / str(month), days, month)])
        assert [r.status for r in result.files] == ["created"] * len(days)
        return [q["sql"].split("(")[0].split(" WHERE ")[0] for q in queries.captured_queries]

    # (Few pages: SQLite splits an INSERT of more than 999 values, here the flags of 4 pages.)
    two, three = statements(range(1, 3), 5), statements(range(1, 4), 6)

    assert len(two) == len(three)
    inserts = [sql for sql in two if sql.startswith("INSERT")]
    # The run; the source files; the issues, pages, articles, photos, advertisements and
    # credits, each with its history; the flags; the search documents; the run's file records.
    assert len(inserts) == 1 + 1 + 2 * 6 + 1 + 1 + 1
    assert Issue.objects.filter(date__month=6).count() == 3


def test_pages_of_issues_already_stored_are_loaded_one_by_one_beside_a_batch(tmp_path):
    folder = seed_pages(tmp_path / "pages", range(1, 3))
    first = import_paths([folder])
    editor = Article.objects.filter(issue__date=dt.date(2021, 4, 1)).first()
    editor.headline = "编辑改过的标题"
    editor.save()
    seed_pages(folder, range(3, 5))

    again = import_paths([folder])

    assert [r.status for r in first.files] == ["created"] * 2
    assert [r.status for r in again.files] == ["unchanged", "unchanged", "created", "created"]
    editor.refresh_from_db()
    assert editor.headline == "编辑改过的标题"
    assert Issue.objects.count() == 4
    assert Article.objects.filter(issue__date=dt.date(2021, 4, 4)).count() == (
        Article.objects.filter(issue__date=dt.date(2021, 4, 1)).count())


def test_a_batch_that_collides_with_another_process_is_loaded_page_by_page(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):

    folder = seed_pages(tmp_path / "pages", range(1, 4))
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([folder])
    expected = archive_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        empty_the_archive()
    original = writes.create_with_history
    calls = []

    def collide_once(rows, model, **kwargs):
        calls.append(model)
        if len(calls) == 3:  # after the batch's issues and pages are written
            raise IntegrityError('duplicate key value violates unique constraint "x"')
        return original(rows, model, **kwargs)

    for module in (batches, writes):  # the batch's issues; then its rows, a kind at a time
        monkeypatch.setattr(module, "create_with_history", collide_once)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([folder])

    assert result.ok and [r.status for r in result.files] == ["created"] * 3
    assert archive_snapshot() == expected  # nothing twice, nothing of the failed batch left
    assert calls[:3] == [Issue, Page, Article]
