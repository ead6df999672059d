"""The loader: parsed pages to models, idempotent re-imports that keep editors' corrections."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from importers import loader
from importers.loader import expand_paths, import_paths, load_page, one_edit_apart
from importers.records import (
    AdvertisementRecord,
    ArticleRecord,
    ContributorRecord,
    FlagRecord,
    IssueRecord,
    PageRecord,
    ParseError,
    PhotoRecord,
)
from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH, Block
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    ImportedFile,
    ImportRun,
    Issue,
    Person,
    PersonAlias,
    Photo,
    Publication,
    ReviewFlag,
    SourceFile,
)
from tests.factories import make_publication

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR) / "seeds"
SEED_2021 = SEEDS / "000_08ceee72487f69f5.txt"
SEED_2022 = SEEDS / "002_758893745608affc.txt"


# ------------------------------------------------------------------ records made by hand


def issue_record(**fields) -> IssueRecord:
    values = {
        "publication": "浙江工人日报",
        "date": dt.date(2021, 3, 19),
        "lunar_date": "辛丑年二月初七",
        "weekday": "星期五",
        "number": 11771,
        "cn_number": "CN33-0018",
        "postal_code": "31-2",
        "website": "www.zjgrrb.com",
        "email": "zjgrrb@163.com",
    }
    values.update(fields)
    return IssueRecord(**values)


def credits(*pairs) -> tuple[ContributorRecord, ...]:
    return tuple(ContributorRecord(name, role) for name, role in pairs)


def blocks(*texts: str) -> tuple[Block, ...]:
    return tuple(
        Block(CROSSHEAD, t.removeprefix("### ")) if t.startswith("### ") else Block(PARAGRAPH, t)
        for t in texts
    )


def article_record(position: int = 1, **fields) -> ArticleRecord:
    start = 20 * position
    values = {
        "heading": f"第{position}篇新闻标题",
        "kicker": "",
        "headline": f"第{position}篇新闻标题",
        "subheadline": "",
        "kind": "article",
        "dateline": "本报讯",
        "contributors": credits(("阮向民", "reporter")),
        "blocks": blocks("第一段。", "### 小标题", "第二段。"),
        "photos": (),
        "truncated": False,
        "flags": (),
        "lines": (start, start + 6),
        "original_text": f"## 第{position}篇新闻标题\n\n本报讯 记者阮向民报道 第一段。",
        "position": position,
    }
    values.update(fields)
    return ArticleRecord(**values)


def photo_record(position: int = 1, **fields) -> PhotoRecord:
    values = {
        "caption": "昨日,比赛现场。",
        "contributors": credits(("邹伟锋", "photographer")),
        "lines": (50 + position, 51 + position),
        "original_text": "昨日,比赛现场。\n记者邹伟锋 摄",
        "position": position,
    }
    values.update(fields)
    return PhotoRecord(**values)


def ad_record(position: int = 1, **fields) -> AdvertisementRecord:
    values = {
        "advertiser": "中国银行",
        "text": "中国银行\n浙江省分行",
        "phone": "95566",
        "website": "",
        "lines": (170 + 4 * position, 172 + 4 * position),
        "original_text": "**中国银行**\n浙江省分行",
        "position": position,
    }
    values.update(fields)
    return AdvertisementRecord(**values)


def page_record(*articles: ArticleRecord, **fields) -> PageRecord:
    values = {
        "source": "pages/2021-03-19.txt",
        "sha256": "a" * 64,
        "encoding": "utf-8",
        "issue": issue_record(),
        "articles": articles or (article_record(1),),
        "advertisements": (),
        "flags": (),
    }
    values.update(fields)
    return PageRecord(**values)


def row_counts() -> dict[str, int]:
    models = (Publication, SourceFile, Issue, Article, Photo, Advertisement, Person, Credit,
              ReviewFlag)
    counts = {model.__name__: model.objects.count() for model in models}
    for model in (Issue, Article, Photo, Advertisement, Person, Credit):
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


WRITES = ("INSERT", "UPDATE", "DELETE")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


# ------------------------------------------------------------------ a first import


def test_a_first_import_creates_the_issue_its_articles_photos_ads_people_and_credits():
    page = page_record(
        article_record(1, photos=(photo_record(1),)),
        article_record(2, headline="", heading="印出来的标题",
                       contributors=credits(("郑莎", "correspondent"), ("阮向民", "reporter"))),
        advertisements=(ad_record(1),),
    )
    report = load_page(page, source_text="# 浙江工人日报\n", size=123)

    assert report.status == "created"
    issue = Issue.objects.get()
    assert (issue.publication.name, issue.date, issue.edition, issue.number) == (
        "浙江工人日报", dt.date(2021, 3, 19), 1, 11771)
    assert issue.masthead["website"] == "www.zjgrrb.com"
    assert (issue.source.name, issue.source.size, issue.source.text) == (
        "pages/2021-03-19.txt", 123, "# 浙江工人日报\n")
    first, second = issue.articles.order_by("position")
    assert first.body == "第一段。\n\n### 小标题\n\n第二段。"
    assert (first.line_start, first.line_end, first.visibility, first.correction_status) == (
        20, 26, "published", "unreviewed")
    assert first.imported == {
        "kicker": "", "headline": "第1篇新闻标题", "subheadline": "", "dateline": "本报讯",
        "body": "第一段。\n\n### 小标题\n\n第二段。", "kind": "article",
    }
    assert second.headline == "印出来的标题"  # no headline read: the heading as printed
    photo = Photo.objects.get()
    assert (photo.article, photo.caption, photo.imported) == (
        first, "昨日,比赛现场。", {"caption": "昨日,比赛现场。"})
    assert [(c.person.name, c.role) for c in photo.credits.all()] == [("邹伟锋", "photographer")]
    assert [(c.person.name, c.role, c.order) for c in second.credits.order_by("order")] == [
        ("郑莎", "correspondent", 1), ("阮向民", "reporter", 2)]
    assert Person.objects.count() == 3  # 阮向民 once, though credited twice
    ad = Advertisement.objects.get()
    assert ad.imported == {"advertiser": "中国银行", "text": "中国银行\n浙江省分行",
                           "phone": "95566", "website": ""}
    assert report.counts["articles"]["created"] == 2
    assert report.counts["people"]["created"] == 3
    assert report.counts["credits"]["created"] == 4


def test_a_known_paper_is_created_from_what_the_importer_knows_not_the_misprinted_masthead():
    load_page(page_record(issue=issue_record(website="www.zjgrbb.com")))
    publication = Publication.objects.get()
    assert (publication.website, publication.slug, publication.address) == (
        "www.zjgrrb.com", "zjgrrb", "杭州市学院路107号")


def test_an_unknown_paper_is_created_from_its_masthead():
    load_page(page_record(issue=issue_record(
        publication="宁波工人报", cn_number="CN33-0099", website="www.nbgrb.cn", email="")))
    publication = Publication.objects.get()
    assert (publication.name, publication.cn_number, publication.slug) == (
        "宁波工人报", "CN33-0099", "nbgrb")
    assert not ReviewFlag.objects.filter(code="masthead_mismatch").exists()


def test_flags_from_records_keep_their_lines_original_text_and_repair():
    repair = FlagRecord("joined_paragraphs", "joined two paragraphs", (23, 25),
                        original="第一\n\n段。", before="第一\n\n段。", after="第一段。")
    page = page_record(
        article_record(1, flags=(repair,)),
        flags=(FlagRecord("unassigned_text", "text outside any article", (7, 7), original="浙工之家"),),
    )
    load_page(page)
    flag = ReviewFlag.objects.get(code="joined_paragraphs")
    assert (flag.article.position, flag.line_start, flag.line_end) == (1, 23, 25)
    assert (flag.original, flag.before, flag.after, flag.status) == (
        "第一\n\n段。", "第一\n\n段。", "第一段。", "open")
    # A code the data model does not know is kept in the message, filed as "other".
    other = ReviewFlag.objects.get(code="other")
    assert other.article is None
    assert other.message == "[unassigned_text] text outside any article"


def test_a_value_too_long_to_store_is_refused_with_file_and_line_and_nothing_is_written():
    page = page_record(article_record(1), article_record(2, headline="长" * 301))
    with pytest.raises(ParseError) as caught:
        load_page(page)
    assert str(caught.value).startswith("pages/2021-03-19.txt line 40: article headline is 301")
    assert Issue.objects.count() == 0
    assert Publication.objects.count() == 0


@pytest.mark.parametrize("number", [0, 2_147_483_648, 9_223_372_036_854_775_808])
def test_an_issue_number_made_by_hand_out_of_range_is_refused_before_anything_is_written(number):
    # The parser refuses such a number at its masthead line; records made elsewhere meet the
    # same bounds here, not a DataError (PostgreSQL) or OverflowError (SQLite) mid-write.
    with pytest.raises(ParseError) as caught:
        load_page(page_record(issue=issue_record(number=number)))
    assert str(caught.value) == (
        f"pages/2021-03-19.txt: issue number {number} is out of range: it must be within "
        "1..2,147,483,647"
    )
    assert Publication.objects.count() == 0


@pytest.mark.parametrize(("page", "position"), [(32_768, 1), (1, 32_768), (0, 1)])
def test_a_page_or_position_out_of_range_is_refused_naming_the_line(page, position):
    record = article_record(position, page=page)
    with pytest.raises(ParseError) as caught:
        load_page(page_record(record))
    assert str(caught.value) == (
        f"pages/2021-03-19.txt line {record.lines[0]}: article at page {page} position "
        f"{position} is out of range: pages must be within 1..32,767 and positions within "
        "1..32,767"
    )
    assert Publication.objects.count() == 0


def test_the_largest_issue_number_page_and_position_are_stored():
    load_page(page_record(article_record(32_767, page=32_767),
                          issue=issue_record(number=2_147_483_647)))
    assert Issue.objects.get().number == 2_147_483_647
    assert Article.objects.values_list("page", "position").get() == (32_767, 32_767)


# ------------------------------------------------------------------ re-importing


def test_reimporting_the_same_page_writes_nothing():
    page = page_record(
        article_record(1, photos=(photo_record(1),),
                       flags=(FlagRecord("crosshead_detected", "小标题", (22, 22)),)),
        advertisements=(ad_record(1),),
        flags=(FlagRecord("masthead_mismatch", "masthead prints x", (9, 9)),),
    )
    load_page(page)
    before = row_counts()
    stamps = list(Article.objects.values_list("pk", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        report = load_page(page)

    assert report.status == "unchanged"
    assert writes(queries.captured_queries) == []
    assert row_counts() == before
    assert list(Article.objects.values_list("pk", "updated_at")) == stamps


def test_reimporting_the_seeds_changes_nothing():
    import_paths([SEEDS])
    before = row_counts()
    stamps = {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Issue, Article)
    }

    result = import_paths([SEEDS])

    assert [report.status for report in result.files] == ["unchanged", "unchanged"]
    assert row_counts() == before
    assert stamps == {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Issue, Article)
    }


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


def test_a_new_credit_is_added_on_reimport_and_an_old_one_is_not_duplicated():
    load_page(page_record(article_record(1)))
    load_page(page_record(
        article_record(1, contributors=credits(("阮向民", "reporter"), ("金钩", "trainee_reporter"))),
        sha256="b" * 64,
    ))
    article = Article.objects.get()
    assert set(article.credits.values_list("person__name", "role")) == {
        ("阮向民", "reporter"), ("金钩", "trainee_reporter")}
    assert article.credits.count() == 2


def test_a_failure_half_way_leaves_nothing_for_that_file_and_the_next_file_still_imports(
    tmp_path, monkeypatch
):
    shutil.copy(SEED_2021, tmp_path / "a.txt")
    shutil.copy(SEED_2022, tmp_path / "b.txt")
    original = loader._PageLoader.load_article
    calls = []

    def fail_after_the_first_article(self, record, article):
        if self.page.source.endswith("a.txt") and calls:
            raise RuntimeError("disk full")
        calls.append(record)
        return original(self, record, article)

    monkeypatch.setattr(loader._PageLoader, "load_article", fail_after_the_first_article)

    result = import_paths([tmp_path])

    assert [r.status for r in result.files] == ["failed", "created"]
    assert "a.txt: RuntimeError: disk full" in result.files[0].error
    assert list(Issue.objects.values_list("date", flat=True)) == [dt.date(2022, 6, 17)]
    assert not Person.objects.filter(name="金钩").exists()  # credited only in a.txt
    assert SourceFile.objects.count() == 1
    assert Article.history.filter(issue__date=dt.date(2021, 3, 19)).count() == 0
    assert result.run.status == "failed" and result.run.files_failed == 1


# ------------------------------------------------------------------ people


def test_a_name_one_character_from_a_reporter_is_a_new_person_flagged_as_a_possible_duplicate():
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    page = page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                       issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64)

    load_page(page)
    load_page(page)

    new = Person.objects.get(name="张浩呈")
    assert Person.objects.count() == 2  # not merged
    flag = ReviewFlag.objects.get(code="possible_duplicate_contributor")
    assert flag.person == new
    assert "张浩呈" in flag.message and "张浩星" in flag.message
    assert flag.article.credits.get().person == new


def test_a_name_one_character_from_someone_in_another_role_is_not_flagged():
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "correspondent")))))
    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                          issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64))
    assert not ReviewFlag.objects.filter(code="possible_duplicate_contributor").exists()


def test_a_name_one_insertion_away_is_flagged_too():
    load_page(page_record(article_record(1, contributors=credits(("单玉紫枫", "correspondent")))))
    load_page(page_record(article_record(1, contributors=credits(("单玉枫", "correspondent"))),
                          issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64))
    assert ReviewFlag.objects.get(code="possible_duplicate_contributor").person.name == "单玉枫"


def test_an_alias_credits_the_person_it_belongs_to():
    person = Person.objects.create(name="张浩星")
    PersonAlias.objects.create(person=person, name="张浩呈")

    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter")))))

    assert Person.objects.count() == 1
    assert Credit.objects.get().person == person
    assert not ReviewFlag.objects.filter(code="possible_duplicate_contributor").exists()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("张浩星", "张浩呈", True),
        ("单玉紫枫", "单玉枫", True),
        ("单玉枫", "单玉紫枫", True),
        ("张浩星", "张浩星", False),
        ("张浩星", "李浩呈", False),
        ("程雪", "程雪华丽", False),
    ],
)
def test_names_are_one_edit_apart_only_for_one_substitution_insertion_or_deletion(a, b, expected):
    assert one_edit_apart(a, b) is expected


# ------------------------------------------------------------------ the masthead


def test_a_masthead_that_differs_from_the_publication_row_is_flagged_on_the_issue():
    make_publication(email="editor@zjgrrb.com")

    load_page(page_record())
    load_page(page_record())

    flag = ReviewFlag.objects.get(code="masthead_mismatch")
    assert flag.article is None
    assert "zjgrrb@163.com" in flag.message and "editor@zjgrrb.com" in flag.message


def test_a_masthead_mismatch_the_parser_already_flagged_is_not_flagged_twice():
    make_publication()
    parsed = FlagRecord(
        "masthead_mismatch",
        "masthead prints www.zjgrbb.com where the paper's website is www.zjgrrb.com",
        (9, 9),
        original="电子版:www.zjgrbb.com",
    )
    load_page(page_record(issue=issue_record(website="www.zjgrbb.com"), flags=(parsed,)))

    flag = ReviewFlag.objects.get(code="masthead_mismatch")
    assert (flag.line_start, flag.original) == (9, "电子版:www.zjgrbb.com")
    assert Issue.objects.get().masthead["website"] == "www.zjgrbb.com"  # as printed


# ------------------------------------------------------------------ the two seeds


def test_the_seeds_import_with_their_articles_photos_ads_people_and_credits():
    result = import_paths([SEEDS])

    assert result.ok
    counts = {
        issue.date.year: (issue.articles.count(), issue.photos.count(),
                          issue.advertisements.count())
        for issue in Issue.objects.all()
    }
    assert counts == {2021: (5, 2, 4), 2022: (4, 3, 0)}
    assert Person.objects.count() == 10
    credited = {
        (c.article.issue.date.year if c.article else c.photo.issue.date.year,
         c.person.name, c.role, "article" if c.article else "photo")
        for c in Credit.objects.select_related("person", "article__issue", "photo__issue")
    }
    assert credited == {
        (2021, "阮向民", "reporter", "article"),
        (2021, "金钩", "trainee_reporter", "article"),
        (2021, "邹伟锋", "photographer", "photo"),
        (2021, "郑莎", "photographer", "article"),
        (2021, "郑莎", "photographer", "photo"),
        (2021, "单玉紫枫", "correspondent", "article"),
        (2021, "张浩星", "reporter", "article"),
        (2021, "杜珊珊", "correspondent", "article"),
        (2022, "邹伟锋", "photographer", "photo"),
        (2022, "阮向民", "reporter", "article"),
        (2022, "程雪", "reporter", "article"),
        (2022, "程雪", "photographer", "article"),
        (2022, "程雪", "photographer", "photo"),
        (2022, "蔡伟华", "photographer", "article"),
        (2022, "蔡伟华", "photographer", "photo"),
        (2022, "张浩呈", "reporter", "article"),
    }
    assert Credit.objects.count() == 16


def test_the_seeds_flag_zhang_haocheng_as_a_possible_duplicate_of_zhang_haoxing():
    import_paths([SEEDS])
    flag = ReviewFlag.objects.get(code="possible_duplicate_contributor")
    assert flag.person.name == "张浩呈"
    assert flag.issue.date == dt.date(2022, 6, 17)
    assert "张浩星" in flag.message
    assert Person.objects.filter(name__in=["张浩呈", "张浩星"]).count() == 2


def test_the_seeds_masthead_misprints_are_flagged_once_each():
    import_paths([SEEDS])
    import_paths([SEEDS])
    flagged = sorted(
        (flag.issue.date.year, flag.message)
        for flag in ReviewFlag.objects.filter(code="masthead_mismatch")
    )
    assert [(year, message.split(" where")[0]) for year, message in flagged] == [
        (2021, "masthead prints www.zjgrbb.com"),
        (2021, "masthead prints zjarkw@163.com"),
        (2022, "masthead prints CN33-001E"),
    ]


def test_a_flag_about_a_caption_names_the_photo_as_well_as_the_article():
    import_paths([SEED_2022])
    flag = ReviewFlag.objects.get(code="photo_credit_inferred")
    assert flag.photo.caption == "比赛现场。"
    assert flag.article == flag.photo.article
    assert ReviewFlag.objects.filter(code="joined_paragraphs", photo__isnull=False).count() == 0


def test_a_seed_stores_its_source_file():
    import_paths([SEED_2022])
    source = SourceFile.objects.get()
    data = SEED_2022.read_bytes()
    assert (source.size, source.encoding, source.text) == (len(data), "utf-8", data.decode())
    assert Issue.objects.get().source == source


# ------------------------------------------------------------------ runs and paths


def test_an_import_run_is_recorded_with_its_files_and_counts():
    result = import_paths([SEED_2021, SEED_2022], started_by="tester")
    run = ImportRun.objects.get()
    assert run == result.run
    assert (run.status, run.files_total, run.files_failed, run.started_by) == (
        "succeeded", 2, 0, "tester")
    assert run.finished_at is not None
    files = list(run.files.all())
    assert [(f.position, f.source, f.status) for f in files] == [
        (1, "seeds/000_08ceee72487f69f5.txt", "created"),
        (2, "seeds/002_758893745608affc.txt", "created")]
    assert files[0].counts["articles"] == {"created": 5}
    assert [f.issue.date for f in files] == [dt.date(2021, 3, 19), dt.date(2022, 6, 17)]
    assert run.report["totals"]["created"] == (5 + 2 + 4 + 7) + (4 + 3 + 3)
    # The command's table and the caller read the same reports back from the rows.
    assert [(r.source, r.status, r.issue_id) for r in result.files] == [
        (f.source, f.status, f.issue_id) for f in files]
    assert result.files[0].summary() == {
        "created": 5 + 2 + 4 + 7, "updated": 0, "unchanged": 0, "kept": 0,
        "flags": result.files[0].counts["flags"]["created"]}
    assert result.files[0].counts["flags"]["created"] > 0


def test_a_runs_file_reports_are_written_as_it_goes_not_held_to_the_end(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "FILE_RECORDS_PER_WRITE", 2)
    monkeypatch.setattr(loader, "PAGES_PER_BATCH", 1)
    seed_pages(tmp_path, range(1, 6))
    stored_when_reported = []

    def progress(index, total, report):
        stored_when_reported.append(ImportedFile.objects.count())

    result = import_paths([tmp_path], progress=progress)

    # Written two at a time (when the second of a pair is reported), the last one at the end.
    assert stored_when_reported == [0, 2, 2, 4, 4]
    assert len(result.files) == 5 and result.files[-1].source.endswith("04-05.txt")
    assert [r.status for r in result.files[1:3]] == ["created", "created"]
    assert result.ok and result.failures == []


def test_a_dry_run_writes_nothing_but_reports_and_records_what_would_happen():
    result = import_paths([SEEDS], dry_run=True)

    assert [r.status for r in result.files] == ["created", "created"]
    assert result.files[0].counts["articles"]["created"] == 5
    assert Issue.objects.count() == Person.objects.count() == SourceFile.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == "dry_run"
    assert run.files.get(position=2).counts["people"] == {"created": 3}
    assert not run.files.filter(issue__isnull=False).exists()  # its issues never existed


def test_a_folder_stands_for_its_txt_and_md_files_in_order(tmp_path):
    for name in ("b.md", "a.txt", "c.json", "d.TXT"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.txt").mkdir()
    names = [Path(f.name).name for f in expand_paths([tmp_path])]
    assert names == ["a.txt", "b.md", "d.TXT"]


def test_a_glob_is_expanded_and_a_path_that_names_nothing_is_an_error(tmp_path):
    for name in ("2021-1.txt", "2021-2.txt", "2022-1.txt"):
        (tmp_path / name).write_text("x")
    files = expand_paths([tmp_path / "2021-*.txt", tmp_path / "2021-1.txt", tmp_path / "nope.txt"])
    assert [Path(f.name).name for f in files[:2]] == ["2021-1.txt", "2021-2.txt"]
    assert len(files) == 3  # the repeated file is read once
    assert files[2].path is None and files[2].error.endswith("nope.txt: no such file or folder")


# ------------------------------------------------------------------ the bulk path for a new issue


def _natural_keys() -> dict:
    """Return, for each model the importer writes, its rows' natural keys by primary key."""
    issues = {i.pk: (i.publication.name, str(i.date), i.edition) for i in Issue.objects.all()}
    placed = {
        model: {row.pk: (issues[row.issue_id], row.page, row.position) for row in model.objects.all()}
        for model in (Article, Photo, Advertisement)
    }
    keys = {
        Publication: {p.pk: p.name for p in Publication.objects.all()},
        SourceFile: {s.pk: s.sha256 for s in SourceFile.objects.all()},
        Issue: issues,
        Person: {p.pk: p.name for p in Person.objects.all()},
        **placed,
    }
    keys[Credit] = {
        c.pk: (c.person.name, c.role, placed[Article].get(c.article_id), placed[Photo].get(c.photo_id))
        for c in Credit.objects.select_related("person")
    }
    keys[ReviewFlag] = {f.pk: (issues[f.issue_id], f.fingerprint) for f in ReviewFlag.objects.all()}
    return keys


