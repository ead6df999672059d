"""What follows a change: the one place that knows what is derived from what.

Three things are derived from the paper as edited, and must follow every change to it:

=====================  =================================================  ======================
derived                from                                               mechanism
=====================  =================================================  ======================
validator stamps       an article page: its text, tags, credits, photos,  ``touch_articles`` /
(Article.updated_at,   contributors' names, its neighbours on the page;   ``touch_issues`` here;
Issue.updated_at: the  an issue page: its paper (name, slogan, CN         the editorial
ETag and Last-         number), its pages' names and staff (an article    operations give
Modified of the        page names its page too), articles, loose photos,  articles a new version
article/issue pages)   advertisements, the public issues before and
                       after it
search documents       articles, their photos' captions, credits,         newsroom/search/
                       people's names and aliases, issues' dates, held;  indexing.py
                       continued article, its parts' (``_continued_by``)
archive generation     everything public                                  newsroom/pagecache.py
(the page cache)
=====================  =================================================  ======================

Derived data is not business logic (like Wagtail's search index, or a cache): whatever
path saves a row, what is derived from it must follow, and no caller should have to
remember it; so signal receivers here only note what changed, and the work is done once,
after commit. ``DERIVED`` says the same as data. Saves and deletes through the ORM reach all three by
themselves: ``connect()`` (called once from NewsroomConfig.ready) connects every trigger;
search and the page cache keep their mechanisms but connect no signal of their own.

Paths that send no signals (``QuerySet.update``, ``bulk_update``, ``bulk_create``, raw
SQL) must say what they changed. **A bulk path written tomorrow calls
``articles_changed(ids)``** (search documents and the page cache follow the articles, after
commit), adds ``touch_articles(ids)`` / ``touch_issues(ids)`` when what the pages show
changed without their rows, or calls ``archive_changed()`` when only public pages (not
search) may differ. A long run of transactions (an import) runs inside ``bulk()``: articles
are indexed once at the end (or at ``flush()``), the generation moves at most once a second.

The state of what is waiting is owned here: the ids of a transaction live on its one
on-commit callback (``_Reindex``), those of a ``bulk()`` run on the run itself (per thread).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from newsroom import pagecache, pagerefresh, search
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Page,
    PageStaff,
    Person,
    PersonAlias,
    Photo,
    Publication,
    ScanRelease,
)
from newsroom.models.continuations import MAX_PARTS
from newsroom.models.tags import spell_tag
from newsroom.pagerefresh import pages_changed

logger = logging.getLogger(__name__)

# What is derived from what: a model -> the derived things its rows feed.
STAMPS, SEARCH, GENERATION = "validator stamps", "search documents", "archive generation"
DERIVED: dict[type, tuple[str, ...]] = {
    Publication: (STAMPS, GENERATION),
    Issue: (STAMPS, SEARCH, GENERATION),
    Article: (STAMPS, SEARCH, GENERATION),
    Photo: (STAMPS, SEARCH, GENERATION),
    Advertisement: (STAMPS, GENERATION),
    Page: (STAMPS, GENERATION),
    PageStaff: (STAMPS, GENERATION),
    # Whether readers see a page's scan (the issue page offers it; IIIF and manifests serve it).
    ScanRelease: (STAMPS, GENERATION),
    Credit: (STAMPS, SEARCH, GENERATION),
    Person: (STAMPS, SEARCH, GENERATION),
    PersonAlias: (SEARCH, GENERATION),
    Tag: (STAMPS, GENERATION),
    TaggedItem: (STAMPS, GENERATION),
}


# -- The archive generation and the search documents -------------------------------------------


def archive_changed(*, issues: Iterable[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that something public may have changed: the page cache's generation moves on after
    commit, and the cached article and issue pages follow: those of these issues (ids), or
    every one when no issues are named (newsroom/pagescopes.py)."""
    pagecache.move_on_commit(using)
    if issues is None:
        pages_changed(whole=True, using=using)
    else:
        pages_changed(issues=issues, using=using)


