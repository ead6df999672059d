"""Loading one page: a first import, the seeds, a run's people, the history's reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from importers.load import (
    import_paths,
    load_page,
)
from importers.load import page as page_module
from importers.load.page import change_reason
from importers.records import FlagRecord
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Person,
    Photo,
    Publication,
    ReviewFlag,
    SourceFile,
)
from tests.load.pages import (
    SEED_2022,
    SEEDS,
    ad_record,
    article_record,
    credits,
    issue_record,
    page_record,
    photo_record,
    row_counts,
    write_statements,
)

pytestmark = pytest.mark.django_db


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
    assert write_statements(queries.captured_queries) == []
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


# ------------------------------------------------------------------ a run's people and search


def test_a_runs_people_are_remembered_only_once_their_page_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    people: dict = {}

    def fail(collected, articles):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(page_module, "write_collected", fail)
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


def test_a_long_source_path_keeps_its_file_name_in_the_history_reason():
    path = "/srv/archive/" + "deep/" * 30 + "00011_377c1ed34eea1b98.txt"
    assert change_reason(1234, path) == "导入批次 1234：…/00011_377c1ed34eea1b98.txt"
    # The run number's length does not change what is kept of the path.
    assert change_reason(9, path).removeprefix("导入批次 9") == (
        change_reason(10, path).removeprefix("导入批次 10")
    )
    assert change_reason(7, "seeds/x.txt") == "导入批次 7：seeds/x.txt"
    assert len(change_reason(10**18, "/" + "x" * 200)) <= 100


def test_the_history_reason_of_an_import_is_in_the_language_of_the_desk():
    from django.utils import translation

    assert change_reason(1, "seeds/x.txt") == "导入批次 1：seeds/x.txt"
    with translation.override("en"):
        assert change_reason(1, "seeds/x.txt") == "import run 1: seeds/x.txt"
