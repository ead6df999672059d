"""Receivers that keep the search index current: they only collect article ids.

The index is derived data (like Wagtail's search index or a cache), not business
logic: whatever path saves an article, a photo, a credit or a name, the index must
follow, and no caller should have to remember it. The receivers therefore only note
which articles changed; `index_on_commit` indexes each of them once after commit.
Bulk paths that send no signals (`QuerySet.update`, `bulk_create`) are covered by
`manage.py rebuild_search_index`.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save

from newsroom.models import Article, Credit, Issue, Person, PersonAlias, Photo
from newsroom.search.indexing import index_on_commit


def _remember(instance, *fields: str) -> None:
    # What the row held when it was loaded, so a move (a photo to another article, a
    # credit to another photo) re-indexes the article it left as well.
    # Read from the instance's own values: a deferred field is not loaded (and reading it
    # here would load the row again, and send post_init again).
    values = instance.__dict__
    instance._search_loaded = {name: values[name] for name in fields if name in values}


def _loaded(instance, name: str):
    return getattr(instance, "_search_loaded", {}).get(name)


def articles_of_person(person_id: int, *, using: str) -> list[int]:
    """Return the ids of articles crediting a person, directly or on a photo."""
    return list(
        Article.objects.using(using).by_person(person_id).values_list("pk", flat=True)
    )


def article_saved(sender, instance, using, **kwargs):
    index_on_commit([instance.pk], using=using)


def issue_loaded(sender, instance, **kwargs):
    _remember(instance, "date", "edition")


def issue_saved(sender, instance, created, using, **kwargs):
    # The documents keep the date and edition their articles are sorted and filtered by.
    if not created and (
        instance.date != _loaded(instance, "date")
        or instance.edition != _loaded(instance, "edition")
    ):
        index_on_commit(instance.articles.using(using).values_list("pk", flat=True), using=using)
    _remember(instance, "date", "edition")


def photo_loaded(sender, instance, **kwargs):
    _remember(instance, "article_id")


def photo_changed(sender, instance, using, **kwargs):
    index_on_commit([instance.article_id, _loaded(instance, "article_id")], using=using)
    _remember(instance, "article_id")


def credit_loaded(sender, instance, **kwargs):
    _remember(instance, "article_id", "photo_id", "person_id")


def credit_changed(sender, instance, using, **kwargs):
    article_ids = {instance.article_id, _loaded(instance, "article_id")}
    photo_ids = {instance.photo_id, _loaded(instance, "photo_id")} - {None}
    if photo_ids:
        article_ids.update(
            Photo.objects.using(using).filter(pk__in=photo_ids).values_list("article_id", flat=True)
        )
    index_on_commit(article_ids, using=using)
    _remember(instance, "article_id", "photo_id", "person_id")


def person_loaded(sender, instance, **kwargs):
    _remember(instance, "name")


def person_saved(sender, instance, created, using, **kwargs):
    if not created and instance.name != _loaded(instance, "name"):
        index_on_commit(articles_of_person(instance.pk, using=using), using=using)
    _remember(instance, "name")


def alias_changed(sender, instance, using, **kwargs):
    person_ids = {instance.person_id, _loaded(instance, "person_id")} - {None}
    for person_id in person_ids:
        index_on_commit(articles_of_person(person_id, using=using), using=using)
    _remember(instance, "person_id")


def alias_loaded(sender, instance, **kwargs):
    _remember(instance, "person_id")


def connect() -> None:
    """Connect the receivers (called once from SearchConfig.ready)."""
    uid = "newsroom.search"
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}.article_saved")
    for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(photo_changed, sender=Photo, dispatch_uid=f"{uid}.photo_{name}")
        signal.connect(credit_changed, sender=Credit, dispatch_uid=f"{uid}.credit_{name}")
        signal.connect(alias_changed, sender=PersonAlias, dispatch_uid=f"{uid}.alias_{name}")
    post_save.connect(person_saved, sender=Person, dispatch_uid=f"{uid}.person_saved")
    post_save.connect(issue_saved, sender=Issue, dispatch_uid=f"{uid}.issue_saved")
    post_init.connect(issue_loaded, sender=Issue, dispatch_uid=f"{uid}.issue_loaded")
    post_init.connect(photo_loaded, sender=Photo, dispatch_uid=f"{uid}.photo_loaded")
    post_init.connect(credit_loaded, sender=Credit, dispatch_uid=f"{uid}.credit_loaded")
    post_init.connect(person_loaded, sender=Person, dispatch_uid=f"{uid}.person_loaded")
    post_init.connect(alias_loaded, sender=PersonAlias, dispatch_uid=f"{uid}.alias_loaded")