def articles_changed(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that these articles (or what their search documents hold) changed.

    Their documents are rewritten once the current transaction commits (at once outside
    one; at the end of a ``bulk()`` run inside one), each once however many of its rows
    were saved, and the archive's generation moves on.
    """
    ids = {int(i) for i in article_ids if i is not None}
    if not ids:
        return
    pagecache.move_on_commit(using)
    pages_changed(articles=ids, using=using)
    run = _runs().get(using)
    if run is not None:
        run.ids.update(ids)
        return
    if not connections[using].in_atomic_block:
        _reindex(ids, using)
        return
    waiting = _waiting_reindex(using)
    if waiting is None:
        waiting = _Reindex(using)
        transaction.on_commit(waiting, using=using, robust=True)
    waiting.ids.update(ids)


def articles_indexed(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Say that these articles' documents were just written in the current transaction from
    their rows as they stand (the importer's batches): they need not be indexed again when it
    commits or when the ``bulk()`` run ends. Nothing else that articles_changed() set off
    (the page cache) is undone.

    Only for rows created in this transaction and not changed after their documents were
    written: a ``bulk()`` run keeps its ids across transactions, so an older article's id
    taken out here would be lost if this transaction then rolled back.
    """
    ids = {int(i) for i in article_ids if i is not None}
    if not ids:
        return
    run = _runs().get(using)
    waiting = run if run is not None else _waiting_reindex(using)
    if waiting is not None:
        waiting.ids -= ids


class _Reindex:
    """The one on-commit callback of a transaction that changed articles: it holds their ids."""

    def __init__(self, using: str):
        self.using = using
        self.ids: set[int] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _reindex(self.ids, self.using)


def _waiting_reindex(using: str) -> _Reindex | None:
    # A callback registered inside a savepoint that was rolled back is gone (Django drops
    # it): then a new one is registered.
    for _savepoints, callback, _robust in connections[using].run_on_commit:
        if isinstance(callback, _Reindex) and not callback.done:
            return callback
    return None


def _reindex(ids: set[int], using: str) -> None:
    # A part continuing an article is read within it (newsroom/models/continuations.py): the
    # document of the article it continues holds its text.
    ids = ids | _continued_by(ids, using)
    try:
        search.index_articles(ids, using=using)
    except Exception:
        # A save that has already committed must not fail because of its derived
        # index; the error is logged and `manage.py rebuild_search_index` repairs it.
        logger.exception("search: indexing %d article(s) failed: %s", len(ids), sorted(ids)[:20])
        return
    # Search pages and their totals are cached by the generation: move it on once the
    # new documents are visible (they are written after the articles' commit). No article
    # or issue page shows a search document: their scopes stay.
    pagecache.move_on_commit(using)


def _continued_by(ids: set[int], using: str) -> set[int]:
    """Return the ids of the articles that these parts continue, however far the chain goes
    back (one query a link): their documents hold the parts' text. (Their validators need no
    touch: archive/queries.py reads the parts' latest change with the article's state.)"""
    continued: set[int] = set()
    frontier = set(ids)
    for _ in range(MAX_PARTS):
        earlier = set(Article.objects.using(using).filter(pk__in=frontier, continues__isnull=False)
                      .values_list("continues", flat=True)) - continued
        if not earlier:
            break
        continued |= earlier
        frontier = earlier
    return continued


class BulkRun:
    """A run of transactions whose changed articles are indexed together (see ``bulk()``)."""

    def __init__(self, using: str):
        self.using = using
        self.ids: set[int] = set()

    def flush(self) -> None:
        """Index the articles collected so far, now."""
        ids, self.ids = self.ids, set()
        if ids:
            _reindex(ids, self.using)


_local = threading.local()


def _runs() -> dict[str, BulkRun]:
    if not hasattr(_local, "runs"):
        _local.runs = {}
    return _local.runs


@contextmanager
def bulk(*, using: str = DEFAULT_DB_ALIAS, every: float = 1.0) -> Iterator[BulkRun]:
    """Run a long run of transactions (an import of many pages) as one change.

    Inside, changed articles are collected and indexed in one batch when the block ends
    (``run.flush()`` indexes what was collected so far), committed changes move the
    generation at most once every ``every`` seconds (pagecache.coalesced), and the pages of
    the issues it touched are queued to be rendered again once, at the end (newsroom/pagerefresh.py). Ids of a
    transaction that rolled back stay collected: indexing them is harmless (deleted
    articles are skipped, the others are indexed as they are). Nested, it joins the outer run.
    """
    runs = _runs()
    if using in runs:
        yield runs[using]
        return
    run = runs[using] = BulkRun(using)
    try:
        with pagecache.coalesced(using, every=every), pagerefresh.collecting():
            yield run
    finally:
        del runs[using]
        if run.ids:
            articles_changed(run.ids, using=using)


def rebuild_search_index(*, stale_only: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-index every article (or the stale ones), move the generation on; return how many."""
    count = search.rebuild_index(stale_only=stale_only, using=using)
    pagecache.move_on_commit(using)
    return count


# -- The validator stamps ------------------------------------------------------------------


def touch_articles(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move these articles' updated_at on: their pages show something that changed.

    For what an article page shows beyond the article row (a tag renamed, a photo
    deleted). The editorial operations give articles a new version instead (with history).
    """
    ids = {int(i) for i in article_ids if i is not None}
    if ids and Article.objects.using(using).filter(pk__in=ids).update(updated_at=timezone.now()):
        pagecache.move_on_commit(using)
        pages_changed(articles=ids, using=using)


def touch_issues(issues: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move these issues' updated_at on (ids or an Issue queryset): their pages changed."""
    if hasattr(issues, "values_list"):
        issues = list(issues.values_list("pk", flat=True))
    issues = {int(i) for i in issues if i is not None}
    if issues and Issue.objects.using(using).filter(pk__in=issues).update(updated_at=timezone.now()):
        archive_changed(issues=issues, using=using)


def touch_neighbours_of(date, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move on the public issues just before and after a date: their previous/next links change.

    For an issue leaving a date (deleted, or moved to another date): the issues on either
    side now link past it. (An issue arriving is found by the issue page's validators
    themselves: archive.queries.issue_with_state.)
    """
    public = Issue.objects.using(using).with_public_articles()
    dates = [
        public.filter(date__lt=date).order_by("-date").values_list("date", flat=True).first(),
        public.filter(date__gt=date).order_by("date").values_list("date", flat=True).first(),
    ]
    dates = [d for d in dates if d is not None]
    if dates:
        touch_issues(Issue.objects.using(using).filter(date__in=dates), using=using)


def _article_tag_type() -> ContentType:
    return ContentType.objects.get_for_model(Article)


def _remember(instance, *fields: str) -> None:
    # What the row held when it was loaded, so a move (an issue to another date) can
    # reach what it left. Read from the instance's own values: a deferred field is not
    # loaded (and reading it would load the row again, and send post_init again).
    values = instance.__dict__
    instance._changes_loaded = {name: values[name] for name in fields if name in values}


def _loaded(instance, name: str):
    return getattr(instance, "_changes_loaded", {}).get(name)


def _advertisement_changed(sender, instance, using, raw=False, **kwargs) -> None:
    # raw: a fixture (a restored backup) loads rows as they were, stamps included.
    if not raw:
        touch_issues([instance.issue_id], using=using)


def _page_changed(sender, instance, using, raw=False, **kwargs) -> None:
    # The issue page heads each page with its name; the article page names its page.
    if not raw:
        touch_issues([instance.issue_id], using=using)
    # The search documents of its articles hold its name (the reader's facet by 版名).
    if not raw and kwargs.get("signal") is post_save and instance.name != _loaded(instance, "name"):
        on_page = Article.objects.using(using).filter(issue_id=instance.issue_id, page=instance.number)
        articles_changed(on_page.values_list("pk", flat=True), using=using)
    _remember(instance, "name")


def _page_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "name")


def _scan_release_changed(sender, instance, using, raw=False, **kwargs) -> None:
    # A released (or withheld again) scan appears on (or leaves) its issue page.
    if not raw:
        touch_issues(Issue.objects.using(using).filter(pages__pk=instance.page_id), using=using)


def _page_staff_changed(sender, instance, using, raw=False, **kwargs) -> None:
    # The issue page prints each page's staff under its heading.
    if not raw:
        touch_issues(Issue.objects.using(using).filter(pages__pk=instance.page_id), using=using)


def _publication_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    # The paper's name, slogan and numbers are on every issue page and article page.
    if not created and not raw:
        touch_issues(Issue.objects.using(using).filter(publication_id=instance.pk), using=using)


def _tag_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    if not created and not raw:
        touch_articles(
            Article.objects.using(using).filter(tags__id=instance.pk).values_list("pk", flat=True),
            using=using,
        )


def _tagged_item_changed(sender, instance, using, raw=False, **kwargs) -> None:
    # Also how taggit's merge view retags: it saves or deletes each tagged item.
    if not raw and instance.content_type_id == _article_tag_type().pk:
        touch_articles([instance.object_id], using=using)


def _photo_deleted(sender, instance, using, **kwargs) -> None:
    if instance.article_id is not None:
        touch_articles([instance.article_id], using=using)
    else:
        touch_issues([instance.issue_id], using=using)


def _article_deleted(sender, instance, using, **kwargs) -> None:
    # The issue page lists it no more, and the issue's latest article change may go back.
    touch_issues([instance.issue_id], using=using)


def _issue_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "date", "edition", "held")


def _issue_deleted(sender, instance, using, **kwargs) -> None:
    touch_neighbours_of(instance.date, using=using)


# -- The triggers -------------------------------------------------------------------------------


def _public_row_changed(sender, instance=None, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    pagecache.move_on_commit(using)
    # The cached pages (newsroom/pagerefresh.py, pagereach.py): article and issue pages, those
    # of the issue the row belongs to (the other models reach them through their own triggers
    # below: touch_articles, touch_issues, articles_changed, as the validator stamps do), and
    # the contributors and tags a change reaches that the commit cannot find any more.
    if isinstance(instance, Issue):
        pages_changed(issues=[instance.pk], dates=[instance.date, _loaded(instance, "date")],
                      counts=_counts_otherwise(instance, ("date", "held"), kwargs), using=using)
    elif isinstance(instance, Article):
        # Its own contributors and tags (found at commit, or named by their own rows when it
        # is deleted), not those of every article beside it.
        pages_changed(articles=[instance.pk],
                      issue_dates=[instance.issue_id, _loaded(instance, "issue_id")],
                      counts=_counts_otherwise(instance, COUNTED_ARTICLE_FIELDS, kwargs),
                      using=using)
    elif isinstance(instance, Advertisement):
        pages_changed(issue_dates=[instance.issue_id], using=using)
    elif isinstance(instance, (Photo, Page)):
        pages_changed(issues=[instance.issue_id], using=using)
    elif isinstance(instance, Person):
        pages_changed(people=[instance.pk], using=using)
    elif isinstance(instance, (PersonAlias, Credit)):
        pages_changed(people=[instance.person_id, _loaded(instance, "person_id")], using=using)
    elif isinstance(instance, Tag):
        pages_changed(tag_slugs=[instance.slug, _loaded(instance, "slug")], using=using)
        _remember(instance, "slug")
    elif isinstance(instance, TaggedItem):
        pages_changed(tags=[instance.tag_id], using=using)


def _counts_otherwise(instance, fields: tuple[str, ...], kwargs) -> bool:
    """Return True if a saved or deleted issue or article may change how many public issues a
    year counts (the home page's years): added, removed, or one of these fields changed."""
    if kwargs.get("signal") is post_delete or kwargs.get("created"):
        return True
    loaded = getattr(instance, "_changes_loaded", {})
    return any(name not in loaded or loaded[name] != getattr(instance, name) for name in fields)


# Whether an article is public and where: an issue is public while one of its articles is
# (a part continuing another article is read within it, so it does not count).
COUNTED_ARTICLE_FIELDS = ("visibility", "issue_id", "continues_id")


def _article_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, *COUNTED_ARTICLE_FIELDS)


def _tag_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "slug")


def _tags_changed(sender, instance, action, pk_set=None, reverse=False, using=DEFAULT_DB_ALIAS,
                  **kwargs) -> None:
    if action.startswith("post_"):
        pagecache.move_on_commit(using)
        articles = (pk_set or ()) if reverse else [instance.pk]
        tags = [instance.pk] if reverse else (pk_set or ())
        pages_changed(articles=articles, tags=tags, whole=reverse and not pk_set, using=using)


def _article_ids_of_person(person_id: int, *, using: str) -> list[int]:
    return list(Article.objects.using(using).by_person(person_id).values_list("pk", flat=True))


def _article_saved(sender, instance, using, raw=False, **kwargs) -> None:
    articles_changed([instance.pk], using=using)
    moved_from = _loaded(instance, "issue_id")
    if not raw and moved_from not in (None, instance.issue_id):
        # Moved to another issue: the issue page it left lists it no more.
        touch_issues([moved_from], using=using)
    _remember(instance, *COUNTED_ARTICLE_FIELDS)


def _issue_saved_for_search(sender, instance, created, using, **kwargs) -> None:
    # The documents keep the date and edition their articles are sorted and filtered by, and
    # whether they are public (a held issue's articles are not: newsroom/editorial/releases.py).
    if not created and (
        instance.date != _loaded(instance, "date")
        or instance.edition != _loaded(instance, "edition")
        or instance.held != _loaded(instance, "held")
    ):
        articles_changed(instance.articles.using(using).values_list("pk", flat=True), using=using)


def _photo_changed(sender, instance, using, **kwargs) -> None:
    articles_changed([instance.article_id, _loaded(instance, "article_id")], using=using)
    _remember(instance, "article_id")


def _photo_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "article_id")


def _credit_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "article_id", "photo_id", "person_id")


def _credit_changed(sender, instance, using, **kwargs) -> None:
    article_ids = {instance.article_id, _loaded(instance, "article_id")}
    photo_ids = {instance.photo_id, _loaded(instance, "photo_id")} - {None}
    if photo_ids:
        article_ids.update(
            Photo.objects.using(using).filter(pk__in=photo_ids).values_list("article_id", flat=True)
        )
    articles_changed(article_ids, using=using)
    _remember(instance, "article_id", "photo_id", "person_id")


def _person_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "name")


