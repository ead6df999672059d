"""Re-importing keeps the editor's work: merged fields, conflicts, rows an editor touched."""

from __future__ import annotations

import datetime as dt

import pytest

from importers.load import (
    load_page,
)
from newsroom.models import (
    Advertisement,
    Article,
    ImportRun,
    Photo,
    ReviewFlag,
)
from tests.load.pages import (
    ad_record,
    article_record,
    blocks,
    credits,
    page_record,
    photo_record,
)

pytestmark = pytest.mark.django_db


def test_reimport_keeps_an_editors_correction_and_flags_the_conflict():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.body = "编辑改过的正文。"
    article.save()

    changed = page_record(
        article_record(1, headline="新导入的标题", blocks=blocks("新导入的正文。")), sha256="b" * 64)
    report = load_page(changed)

    article.refresh_from_db()
    assert (article.headline, article.body) == ("编辑改过的标题", "编辑改过的正文。")
    # What the importer last wrote stays the old import for fields it did not take.
    assert article.imported["headline"] == "第1篇新闻标题"
    conflicts = ReviewFlag.objects.filter(code="import_conflict", article=article)
    assert {(f.before, f.after) for f in conflicts} == {
        ("编辑改过的标题", "新导入的标题"), ("编辑改过的正文。", "新导入的正文。")}
    headline_flag = conflicts.get(after="新导入的标题")
    assert "编辑改过的标题" in headline_flag.message and "新导入的标题" in headline_flag.message
    assert report.counts["articles"]["kept"] == 2


def test_the_same_conflict_is_not_flagged_again_on_the_next_import():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.save()
    changed = page_record(article_record(1, headline="新导入的标题"), sha256="b" * 64)
    load_page(changed)
    flag = ReviewFlag.objects.get(code="import_conflict")
    flag.status, flag.resolved_at = "accepted", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    flag.save()

    report = load_page(changed)

    assert ReviewFlag.objects.filter(code="import_conflict").count() == 1
    flag.refresh_from_db()
    assert flag.status == "accepted"  # not reopened
    assert report.counts["flags"]["created"] == 0


def test_a_conflict_closes_as_superseded_when_the_file_no_longer_disagrees_with_the_editor():
    original = page_record(article_record(1))
    load_page(original)
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.save()
    load_page(page_record(article_record(1, headline="新导入的标题"), sha256="b" * 64))
    flag = ReviewFlag.objects.get(code="import_conflict")
    assert flag.status == "open"

    report = load_page(original)

    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("superseded", None) and flag.resolved_at
    assert (
        "closed 1 import conflict(s): the file no longer gives the text they showed against "
        "the editor's" in report.notes
    )
    assert not ReviewFlag.objects.open().exists()
    article.refresh_from_db()
    assert article.headline == "编辑改过的标题"


def test_a_conflict_with_yet_another_text_replaces_the_one_before_it():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.save()
    load_page(page_record(article_record(1, headline="新导入的标题"), sha256="b" * 64))

    load_page(page_record(article_record(1, headline="再次导入的标题"), sha256="c" * 64))

    conflicts = ReviewFlag.objects.filter(code="import_conflict")
    assert {(f.after, f.status) for f in conflicts} == {
        ("新导入的标题", "superseded"), ("再次导入的标题", "open")}


def test_a_superseded_conflict_opens_again_when_the_file_disagrees_again():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.headline = "编辑改过的标题"
    article.save()
    changed = page_record(article_record(1, headline="新导入的标题"), sha256="b" * 64)
    load_page(changed)
    load_page(page_record(article_record(1)))
    article.headline = "编辑再次改过的标题"
    article.save()

    report = load_page(changed)

    flag = ReviewFlag.objects.get(code="import_conflict")
    assert (flag.status, flag.resolved_at) == ("open", None)
    assert flag.before == "编辑再次改过的标题"  # what the editor has now
    assert "reopened 1 superseded flag(s) the file gives again" in report.notes


