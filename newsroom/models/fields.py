"""What the models' fields share: the number ranges they check and the importer's snapshot field."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def in_range(field: str, allowed: range) -> Q:
    """Return the condition that a number lies in a range of newsroom.lib.bounds.

    PostgreSQL's column types cap these numbers already; SQLite stores any 64-bit integer,
    so without the check an archive on SQLite could hold what PostgreSQL cannot restore.
    """
    return Q(**{f"{field}__gte": allowed.start, f"{field}__lte": allowed.stop - 1})


def within(allowed: range) -> list:
    """Return the validators of a range of newsroom.lib.bounds, so that forms and the API
    refuse a number out of it with the same message on every database."""
    return [MinValueValidator(allowed.start), MaxValueValidator(allowed.stop - 1)]


class SnapshotField(models.JSONField):
    """A JSON snapshot of what the importer wrote (Article, Photo, Advertisement.imported).

    On PostgreSQL, Django 5.2 bulk-inserts rows as UNNEST(array per column) unless a field
    has a placeholder of its own. A JSON document inside a text array costs psycopg a regex
    escape per double quote: a quarter of the importer's CPU (26 instead of 35 ms a page,
    measured in benchmarks/import_benchmark.py). With this placeholder the importer's
    inserts bind every value as its own parameter instead.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"

    def deconstruct(self):
        # Stored exactly as a JSONField (migrations see one): only how inserts bind it differs.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


def related_model(model: type[models.Model], name: str) -> type[models.Model]:
    """Return the model a relation of ``model`` leads to (Issue "articles" -> Article).

    QuerySets of one module name the models of modules that import it this way, so the
    package's modules import each other in one direction only.
    """
    return model._meta.get_field(name).related_model


def count_of(rows: QuerySet, field: str) -> Coalesce:
    """Return an expression counting the ``rows`` whose ``field`` is the outer row (0 if none).

    A correlated subquery, not a join: the outer rows stay unique and can still be sliced.
    """
    counted = (
        rows.filter(**{field: OuterRef("pk")}).order_by().values(field)
        .annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