# Written at the time of the run, or numbered by the run: not part of what was imported.
VOLATILE = {"created_at", "updated_at", "imported_at", "indexed_at", "history_date", "history_id"}


def archive_snapshot() -> dict[str, list]:
    """Return every row the importer writes (and its history and search document), by natural key.

    Keys and foreign keys are replaced by natural keys, so two imports into emptied tables
    compare equal whatever the order their rows were numbered in.
    """
    import re

    from newsroom.search.models import ArticleDocument

    keys = _natural_keys()

    def clean(model, row, original=None) -> tuple:
        values = {}
        for f in model._meta.concrete_fields:
            value = getattr(row, f.attname)
            if f.attname in VOLATILE:
                continue
            if f.is_relation and f.related_model in keys:
                value = keys[f.related_model].get(value, value)
            elif f.primary_key and original is None:
                value = keys[model][value]
            elif f.attname == "id" and original is not None:
                value = keys[original][value]
            elif f.attname == "history_change_reason" and value:
                value = re.sub(r"import run \d+", "import run N", value)
            values[f.attname] = value
        return tuple(sorted(values.items(), key=lambda item: item[0]))

    snapshot = {}
    for model in keys:
        snapshot[model.__name__] = sorted(map(repr, (clean(model, row) for row in model.objects.all())))
        history = getattr(model, "history", None)
        if history is not None:
            snapshot[f"history of {model.__name__}"] = sorted(
                repr(clean(history.model, row, original=model)) for row in history.all()
            )
    snapshot["search documents"] = sorted(
        repr(clean(ArticleDocument, row)) for row in ArticleDocument.objects.all()
    )
    return snapshot


