"""What the models' fields share: number ranges and the snapshot field (newsroom/models/fields.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQL

from newsroom.lib.bounds import ISSUE_NUMBERS, PAGES, POSITIONS
from newsroom.models import Advertisement, Article, Issue, Photo
from tests.factories import make_advertisement, make_article, make_issue, make_photo

pytestmark = pytest.mark.django_db


def test_import_snapshots_are_bound_as_parameters_not_unnest_arrays(db):
    """SnapshotField keeps Django's UNNEST bulk insert away from JSON (a quarter of the importer's CPU)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue = make_issue()
    rows = [Article(issue=issue, position=n, headline=f"标题{n}", imported={"body": '"引号"'})
            for n in (1, 2, 3)]
    with CaptureQueriesContext(connection) as queries:
        Article.objects.bulk_create(rows)
    insert = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT"))
    assert "UNNEST" not in insert.upper()
    assert Article.objects.get(position=2).imported == {"body": '"引号"'}
    field = Article._meta.get_field("imported")
    assert field.deconstruct()[1] == "django.db.models.JSONField"  # migrations see a JSONField


# ------------------------------------------------------------------ numbers a page prints


def test_the_bounds_of_printed_numbers_are_the_ranges_of_their_postgresql_columns():
    # SQLite stores any 64-bit integer; newsroom.lib.bounds (and the CheckConstraints built
    # from it) keep every backend to what PostgreSQL's columns hold, so any archive restores.
    postgresql = PostgreSQL.integer_field_ranges
    fields = {
        ISSUE_NUMBERS: [Issue._meta.get_field("number")],
        PAGES: [model._meta.get_field("page") for model in (Article, Photo, Advertisement)],
        POSITIONS: [model._meta.get_field("position") for model in (Article, Photo, Advertisement)],
    }
    for allowed, columns in fields.items():
        for column in columns:
            low, high = postgresql[column.get_internal_type()]
            assert low < allowed.start and allowed.stop - 1 == high, column


@pytest.mark.parametrize(
    ("make", "fields"),
    [
        (make_issue, {"number": 2_147_483_648}),
        (make_issue, {"number": 0}),
        (make_article, {"page": 32_768}),
        (make_article, {"position": 32_768}),
        (make_photo, {"page": 32_768}),
        (make_photo, {"page": 0}),
        (make_photo, {"position": 32_768}),
        (make_advertisement, {"page": 32_768}),
        (make_advertisement, {"page": 0}),
        (make_advertisement, {"position": 32_768}),
    ],
)
def test_a_number_out_of_its_range_is_refused_by_every_database(make, fields):
    # PostgreSQL refuses a value past the column's type (DataError) before the check runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make(**fields)


def test_a_number_out_of_its_range_is_refused_by_model_validation_alike_on_every_database(issue):
    article = make_article(issue=issue)
    article.position = 32_768
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert caught.value.message_dict == {"position": ["确保该值小于或等于32767。"]}