def _person_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    if not created and instance.name != _loaded(instance, "name"):
        articles_changed(_article_ids_of_person(instance.pk, using=using), using=using)
        if not raw:  # the issue pages that print the person among a page's staff
            touch_issues(Issue.objects.using(using).filter(pages__staff__person_id=instance.pk), using=using)
    _remember(instance, "name")


def _alias_loaded(sender, instance, **kwargs) -> None:
    _remember(instance, "person_id")


def _alias_changed(sender, instance, using, **kwargs) -> None:
    for person_id in {instance.person_id, _loaded(instance, "person_id")} - {None}:
        articles_changed(_article_ids_of_person(person_id, using=using), using=using)
    _remember(instance, "person_id")


def _issue_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    _issue_saved_for_search(sender, instance, created, using)
    old_date = _loaded(instance, "date")
    if not created and not raw and old_date is not None and old_date != instance.date:
        touch_neighbours_of(old_date, using=using)
    elif not created and not raw and _loaded(instance, "held") not in (None, instance.held):
        # Held or released: the issues on either side link past it, or to it, from now on.
        touch_neighbours_of(instance.date, using=using)
    _remember(instance, "date", "edition", "held")


def _tag_spelled(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        spell_tag(instance)


def connect() -> None:
    """Connect every trigger (called once from NewsroomConfig.ready)."""
    uid = "newsroom.changes"
    # A tag's pinyin spellings follow its name (newsroom/models/tags.py).
    post_save.connect(_tag_spelled, sender=Tag, dispatch_uid=f"{uid}.tag-spelling")
    both = ((post_save, "saved"), (post_delete, "deleted"))
    # The archive generation: any committed change to a row a public page shows.
    for model, derived in DERIVED.items():
        if GENERATION in derived:
            for signal, name in both:
                signal.connect(_public_row_changed, sender=model,
                               dispatch_uid=f"{uid}.{model.__name__}_{name}")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid=f"{uid}.tags")
    # The search documents.
    post_save.connect(_article_saved, sender=Article, dispatch_uid=f"{uid}.article_indexed")
    for signal, name in both:
        signal.connect(_photo_changed, sender=Photo, dispatch_uid=f"{uid}.photo_indexed_{name}")
        signal.connect(_credit_changed, sender=Credit, dispatch_uid=f"{uid}.credit_{name}")
        signal.connect(_alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}.alias_{name}")
    post_save.connect(_person_saved, sender=Person, dispatch_uid=f"{uid}.person_saved")
    post_init.connect(_photo_loaded, sender=Photo, dispatch_uid=f"{uid}.photo_loaded")
    post_init.connect(_credit_loaded, sender=Credit, dispatch_uid=f"{uid}.credit_loaded")
    post_init.connect(_person_loaded, sender=Person, dispatch_uid=f"{uid}.person_loaded")
    post_init.connect(_alias_loaded, sender=PersonAlias, dispatch_uid=f"{uid}.alias_loaded")
    post_init.connect(_page_loaded, sender=Page, dispatch_uid=f"{uid}.page_loaded")
    post_init.connect(_article_loaded, sender=Article, dispatch_uid=f"{uid}.article_loaded")
    post_init.connect(_tag_loaded, sender=Tag, dispatch_uid=f"{uid}.tag_loaded")
    # The validator stamps (and the search documents of an issue's articles).
    for signal, name in both:
        signal.connect(_advertisement_changed, sender=Advertisement,
                       dispatch_uid=f"{uid}.advertisement_{name}")
        signal.connect(_page_changed, sender=Page, dispatch_uid=f"{uid}.page_{name}")
        signal.connect(_page_staff_changed, sender=PageStaff, dispatch_uid=f"{uid}.page_staff_{name}")
        signal.connect(_scan_release_changed, sender=ScanRelease, dispatch_uid=f"{uid}.scan_release_{name}")
        signal.connect(_tagged_item_changed, sender=TaggedItem,
                       dispatch_uid=f"{uid}.tagged_item_{name}")
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid=f"{uid}.publication")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag_saved")
    post_delete.connect(_photo_deleted, sender=Photo, dispatch_uid=f"{uid}.photo_deleted")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid=f"{uid}.article_deleted")
    post_init.connect(_issue_loaded, sender=Issue, dispatch_uid=f"{uid}.issue_loaded")
    post_save.connect(_issue_saved, sender=Issue, dispatch_uid=f"{uid}.issue_saved")
    post_delete.connect(_issue_deleted, sender=Issue, dispatch_uid=f"{uid}.issue_deleted")
