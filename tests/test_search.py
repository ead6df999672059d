"""Search over articles, on whichever database the suite runs (SQLite or PostgreSQL)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.paginator import Paginator
from django.db import connection

from newsroom.changes import rebuild_search_index
from newsroom.models import Article, Person, PersonAlias, Photo, Visibility
from newsroom.search import (
    index_articles,
    search_articles,
    snippet,
    year_facets,
)
from newsroom.search import indexing as search_indexing
from newsroom.search.checks import check_search_database
from newsroom.search.models import ArticleDocument
from tests.factories import make_article, make_credit, make_issue, make_person, make_photo
from tests.test_search_text import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Return a context manager that runs the block's on-commit callbacks, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def headlines(queryset) -> list[str]:
    return [article.headline for article in queryset]


@pytest.fixture
def archive(committed):
    """Make a small archive: four public articles over two years and a withdrawn one."""
    with committed():
        old = make_issue(date=dt.date(2020, 5, 1))
        new = make_issue(date=dt.date(2021, 3, 19))
        articles = {
            "union": make_article(
                issue=new,
                headline="史济锡在嘉兴调研工会工作",
                body="记者阮向民报道。\n\n以党史学习教育为契机奋力打造红色工会。",
            ),
            "joined": make_article(
                issue=new,
                headline="数字化改革",
                # The importer joined 系统化 / 建设 across a column break.
                body="推进工会组织系统化建设，让职工感受到更多获得感。",
            ),
            "scattered": make_article(
                issue=old,
                headline="劳模工匠",
                body="这是一个系统化的方案。\n\n建设新时代产业工人队伍，加工会计。",
            ),
            "tin": make_article(issue=old, headline="无锡来信", body="锡剧演出。"),
            "withdrawn": make_article(
                issue=old,
                headline="已撤回的工会稿件",
                body="工会 阮向民 锡",
                visibility=Visibility.WITHDRAWN,
            ),
        }
        person = make_person("阮向民")
        make_credit(person=person, article=articles["union"])
    return articles


def test_a_two_character_word_is_found_where_the_segmenter_cut_it_differently(archive):
    # 加工会计 is cut 加工/会计: 工会 is still found, as a bigram.
    assert set(headlines(search_articles("工会"))) == {
        "史济锡在嘉兴调研工会工作",
        "数字化改革",
        "劳模工匠",
    }


def test_a_reporters_name_the_dictionary_does_not_know_is_found(archive):
    assert headlines(search_articles("阮向民")) == ["史济锡在嘉兴调研工会工作"]


def test_a_contributors_alias_is_searchable(archive, committed):
    person = Person.objects.get(name="阮向民")
    with committed():
        PersonAlias.objects.create(person=person, name="阮问民")
    assert headlines(search_articles("阮问民")) == ["史济锡在嘉兴调研工会工作"]


def test_a_one_character_query_finds_every_article_containing_it(archive):
    assert set(headlines(search_articles("锡"))) == {"史济锡在嘉兴调研工会工作", "无锡来信"}


def test_a_word_across_a_repaired_ocr_join_is_found(archive):
    assert "数字化改革" in headlines(search_articles("系统化建设"))


def test_a_quoted_phrase_matches_only_the_exact_text(archive):
    # Unquoted, the words may stand apart; quoted, they must be adjacent.
    assert set(headlines(search_articles("系统化建设"))) == {"数字化改革", "劳模工匠"}
    assert headlines(search_articles('"系统化建设"')) == ["数字化改革"]
    assert headlines(search_articles('"化建设"')) == ["数字化改革"]


def test_a_one_or_two_character_phrase_is_found(archive):
    assert set(headlines(search_articles('"锡"'))) == {"史济锡在嘉兴调研工会工作", "无锡来信"}
    assert headlines(search_articles('"锡剧"')) == ["无锡来信"]


def test_an_excluded_word_removes_articles(archive):
    assert set(headlines(search_articles("工会 -阮向民"))) == {"数字化改革", "劳模工匠"}
    assert set(headlines(search_articles('工会 -"系统化建设"'))) == {
        "史济锡在嘉兴调研工会工作",
        "劳模工匠",
    }


def test_withdrawn_articles_are_never_found_by_readers(archive):
    for query in ("工会", "阮向民", "锡", '"撤回"', "已撤回"):
        assert "已撤回的工会稿件" not in headlines(search_articles(query))


def test_an_editors_queryset_can_include_withdrawn_articles(archive):
    assert "已撤回的工会稿件" in headlines(search_articles("撤回", Article.objects.all()))


def test_a_headline_hit_ranks_above_a_body_hit_even_when_older(committed):
    with committed():
        make_article(
            issue=make_issue(date=dt.date(2021, 1, 1)),
            headline="新闻一则",
            body="劳模 劳模 劳模 劳模。",
        )
        make_article(issue=make_issue(date=dt.date(2019, 1, 1)), headline="劳模风采", body="无")
    assert headlines(search_articles("劳模")) == ["劳模风采", "新闻一则"]


def test_equal_hits_are_ordered_newest_first(committed):
    with committed():
        for year in (2019, 2021, 2020):
            make_article(
                issue=make_issue(date=dt.date(year, 1, 1)), headline=f"{year}年", body="工匠"
            )
    assert headlines(search_articles("工匠")) == ["2021年", "2020年", "2019年"]


def test_an_article_with_more_words_in_its_headline_ranks_first(committed):
    issue = make_issue()
    with committed():
        make_article(issue=issue, headline="工会", body="劳模")
        make_article(issue=issue, headline="工会劳模", body="无")
    assert headlines(search_articles("工会 劳模")) == ["工会劳模", "工会"]


def test_order_by_date_puts_the_newest_first(archive):
    assert headlines(search_articles("工会", order="date"))[-1] == "劳模工匠"
    with pytest.raises(ValueError, match="order"):
        search_articles("工会", order="popularity")


def test_results_can_be_filtered_further_counted_and_paginated(archive):
    results = search_articles("工会").filter(issue__date__year=2021)
    assert set(headlines(results)) == {"史济锡在嘉兴调研工会工作", "数字化改革"}
    page = Paginator(results, 1).page(2)
    assert page.paginator.count == 2
    assert len(page.object_list) == 1


def test_a_blank_or_meaningless_query_finds_nothing(archive):
    for query in ("", "   ", "，。", "-工会", '""'):
        assert search_articles(query).count() == 0


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_give_results_or_none_but_never_raise(archive, query):
    results = search_articles(query)
    list(results)
    results.count()
    year_facets(results)
    assert Article.objects.count() == 5  # the injection attempt dropped nothing


def test_operators_are_searched_as_text(committed):
    with committed():
        make_article(headline="NEAR AND OR 测试", body="无")
    assert headlines(search_articles("near")) == ["NEAR AND OR 测试"]
    assert search_articles("NEAR(工会 建设)").count() == 0


def test_a_correction_is_searchable_as_soon_as_it_is_saved(archive, committed):
    article = archive["tin"]
    with committed():
        article.body = "越剧演出。"
        article.save()
    assert headlines(search_articles("越剧")) == ["无锡来信"]
    assert search_articles("锡剧").count() == 0


def test_the_corrected_text_is_searched_and_the_original_ocr_too(committed):
    # tests/test_search_ocr.py: which one matched, and the corrected text ranked first.
    with committed():
        make_article(headline="校对", body="职工之家", original_text="职工之冢")
    assert headlines(search_articles("之家")) == ["校对"]
    assert headlines(search_articles("之冢")) == ["校对"]
    assert search_articles("之窝").count() == 0


def test_a_photo_caption_is_searchable_and_follows_the_photo(archive, committed):
    union, tin = archive["union"], archive["tin"]
    with committed():
        photo = make_photo(issue=union.issue, article=union, caption="劳动竞赛现场。")
    assert headlines(search_articles("竞赛")) == [union.headline]
    with committed():
        photo = Photo.objects.get(pk=photo.pk)
        photo.article = tin
        photo.save()
    assert headlines(search_articles("竞赛")) == [tin.headline]


def test_a_photographers_name_finds_the_article_of_the_photo(archive, committed):
    union = archive["union"]
    with committed():
        photo = make_photo(issue=union.issue, article=union, caption="现场。")
        make_credit(person=make_person("金钩"), photo=photo, role="photographer")
    assert headlines(search_articles("金钩")) == [union.headline]


def test_renaming_a_person_reindexes_their_articles(archive, committed):
    with committed():
        person = make_person("林小溪")
        make_credit(person=person, article=archive["tin"])
    assert headlines(search_articles("林小溪")) == ["无锡来信"]
    with committed():
        person = Person.objects.get(pk=person.pk)
        person.name = "林小河"
        person.save()
    assert headlines(search_articles("林小河")) == ["无锡来信"]
    assert search_articles("林小溪").count() == 0


def test_deleting_an_article_removes_its_document(archive, committed):
    with committed():
        archive["tin"].delete()
    assert not ArticleDocument.objects.filter(article_id=archive["tin"].pk).exists()
    assert search_articles("锡剧").count() == 0


def test_an_import_indexes_each_article_once(committed, monkeypatch):
    calls = []
    real = search_indexing.index_articles
    monkeypatch.setattr(
        search_indexing,
        "index_articles",
        lambda ids, **kw: calls.append(sorted(ids)) or real(ids, **kw),
    )
    with committed():
        issue = make_issue()
        article = make_article(issue=issue, headline="一期报纸")
        for n in range(3):
            make_credit(person=make_person(f"通讯员{n}"), article=article, role="correspondent")
        photo = make_photo(issue=issue, article=article)
        make_credit(person=make_person("摄影者"), photo=photo, role="photographer")
        article.save()
    assert calls == [[article.pk]]
    assert headlines(search_articles("通讯员2")) == ["一期报纸"]


def test_bulk_changes_are_found_after_the_rebuild_command(archive):
    issue = make_issue(date=dt.date(2022, 1, 1))
    Article.objects.bulk_create([Article(issue=issue, position=1, headline="批量导入", body="桥")])
    Article.objects.filter(pk=archive["tin"].pk).update(body="越剧")
    assert search_articles("批量").count() == 0
    assert search_articles("越剧").count() == 0
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 6 article(s)" in out.getvalue()
    assert headlines(search_articles("批量")) == ["批量导入"]
    assert headlines(search_articles("越剧")) == ["无锡来信"]
    assert search_articles("锡剧").count() == 0


def test_the_rebuild_command_can_index_only_stale_documents(archive):
    ArticleDocument.objects.filter(article=archive["tin"]).update(segmenter="rjieba-0.0.1/scheme-0")
    out = StringIO()
    call_command("rebuild_search_index", "--stale", stdout=out)
    assert "Stale documents: 1" in out.getvalue()
    assert "Indexed 1 article(s)" in out.getvalue()
    assert (
        ArticleDocument.objects.filter(article=archive["tin"])
        .get()
        .segmenter.startswith("rjieba-0.2.2/")
    )


def test_rebuild_index_returns_the_number_of_articles(archive):
    ArticleDocument.objects.all().delete()
    assert search_articles("锡").count() == 0
    assert rebuild_search_index() == 5
    assert search_articles("锡").count() == 2


def test_index_articles_skips_deleted_articles(archive):
    index_articles([archive["tin"].pk, 987654])
    assert ArticleDocument.objects.count() == 5


def test_year_facets_count_matching_articles_by_issue_year(archive):
    assert year_facets(search_articles("工会")) == [(2021, 2), (2020, 1)]
    assert year_facets(search_articles("工会", order="date")) == [(2021, 2), (2020, 1)]
    assert year_facets(search_articles("不存在的词")) == []


def test_a_snippet_is_the_matching_paragraph_escaped_and_highlighted(committed):
    with committed():
        article = make_article(
            headline="标题",
            body="第一段没有。\n\n<script>alert(1)</script>第二段讲工会工作。",
        )
    html = snippet(article, "工会")
    assert html == "&lt;script&gt;alert(1)&lt;/script&gt;第二段讲<mark>工会</mark>工作。"


def test_a_snippet_falls_back_to_a_caption_then_the_start_of_the_body(committed):
    with committed():
        article = make_article(headline="标题", body="正文" * 100)
        make_photo(issue=article.issue, article=article, caption="劳模合影。")
    assert snippet(article, "劳模") == "<mark>劳模</mark>合影。"
    assert snippet(article, "阮向民", max_chars=4) == "正文正文…"


@pytest.mark.parametrize("rows", [2, 10])
def test_a_page_of_results_with_snippets_takes_two_queries(
    committed, django_assert_num_queries, rows
):
    issue = make_issue()
    with committed():
        for n in range(rows):
            article = make_article(issue=issue, headline=f"工会{n}", body="工会工作。")
            make_photo(issue=issue, article=article, caption="工会合影。")
    with django_assert_num_queries(2):
        # 1: the matching articles, ranked; 2: their photos (prefetched for the snippets).
        page = list(search_articles("工会").prefetch_related("photos")[:20])
        assert [str(snippet(article, "工会")) for article in page]
    assert len(page) == rows


def test_the_database_passes_the_search_checks():
    assert check_search_database() == []


def test_the_backend_matches_the_database_vendor():
    from newsroom.search.backends import get_backend

    assert get_backend().vendor == connection.vendor


def grouped_vector(fields, prefix="") -> dict[str, list[str]]:
    """Each lexeme with its first 256 positions ("12B"), grouped: what a tsvector holds."""
    from newsroom.search.text import MAX_POSITIONS_PER_LEXEME, document_tokens

    grouped: dict[str, list[str]] = {}
    base = 1
    for text, weight in fields:
        for lexeme, offset in document_tokens(text):
            grouped.setdefault(prefix + lexeme, []).append(
                (min(base + offset, 16383), weight))
        base += len(text) + 1
    return {
        lexeme: [f"{p}{w}" for p, w in sorted(set(found))[:MAX_POSITIONS_PER_LEXEME]]
        for lexeme, found in grouped.items()
    }


@pytest.mark.parametrize("title, body", [
    ("浙江工会 工会工作", "工会在嘉兴调研工会工作，推进工会系统化建设。CN33-0018 加工会 " * 3),
    ("长文", "工" * 400 + "会" * 20),  # more than 256 positions of one lexeme
])
def test_the_vector_literal_is_the_documents_lexemes_with_their_positions(title, body):
    from newsroom.search.indexing import tsvector_literal
    from newsroom.search.text import normalize

    fields = [(normalize(title), "A"), (normalize(body), "B")]
    literal = tsvector_literal(fields, prefix="h:")
    expected = grouped_vector(fields, prefix="h:")
    if connection.vendor == "postgresql":
        # The literal lists each occurrence; PostgreSQL groups, sorts and caps them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::tsvector::text", [literal])
            stored = cursor.fetchone()[0]
        entries = dict(entry.split(":", 2)[1:] for entry in stored.replace("'", "").split(" "))
        assert {f"h:{lexeme}": positions.split(",") for lexeme, positions in entries.items()} == (
            expected)
    else:  # SQLite stores no vector: the literal's entries are still the document's tokens
        entries = {}
        for entry in literal.split(" "):
            lexeme, position = entry.strip("'").rsplit("':", 1)
            entries.setdefault(lexeme, []).append(position)
        assert {lexeme: sorted(found, key=lambda p: int(p[:-1]))[:256]
                for lexeme, found in entries.items()} == expected
