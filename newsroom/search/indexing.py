"""Keeping the search index: documents built from articles, written in batches.

The index is derived data, like a cache: it can always be rebuilt from the articles,
photos and people (`rebuild_index`). Saves reach it through `index_on_commit`, which
collects article ids during a transaction and indexes each of them once after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q

from newsroom.models import Article
from newsroom.search.models import ArticleDocument
from newsroom.search.text import (
    MAX_POSITION,
    MAX_POSITIONS_PER_LEXEME,
    SEGMENTER_VERSION,
    document_lexemes,
    document_tokens,
    normalize,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
UPDATE_FIELDS = [
    "title",
    "body",
    "extra",
    "title_words",
    "body_words",
    "extra_words",
    "vector",
    "segmenter",
    "indexed_at",
]


def article_texts(article: Article) -> tuple[str, str, str]:
    """Return the raw (title, body, extra) texts search reads from an article.

    Corrected text is what is searched: the current fields, never original_text.
    Contributors are those credited on the article or on one of its photos, with
    every alias, so an OCR variant of a name finds the article too.
    """
    title = "\n".join(p for p in (article.kicker, article.headline, article.subheadline) if p)
    photos = list(article.photos.all())
    names: list[str] = []
    for credit in [*article.credits.all(), *(c for p in photos for c in p.credits.all())]:
        person = credit.person
        names.append(person.name)
        names.extend(alias.name for alias in person.aliases.all())
    extra = "\n".join([*(p.caption for p in photos if p.caption), *dict.fromkeys(names)])
    return title, article.body_text, extra


def tsvector_literal(fields: Iterable[tuple[str, str]]) -> str:
    """Return a tsvector literal for normalized (text, weight) fields, in order.

    Positions are character offsets + 1 across the fields joined by one separator, so
    PostgreSQL's phrase operator can find any substring from its bigrams.
    """
    positions: dict[str, list[str]] = {}
    base = 0
    for text, weight in fields:
        for lexeme, offset in document_tokens(text):
            found = positions.setdefault(lexeme, [])
            if len(found) < MAX_POSITIONS_PER_LEXEME:
                found.append(f"{min(base + offset + 1, MAX_POSITION)}{weight}")
        base += len(text) + 1
    return " ".join(
        "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "':" + ",".join(found)
        for lexeme, found in positions.items()
    )


def build_document(article: Article, vendor: str) -> ArticleDocument:
    """Return the unsaved index document of an article for a database vendor."""
    title, body, extra = (normalize(text) for text in article_texts(article))
    document = ArticleDocument(article_id=article.pk, title=title, segmenter=SEGMENTER_VERSION)
    if vendor == "postgresql":
        document.vector = tsvector_literal([(title, "A"), (body, "B"), (extra, "C")])
    else:
        document.body, document.extra = body, extra
        document.title_words = " ".join(document_lexemes(title))
        document.body_words = " ".join(document_lexemes(body))
        document.extra_words = " ".join(document_lexemes(extra))
    return document


def _articles_for_index(using: str):
    return Article.objects.using(using).prefetch_related(
        "photos__credits__person__aliases", "credits__person__aliases"
    )


def index_articles(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the index documents of these articles now (ids of deleted articles are skipped)."""
    ids = sorted({int(i) for i in article_ids if i is not None})
    vendor = connections[using].vendor
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        documents = [
            build_document(article, vendor)
            for article in _articles_for_index(using).filter(pk__in=chunk)
        ]
        # An upsert, so two transactions indexing the same article cannot collide.
        ArticleDocument.objects.using(using).bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=UPDATE_FIELDS,
        )


def stale_article_ids(*, using: str = DEFAULT_DB_ALIAS):
    """Return the ids of articles with no document or one made by another segmenter."""
    return (
        Article.objects.using(using)
        .filter(Q(search_document__isnull=True) | ~Q(search_document__segmenter=SEGMENTER_VERSION))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def rebuild_index(*, stale_only: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-index every article (or only stale ones) and return how many were indexed."""
    if stale_only:
        ids = list(stale_article_ids(using=using))
    else:
        ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE * 4):
        with transaction.atomic(using=using):
            index_articles(ids[start : start + BATCH_SIZE * 4], using=using)
    if not stale_only and connections[using].vendor == "sqlite":
        # Re-read the FTS tables from the documents, repairing any drift.
        with connections[using].cursor() as cursor:
            cursor.execute("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_words(search_words) VALUES ('rebuild')")
    return len(ids)


# -- Indexing after commit ----------------------------------------------------------------


class _Flush:
    """The on-commit callback that indexes every article collected in the transaction."""

    def __init__(self, using: str):
        self.using = using
        self.done = False

    def __call__(self) -> None:
        self.done = True
        flush(self.using)


def _pending(using: str) -> set[int]:
    connection = connections[using]
    if not hasattr(connection, "_search_pending"):
        connection._search_pending = set()
    return connection._search_pending


def index_on_commit(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Index these articles once the current transaction commits (now, outside one).

    Ids are collected per connection and one callback indexes them all, so an import of
    one issue indexes each article once, however many credits and photos it saved.
    """
    ids = {i for i in article_ids if i is not None}
    if not ids:
        return
    pending = _pending(using)
    pending.update(ids)
    connection = connections[using]
    if not connection.in_atomic_block:
        flush(using)
        return
    # A callback registered inside a savepoint that was rolled back is gone: register
    # again unless one that has not run yet is still waiting.
    waiting = any(
        isinstance(entry[1], _Flush) and not entry[1].done for entry in connection.run_on_commit
    )
    if not waiting:
        transaction.on_commit(_Flush(using), using=using, robust=True)


def flush(using: str = DEFAULT_DB_ALIAS) -> None:
    """Index the articles collected so far on this connection."""
    pending = _pending(using)
    ids = set(pending)
    pending.clear()
    if not ids:
        return
    try:
        index_articles(ids, using=using)
    except Exception:
        # A save that has already committed must not fail because of its derived
        # index; the error is logged and `manage.py rebuild_search_index` repairs it.
        logger.exception("search: indexing %d article(s) failed: %s", len(ids), sorted(ids)[:20])
