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
from newsroom.search import parts_texts, write_documents


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

        What a later page may still join (a lead whose jump line points elsewhere, a
        continuation not joined: the other page is in another batch or a later run) is
        indexed once the run's changes are indexed, instead of once now and again when it
        joins. What the join changed (``joined``) is indexed now from the rows in hand when
        the article and every part it reads are among them and nothing more can join it
        (``_complete_in_hand``); otherwise with the run's changes too (join_issues said so:
        changes.articles_changed). The other new articles now, from the rows in hand.
        """
        joined = set(joined)
        waiting = {a.pk for a in self.articles if a.pk not in joined
                   and (a.jump_to is not None or (a.is_continuation and a.continues_id is None))}
        changes.articles_changed(waiting)
        now = [a for a in self.articles if a.pk not in joined and a.pk not in waiting]
        now += _complete_in_hand(joined & {a.pk for a in self.articles}, self.articles)
        if now:
            _index_new_articles(now, self.photos, self.credits)
            # Indexed in this transaction: the run's later indexing need not read them back.
            changes.articles_indexed(a.pk for a in now)


def _complete_in_hand(ids: set[int], in_hand: list[Article]) -> list[Article]:
    """Return these just-joined articles as stored now (their parts joined), those whose
    parts are all among the rows in hand and can be joined to nothing more: no part still
    jumps to a page not joined, and none is a continuation waiting for its lead.

    Read with their issues and two levels of parts (three queries): ``parts()`` reads the
    parts as ``index_articles`` does, so the documents are the same.
    """
    if not ids:
        return []
    written = {a.pk for a in in_hand}
    rows = (Article.objects.filter(pk__in=ids).select_related("issue")
            .prefetch_related("continuations__continuations").order_by("pk"))
    complete = []
    for article in rows:
        if article.is_continuation and article.continues_id is None:
            continue
        parts = article.parts()
        if parts[-1].jump_to is not None or any(part.pk not in written for part in parts):
            continue
        complete.append(article)
    return complete


def _index_new_articles(articles: list[Article], photos: list[Photo], credits: list[Credit]) -> None:
    """Write the search documents of just-written articles from the rows in hand.

    bulk_create sends no signals, and nothing needs reading back: the documents are
    built from these rows (and the aliases of the people credited) and commit with them.
    An article with parts (``_complete_in_hand``) reads their photos and credits from the
    rows in hand too, through the same function as ``article_texts`` (``parts_texts``).
    """
    photos_of: defaultdict[int, list[Photo]] = defaultdict(list)
    for photo in sorted(photos, key=lambda row: (row.page, row.position)):
        photos_of[photo.article.pk].append(photo)
    on_article: defaultdict[int, list[Credit]] = defaultdict(list)
    on_photo: defaultdict[int, list[Credit]] = defaultdict(list)
    for credit in sorted(credits, key=lambda row: (row.order, row.pk)):
        if credit.article is not None:
            on_article[credit.article.pk].append(credit)
        else:
            on_photo[credit.photo.pk].append(credit)
    aliases: defaultdict[int, list[str]] = defaultdict(list)
    for person_id, name in PersonAlias.objects.filter(
        person_id__in={credit.person_id for credit in credits}
    ).order_by("name").values_list("person_id", "name"):
        aliases[person_id].append(name)

    def texts(article: Article) -> tuple[str, str, str, str]:
        return parts_texts(
            article,
            photos_of=lambda part: photos_of[part.pk],
            credits_of=lambda row: (on_photo if isinstance(row, Photo) else on_article)[row.pk],
            aliases_of=lambda person: aliases[person.pk],
        )

    write_documents([(article, texts(article)) for article in articles])
