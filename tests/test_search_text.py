"""The query language, tokens and highlighting of newsroom.search (no database)."""

import pytest

from newsroom.search import highlight, parse_query
from newsroom.search.backends import PostgresBackend, SQLiteBackend
from newsroom.search.checks import ctype_errors
from newsroom.search.indexing import tsvector_literal
from newsroom.search.text import MAX_QUERY_CHARS, document_tokens, normalize

HOSTILE_QUERIES = [
    '"',
    '""',
    '"工会',
    "工会\"'",
    "NEAR(工会 建设, 2)",
    "工会 AND OR NOT 建设",
    "工* ^工会 title:工会",
    "(工会) {建设} [x]",
    "'; DROP TABLE newsroom_article; --",
    "工会' OR '1'='1",
    "\\' \\\\ %_",
    "!工会 & | <-> <2> :*",
    "🙂工会🙂 👨‍👩‍👧",
    "-",
    "--工会",
    "- - -",
    "\x00工会\x00",
    "工" * 5000,
    "工会 " * 500,
    '"' * 101,
]


def test_several_words_must_all_occur():
    parsed = parse_query("工会 建设")
    assert [e.text for e in parsed.required] == ["工会", "建设"]
    assert not parsed.forbidden


def test_a_quoted_phrase_is_kept_whole():
    parsed = parse_query('"系统化建设" 工会')
    assert parsed.phrases == ("系统化建设",)
    assert [(e.text, e.is_phrase) for e in parsed.required] == [
        ("系统化建设", True),
        ("工会", False),
    ]


def test_a_word_after_a_minus_is_excluded():
    parsed = parse_query("工会 -劳模")
    assert parsed.excluded == ("劳模",)
    assert [e.text for e in parsed.forbidden] == ["劳模"]
    assert [e.text for e in parsed.required] == ["工会"]


def test_an_unknown_name_is_not_cut_into_single_characters():
    # rjieba (HMM off) cuts 阮向民 into 阮/向/民; every article with those three
    # characters anywhere must not match a reporter's name.
    assert [e.text for e in parse_query("阮向民").required] == ["阮向民"]


def test_a_long_term_is_cut_into_words():
    assert [e.text for e in parse_query("系统化建设").required] == ["系统化", "建设"]


def test_full_width_and_capital_letters_are_folded():
    assert [e.text for e in parse_query("ＣＮ３３").required] == ["cn33"]


def test_an_unclosed_quote_runs_to_the_end():
    assert parse_query('工会 "系统化 建设').phrases == ("系统化 建设",)


def test_only_exclusions_or_punctuation_make_an_empty_query():
    assert parse_query("-工会").is_empty
    assert parse_query("，。！？ ... ***").is_empty
    assert parse_query("   ").is_empty


def test_a_long_query_is_capped():
    parsed = parse_query("工会" * 1000)
    assert sum(len(e.text) for e in parsed.required) <= MAX_QUERY_CHARS


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_input_parses_and_compiles_for_both_backends(text):
    parsed = parse_query(text)
    for element in parsed.required + parsed.forbidden:
        # FTS5 strings: every double quote inside is doubled.
        _table, match = SQLiteBackend.element_condition(element)
        assert match.startswith('"') and match.endswith('"')
        assert match[1:-1].replace('""', "").count('"') % 2 == 0
    if not parsed.is_empty:
        tsquery = PostgresBackend().tsquery(parsed)
        assert tsquery.count("'") % 2 == 0


def test_highlight_escapes_the_text_and_marks_the_match():
    html = highlight("<script>alert('工会')</script> 工会工作", "工会")
    assert "<script>" not in html
    assert html == (
        "&lt;script&gt;alert(&#x27;<mark>工会</mark>&#x27;)&lt;/script&gt; <mark>工会</mark>工作"
    )


def test_highlight_marks_a_whole_term_and_its_words_elsewhere():
    html = highlight("推进系统化建设。建设项目。", "系统化建设")
    assert html == "推进<mark>系统化建设</mark>。<mark>建设</mark>项目。"


def test_highlight_does_not_mark_excluded_words():
    assert highlight("工会与劳模", "工会 -劳模") == "<mark>工会</mark>与劳模"


def test_highlight_marks_the_raw_text_of_a_folded_match():
    assert highlight("刊号ＣＮ３３-0018", "cn33") == "刊号<mark>ＣＮ３３</mark>-0018"


def test_highlight_with_max_chars_returns_a_window_around_the_first_match():
    text = "甲" * 100 + "工会" + "乙" * 100
    html = highlight(text, "工会", max_chars=20)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>工会</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) == 20 + 2


def test_highlight_without_a_match_returns_the_start_of_the_text():
    assert highlight("甲乙丙丁戊", "工会", max_chars=3) == "甲乙丙…"


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_highlight_never_raises_and_never_lets_markup_through(text):
    html = highlight("<b>工会</b> & 建设", text, max_chars=30)
    assert "<b>" not in html


def test_the_postgres_vector_holds_exactly_the_tokens_of_the_document():
    text = normalize("史济锡在嘉兴调研工会工作，推进系统化建设。CN33-0018 加工会")
    literal = tsvector_literal([(text, "B")])
    lexemes = {entry.split("':")[0].strip("'") for entry in literal.split(" ")}
    assert lexemes == {lexeme for lexeme, _offset in document_tokens(text)}
    # 工会 is indexed where the segmenter cut 加工/会, and 系统化 as a word.
    assert {"工会", "系统化", "锡", "cn33", "0018"} <= lexemes


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_no_text_can_break_out_of_a_lexeme_in_the_vector_literal(text):
    literal = tsvector_literal([(normalize(text), "B")], prefix="h:")
    entries = literal.split(" ") if literal else []
    # Each entry is '<lexeme>':<positions>, with no quote or backslash inside the lexeme.
    for entry in entries:
        lexeme, positions = entry.rsplit(":", 1)
        assert lexeme.startswith("'h:") and lexeme.endswith("'") and lexeme.count("'") == 2
        assert "\\" not in lexeme and positions.replace(",", "").replace("B", "").isdigit()
    assert {e.rsplit(":", 1)[0][3:-1] for e in entries} == {
        lexeme for lexeme, _offset in document_tokens(normalize(text))}


def test_a_phrase_becomes_bigrams_at_their_character_distances():
    backend = PostgresBackend()
    assert backend.tsquery(parse_query('"工会 工作"'), ocr=False) == "('工会' <3> '工作')"
    assert backend.tsquery(parse_query('"阮向民"'), ocr=False) == (
        "('阮向民' | ('阮向' <-> '向民'))"
    )
    assert backend.tsquery(parse_query("工会 -劳模"), ocr=False) == "'工会' & !'劳模'"
    # With the OCR's passages: each required element in either; an exclusion in the text only.
    assert backend.tsquery(parse_query("工会 -劳模")) == "('工会' | 'o:工会') & !'劳模'"
    assert backend.tsquery(parse_query('"工会 工作"')) == (
        "(('工会' <3> '工作') | ('o:工会' <3> 'o:工作'))"
    )


@pytest.mark.parametrize(
    ("ctype", "refused"),
    [("C", True), ("POSIX", True), ("C.UTF-8", False), ("zh_CN.UTF-8", False)],
)
def test_a_database_whose_ctype_is_c_or_posix_is_refused(ctype, refused):
    errors = ctype_errors(ctype, "newsroom")
    assert bool(errors) is refused
    if refused:
        assert errors[0].id == "search.E001"
        assert "--lc-ctype=C.UTF-8" in errors[0].hint
