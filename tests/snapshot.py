"""A snapshot of every row the archive keeps, to tell whether an operation changed anything."""

from __future__ import annotations

from django.apps import apps

# The apps whose rows are the archive: the paper, its history and search index, tags, accounts.
ARCHIVE_APPS = ("newsroom", "search", "importers", "archive", "taggit", "auth", "authtoken")


def archive_models(exclude: tuple[str, ...] = ()) -> list:
    """Return the models whose rows make up the archive, less the labels in ``exclude``."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in ARCHIVE_APPS
        and not model._meta.proxy
        and model._meta.label_lower not in exclude
    ]


def database_snapshot(exclude: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Return every row of every archive model (field values by name), keyed by model label."""
    return {
        model._meta.label_lower: list(model._default_manager.order_by("pk").values())
        for model in archive_models(exclude)
    }
