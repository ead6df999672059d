"""A reader's search at archive scale: a page of results, the total and the year facets.

`search_articles()` returns a QuerySet, which editors' and the API's code can filter and
order at will; on PostgreSQL its cost grows with the number of matches (every match is
joined, sorted and counted). A reader's search page needs less: one page, a total and
the year facets. `SearchResults` answers exactly that from the document table alone,
reading only the rows it shows, so a word found in most of 100,000 articles costs about
what a rare word costs (docs/search.md, "At archive scale"):

- A page is taken newest first from a window of recent months, widened only when the
  window holds too few matches; in relevance order, headline hits come first and are
  found through the headline vector. The matching, the window and "public" are all
  conditions of one GIN index, intersected inside it.
- The total and the facets come from one pass of that index. A query the index answers
  exactly (words and characters) is counted exactly. A phrase (three or more characters
  in a row) or an excluded word needs each candidate's positions checked; beyond
  SAMPLE candidates, they are estimated from a checked sample and said to be estimates.

On SQLite the same interface runs over `search_articles()` (the archive it serves is
small) and is always exact.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import QuerySet

from newsroom.pagecache import for_generation
from newsroom.search import search_articles, year_facets
from newsroom.search.backends import PostgresBackend
from newsroom.search.text import HEADLINE_PREFIX, ParsedQuery

# Candidates checked one by one, at most, before a total becomes an estimate.
SAMPLE = 400
# Up to this many candidates, a page is read without a window of months.
DIRECT = 2000


@dataclass(frozen=True)
class Totals:
    """How many articles match: in all, per year (newest first), and whether exactly."""

    total: int
    years: list[tuple[int, int]]
    exact: bool


class SearchResults:
    """The public articles matching a query, for a paginated reader's page.

    Django's Paginator takes it like a QuerySet: `count()` and slicing. `among` narrows
    the search to a queryset of articles (kind, tag, contributor filters); `start`, `end`
    and `year` to dates; `year_facets()` counts per year before the year filter, so the
    reader can pick another year. `articles` is the queryset results are read from (add
    select_related/prefetch_related there); it must hold only public articles.
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
        order: str = "relevance",
    ):
        self.parsed = parsed
        self.articles = articles
        self.among = among
        self.start, self.end, self.year = start, end, year
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
            self._totals = Totals(total=0, years=[], exact=True)
            return self._totals
        strategy = self._strategy()
        described = repr((
            connections[self.using].vendor,
            [e.text for e in self.parsed.required], [e.text for e in self.parsed.forbidden],
            self.start, self.end,
            str(self.among.values("pk").query) if self.among is not None else "",
        ))
        digest = hashlib.sha256(described.encode()).hexdigest()[:40]
        self._totals, strategy.candidates_by_month = for_generation(
            f"search-totals:{digest}",
            lambda: (strategy.totals(), strategy.candidates_by_month),
            using=self.using,
        )
        return self._totals

    def count(self) -> int:
        totals = self.totals()
        if self.year is None:
            return totals.total
        return dict(totals.years).get(self.year, 0)

    def __len__(self) -> int:
        return self.count()

    @property
    def is_exact(self) -> bool:
        return self.totals().exact

    def year_facets(self) -> list[tuple[int, int]]:
        return self.totals().years

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

    candidates_by_month: dict[int, int] = {}  # only the PostgreSQL strategy uses them

    def __init__(self, results: SearchResults):
        self.r = results

    def _matches(self, *, with_year: bool) -> QuerySet:
        r = self.r
        articles = r.articles
        if r.among is not None:
            articles = articles.filter(pk__in=r.among.values("pk"))
        if r.start:
            articles = articles.filter(issue__date__gte=r.start)
        if r.end:
            articles = articles.filter(issue__date__lte=r.end)
        if with_year and r.year:
            articles = articles.filter(issue__date__year=r.year)
        return search_articles(r.parsed, articles, order=r.order)

    def totals(self) -> Totals:
        years = year_facets(self._matches(with_year=False))
        return Totals(total=sum(count for _year, count in years), years=years, exact=True)

    def page(self, offset: int, limit: int) -> list:
        return list(self._matches(with_year=True)[offset : offset + limit])


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

    # Matching candidates per YYYYMM month, from totals(): how far back a page must look.
    candidates_by_month: dict[int, int] = {}

    ORDER = "ORDER BY d.published_on DESC, d.position_key, d.article_id"

    def __init__(self, results: SearchResults):
        self.r = results
        self.connection = connections[results.using]
        backend = PostgresBackend()
        self.exact = backend.tsquery(results.parsed)
        self.relaxed = backend.relaxed_tsquery(results.parsed)
        self.needs_check = self.exact != self.relaxed
        required = results.parsed.required
        self.elements = [backend.element_tsquery(e) for e in required]
        self.in_headline = [backend.element_tsquery(e, HEADLINE_PREFIX) for e in required]
        self.element_texts = [e.text for e in required]

    # -- conditions

    def filters(self, *, with_year: bool) -> _Where:
        r = self.r
        where = _where("d.is_public")
        if r.start:
            where &= _where("d.published_on >= %s", r.start)
            where &= _where("d.published_month >= %s", r.start.year * 100 + r.start.month)
        if r.end:
            where &= _where("d.published_on <= %s", r.end)
            where &= _where("d.published_month <= %s", r.end.year * 100 + r.end.month)
        if with_year and r.year:
            where &= _where("d.published_month BETWEEN %s AND %s", r.year * 100, r.year * 100 + 99)
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
        where = self.filters(with_year=False)
        with self.gin_only() as cursor:
            per_month = self.count_by_month(cursor, self.matching(self.relaxed) & where)
            self.candidates_by_month = per_month
            candidates = sum(per_month.values())
            if not self.needs_check:
                return self._totals(per_month, exact=True)
            if candidates <= SAMPLE:
                exact = self.count_by_month(cursor, self.matching(self.exact) & where)
                return self._totals(exact, exact=True)
            # Check a sample of the candidates' positions and scale every count by its share.
            sample = self.matching(self.relaxed) & where
            ((checked, found),) = self.fetch(
                cursor,
                "SELECT count(*), count(*) FILTER (WHERE s.vector @@ %s::tsquery) FROM"
                f" (SELECT d.vector FROM search_articledocument d WHERE {sample.sql} LIMIT %s) s",
                [self.exact, *sample.params, SAMPLE],
            )
        share = found / checked if checked else 0
        return self._totals({m: count * share for m, count in per_month.items()}, exact=False)

    def count_by_month(self, cursor, where: _Where) -> dict[int, int]:
        rows = self.fetch(
            cursor,
            "SELECT d.published_month, count(*) FROM search_articledocument d"
            f" WHERE {where.sql} GROUP BY 1",
            where.params,
        )
        return {int(month): int(count) for month, count in rows}

    @staticmethod
    def _totals(per_month: dict[int, float], *, exact: bool) -> Totals:
        per_year: dict[int, float] = {}
        for month, count in per_month.items():
            per_year[month // 100] = per_year.get(month // 100, 0) + count
        years = [(year, round(count)) for year, count in sorted(per_year.items(), reverse=True)]
        years = [(year, count) for year, count in years if count]
        return Totals(total=sum(count for _year, count in years), years=years, exact=exact)

    # -- a page

    def page(self, offset: int, limit: int) -> list:
        self.r.totals()  # the counts by month tell how far back to look
        wanted = offset + limit
        where = self.matching(self.exact) & self.filters(with_year=True)
        with self.gin_only() as cursor:
            if self.r.order == "date" or not self.elements:
                ids = self.newest(cursor, where, wanted)
            else:
                ids = self.headline_hits(cursor, where, wanted)
                if len(ids) < wanted:
                    # Fewer than asked: these are all the headline hits; the rest by date.
                    body_only = where & _where("d.article_id <> ALL(%s)", ids)
                    ids += self.newest(cursor, body_only, wanted - len(ids))
        return _in_order(self.r.articles, ids[offset:wanted])

    def months(self) -> list[tuple[int, int]]:
        """Return (month, candidates) newest first, within the year filter if any."""
        year = self.r.year
        return sorted(
            (
                (month, count)
                for month, count in self.candidates_by_month.items()
                if year is None or month // 100 == year
            ),
            reverse=True,
        )

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
        if len(self.elements) == 1:
            # One word: every headline hit has the same score, so newest first. Headline
            # hits are rarer than matches: start from a window of a year, then five.
            months = self.months()
            windows = [None]
            if sum(count for _month, count in months) > DIRECT:
                newest = months[0][0]
                windows = [_months_before(newest, 11), _months_before(newest, 59), None]
            return self.newest(cursor, where & self.headline_any(), limit, windows)
        # Counted on the short normalized title, as search_articles() counts them.
        hits = " + ".join(["(strpos(d.title, %s) > 0)::int"] * len(self.element_texts))
        candidates = where & self.headline_any()
        rows = self.fetch(
            cursor,
            f"SELECT d.article_id FROM search_articledocument d WHERE {candidates.sql}"
            f" ORDER BY {hits} DESC, d.published_on DESC, d.position_key, d.article_id LIMIT %s",
            [*candidates.params, *self.element_texts, limit],
        )
        return [row[0] for row in rows]


def _months_before(month: int, count: int) -> int:
    """Return the YYYYMM month `count` months before a YYYYMM month."""
    year, number = divmod(month, 100)
    index = year * 12 + (number - 1) - count
    return (index // 12) * 100 + index % 12 + 1
