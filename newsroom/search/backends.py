"""Search backends: how a parsed query becomes a filter, one implementation per database.

Like Wagtail's database search backends, the backend is chosen by the vendor of the
database in use. Both index the same tokens (newsroom.search.text) and give the same
answers; they differ only in the machinery:

- PostgreSQL: one tsvector per article (GIN index), queried with a tsquery literal;
- SQLite: two FTS5 tables, trigram (exact substrings of 3+ characters) and word
  (unigrams, bigrams, words and Latin runs, for everything shorter).

A word matches in the corrected text or in the original OCR's passages the corrected text
no longer holds (newsroom/search/indexing.py ocr_passages); `corrected_condition` tells the
two apart, so relevance ranks the corrected text's matches first and the results page
says which matched. An excluded word is looked for in the corrected text only.
"""

from __future__ import annotations

from itertools import pairwise

from django.contrib.postgres.search import SearchQuery
from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from newsroom.models import Article, page_order
from newsroom.search.text import MAX_POSITION, OCR_PREFIX, Element, ParsedQuery, is_cjk


def _fts5_string(text: str) -> str:
    """Return text as an FTS5 string: everything inside is data, never syntax."""
    return '"' + text.replace('"', '""') + '"'


def _tsquery_lexeme(lexeme: str) -> str:
    """Return a lexeme quoted for a tsquery literal."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class SearchBackend:
    vendor = ""

    def filter(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """Return the articles of queryset that match the query (text or OCR), unordered."""
        raise NotImplementedError

    def corrected_condition(self, parsed: ParsedQuery):
        """Return a filter condition true of the articles whose corrected text matches."""
        raise NotImplementedError

    def rank(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        """Return the filtered queryset annotated and ordered by relevance.

        Headline hits first, then matches in the corrected text before those found in
        the original OCR only, then page order.
        """
        in_text = Case(
            When(self.corrected_condition(parsed), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        return queryset.annotate(
            search_headline_hits=_headline_hits(parsed), search_in_text=in_text
        ).order_by("-search_headline_hits", "-search_in_text", *page_order())

    def ocr_only(self, article_ids, parsed: ParsedQuery, *, using: str) -> dict[int, str]:
        """Return {id: OCR passages} of the articles (by id) that match the query in the
        original OCR's passages but not in their corrected text (one query)."""
        from newsroom.search.models import ArticleDocument

        documents = ArticleDocument.objects.using(using).filter(pk__in=list(article_ids))
        rows = (
            self.filter(documents, parsed)
            .annotate(
                search_in_text=Case(
                    When(self.corrected_condition(parsed), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .filter(search_in_text=False)
            .values_list("pk", "ocr_text")
        )
        return {pk: text or "" for pk, text in rows}


def _headline_hits(parsed: ParsedQuery):
    """Return an expression counting the required elements found in the headline fields.

    It reads the short, normalized ``title`` column, so it is cheap for every match and
    exact for every element, unlike a rank over the whole document.
    """
    hits = [
        Case(
            When(search_document__title__contains=element.text, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for element in parsed.required
    ]
    total = hits[0]
    for hit in hits[1:]:
        total = total + hit
    return total


class PostgresBackend(SearchBackend):
    """tsvector + GIN: each element becomes a tsquery over the positioned tokens."""

    vendor = "postgresql"

    @staticmethod
    def element_tsquery(element: Element, prefix: str = "") -> str:
        """Return the tsquery that is true exactly where the element occurs as a substring.

        One token: the lexeme itself (every unigram, bigram and Latin run is indexed).
        With prefix="h:", the same in the headline fields only (their tokens are indexed
        a second time with that mark).
        Several: the tokens at their distances (``<N>``), which holds only where they stand
        at those character offsets, i.e. where the text occurs; a 3+ character word that
        the segmenter also indexed is tried first as one lexeme, which needs no recheck.
        """
        tokens = element.tokens
        if len(tokens) == 1:
            return _tsquery_lexeme(prefix + tokens[0][0])
        parts = [_tsquery_lexeme(prefix + tokens[0][0])]
        for (_previous, previous_offset), (lexeme, offset) in pairwise(tokens):
            distance = min(offset - previous_offset, MAX_POSITION)
            parts.append(f"<{distance}>" if distance != 1 else "<->")
            parts.append(_tsquery_lexeme(prefix + lexeme))
        phrase = "(" + " ".join(parts) + ")"
        if len(element.text) >= 3 and is_cjk(element.text):
            return f"({_tsquery_lexeme(prefix + element.text)} | {phrase})"
        return phrase

    def matching_element_tsquery(self, element: Element) -> str:
        """Return the tsquery true where the element occurs in the text or the OCR passages."""
        return f"({self.element_tsquery(element)} | {self.element_tsquery(element, OCR_PREFIX)})"

    def tsquery(self, parsed: ParsedQuery, *, ocr: bool = True) -> str:
        """Return the query's tsquery: every required element in the corrected text (or,
        with ocr, in the OCR passages), no excluded one in the corrected text."""
        element = self.matching_element_tsquery if ocr else self.element_tsquery
        required = [element(e) for e in parsed.required]
        forbidden = [f"!{self.element_tsquery(e)}" for e in parsed.forbidden]
        return " & ".join(required + forbidden)

    @staticmethod
    def relaxed_element_tsquery(element: Element, prefix: str = "") -> str:
        """Return a tsquery the GIN index answers exactly, true wherever the element occurs.

        Its tokens anywhere in the article, without their distances: the index needs
        no look at the positions (no recheck), and it is true of every article where
        the element occurs, and of a few more where its tokens stand apart.
        """
        tokens = list(dict.fromkeys(lexeme for lexeme, _offset in element.tokens))
        together = " & ".join(_tsquery_lexeme(prefix + t) for t in tokens)
        if len(tokens) > 1:
            together = f"({together})"
        if len(element.text) >= 3 and is_cjk(element.text):
            return f"({_tsquery_lexeme(prefix + element.text)} | {together})"
        return together

    def relaxed_tsquery(self, parsed: ParsedQuery) -> str:
        """Return the query without distances or exclusions (see relaxed_element_tsquery).

        Equal to tsquery() when every element is one token and nothing is excluded:
        then the index alone answers the query exactly.
        """
        if not parsed.forbidden and all(len(e.tokens) == 1 for e in parsed.required):
            return self.tsquery(parsed)
        return " & ".join(
            f"({self.relaxed_element_tsquery(e)} | {self.relaxed_element_tsquery(e, OCR_PREFIX)})"
            for e in parsed.required
        )

    def filter(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        return queryset.filter(MatchesTsQuery(self.tsquery(parsed)))

    def corrected_condition(self, parsed: ParsedQuery):
        return MatchesTsQuery(self.tsquery(parsed, ocr=False))

    def ocr_only(self, article_ids, parsed: ParsedQuery, *, using: str) -> dict[int, str]:
        """The same, testing the few rows' own vectors: search_matching_articles() would
        find every match in the archive first (a phrase's check over all its candidates).
        Only a document with OCR passages can match through them alone."""
        ids = [int(i) for i in article_ids]
        if not ids or parsed.is_empty:
            return {}
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT article_id, ocr_text FROM search_articledocument"
                " WHERE article_id = ANY(%s) AND coalesce(ocr_text, '') <> ''"
                " AND coalesce(vector @@ %s::tsquery, false)"
                " AND NOT coalesce(vector @@ %s::tsquery, false)",
                [ids, self.tsquery(parsed), self.tsquery(parsed, ocr=False)],
            )
            return dict(cursor.fetchall())


class MatchesTsQuery(Func):
    """True for the articles whose document matches a tsquery literal.

    It reads the GIN index only, through search_matching_articles() (migrations 0003 and
    0004): a plain `vector @@ query` lets the planner choose a sequential scan for common
    words, which decompresses every article's vector (seconds at 100,000 articles). The
    IN sits inside COALESCE so PostgreSQL keeps it a hashed subplan, probed once per
    candidate row, instead of turning it into a join planned on a guessed row count.
    """

    output_field = BooleanField()

    def __init__(self, tsquery: str):
        super().__init__(F("pk"), RawTsQuery(tsquery))

    def as_sql(self, compiler, connection, **extra_context):
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        query_sql, query_params = compiler.compile(self.source_expressions[1])
        sql = f"COALESCE({pk_sql} IN (SELECT search_matching_articles({query_sql})), false)"
        return sql, (*pk_params, *query_params)


class RawTsQuery(SearchQuery):
    """A tsquery literal made by the backend, cast without any parser or dictionary.

    to_tsquery() would run PostgreSQL's parser over the lexemes again; the literal is
    already exactly the indexed lexemes.
    """

    def __init__(self, value: str):
        super().__init__(value, search_type="raw")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::tsquery", params


class SQLiteBackend(SearchBackend):
    """FTS5: trigram table for 3+ characters, word table for shorter elements."""

    vendor = "sqlite"
    # The columns of the corrected text in each FTS5 table (the last, ocr, is left out).
    CORRECTED = {
        "search_trigram": "{title body extra}",
        "search_words": "{title_words body_words extra_words}",
    }

    @classmethod
    def element_condition(cls, element: Element, *, ocr: bool = True) -> tuple[str, str]:
        """Return (table, MATCH expression) that is true exactly where the element occurs.

        FTS5's trigram tokenizer finds any substring of three or more characters (and
        returns nothing for shorter ones); shorter elements are looked up in the word
        table, where every unigram and bigram is a token. Without ocr, only in the
        corrected text's columns.
        """
        if element.is_single_token and not is_cjk(element.text):
            table, match = "search_words", _fts5_string(element.text)
        elif len(element.text) >= 3:
            table, match = "search_trigram", _fts5_string(element.text)
        else:
            table = "search_words"
            match = " AND ".join(_fts5_string(t) for t, _offset in element.tokens)
        if not ocr:
            match = f"{cls.CORRECTED[table]} : ({match})"
        return table, match

    def _condition(self, parsed: ParsedQuery, *, ocr: bool) -> Q:
        by_table: dict[str, list[str]] = {}
        for element in parsed.required:
            table, match = self.element_condition(element, ocr=ocr)
            by_table.setdefault(table, []).append(match)
        condition = Q()
        for table, matches in by_table.items():
            condition &= Q(pk__in=_match_subquery(table, " AND ".join(matches)))
        for element in parsed.forbidden:
            table, match = self.element_condition(element, ocr=False)
            condition &= ~Q(pk__in=_match_subquery(table, match))
        return condition

    def filter(self, queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
        return queryset.filter(self._condition(parsed, ocr=True))

    def corrected_condition(self, parsed: ParsedQuery):
        return self._condition(parsed, ocr=False)


def _match_subquery(table: str, match: str) -> RawSQL:
    # table is one of two constants above; the MATCH expression is a parameter.
    return RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", (match,))


_BACKENDS = {"postgresql": PostgresBackend(), "sqlite": SQLiteBackend()}


def get_backend(queryset: QuerySet | None = None) -> SearchBackend:
    """Return the backend for the database the queryset reads from."""
    alias = queryset.db if queryset is not None else router.db_for_read(Article)
    vendor = connections[alias].vendor
    try:
        return _BACKENDS[vendor]
    except KeyError:
        raise NotImplementedError(
            f"Search supports PostgreSQL and SQLite, not {vendor!r} (database {alias!r})."
        ) from None
