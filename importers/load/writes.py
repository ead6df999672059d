"""How the importer writes rows: new issues' rows a kind at a time, with history and search."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from importers.load.history import create_with_history
from newsroom import changes
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Page,
    PageStaff,
    PersonAlias,
    Photo,
    ReviewFlag,
)
from newsroom.search import document_texts, write_documents


def commit_without_waiting() -> None:
    """Let the current transaction commit without waiting for the WAL flush (PostgreSQL).

    A crash may lose the last fraction of a second of imported pages but never corrupts
    anything, and re-running the import (idempotent) brings them back. Only this
    transaction is affected.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def save_unless_taken(row) -> bool:
    """Save a new row unless a concurrent transaction took its unique value; return if saved.

    A savepoint, so a clash leaves the page's transaction usable.
    """
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False
    return True


def write_collected(collected: defaultdict, articles: list[Article]) -> NewDocuments:
    """Write collected new rows a kind at a time, parents first, with their history rows;
    return the new articles' search documents to write.

    The caller writes them after its join pass (``NewDocuments.write_after_join``), so that an
    article the join changes, or one a later page may join, is indexed once, not once before
    its parts are joined and again after.
    """
    photos, credits = list(collected.get(Photo, ())), list(collected.get(Credit, ()))
    for model in (Page, Article, Photo, Advertisement, Credit, PageStaff):
        rows = collected.pop(model, [])
        if rows:
            # Each row gets the history row a .save() would give it (type "+", its page's
            # reason, no user; a new article's record holds its tags: none, see
            # ArticleVersion); PostgreSQL and SQLite >= 3.35 return the new keys.
            create_with_history(rows, model, extra={"tag_names": []} if model is Article else None)
    flags = collected.pop(ReviewFlag, [])
    if flags:
        ReviewFlag.objects.bulk_create(flags)
    return NewDocuments(articles, photos, credits)


@dataclass
class NewDocuments:
    """The search documents of just-written articles, built from the rows in hand."""

    articles: list[Article]
    photos: list[Photo]
    credits: list[Credit]

    def write_after_join(self, joined: Iterable[int]) -> None:
        """Write the documents after the join pass that followed these rows' writing.

        What the join changed (``joined``) is indexed with its parts once the run's changes
        are indexed (join_issues said so: changes.articles_changed); so is what a later page
        may still join (a lead whose jump line points elsewhere, a continuation not joined:
        the other page is in another batch or a later run), instead of once now and again
        when it joins. The other new articles now, from the rows in hand.
        """
        joined = set(joined)
        waiting = {a.pk for a in self.articles if a.pk not in joined
                   and (a.jump_to is not None or (a.is_continuation and a.continues_id is None))}
        changes.articles_changed(waiting)
        now = [a for a in self.articles if a.pk not in joined and a.pk not in waiting]
        if now:
            _index_new_articles(now, self.photos, self.credits)


def _index_new_articles(articles: list[Article], photos: list[Photo], credits: list[Credit]) -> None:
    """Write the search documents of just-written articles from the rows in hand.

    bulk_create sends no signals, and nothing needs reading back: the documents are
    built from these rows (and the aliases of the people credited) and commit with them.
    None of them jumps to another page (write_after_join left those for later), so none has
    parts whose text its document would need.
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

    def texts(article: Article) -> tuple[str, str, str, str]:
        on_photos = photos_of[id(article)]
        credited = [*credits_of[id(article)], *(c for p in on_photos for c in credits_of[id(p)])]
        return document_texts(
            article, on_photos, [(c.person.name, aliases[c.person_id]) for c in credited]
        )

    write_documents([(article, texts(article)) for article in articles])