def empty_the_archive() -> None:
    """Delete everything an import writes, history included (the import runs stay)."""
    Issue.objects.all().delete()
    for model in (Person, SourceFile, Publication, Issue, Article, Photo, Advertisement, Credit):
        model.objects.all().delete()
        if hasattr(model, "history"):
            model.history.all().delete()


def a_page_with_every_kind_of_row() -> PageRecord:
    return page_record(
        article_record(1, photos=(photo_record(1), photo_record(2)),
                       flags=(FlagRecord("photo_credit_inferred", "inferred", (52, 52)),)),
        article_record(2, contributors=credits(("张浩星", "reporter"), ("张浩呈", "reporter")),
                       flags=(FlagRecord("joined_paragraphs", "joined", (41, 42)),)),
        article_record(3, contributors=()),
        advertisements=(ad_record(1), ad_record(2)),
        flags=(FlagRecord("weekday_mismatch", "星期不符", (3, 3)),),
        # Not a seed's date: the seeds are new issues too.
        issue=issue_record(date=dt.date(2021, 3, 18), weekday="", lunar_date=""),
    )


def test_a_new_issue_written_in_bulk_has_the_rows_history_and_search_documents_of_row_by_row(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(loader, "BULK_NEW_ISSUES", False)
    with django_capture_on_commit_callbacks(execute=True):
        load_page(a_page_with_every_kind_of_row())
        import_paths([SEEDS])
    one_by_one = archive_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        empty_the_archive()
    monkeypatch.setattr(loader, "BULK_NEW_ISSUES", True)
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
    assert "import: pages/2021-03-19.txt" in reasons  # the hand-made page's source


def test_a_new_issue_is_written_with_the_same_statements_however_many_articles_it_has():
    def inserts(articles: int, day: int) -> list[str]:
        page = page_record(
            *(article_record(n, photos=(photo_record(n),)) for n in range(1, articles + 1)),
            issue=issue_record(date=dt.date(2021, 3, day), weekday="", lunar_date=""),
            sha256=str(day) * 64,
        )
        with CaptureQueriesContext(connection) as queries:
            load_page(page)
        return [sql.split("(")[0] for sql in writes(queries.captured_queries)]

    # The paper and the reporter and photographer exist from here on.
    load_page(page_record(article_record(1, photos=(photo_record(1),))))
    # The source file, the issue and its history, then each kind at once with its history:
    # articles, photos, credits; then the flags of the new issue (none here); then the
    # articles' search documents.
    assert inserts(2, 1) == inserts(8, 2)
    assert len(inserts(5, 3)) == 10


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


def seed_pages(folder: Path, days: range, month: int = 4) -> Path:
    """Write copies of the 2021 seed dated 2021-<month>-<day>, one file a day."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SEED_2021.read_text(encoding="utf-8")
    for day in days:
        dated = text.replace("2021年3月19日", f"2021年{month}月{day}日")
        (folder / f"{month:02}-{day:02}.txt").write_text(dated, encoding="utf-8")
    return folder


def test_a_batch_of_new_issues_is_written_with_the_same_statements_however_many_pages_it_has(
    tmp_path,
):
    import_paths([seed_pages(tmp_path / "first", range(1, 2))])  # the paper and people exist

    def statements(days: range, month: int) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            result = import_paths([seed_pages(tmp_path / str(month), days, month)])
        assert [r.status for r in result.files] == ["created"] * len(days)
        return [q["sql"].split("(")[0].split(" WHERE ")[0] for q in queries.captured_queries]

    # (Few pages: SQLite splits an INSERT of more than 999 values, here the flags of 4 pages.)
    two, three = statements(range(1, 3), 5), statements(range(1, 4), 6)

    assert len(two) == len(three)
    inserts = [sql for sql in two if sql.startswith("INSERT")]
    # The run; the source files; the issues, articles, photos, advertisements and credits,
    # each with its history; the flags; the search documents; the run's file records.
    assert len(inserts) == 1 + 1 + 2 * 5 + 1 + 1 + 1
    assert Issue.objects.filter(date__month=6).count() == 3


def test_pages_of_issues_already_stored_are_loaded_one_by_one_beside_a_batch(tmp_path):
    folder = seed_pages(tmp_path / "pages", range(1, 3))
    first = import_paths([folder])
    editor = Article.objects.filter(issue__date=dt.date(2021, 4, 1)).first()
    editor.headline = "编辑改过的标题"
    editor.save()
    seed_pages(folder, range(3, 5))

    again = import_paths([folder])

    assert [r.status for r in first.files] == ["created"] * 2
    assert [r.status for r in again.files] == ["unchanged", "unchanged", "created", "created"]
    editor.refresh_from_db()
    assert editor.headline == "编辑改过的标题"
    assert Issue.objects.count() == 4
    assert Article.objects.filter(issue__date=dt.date(2021, 4, 4)).count() == (
        Article.objects.filter(issue__date=dt.date(2021, 4, 1)).count())


def test_a_batch_that_collides_with_another_process_is_loaded_page_by_page(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import IntegrityError

    folder = seed_pages(tmp_path / "pages", range(1, 4))
    with django_capture_on_commit_callbacks(execute=True):
        import_paths([folder])
    expected = archive_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        empty_the_archive()
    original = loader.bulk_create_with_history
    calls = []

    def collide_once(rows, model, **kwargs):
        calls.append(model)
        if len(calls) == 3:  # after the batch's issues and articles are written
            raise IntegrityError('duplicate key value violates unique constraint "x"')
        return original(rows, model, **kwargs)

    monkeypatch.setattr(loader, "bulk_create_with_history", collide_once)
    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([folder])

    assert result.ok and [r.status for r in result.files] == ["created"] * 3
    assert archive_snapshot() == expected  # nothing twice, nothing of the failed batch left
    assert calls[:3] == [Issue, Article, Photo]


# ------------------------------------------------------------------ a run's people and search


def test_a_runs_people_are_remembered_only_once_their_page_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    people: dict = {}

    def fail(collected, articles):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(loader, "_write_collected", fail)
        with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
            load_page(page_record(article_record(1, contributors=credits(("金钩", "reporter")))),
                      people=people)
    assert people == {} and not Person.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        load_page(page_record(), people=people)
    assert list(people) == ["阮向民"]

    second = page_record(issue=issue_record(date=dt.date(2021, 3, 20), weekday="", lunar_date=""),
                         sha256="b" * 64)
    with CaptureQueriesContext(connection) as queries:
        load_page(second, people=people)
    assert not [q for q in queries.captured_queries if 'FROM "newsroom_person"' in q["sql"]]
    assert Credit.objects.filter(person__name="阮向民").count() == 2


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


def test_an_import_run_indexes_changed_pages_in_batches_of_pages_and_before_it_returns(
    tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from newsroom.search import indexing
    from newsroom.search.models import ArticleDocument

    seed_pages(tmp_path, range(1, 4))
    import_paths([tmp_path])
    for path in tmp_path.iterdir():  # every page's lead story gets a new headline
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("## ", "## 新", 1), encoding="utf-8")
    batches = []
    original = indexing.index_articles
    monkeypatch.setattr(indexing, "index_articles",
                        lambda ids, **kw: (batches.append(set(ids)), original(ids, **kw)))
    monkeypatch.setattr(loader, "INDEX_EVERY_PAGES", 2)
    monkeypatch.setattr(loader, "PAGES_PER_BATCH", 2)

    with django_capture_on_commit_callbacks(execute=True):
        result = import_paths([tmp_path])

    assert [r.status for r in result.files] == ["updated"] * 3

    def ids(*days):
        from django.db.models import Q

        changed = Q(kicker__startswith="新") | Q(headline__startswith="新")
        return set(Article.objects.filter(changed, issue__date__in=[dt.date(2021, 4, d) for d in days])
                   .values_list("pk", flat=True))

    # (A batch may also hold ids left from a rolled-back transaction: they are skipped.)
    assert [batch & ids(1, 2, 3) for batch in batches] == [ids(1, 2), ids(3)]
    assert len(ids(1, 2, 3)) == 3
    titles = ArticleDocument.objects.filter(article_id__in=ids(1, 2, 3)).values_list(
        "title", flat=True)
    assert len(titles) == 3 and all(title.startswith("新") for title in titles)


def test_a_page_commit_on_postgresql_does_not_wait_for_the_wal_flush():
    with CaptureQueriesContext(connection) as queries:
        load_page(page_record())
    asked = [q["sql"] for q in queries.captured_queries if "synchronous_commit" in q["sql"]]
    expected = ["SET LOCAL synchronous_commit TO OFF"] if connection.vendor == "postgresql" else []
    assert asked == expected


# ------------------------------------------------------------------ several processes


@pytest.mark.django_db(transaction=True)
def test_two_jobs_import_the_same_archive_as_one(tmp_path, monkeypatch):
    from benchmarks.generate_pages import write_pages
    from newsroom.search import search_articles

    paths = write_pages(12, tmp_path / "pages", seed=3)
    monkeypatch.setattr(loader, "FILES_PER_TASK", 3)

    one = import_paths(paths, jobs=1)
    assert one.ok
    # Search is right as soon as the run returns (no transaction is left to commit here).
    headline = Article.objects.order_by("pk").first().headline
    assert headline in headlines(search_articles(f'"{headline}"'))
    alone = archive_snapshot()
    empty_the_archive()

    two = import_paths(paths, jobs=2)

    assert two.ok
    assert [r.source for r in two.files] == [r.source for r in one.files]

    def counts(result, kinds=("articles", "photos", "advertisements", "credits", "flags")):
        return [{kind: r.counts[kind] for kind in kinds} for r in result.files]

    assert counts(two) == counts(one)
    # Which file creates a person depends on which process gets there first; the total does not.
    assert sum(r.counts["people"]["created"] for r in two.files) == Person.objects.count()
    # The people and the paper were created by whichever file got there first: their history
    # rows name different files.
    shared = ("history of Person", "history of Publication")
    assert {k: v for k, v in archive_snapshot().items() if k not in shared} == {
        k: v for k, v in alone.items() if k not in shared}
    assert [(row.name, row.history_type) for row in Person.history.order_by("name")] == [
        (name, "+") for name in Person.objects.order_by("name").values_list("name", flat=True)]
    assert two.run.report["totals"] == one.run.report["totals"]
    expected = 2 if connection.vendor == "postgresql" else 1  # SQLite: one process
    assert loader.effective_jobs(2, files=12) == expected


@pytest.mark.django_db(transaction=True)
def test_two_jobs_meeting_on_one_issue_load_it_once(tmp_path, monkeypatch):
    from benchmarks.generate_pages import write_pages

    *paths, earlier = write_pages(7, tmp_path / "pages", seed=5)
    import_paths([earlier])  # the paper exists (a worker creating it would hold the other up)
    # A second export of the first page (a corrected headline), handed to the other worker
    # in a lot of its own: both workers' batches start the same issue at the same moment.
    text = paths[0].read_text(encoding="utf-8")
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    again = tmp_path / "pages" / "zz-again.txt"
    again.write_text(text.replace(heading, heading + "（更正）", 1), encoding="utf-8")
    monkeypatch.setattr(loader, "FILES_PER_TASK", 3)
    # Both workers' first batches write their issues at the same moment (a barrier; the
    # workers are forks and inherit it), and the first holds its transaction open a
    # moment: the second's INSERT of the shared issue waits for that commit, fails on the
    # unique date, and its batch is loaded page by page.
    import multiprocessing

    from django.db import IntegrityError

    parallel = connection.vendor == "postgresql"  # SQLite: one process, no meeting
    barrier = multiprocessing.get_context("fork").Barrier(2)
    original, collided = loader.bulk_create_with_history, tmp_path / "collided"

    def at_once(rows, model, **kwargs):
        if model is Issue and parallel:
            barrier.wait(timeout=10)
        try:
            created = original(rows, model, **kwargs)
        except IntegrityError:
            collided.write_text("yes")
            raise
        if model is Issue:
            time.sleep(0.3)
        return created

    monkeypatch.setattr(loader, "bulk_create_with_history", at_once)

    result = import_paths([*paths[:3], again, *paths[3:]], jobs=2)

    assert collided.exists() == parallel
    assert result.ok, [r.error for r in result.files]
    assert Issue.objects.count() == 6 + 1
    statuses = [r.status for r in result.files]
    assert sorted([statuses[0], statuses[3]]) in (["created", "updated"], ["created", "unchanged"])
    assert result.files[0].issue_id == result.files[3].issue_id
    page, _text, _size = loader.read_file(loader.PageFile(name="first", path=paths[0]))
    shared = Issue.objects.get(pk=result.files[0].issue_id)
    assert shared.articles.count() == len(page.articles)  # nothing loaded twice


def headlines(queryset) -> list[str]:
    return [article.headline for article in queryset]


def test_jobs_fall_back_to_one_process_in_a_dry_run_inside_a_transaction_or_for_few_files():
    assert loader.effective_jobs(4, dry_run=True) == 1
    assert loader.effective_jobs(4) == 1  # every test here runs inside a transaction
    assert loader.effective_jobs(1) == 1


def test_similar_names_first_credited_at_once_by_two_processes_are_flagged_after_the_run():
    run = ImportRun.objects.create()
    # As two workers leave it: each page created its person before seeing the other's.
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    Person.objects.filter(name="张浩星").update(created_at=run.started_at)
    ReviewFlag.objects.all().delete()
    other = page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                        issue=issue_record(date=dt.date(2021, 3, 20), weekday="", lunar_date=""),
                        sha256="b" * 64)
    with_flag = load_page(other)
    assert with_flag.counts["flags"]["created"] == 1
    ReviewFlag.objects.filter(code="possible_duplicate_contributor").delete()

    assert loader.flag_missed_duplicates(run) == 1
    assert loader.flag_missed_duplicates(run) == 0  # a pair is flagged once, either way round
    flag = ReviewFlag.objects.get(code="possible_duplicate_contributor")
    assert flag.person.name == "张浩星"
    assert flag.message == (
        "张浩星 may be the same contributor as 张浩呈 (both credited as reporter); merge them if so")
    assert flag.article.issue.date == dt.date(2021, 3, 19)


def test_a_pair_already_flagged_by_its_page_is_not_flagged_again_after_the_run():
    run = ImportRun.objects.create()
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                          issue=issue_record(date=dt.date(2021, 3, 20), weekday="", lunar_date=""),
                          sha256="b" * 64))

    assert loader.flag_missed_duplicates(run) == 0
    assert ReviewFlag.objects.filter(code="possible_duplicate_contributor").count() == 1


def test_a_long_source_path_keeps_its_file_name_in_the_history_reason():
    path = "/srv/archive/" + "deep/" * 30 + "00011_377c1ed34eea1b98.txt"
    assert loader.change_reason("import run 1234", path) == (
        "import run 1234: …/00011_377c1ed34eea1b98.txt"
    )
    # The run number's length does not change what is kept of the path.
    assert loader.change_reason("import run 9", path).removeprefix("import run 9") == (
        loader.change_reason("import run 10", path).removeprefix("import run 10")
    )
    assert loader.change_reason("import run 7", "seeds/x.txt") == "import run 7: seeds/x.txt"


def imported_seed(tmp_path) -> tuple[Path, str]:
    page = tmp_path / "page.txt"
    text = SEED_2021.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    assert import_paths([page]).ok
    return page, text


def test_flags_of_passages_a_changed_export_only_moved_stay_the_same_at_their_new_lines(tmp_path):
    page, text = imported_seed(tmp_path)
    flags = ReviewFlag.objects.filter(message_key__in=ReviewFlag.FROM_THE_FILE)
    # The new export has two more lines before the first story: the flags below them move.
    first_story = text.index("\n## ")
    moved_from = text[:first_story].count("\n") + 2
    before = {f.pk: (f.status, f.line_start, f.line_end) for f in flags}
    moving = {pk for pk, (_s, line, _e) in before.items() if line and line >= moved_from}
    accepted = flags.get(pk=min(moving))
    accepted.status, accepted.resolved_at = "accepted", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    accepted.save()
    before[accepted.pk] = ("accepted", *before[accepted.pk][1:])
    page.write_text(text[:first_story] + "\n\n" + text[first_story:], encoding="utf-8")

    report = import_paths([page]).files[0]

    assert len(moving) > 5
    after = {f.pk: (f.status, f.line_start, f.line_end) for f in flags.all()}
    assert after == {
        pk: (status, start + 2 * (pk in moving), end + 2 * (pk in moving)) if start else
        (status, start, end)
        for pk, (status, start, end) in before.items()
    }  # the same flags, none new, none closed, the accepted one still accepted
    assert report.counts["flags"] == {"updated": len(moving)}


def test_a_reimport_closes_the_open_flags_the_changed_file_no_longer_gives(tmp_path):
    page, text = imported_seed(tmp_path)
    flags = ReviewFlag.objects.filter(message_key__in=ReviewFlag.FROM_THE_FILE)
    joined = flags.filter(code="joined_paragraphs", status="open")
    assert joined.count() >= 2
    gone, accepted = joined.order_by("line_start")[:2]
    accepted.status, accepted.resolved_at = "accepted", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    accepted.save()
    kept_row = ReviewFlag.objects.create(  # not derived from the file: a re-import leaves it
        issue=gone.issue, code="other", message="kept", message_key="disappeared",
        fingerprint="kept-row")
    # The new export no longer cuts the first joined paragraph (nor the accepted one's).
    lines = text.split("\n")
    for flag in (gone, accepted):
        cut = lines[flag.line_start - 1 : flag.line_end]
        lines[flag.line_start - 1 : flag.line_end] = ["".join(part for part in cut if part.strip())] + [
            "" for _ in cut[1:]]
    page.write_text("\n".join(lines), encoding="utf-8")

    report = import_paths([page]).files[0]

    gone.refresh_from_db()
    accepted.refresh_from_db()
    kept_row.refresh_from_db()
    assert (gone.status, gone.resolved_by) == ("superseded", None) and gone.resolved_at
    assert accepted.status == "accepted" and kept_row.status == "open"
    # (A repair next to a rewritten passage has new context in its before/after: closed too,
    # and given again as a new open flag.)
    superseded = ReviewFlag.objects.filter(status="superseded")
    assert gone in superseded and superseded.count() <= 3
    assert f"closed {superseded.count()} flag(s) the changed file no longer gives" in report.notes
    # The same file again: nothing more to close.
    again = import_paths([page]).files[0]
    assert again.status == "unchanged", again.counts["flags"]


def test_a_photo_dropped_by_a_reimport_takes_none_of_the_articles_flags_with_it():
    joined = FlagRecord("joined_paragraphs", "joined", (51, 52), after="甲乙", before="甲\n\n乙")
    load_page(page_record(article_record(1, photos=(photo_record(1),), flags=(joined,))))
    flag = ReviewFlag.objects.get(code="joined_paragraphs")
    assert flag.photo is not None  # its lines fall within the photo's

    report = load_page(page_record(article_record(1, flags=(joined,)), sha256="b" * 64))

    assert report.counts["photos"]["deleted"] == 1
    flag.refresh_from_db()
    assert (flag.status, flag.photo, flag.article) == ("open", None, Article.objects.get())
    assert ReviewFlag.objects.filter(code="joined_paragraphs").count() == 1
