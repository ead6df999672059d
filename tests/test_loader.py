"""The loader: parsed pages to models, idempotent re-imports that keep editors' corrections."""

from __future__ import annotations

import datetime as dt
import shutil
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
    assert [f["status"] for f in run.report["files"]] == ["created", "created"]
    assert run.report["files"][0]["counts"]["articles"] == {"created": 5}
    assert run.report["totals"]["created"] == (5 + 2 + 4 + 7) + (4 + 3 + 3)


def test_a_dry_run_writes_nothing_but_reports_and_records_what_would_happen():
    result = import_paths([SEEDS], dry_run=True)

    assert [r.status for r in result.files] == ["created", "created"]
    assert result.files[0].counts["articles"]["created"] == 5
    assert Issue.objects.count() == Person.objects.count() == SourceFile.objects.count() == 0
    run = ImportRun.objects.get()
    assert run.status == "dry_run"
    assert run.report["files"][1]["counts"]["people"] == {"created": 3}


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