def test_an_untouched_field_takes_the_new_import_while_an_edited_one_is_kept():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.body = "编辑改过的正文。"
    article.save()

    load_page(page_record(
        article_record(1, headline="更正后的标题", kicker="新引题"), sha256="b" * 64))

    article.refresh_from_db()
    assert (article.headline, article.kicker) == ("更正后的标题", "新引题")
    assert article.imported["headline"] == "更正后的标题"
    assert article.body == "编辑改过的正文。"  # the import did not change the body: kept silently
    assert not ReviewFlag.objects.filter(code="import_conflict").exists()


def test_reimport_never_touches_visibility_review_status_tags_or_version():
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    article.visibility, article.correction_status, article.version = "withdrawn", "reviewed", 4
    article.save()
    article.tags.add("劳模")

    load_page(page_record(article_record(1, headline="更正后的标题"), sha256="b" * 64))

    article.refresh_from_db()
    assert article.headline == "更正后的标题"
    assert (article.visibility, article.correction_status, article.version) == (
        "withdrawn", "reviewed", 4)
    assert list(article.tags.names()) == ["劳模"]


def test_a_photo_caption_and_an_ad_follow_the_same_rules():
    load_page(page_record(article_record(1, photos=(photo_record(1),)),
                          advertisements=(ad_record(1),)))
    photo = Photo.objects.get()
    photo.caption = "编辑改过的说明。"
    photo.save()

    load_page(page_record(
        article_record(1, photos=(photo_record(1, caption="新导入的说明。"),)),
        advertisements=(ad_record(1, phone="95566-1"),),
        sha256="b" * 64,
    ))

    photo.refresh_from_db()
    assert photo.caption == "编辑改过的说明。"
    assert ReviewFlag.objects.get(code="import_conflict").photo == photo
    assert Advertisement.objects.get().phone == "95566-1"


def test_an_article_gone_from_the_new_file_is_deleted_unless_an_editor_worked_on_it():
    load_page(page_record(article_record(1), article_record(2), article_record(3)))
    edited = Article.objects.get(position=3)
    edited.headline = "编辑改过的标题"
    edited.save()

    report = load_page(page_record(article_record(1), sha256="b" * 64))

    assert list(Article.objects.values_list("position", flat=True)) == [1, 3]
    flag = ReviewFlag.objects.get(article=edited, code="other")
    assert "no longer has the article at page 1 position 3" in flag.message
    assert (report.counts["articles"]["deleted"], report.counts["articles"]["kept"]) == (1, 1)


def _reimported(article: Article) -> tuple[int, object, str]:
    """Return the article's version, updated_at and its newest history row's reason."""
    article.refresh_from_db()
    return article.version, article.updated_at, article.history.first().history_change_reason


@pytest.mark.parametrize("changed", [
    {"contributors": credits(("阮向民", "reporter"), ("新记者", "reporter"))},
    {"photos": (photo_record(1),)},
    {"photos": (photo_record(1, contributors=credits(("新摄影", "photographer"))),)},
], ids=["a credit added", "a photo added", "a photo credit added"])
def test_a_reimport_that_changes_an_articles_credits_or_photos_gives_it_a_new_version(changed):
    load_page(page_record(article_record(1)))
    article = Article.objects.get()
    version, updated_at, _reason = _reimported(article)

    run = ImportRun.objects.create()
    load_page(page_record(article_record(1, **changed), source="/data/2024/p1.md", sha256="b" * 64),
              run=run)

    new_version, new_updated_at, reason = _reimported(article)
    assert new_version == version + 1
    assert new_updated_at > updated_at
    assert reason == f"导入批次 {run.pk}：/data/2024/p1.md"


def test_a_reimport_that_drops_an_articles_photo_gives_it_a_new_version():
    load_page(page_record(article_record(1, photos=(photo_record(1),))))
    article = Article.objects.get()

    load_page(page_record(article_record(1), sha256="b" * 64))

    assert not Photo.objects.exists()
    assert _reimported(article)[0] == 2


def test_an_unchanged_reimport_leaves_the_articles_version_alone():
    page = page_record(article_record(1, photos=(photo_record(1),)))
    load_page(page)
    article = Article.objects.get()
    before = _reimported(article)

    load_page(page_record(article_record(1, photos=(photo_record(1),)), sha256="b" * 64))

    assert _reimported(article) == before
