"""A snapshot of every row the archive keeps, to tell whether an operation changed anything.

References to content types and permissions are given by natural key ("taggit.tag", "newsroom.
change_article"), not by id: those rows are made by ``migrate`` and their ids may differ between
two databases holding the same archive (a restore re-creates them).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

# The apps whose rows are the archive: the paper, its history and search index, tags, accounts.
ARCHIVE_APPS = ("newsroom", "search", "importers", "archive", "taggit", "auth", "authtoken", "admin")
# Made by migrate, compared through the references to them instead.
MIGRATE_MADE = ("auth.permission",)


def archive_models(exclude: tuple[str, ...] = ()) -> list:
    """Return the models whose rows make up the archive, less the labels in ``exclude``."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ARCHIVE_APPS
        and not model._meta.proxy
        and model._meta.label_lower not in (*exclude, *MIGRATE_MADE)
    ]


def database_snapshot(exclude: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Return every row of every archive model (field values by name), keyed by model label."""
    content_types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    permissions = {
        p.pk: f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }
    snapshot = {}
    for model in archive_models(exclude):
        natural = {
            field.attname: content_types if field.related_model is ContentType else permissions
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in (ContentType, Permission)
        }
        rows = list(model._default_manager.order_by("pk").values())
        for row in rows:
            for attname, names in natural.items():
                row[attname] = names.get(row[attname], row[attname])
            if model._meta.auto_created:
                row.pop("id", None)  # many-to-many rows are dumped as lists, without their ids
        if model._meta.auto_created:
            rows.sort(key=repr)
        snapshot[model._meta.label_lower] = rows
    return snapshot
