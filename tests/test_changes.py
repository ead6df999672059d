"""What follows a change (newsroom/changes.py): one module connects it, bulk paths call it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.db.models.signals import post_delete, post_save

from newsroom import changes
from newsroom.search import indexing
from newsroom.search.models import ArticleDocument
from tests.factories import make_article, make_issue

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def index_calls(monkeypatch):
    calls = []
    real = indexing.index_articles
    monkeypatch.setattr(indexing, "index_articles",
                        lambda ids, **kw: calls.append(sorted(ids)) or real(ids, **kw))
    return calls


def test_a_bulk_run_indexes_the_articles_of_all_its_transactions_once_at_the_end(
    django_capture_on_commit_callbacks, index_calls
):
    # The test's transaction stands for the import's last one: the batch is indexed at its commit.
    with django_capture_on_commit_callbacks(execute=True):
        with changes.bulk():
            with django_capture_on_commit_callbacks(execute=True):
                first = make_article(make_issue(), headline="第一篇")
            with django_capture_on_commit_callbacks(execute=True):
                second = make_article(first.issue, headline="第二篇")
            assert index_calls == []
    assert index_calls == [sorted([first.pk, second.pk])]
    assert ArticleDocument.objects.filter(article__in=[first, second]).count() == 2


def test_flushing_a_bulk_run_indexes_what_it_collected_so_far(index_calls):
    with changes.bulk() as run:
        article = make_article(make_issue())
        run.flush()
        assert index_calls == [[article.pk]]
    assert index_calls == [[article.pk]]


def test_articles_changed_in_a_transaction_are_indexed_once_after_commit(
    django_capture_on_commit_callbacks, index_calls
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(make_issue())
    index_calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        changes.articles_changed([article.pk])
        changes.articles_changed([article.pk, None])
        assert index_calls == []
    assert index_calls == [[article.pk]]


def test_articles_indexed_in_their_transaction_are_not_indexed_again(
    django_capture_on_commit_callbacks, index_calls
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_article(make_issue())
        second = make_article(first.issue, headline="第二篇")
    index_calls.clear()
    # In a transaction: its one callback indexes only what was not indexed in it.
    with django_capture_on_commit_callbacks(execute=True):
        changes.articles_changed([first.pk, second.pk])
        changes.articles_indexed([first.pk])
    assert index_calls == [[second.pk]]
    # In a bulk run: the run's list loses them too; nothing is left, nothing is indexed.
    index_calls.clear()
    with changes.bulk():
        changes.articles_changed([first.pk])
        changes.articles_indexed([first.pk, None])
    assert index_calls == []


@pytest.mark.parametrize("model", list(changes.DERIVED), ids=lambda m: m.__name__)
def test_every_model_a_public_page_shows_moves_the_archive_generation(model):
    for signal in (post_save, post_delete):
        uid = f"newsroom.changes.{model.__name__}_" + ("saved" if signal is post_save else "deleted")
        assert any(key[0] == uid for key, *_rest in signal.receivers), uid


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_the_page_cache_knows_nothing_of_the_api():
    assert not any(name.startswith("rest_framework") for name in
                   _imports(ROOT / "newsroom" / "pagecache.py"))


def test_no_module_but_changes_connects_model_signals():
    connecting = []
    for path in [*ROOT.glob("newsroom/**/*.py"), *ROOT.glob("archive/**/*.py"),
                 *ROOT.glob("importers/**/*.py")]:
        if path.name == "changes.py" or "migrations" in path.parts:
            continue
        if "django.db.models.signals" in _imports(path):
            connecting.append(str(path.relative_to(ROOT)))
    assert connecting == []


def test_no_module_keeps_hidden_state_on_the_database_connection():
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("newsroom/**/*.py"), *ROOT.glob("importers/**/*.py")]
        if "connection._" in path.read_text() or "_search_pending" in path.read_text()
    ]
    assert offenders == []
