"""A reader's search at archive scale: a page of results, the total and the facets.

`search_articles()` returns a QuerySet, which editors' and the API's code can filter and
order at will; on PostgreSQL its cost grows with the number of matches (every match is
joined, sorted and counted). A reader's search page needs less: one page, a total and
the year facets. `SearchResults` answers exactly that from the document table alone,
reading only the rows it shows, so a word found in most of 100,000 articles costs about
what a rare word costs (docs/search.md, "At archive scale"):

- A page is taken newest first from a window of recent months, widened only when the
  window holds too few matches; in relevance order, headline hits come first and are
  found through the headline vector, then the corrected text's matches, then those
  found in the original OCR's passages only. The matching, the window and "public" are all
  conditions of one GIN index, intersected inside it.
- The total and the facets (newsroom/search/facets.py: by year, month and page name) come
  from one pass of that index, counted by month and page name. A query the index answers
  exactly (words and characters) is counted exactly. A phrase (three or more characters
  in a row) or an excluded word needs each candidate's positions checked; beyond
  SAMPLE candidates, they are estimated from a checked sample (the newest candidates)
  and said to be estimates.

On SQLite the same interface runs over `search_articles()` (the archive it serves is
small) and is always exact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from itertools import combinations

from django.db import connections, router, transaction
from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from newsroom.pagecache import for_generation
from newsroom.search import search_articles
from newsroom.search.backends import PostgresBackend
from newsroom.search.facets import Choice, Totals
from newsroom.search.text import HEADLINE_PREFIX, OCR_PREFIX, ParsedQuery

# Candidates checked one by one, at most, before a total becomes an estimate.
SAMPLE = 400
# Up to this many candidates, a page is read without a window of months.
DIRECT = 2000
# Up to this many words, headline hits are read a level (of words in the headline) at a time.
MAX_LEVELLED = 4


class SearchResults:
    """The public articles matching a query, for a paginated reader's page.

    Django's Paginator takes it like a QuerySet: `count()` and slicing. `among` narrows
    the search to a queryset of articles (kind, tag, contributor filters); `start` and
    `end` to dates, `page_number` to one page (第N版) of every issue. `year`, `month` (1-12,
    with a year) and `page_name` (版名) are the facets' filters: `year_facets()`,
    `month_facets()` and `page_name_facets()` count each under the others' filters but not
    its own, so the reader can pick another. `articles` is the queryset results are read
    from (add select_related/prefetch_related there); it must hold only public articles.
    """

    def __init__(
        self,
        parsed: ParsedQuery,
        *,
        articles: QuerySet,
        among: QuerySet | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        year: int | None = None,
        month: int | None = None,
        page_name: str | None = None,
        page_number: int | None = None,
        order: str = "relevance",
    ):
        self.parsed = parsed
        self.articles = articles
        self.among = among
        self.start, self.end, self.page_number = start, end, page_number
        self.choice = Choice(year=year, month=month if year else None, page_name=page_name or None)
        self.order = order
        self.using = articles.db or router.db_for_read(articles.model)
        self._totals: Totals | None = None
        self._strategy_instance: _PostgresResults | _QuerySetResults | None = None

    # -- what the paginator and the template ask

    def totals(self) -> Totals:
        """Return the totals, computed once per archive generation (pagecache.for_generation).

        Readers page through results and pick years: the same query's totals are asked
        for again and again, and they cost one pass over every match.
        """
        if self._totals is not None:
            return self._totals
        if self.parsed.is_empty:
            self._totals = Totals()
            return self._totals
        strategy = self._strategy()
        described = repr((
            connections[self.using].vendor,
            [e.text for e in self.parsed.required], [e.text for e in self.parsed.forbidden],
            self.start, self.end, self.page_number,
            str(self.among.values("pk").query) if self.among is not None else "",
        ))
        digest = hashlib.sha256(described.encode()).hexdigest()[:40]
        self._totals, strategy.candidates = for_generation(
            f"search-totals:{digest}",
            lambda: (strategy.totals(), strategy.candidates),
            using=self.using,
        )
        return self._totals

    def count(self) -> int:
        return self.totals().count(self.choice)

    def __len__(self) -> int:
        return self.count()

    @property
    def is_exact(self) -> bool:
        return self.totals().exact

    def year_facets(self) -> list[tuple[int, int]]:
        return self.totals().year_facets(self.choice)

    def month_facets(self) -> list[tuple[int, int]]:
        return self.totals().month_facets(self.choice)

    def page_name_facets(self) -> list[tuple[str, int]]:
        return self.totals().page_name_facets(self.choice)

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("SearchResults supports slices only, e.g. results[20:40]")
        offset = max(0, index.start or 0)
        stop = index.stop if index.stop is not None else offset + 20
        if stop <= offset or self.parsed.is_empty:
            return []
        return self._strategy().page(offset, stop - offset)

    def _strategy(self):
        if self._strategy_instance is None:
            if connections[self.using].vendor == "postgresql":
                self._strategy_instance = _PostgresResults(self)
            else:
                self._strategy_instance = _QuerySetResults(self)
        return self._strategy_instance


def _in_order(articles: QuerySet, ids: list[int]) -> list:
    """Return the articles with these ids from the queryset, in the order of the ids."""
    by_id = {article.pk: article for article in articles.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


class _QuerySetResults:
    """Every database: the QuerySet of search_articles(), counted and sliced."""

    candidates: dict = {}  # only the PostgreSQL strategy uses them

    def __init__(self, results: SearchResults):
        self.r = results

    def _matches(self, *, with_facets: bool, order: str | None = None) -> QuerySet:
        r = self.r
        articles = r.articles
        if r.among is not None:
            articles = articles.filter(pk__in=r.among.values("pk"))
        if r.start:
            articles = articles.filter(issue__date__gte=r.start)
        if r.end:
            articles = articles.filter(issue__date__lte=r.end)
        if r.page_number:
            articles = articles.filter(page=r.page_number)
        choice = r.choice
        if with_facets and choice.year:
            articles = articles.filter(issue__date__year=choice.year)
        if with_facets and choice.month:
            articles = articles.filter(issue__date__month=choice.month)
        if with_facets and choice.page_name:
            articles = articles.filter(search_document__page_name=choice.page_name)
        return search_articles(r.parsed, articles, order=order or r.order)

    def totals(self) -> Totals:
        rows = (
            self._matches(with_facets=False, order="date")
            .order_by()
            .values(
                search_year=ExtractYear("issue__date"),
                search_month=ExtractMonth("issue__date"),
                search_page=Coalesce("search_document__page_name", Value("")),
            )
            .annotate(search_count=Count("pk", distinct=True))
            .values_list("search_year", "search_month", "search_page", "search_count")
        )
        groups = {(int(y) * 100 + int(m), name): int(n) for y, m, name, n in rows}
        return Totals(groups=groups, exact=True)

    def page(self, offset: int, limit: int) -> list:
        return list(self._matches(with_facets=True)[offset : offset + limit])


class _Where:
    """A WHERE clause on search_articledocument (alias d): SQL parts and their parameters."""

    def __init__(self, parts=(), params=()):
        self.parts, self.params = list(parts), list(params)

    def __and__(self, other: _Where) -> _Where:
        return _Where(self.parts + other.parts, self.params + other.params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) or "true"


def _where(sql: str, *params) -> _Where:
    return _Where([sql], params)


class _PostgresResults:
    """PostgreSQL: the document table alone, through its one GIN index (migration 0005)."""

    # Matching candidates per (YYYYMM month, page name), from totals(): how far back a
    # page must look.
    candidates: dict[tuple[int, str], int] = {}

    ORDER = "ORDER BY d.published_on DESC, d.position_key, d.article_id"

    def __init__(self, results: SearchResults):
        self.r = results
        self.connection = connections[results.using]
        backend = PostgresBackend()
        self.exact = backend.tsquery(results.parsed)
        self.corrected = backend.tsquery(results.parsed, ocr=False)
        # True of every article with one of the query's elements in its OCR passages: few
        # (only corrected articles have passages), and the GIN index answers it exactly.
        self.in_ocr = " | ".join(
            backend.relaxed_element_tsquery(e, OCR_PREFIX) for e in results.parsed.required
        )
        self.relaxed = backend.relaxed_tsquery(results.parsed)
        self.needs_check = self.exact != self.relaxed
        required = results.parsed.required
        self.elements = [backend.element_tsquery(e) for e in required]
        self.in_headline = [backend.element_tsquery(e, HEADLINE_PREFIX) for e in required]
        self.element_texts = [e.text for e in required]

    # -- conditions

    def filters(self, *, with_facets: bool) -> _Where:
        r = self.r
        where = _where("d.is_public")
        if r.start:
            where &= _where("d.published_on >= %s", r.start)
            where &= _where("d.published_month >= %s", r.start.year * 100 + r.start.month)
        if r.end:
            where &= _where("d.published_on <= %s", r.end)
            where &= _where("d.published_month <= %s", r.end.year * 100 + r.end.month)
        if r.page_number:
            # position_key is edition * 100,000 + page * 1,000 + position (indexing.py).
            where &= _where("mod(d.position_key / 1000, 100) = %s", r.page_number)
        choice = r.choice
        if with_facets and choice.month:
            where &= _where("d.published_month = %s", choice.year * 100 + choice.month)
        elif with_facets and choice.year:
            where &= _where(
                "d.published_month BETWEEN %s AND %s", choice.year * 100, choice.year * 100 + 99
            )
        if with_facets and choice.page_name:
            where &= _where("d.page_name = %s", choice.page_name)
        if r.among is not None:
            sql, params = r.among.values("pk").query.sql_with_params()
            where &= _Where([f"d.article_id IN ({sql})"], params)
        return where

    def matching(self, tsquery: str) -> _Where:
        return _where("d.vector @@ %s::tsquery", tsquery)

    def headline_any(self) -> _Where:
        """Articles with at least one of the query's words in the headline fields."""
        return _where("d.vector @@ %s::tsquery", " | ".join(self.in_headline))

    # -- running SQL

    @contextmanager
    def gin_only(self):
        """Let the queries inside read the table only through bitmap scans of the GIN index.

        A sequential scan, or a walk of the date index, would unpack every article's
        vector to test it (docs/search.md). The settings are the transaction's own, and
        are put back at the end when the caller's transaction goes on.
        """
        outer = self.connection.in_atomic_block
        with transaction.atomic(using=self.r.using), self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'),"
                " set_config('enable_seqscan', 'off', true),"
                " set_config('enable_indexscan', 'off', true)"
            )
            seqscan, indexscan, _off, _also_off = cursor.fetchone()
            yield cursor
            if outer:
                cursor.execute(
                    "SELECT set_config('enable_seqscan', %s, true),"
                    " set_config('enable_indexscan', %s, true)",
                    [seqscan, indexscan],
                )

    @staticmethod
    def fetch(cursor, sql: str, params: list) -> list[tuple]:
        cursor.execute(sql, params)
        return cursor.fetchall()

    # -- totals

    def totals(self) -> Totals:
        where = self.filters(with_facets=False)
        with self.gin_only() as cursor:
            groups = self.count_groups(cursor, self.matching(self.relaxed) & where)
            self.candidates = groups
            candidates = sum(groups.values())
            if not self.needs_check:
                return Totals(groups=groups, exact=True)
            if candidates <= SAMPLE:
                exact = self.count_groups(cursor, self.matching(self.exact) & where)
                return Totals(groups=exact, exact=True)
            # Check a sample of the candidates' positions and scale every count by its share:
            # the newest SAMPLE, from the months that hold them (counted above), so the
            # index skips every older candidate instead of listing them all once more.
            sample = self.matching(self.relaxed) & where
            sample &= _where("d.published_month >= %s", _first_month_holding(groups, SAMPLE))
            ((checked, found),) = self.fetch(
                cursor,
                "SELECT count(*), count(*) FILTER (WHERE s.vector @@ %s::tsquery) FROM"
                f" (SELECT d.vector FROM search_articledocument d WHERE {sample.sql} LIMIT %s) s",
                [self.exact, *sample.params, SAMPLE],
            )
        share = found / checked if checked else 0
        return Totals(groups={g: count * share for g, count in groups.items()}, exact=False)

    def count_groups(self, cursor, where: _Where) -> dict[tuple[int, str], int]:
        """Return the matches by (YYYYMM month, page name): what every facet is made of."""
        rows = self.fetch(
            cursor,
            "SELECT d.published_month, coalesce(d.page_name, ''), count(*)"
            f" FROM search_articledocument d WHERE {where.sql} GROUP BY 1, 2",
            where.params,
        )
        return {(int(month), name): int(count) for month, name, count in rows}

    # -- a page

    def page(self, offset: int, limit: int) -> list:
        self.r.totals()  # the counts by month tell how far back to look
        wanted = offset + limit
        where = self.matching(self.exact) & self.filters(with_facets=True)
        with self.gin_only() as cursor:
            if self.r.order == "date" or not self.elements:
                ids = self.newest(cursor, where, wanted)
            else:
                # Headline hits among the corrected text's matches (their headline is).
                corrected = self.matching(self.corrected) & self.filters(with_facets=True)
                ids = self.headline_hits(cursor, corrected, wanted)
                if len(ids) < wanted:
                    # Fewer than asked: these are all the headline hits; then the corrected
                    # text's matches by date.
                    in_text = corrected & _where("d.article_id <> ALL(%s)", ids)
                    ids += self.newest(cursor, in_text, wanted - len(ids))
                if len(ids) < wanted and len(ids) < self._matches_known():
                    # Fewer again: every match of the corrected text is in; the rest were
                    # found in the original OCR only (rare, so no window needed).
                    ocr_only = where & self.matching(self.in_ocr)
                    ocr_only &= _where("d.article_id <> ALL(%s)", ids)
                    ids += self.newest(cursor, ocr_only, wanted - len(ids), windows=[None])
        return _in_order(self.r.articles, ids[offset:wanted])

    def _matches_known(self) -> float:
        """Return how many articles match, or infinity where the total is an estimate."""
        return self.r.count() if self.r.is_exact else float("inf")

    def months(self) -> list[tuple[int, int]]:
        """Return (month, candidates) newest first, within the reader's facet filters."""
        per_month: dict[int, int] = {}
        for (month, page_name), count in self.candidates.items():
            if self.r.choice.admits(month, page_name):
                per_month[month] = per_month.get(month, 0) + count
        return sorted(per_month.items(), reverse=True)

    def windows(self, limit: int) -> list[int | None]:
        """Return the first months of the windows to try, newest first; None is everything.

        With few candidates, no window: the index hands over all of them at once anyway.
        Otherwise the window that the counts by month say holds `limit` candidates, then
        everything (candidates include a few that a phrase check may drop).
        """
        months = self.months()
        if sum(count for _month, count in months) <= DIRECT:
            return [None]
        reached = 0
        for month, count in months:
            reached += count
            if reached >= limit:
                return [month, None]
        return [None]

    def newest(self, cursor, where: _Where, limit: int, windows=None) -> list[int]:
        """Return the ids of the newest `limit` documents matching, window by window."""
        for first_month in windows or self.windows(limit):
            window = where
            if first_month is not None:
                window = where & _where("d.published_month >= %s", first_month)
            rows = self.fetch(
                cursor,
                f"SELECT d.article_id FROM search_articledocument d WHERE {window.sql}"
                f" {self.ORDER} LIMIT %s",
                [*window.params, limit],
            )
            if len(rows) >= limit or first_month is None:
                return [row[0] for row in rows]
        return []

    def headline_hits(self, cursor, where: _Where, limit: int) -> list[int]:
        """Return the first `limit` ids with query words in the headline: most words first."""
        # Headline hits are rarer than matches: start from a window of a year, then five.
        months = self.months()
        windows = [None]
        if sum(count for _month, count in months) > DIRECT:
            newest = months[0][0]
            windows = [_months_before(newest, 11), _months_before(newest, 59), None]
        if len(self.elements) == 1:
            # One word: every headline hit has the same score, so newest first.
            return self.newest(cursor, where & self.headline_any(), limit, windows)
        # Counted on the short normalized title, as search_articles() counts them.
        hits = " + ".join(["(strpos(d.title, %s) > 0)::int"] * len(self.element_texts))
        if len(self.elements) <= MAX_LEVELLED:
            return self.headline_levels(cursor, where, limit, windows, hits)
        candidates = where & self.headline_any()
        rows = self.fetch(
            cursor,
            f"SELECT d.article_id FROM search_articledocument d WHERE {candidates.sql}"
            f" ORDER BY {hits} DESC, d.published_on DESC, d.position_key, d.article_id LIMIT %s",
            [*candidates.params, *self.element_texts, limit],
        )
        return [row[0] for row in rows]


    def headline_levels(self, cursor, where: _Where, limit: int, windows, hits: str) -> list[int]:
        """Return the same ids as the ordering by hits, a level of hits at a time.

        Articles with all n words in the headline, newest first; then those with n-1; and
        so on. Within a level every article has the same score, so each level is read
        newest first through windows of months, and its candidates are found by the
        index (the headline's h: tokens of k of the words), not by checking every
        article with any word in its headline. A level that returns fewer than asked
        returned all of its articles, so the next level only has to leave them out.
        """
        count = len(self.in_headline)
        ids: list[int] = []
        for level in range(count, 0, -1):
            combos = [" & ".join(c) for c in combinations(self.in_headline, level)]
            in_headline = "(" + ") | (".join(combos) + ")"
            found = where & self.matching(in_headline)
            found &= _Where([f"({hits}) = %s"], [*self.element_texts, level])
            if ids:
                found &= _where("d.article_id <> ALL(%s)", ids)
            ids += self.newest(cursor, found, limit - len(ids), windows)
            if len(ids) >= limit:
                break
        return ids


def _first_month_holding(groups: dict[tuple[int, str], int], count: int) -> int:
    """Return the latest YYYYMM month from which on the groups hold `count` candidates
    (the earliest month when they hold fewer)."""
    per_month: dict[int, int] = {}
    for (month, _page_name), candidates in groups.items():
        per_month[month] = per_month.get(month, 0) + candidates
    reached = 0
    for month in sorted(per_month, reverse=True):
        reached += per_month[month]
        if reached >= count:
            return month
    return min(per_month, default=0)


def _months_before(month: int, count: int) -> int:
    """Return the YYYYMM month `count` months before a YYYYMM month."""
    year, number = divmod(month, 100)
    index = year * 12 + (number - 1) - count
    return (index // 12) * 100 + index % 12 + 1
