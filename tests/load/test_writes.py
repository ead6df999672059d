"""New issues written a kind at a time: the same rows, history and search as row by row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from importers.load import (
    import_paths,
    load_page,
)
from importers.load.page import PageLoader
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Person,
    PersonAlias,
    Photo,
    ReviewFlag,
)
from tests.load.pages import (
    SEEDS,
    a_page_with_every_kind_of_row,
    archive_snapshot,
    article_record,
    empty_the_archive,
    issue_record,
    page_record,
    photo_record,
    seed_pages,
    write_statements,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ the bulk path for a new issue


def test_a_new_issue_written_in_bulk_has_the_rows_history_and_search_documents_of_row_by_row(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(PageLoader, "BULK_NEW_ISSUES", False)
    with django_capture_on_commit_callbacks(execute=True):
        load_page(a_page_with_every_kind_of_row())
        import_paths([SEEDS])
    one_by_one = archive_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        empty_the_archive()
    monkeypatch.setattr(PageLoader, "BULK_NEW_ISSUES", True)
    with django_capture_on_commit_callbacks(execute=True):
        load_page(a_page_with_every_kind_of_row())
        import_paths([SEEDS])
    in_bulk = archive_snapshot()

    assert in_bulk == one_by_one
    for model in (Article, Photo, Advertisement, Credit):  # each row has its creation in history
        created = set(model.history.filter(history_type="+").values_list("id", flat=True))
        assert set(model.objects.values_list("pk", flat=True)) <= created
    # A new article's record holds its tags (none), so a revert to it removes later tags.
    created_tags = Article.history.filter(history_type="+").values_list("tag_names", flat=True)
    assert {repr(tags) for tags in created_tags} == {"[]"}
    assert Article.objects.count() > 10 and Credit.objects.count() > 10
    assert len(in_bulk["search documents"]) == len(in_bulk["Article"])
    assert ReviewFlag.objects.filter(code="possible_duplicate_contributor").count() >= 1
    reasons = set(Article.history.values_list("history_change_reason", flat=True))
    assert "导入：pages/2021-03-19.txt" in reasons  # the hand-made page's source


def test_a_new_issue_is_written_with_the_same_statements_however_many_articles_it_has():
    def inserts(articles: int, day: int) -> list[str]:
        page = page_record(
            *(article_record(n, photos=(photo_record(n),)) for n in range(1, articles + 1)),
            issue=issue_record(date=dt.date(2021, 3, day), weekday="", lunar_date=""),
            sha256=str(day) * 64,
        )
        with CaptureQueriesContext(connection) as queries:
            load_page(page)
        return [sql.split("(")[0] for sql in write_statements(queries.captured_queries)]

    # The paper and the reporter and photographer exist from here on.
    load_page(page_record(article_record(1, photos=(photo_record(1),))))
    # The source file, the issue and its history, then each kind at once with its history:
    # the page, articles, photos, credits; then the flags of the new issue (none here); then
    # the articles' search documents.
    assert inserts(2, 1) == inserts(8, 2)
    assert len(inserts(5, 3)) == 12


def test_the_row_by_row_path_still_merges_a_reimported_page_after_a_bulk_first_import():
    page = a_page_with_every_kind_of_row()
    load_page(page)
    article = Article.objects.get(position=1)
    article.headline = "编辑改过的标题"
    article.save()
    changed = page_record(
        article_record(1, headline="新标题", photos=(photo_record(1),)),
        *page.articles[1:], advertisements=page.advertisements, flags=page.flags, issue=page.issue,
    )

    report = load_page(changed)

    assert report.status == "updated"
    assert Article.objects.get(position=1).headline == "编辑改过的标题"
    assert ReviewFlag.objects.filter(code="import_conflict").count() == 1
    assert report.counts["photos"]["deleted"] == 1


def test_new_issues_are_searchable_in_the_transaction_that_writes_them(tmp_path):
    from newsroom.search import search_articles
    from newsroom.search.models import ArticleDocument

    seed_pages(tmp_path, range(1, 4))

    # No on-commit callback runs here (the test's transaction never commits): the
    # documents were written with the articles.
    result = import_paths([tmp_path])

    assert result.ok
    assert ArticleDocument.objects.count() == Article.objects.count() > 3
    assert set(ArticleDocument.objects.values_list("article_id", flat=True)) == set(
        Article.objects.values_list("pk", flat=True))
    # The extra text holds the credited names with their captions, as a reindex writes it.
    assert search_articles("阮向民").count() == 3


def search_articles_count(query: str) -> int:
    from newsroom.search import search_articles

    return search_articles(query).count()


def test_documents_written_with_new_issues_equal_those_a_rebuild_writes(tmp_path):
    from newsroom.changes import rebuild_search_index
    from newsroom.search.models import ArticleDocument

    person = Person.objects.create(name="阮向民")
    PersonAlias.objects.create(person=person, name="阮向明")
    PersonAlias.objects.create(person=person, name="阮相民")
    import_paths([seed_pages(tmp_path, range(1, 3))])
    fields = ("article_id", "title", "body", "extra", "title_words", "body_words",
              "extra_words", "published_on", "published_month", "position_key", "is_public")

    def documents():
        rows = ArticleDocument.objects.order_by("article_id").values_list(*fields)
        if connection.vendor == "postgresql":
            vectors = ArticleDocument.objects.order_by("article_id").extra(
                select={"v": "vector::text"}).values_list("v", flat=True)
            return list(rows), list(vectors)
        return list(rows)

    written = documents()
    assert search_articles_count("阮相民") == 2  # only an alias: found through the credit
    rebuild_search_index()

    assert documents() == written
    assert search_articles_count("阮相民") == 2


def test_a_page_commit_on_postgresql_does_not_wait_for_the_wal_flush():
    with CaptureQueriesContext(connection) as queries:
        load_page(page_record())
    asked = [q["sql"] for q in queries.captured_queries if "synchronous_commit" in q["sql"]]
    expected = ["SET LOCAL synchronous_commit TO OFF"] if connection.vendor == "postgresql" else []
    assert asked == expected


@pytest.mark.parametrize("through", ["create_with_history", "bulk_create_with_history"])
def test_new_rows_history_is_the_librarys_own_with_each_rows_reason_and_user(through, editor_user):
    """create_with_history (which copies the history rows in the database on PostgreSQL) writes
    the history records django-simple-history's bulk_create_with_history writes."""
    from simple_history.utils import bulk_create_with_history

    from importers.load.history import create_with_history
    from tests.factories import make_issue, make_person

    issue = make_issue(date=dt.date(2021, 3, 19))
    writer, illustrator = make_person("阮向民"), make_person("邹伟锋")
    rows = [Article(issue=issue, page=1, position=n, headline=f"标题{n}", body=f"正文{n}。",
                    original_text="OCR", imported={"body": f"正文{n}。"}) for n in (1, 2, 3)]
    for row, reason in zip(rows, ["导入：a.md", "导入：b.md", None], strict=True):
        if reason is not None:
            row._change_reason = reason
    rows[1]._history_user = editor_user
    if through == "create_with_history":
        create_with_history(rows, Article, extra={"tag_names": []})
    else:
        bulk_create_with_history(rows, Article, custom_historical_attrs={"tag_names": []})
    credits = [Credit(article=rows[0], person=writer, role="reporter", order=1),
               Credit(article=rows[0], person=illustrator, role="photographer", order=2)]
    create_with_history(credits, Credit)

    history = list(Article.history.order_by("history_id"))
    assert [(h.id, h.history_type, h.history_change_reason, h.history_user) for h in history] == [
        (rows[0].pk, "+", "导入：a.md", None),
        (rows[1].pk, "+", "导入：b.md", editor_user),
        (rows[2].pk, "+", None, None),
    ]
    for record, row in zip(history, rows, strict=True):
        assert (record.headline, record.body, record.issue_id, record.position, record.tag_names) == (
            row.headline, row.body, issue.pk, row.position, [])
        assert record.history_date is not None
    assert list(Credit.history.order_by("history_id").values_list("id", "person_id", "role")) == [
        (credits[0].pk, writer.pk, "reporter"), (credits[1].pk, illustrator.pk, "photographer")]


def test_joined_parts_get_the_history_records_the_library_gives_them(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    """update_with_history (an UPDATE from arrays and the records copied in the database on
    PostgreSQL) leaves the rows and "~" records bulk_update_with_history leaves."""
    from simple_history.utils import bulk_update_with_history

    from benchmarks.generate_issues import write_issues
    from importers.load import joins

    paths = write_issues(2, tmp_path, seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_paths(paths).ok
    ours = archive_snapshot()
    joined = Article.history.filter(history_type="~", continues__isnull=False)
    assert joined.count() == Article.objects.filter(continues__isnull=False).count() > 0
    assert all(record.history_change_reason for record in joined)
    with django_capture_on_commit_callbacks(execute=True):
        empty_the_archive()
    monkeypatch.setattr(joins, "update_with_history",
                        lambda rows, model, fields: bulk_update_with_history(rows, model, fields))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_paths(paths).ok
    assert archive_snapshot() == ours
