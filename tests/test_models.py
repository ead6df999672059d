import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.backends.postgresql.operations import DatabaseOperations as PostgreSQL

from newsroom.lib.bounds import ISSUE_NUMBERS, PAGES, POSITIONS
from newsroom.models import Advertisement, Article, Credit, Issue, Photo, ReviewFlag
from tests.factories import (
    make_advertisement,
    make_article,
    make_credit,
    make_flag,
    make_issue,
    make_person,
    make_photo,
    make_publication,
)

pytestmark = pytest.mark.django_db


def test_a_second_issue_on_the_same_day_and_edition_is_refused():
    publication = make_publication()
    make_issue(publication=publication, date=dt.date(2021, 3, 19))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issue(publication=publication, date=dt.date(2021, 3, 19))


def test_a_second_edition_on_the_same_day_is_allowed():
    publication = make_publication()
    make_issue(publication=publication, date=dt.date(2021, 3, 19))
    make_issue(publication=publication, date=dt.date(2021, 3, 19), edition=2)
    assert Issue.objects.on_date(dt.date(2021, 3, 19)).count() == 2


def test_two_articles_in_the_same_position_are_refused(issue):
    make_article(issue=issue, page=1, position=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, page=1, position=3)


def test_the_same_position_on_another_page_is_allowed(issue):
    make_article(issue=issue, page=1, position=3)
    make_article(issue=issue, page=2, position=3)
    assert issue.articles.count() == 2


def test_an_article_position_of_zero_is_refused(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, position=0)


def test_an_unknown_visibility_is_refused_by_the_database(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(issue=issue, visibility="secret")


def test_withdrawn_articles_are_not_public(issue):
    shown = make_article(issue=issue)
    hidden = make_article(issue=issue, visibility="withdrawn")
    public = list(Article.objects.public())
    assert shown in public
    assert hidden not in public
    assert list(Article.objects.withdrawn()) == [hidden]


def test_issues_with_only_withdrawn_articles_are_not_listed_as_public(publication):
    visible = make_issue(publication=publication, date=dt.date(2021, 3, 19))
    make_article(issue=visible)
    hidden = make_issue(publication=publication, date=dt.date(2022, 6, 17))
    make_article(issue=hidden, visibility="withdrawn")
    assert list(Issue.objects.with_public_articles()) == [visible]


def test_a_credit_must_be_on_an_article_or_a_photo_but_not_both(issue):
    person = make_person("阮向民")
    article = make_article(issue=issue)
    photo = make_photo(issue=issue)
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(person=person, role="reporter")
    with pytest.raises(IntegrityError), transaction.atomic():
        Credit.objects.create(person=person, role="reporter", article=article, photo=photo)


def test_the_same_person_in_the_same_role_twice_on_an_article_is_refused(issue):
    person = make_person("阮向民")
    article = make_article(issue=issue)
    make_credit(person=person, article=article, role="reporter")
    make_credit(person=person, article=article, role="photographer", order=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_credit(person=person, article=article, role="reporter", order=3)


def test_an_unknown_role_is_refused_by_the_database(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_credit(person=make_person(), article=make_article(issue=issue), role="editor")


def test_by_person_finds_articles_and_photo_credits_once_each(issue):
    person = make_person("邹伟锋")
    written = make_article(issue=issue)
    make_credit(person=person, article=written)
    pictured = make_article(issue=issue)
    photo = make_photo(issue=issue, article=pictured)
    make_credit(person=person, photo=photo, role="photographer")
    make_credit(person=person, article=pictured, role="photographer")
    make_article(issue=issue)
    found = sorted(a.pk for a in Article.objects.by_person(person))
    assert found == sorted([written.pk, pictured.pk])


def test_person_named_matches_aliases(db):
    person = make_person("张浩星")
    person.aliases.create(name="张浩呈")
    assert list(type(person).objects.named("张浩呈")) == [person]
    assert list(type(person).objects.named("张浩星")) == [person]


def test_a_resolved_flag_needs_a_resolution_time(issue):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_flag(issue, status=ReviewFlag.Status.ACCEPTED)


def test_open_flags_mark_their_articles(issue):
    flagged = make_article(issue=issue)
    make_flag(issue, article=flagged)
    make_article(issue=issue)
    assert list(Article.objects.with_open_flags()) == [flagged]


def test_the_body_reads_as_paragraphs_and_crossheads(issue):
    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    assert [(b.type, b.text) for b in article.blocks] == [
        ("paragraph", "第一段。"),
        ("crosshead", "小标题"),
        ("paragraph", "第二段。"),
    ]


def test_the_body_is_parsed_once_however_often_its_blocks_are_read(issue, monkeypatch):
    import newsroom.models

    article = make_article(issue=issue, body="第一段。\n\n### 小标题\n\n第二段。")
    calls = []
    parse = newsroom.models.parse_body
    monkeypatch.setattr(newsroom.models, "parse_body", lambda body: calls.append(body) or parse(body))
    assert article.blocks == article.blocks
    assert article.body_text == "第一段。\n小标题\n第二段。"
    assert len(calls) == 1


def test_a_changed_body_is_never_read_from_the_old_parse(issue):
    article = make_article(issue=issue, body="旧的第一段。")
    assert [b.text for b in article.blocks] == ["旧的第一段。"]
    article.blocks.append("not kept")  # a caller's list is its own copy
    assert len(article.blocks) == 1
    article.body = "新的第一段。\n\n新的第二段。"
    article.save()
    assert [b.text for b in article.blocks] == ["新的第一段。", "新的第二段。"]
    assert article.body_text == "新的第一段。\n新的第二段。"
    Article.objects.filter(pk=article.pk).update(body="库里的段落。")
    article.refresh_from_db()
    assert [b.text for b in article.blocks] == ["库里的段落。"]


def test_the_full_heading_gives_back_the_printed_heading(issue):
    article = make_article(issue=issue, kicker="引题", headline="主题", subheadline="")
    assert article.full_heading == "引题 主题"


def test_a_wrong_printed_weekday_is_noticed(publication):
    assert make_issue(publication=publication, weekday="星期五").weekday_matches()
    assert not make_issue(
        publication=publication, date=dt.date(2021, 3, 20), weekday="星期五"
    ).weekday_matches()


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
