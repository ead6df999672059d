"""What follows a change: the one place that knows what is derived from what.

Three things are derived from the paper as edited, and must follow every change to it:

=====================  =================================================  =====================
derived                from                                               kept by
=====================  =================================================  =====================
validator stamps       an article's page: its text, tags, credits,        ``touch_articles`` /
(Article.updated_at,   photos, contributors' names, its neighbours on     ``touch_issues`` below
Issue.updated_at:      the page; an issue's page: its paper (name,        (and the editorial
the ETag and Last-     slogan, CN number), its articles, loose photos,    operations, which give
Modified of the        advertisements, the public issues before and       articles a new version)
article/issue pages)   after it
search documents       articles, their photos' captions, credits,         newsroom/search/indexing
                       people's names and aliases, issues' dates
archive generation     everything public (newsroom/pagecache.py)          newsroom/pagecache
=====================  =================================================  =====================

``DERIVED`` below says the same as data. Saves and deletes through the ORM reach all three
by themselves: ``connect()`` (called once from NewsroomConfig.ready) connects every
trigger. Paths that send no signals (``QuerySet.update``, ``bulk_update``, ``bulk_create``,
raw SQL) must say what they changed: **a bulk path written tomorrow calls
``articles_changed(ids)`` (search + page cache), ``touch_articles(ids)`` /
``touch_issues(ids)`` when the pages' validators must move too, or ``archive_changed()``
when only public pages may differ.**
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from newsroom.models import Advertisement, Article, Issue, Photo, Publication
from newsroom.pagecache import archive_changed

# What is derived from what: a model -> the derived things its rows feed.
STAMPS, SEARCH, GENERATION = "validator stamps", "search documents", "archive generation"
DERIVED: dict[str, tuple[str, ...]] = {
    "Publication": (STAMPS, GENERATION),
    "Issue": (STAMPS, SEARCH, GENERATION),
    "Article": (STAMPS, SEARCH, GENERATION),
    "Photo": (STAMPS, SEARCH, GENERATION),
    "Advertisement": (STAMPS, GENERATION),
    "Credit": (STAMPS, SEARCH, GENERATION),
    "Person": (STAMPS, SEARCH, GENERATION),
    "PersonAlias": (SEARCH, GENERATION),
    "Tag": (STAMPS, GENERATION),
    "TaggedItem": (STAMPS, GENERATION),
}


# -- The validator stamps ------------------------------------------------------------------


def touch_articles(article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move these articles' updated_at on: their pages show something that changed.

    For what an article page shows beyond the article row (a tag renamed, a photo
    deleted). The editorial operations give articles a new version instead (with history).
    """
    ids = {i for i in article_ids if i is not None}
    if ids and Article.objects.using(using).filter(pk__in=ids).update(updated_at=timezone.now()):
        archive_changed(using)


def touch_issues(issues: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Move these issues' updated_at on (ids or an Issue queryset): their pages changed."""
    if not hasattr(issues, "values"):
        issues = {i for i in issues if i is not None}
        if not issues:
            return
    else:
        issues = issues.values("pk")
    if Issue.objects.using(using).filter(pk__in=issues).update(updated_at=timezone.now()):
        archive_changed(using)


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
    _remember(instance, "date", "edition")


def _issue_saved(sender, instance, created, using, raw=False, **kwargs) -> None:
    old_date = _loaded(instance, "date")
    if not created and not raw and old_date is not None and old_date != instance.date:
        touch_neighbours_of(old_date, using=using)
    _remember(instance, "date", "edition")


def _issue_deleted(sender, instance, using, **kwargs) -> None:
    touch_neighbours_of(instance.date, using=using)


def connect() -> None:
    """Connect every trigger (called once from NewsroomConfig.ready)."""
    uid = "newsroom.changes"
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_advertisement_changed, sender=Advertisement,
                       dispatch_uid=f"{uid}.advertisement_{name}")
        signal.connect(_tagged_item_changed, sender=TaggedItem,
                       dispatch_uid=f"{uid}.tagged_item_{name}")
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid=f"{uid}.publication")
    post_save.connect(_tag_saved, sender=Tag, dispatch_uid=f"{uid}.tag_saved")
    post_delete.connect(_photo_deleted, sender=Photo, dispatch_uid=f"{uid}.photo_deleted")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid=f"{uid}.article_deleted")
    post_init.connect(_issue_loaded, sender=Issue, dispatch_uid=f"{uid}.issue_loaded")
    post_save.connect(_issue_saved, sender=Issue, dispatch_uid=f"{uid}.issue_saved")
    post_delete.connect(_issue_deleted, sender=Issue, dispatch_uid=f"{uid}.issue_deleted")
