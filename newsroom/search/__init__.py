"""Chinese full-text search over articles, with one backend per database.

The public interface (other modules code against exactly these names)::

    search_articles(query, queryset=None, *, order="relevance") -> QuerySet[Article]
    search_public(query, *, articles=None, among=None, start=None, end=None, year=None,
                  month=None, page_name=None, page_number=None,
                  order="relevance") -> SearchResults
    parse_query(text) -> ParsedQuery
    highlight(text, query, *, max_chars=None) -> SafeString
    snippet(article, query, *, max_chars=120) -> SafeString
    ocr_matches(articles, query) -> dict[int, SafeString]
    year_facets(queryset) -> list[tuple[int, int]]
    index_articles(article_ids) -> None

What follows a change (re-indexing after commit, a rebuild) is newsroom/changes.py's.

and for writers of many articles at once (the importer)::

    parts_texts(article, photos_of=, credits_of=, aliases_of=) -> (title, body, extra, ocr)
    write_documents([(article, texts), ...]) -> None

See docs/search.md for the design.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import DEFAULT_DB_ALIAS

from newsroom.search.text import ParsedQuery, highlight, parse_query

# The functions below import the models and the modules that use them (indexing, results,
# backends) when called: this package is an app in INSTALLED_APPS, imported while the app
# registry loads, before any model may be imported.

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.utils.safestring import SafeString

    from newsroom.models import Article
    from newsroom.search.results import SearchResults

ORDERS = ("relevance", "date")


def search_articles(
    query: str | ParsedQuery, queryset: QuerySet | None = None, *, order: str = "relevance"
) -> QuerySet:
    """Return the articles of queryset (default: the public ones) that match the query.

    order="relevance" puts articles with the words in their headline fields first, then
    ranks the most recent matches by ts_rank on PostgreSQL; ties go newest first.
    order="date" is newest first. The result is an ordinary QuerySet: filter it further,
    count it, paginate it. A blank or meaningless query returns queryset.none().
    """
    from newsroom.models import Article
    from newsroom.search.backends import get_backend

    if queryset is None:
        queryset = Article.objects.public()
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if parsed.is_empty:
        return queryset.none()
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    backend = get_backend(queryset)
    matches = backend.filter(queryset, parsed)
    if order == "date":
        return matches.in_page_order()
    return backend.rank(matches, parsed)


def search_public(
    query: str | ParsedQuery,
    *,
    articles: QuerySet | None = None,
    among: QuerySet | None = None,
    start=None,
    end=None,
    year: int | None = None,
    month: int | None = None,
    page_name: str | None = None,
    page_number: int | None = None,
    order: str = "relevance",
) -> SearchResults:
    """Return a reader's search: the public articles matching, by page, with totals and facets.

    Cheap at archive scale on PostgreSQL (see newsroom/search/results.py): it reads only
    the rows of the page it shows. `articles` is where the results are read from
    (default: Article.objects.public(); add select_related/prefetch_related), `among`
    narrows the search to a queryset of articles, `start`/`end` to dates, `page_number`
    to one page (第N版); `year`, `month` and `page_name` (版名) are the facets' filters.
    Same order and matching as search_articles().
    """
    from newsroom.models import Article
    from newsroom.search.results import SearchResults

    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}, not {order!r}")
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    if articles is None:
        articles = Article.objects.public()
    return SearchResults(
        parsed, articles=articles, among=among, start=start, end=end, year=year, month=month,
        page_name=page_name, page_number=page_number, order=order,
    )


def snippet(article: Article, query: str | ParsedQuery, *, max_chars: int = 120) -> SafeString:
    """Return the best short highlighted excerpt of an article for a query.

    The body paragraph with the most matched words wins, then a photo caption, then the
    headline; with no match anywhere (e.g. a contributor's name), the start of the body.
    """
    from newsroom.search.text import as_parsed, find_spans

    parsed = as_parsed(query)
    candidates = [block.text for block in article.blocks]
    photos = getattr(article, "_prefetched_objects_cache", {}).get("photos")
    if photos is None and article.pk:
        photos = article.photos.all()
    # A photo-news caption is the body itself (Article.caption_of): not a second candidate.
    candidates += [caption for photo in photos or () if (caption := article.caption_of(photo))]
    candidates.append(article.full_heading)
    best, best_score = None, 0
    for text in candidates:
        spans = find_spans(text, parsed)
        score = len({text[s:e] for s, e in spans})
        if score > best_score:
            best, best_score = text, score
    if best is None:
        best = article.body_text or article.full_heading
    return highlight(best, parsed, max_chars=max_chars)


def ocr_matches(articles, query: str | ParsedQuery, *, max_chars: int = 120) -> dict:
    """Return, for the matching articles found in the original OCR only, the OCR's passage.

    A result whose corrected text does not match was found in the lines of the original
    OCR that an editor (or the importer) corrected: the reader is told so and shown that
    passage, highlighted, as the page printed it. {article id: highlighted passage}; one
    query for all the articles.
    """
    from newsroom.search.backends import get_backend
    from newsroom.search.text import as_parsed, find_spans

    articles = list(articles)
    parsed = as_parsed(query)
    if not articles or parsed.is_empty:
        return {}
    using = articles[0]._state.db or DEFAULT_DB_ALIAS
    found = get_backend(type(articles[0]).objects.using(using)).ocr_only(
        [a.pk for a in articles], parsed, using=using
    )
    passages = {}
    for pk, text in found.items():
        lines = (text or "").splitlines()
        best = max(lines, key=lambda line: len(find_spans(line, parsed)), default="")
        passages[pk] = highlight(best, parsed, max_chars=max_chars)
    return passages


def year_facets(queryset: QuerySet) -> list[tuple[int, int]]:
    """Return (year, number of articles) for the queryset by issue date, newest year first."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    rows = (
        queryset.order_by()
        .values(search_year=ExtractYear("issue__date"))
        .annotate(search_count=Count("pk", distinct=True))
        .order_by("-search_year")
        .values_list("search_year", "search_count")
    )
    return [(int(year), int(count)) for year, count in rows]


def index_articles(article_ids, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the index documents of these articles now (what newsroom/changes.py calls)."""
    from newsroom.search.indexing import index_articles as _index

    _index(article_ids, using=using)


def rebuild_index(*, stale_only: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-index every article (or only stale ones) and return how many were indexed."""
    from newsroom.search.indexing import rebuild_index as _rebuild

    return _rebuild(stale_only=stale_only, using=using)


# The imports inside these functions are not hiding a choice: this package is imported while
# the app registry loads, before newsroom.search.indexing (which imports the models) can be.


def parts_texts(article: Article, *, photos_of, credits_of, aliases_of) -> tuple[str, str, str, str]:
    """Return the (title, body, extra, ocr) texts of an article and its parts, their photos,
    credits and aliases read through these functions (rows in hand: see indexing.parts_texts)."""
    from newsroom.search.indexing import parts_texts as _texts

    return _texts(article, photos_of=photos_of, credits_of=credits_of, aliases_of=aliases_of)


def write_documents(articles) -> None:
    """Write the documents of saved articles from their parts_texts(), in this transaction."""
    from newsroom.search.indexing import write_documents as _write

    _write(articles)


__all__ = [
    "ParsedQuery",
    "highlight",
    "index_articles",
    "ocr_matches",
    "parse_query",
    "parts_texts",
    "rebuild_index",
    "search_articles",
    "search_public",
    "snippet",
    "write_documents",
    "year_facets",
]
