"""Keeping the search index: documents built from articles, written in batches.

The index is derived data, like a cache: it can always be rebuilt from the articles,
photos and people (`rebuild_index`). Saves reach it through newsroom/changes.py, which
collects the ids of changed articles and calls `index_articles` once after commit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q

from newsroom.models import Article, Page
from newsroom.search.models import ArticleDocument
from newsroom.search.text import (
    HEADLINE_PREFIX,
    MAX_POSITION,
    OCR_PREFIX,
    SEGMENTER_VERSION,
    TOKEN_RUN,
    document_lexemes,
    long_words,
    normalize,
    normalize_with_map,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Below this many articles a rebuild is quicker without worker processes.
PARALLEL_THRESHOLD = 5000
UPDATE_FIELDS = [
    "title",
    "body",
    "extra",
    "title_words",
    "body_words",
    "extra_words",
    "ocr_text",
    "ocr",
    "ocr_words",
    "vector",
    "published_on",
    "published_month",
    "position_key",
    "page_name",
    "is_public",
    "segmenter",
    "indexed_at",
]


Texts = tuple[str, str, str, str]


def article_texts(article: Article) -> Texts:
    """Return the raw (title, body, extra, ocr) texts search reads from a stored article.

    The corrected text (the current fields) first; then the lines of the original OCR
    that the corrected text no longer holds (ocr_passages), so a reader who searches the
    misread form still finds the article. Contributors are those credited on the article
    or on one of its photos, with every alias, so an OCR variant of a name finds it too.
    """
    return parts_texts(
        article,
        photos_of=lambda part: part.photos.all(),
        credits_of=lambda row: row.credits.all(),
        aliases_of=lambda person: [alias.name for alias in person.aliases.all()],
    )


def parts_texts(article: Article, *, photos_of, credits_of, aliases_of) -> Texts:
    """Return an article's texts (article_texts) with its parts, their photos, credits and
    aliases read through these functions: the related rows as stored (article_texts), or
    rows in hand (the importer). ``photos_of(part)`` gives a part's photos in page order,
    ``credits_of(row)`` an article's or a photo's credits in credit order,
    ``aliases_of(person)`` a person's aliases by name.
    """
    # A continued article is one article: the photos and credits of its parts are its own.
    parts = article.parts()
    photos = [photo for part in parts for photo in photos_of(part)]
    credits = [
        *(c for part in parts for c in credits_of(part)),
        *(c for p in photos for c in credits_of(p)),
    ]
    return document_texts(
        article,
        photos,
        [(c.person.name, aliases_of(c.person)) for c in credits],
        originals=[part.original_text for part in parts],
    )


def document_texts(
    article: Article,
    photos: Iterable,
    credited: Iterable[tuple[str, Iterable[str]]],
    *,
    originals: Iterable[str] | None = None,
) -> Texts:
    """Return the (title, body, extra, ocr) texts of an article, its photos (in page order)
    and the names credited on them (article credits first, each in credit order) with each
    name's aliases (by name). ``originals`` are the OCR texts of the article's parts (by
    default its own). Pure: the importer calls it with rows it has just written."""
    photos = list(photos)
    title = "\n".join(p for p in (article.kicker, article.headline, article.subheadline) if p)
    names: list[str] = []
    for name, aliases in credited:
        names.append(name)
        names.extend(aliases)
    extra = "\n".join([*(p.caption for p in photos if p.caption), *dict.fromkeys(names)])
    body = article.body_text
    if originals is None:
        originals = [article.original_text]
    ocr = ocr_passages(
        [*originals, *(p.original_text for p in photos)],
        [title, article.dateline, body, extra],
    )
    return title, body, extra, ocr


_NOT_LETTERS = re.compile(r"[\W_]+")
_LETTERS = re.compile(r"[^\W_]+")
# What may follow a passage's last letter and still belong to it: its punctuation, not the
# space, the next clause or a Markdown mark (** of bold).
_MARKDOWN_MARKS = "*#`~|>"
_TRAILING_MARKS = re.compile(rf"[^\w\s{re.escape(_MARKDOWN_MARKS)}]*")


def ocr_passages(originals: Iterable[str], corrected: Iterable[str]) -> str:
    """Return the passages of the original OCR that the corrected text no longer holds.

    A line of the OCR is read as its runs of letters and digits (normalized; punctuation,
    spaces and Markdown marks between them). A run that occurs nowhere in the corrected
    text's letters is kept: the clause where an editor or the importer changed a
    character, the byline the importer took apart. Neighbouring kept runs of a line make
    one passage, as printed between them (with the punctuation closing it); a run the
    corrected text still holds, a paragraph the importer only moved or joined, is not
    kept twice. So a word in its misread form is found through the passages, while the
    rest of a line (the paragraph after a byline) is indexed once, in the corrected text.
    """
    present = _NOT_LETTERS.sub("", normalize("\n".join(t for t in corrected if t)))
    kept: dict[str, None] = {}
    for text in originals:
        if not text:
            continue
        # Normalized whole first: every line break normalizes to itself and no other
        # character to one (checked over all of Unicode), so the lines pair up. A line whose
        # letters the corrected text holds (most) has no run to keep.
        for line, folded in zip(text.splitlines(), normalize(text).splitlines(), strict=True):
            letters = _NOT_LETTERS.sub("", folded)
            if letters and letters not in present:
                for passage in _changed_passages(line, present):
                    kept[passage] = None
    return "\n".join(kept)


def _changed_passages(line: str, present: str) -> list[str]:
    """Return the passages of one OCR line whose runs of letters the corrected text lacks."""
    folded, raw_index = normalize_with_map(line)
    passages: list[str] = []
    start = end = None
    for run in _LETTERS.finditer(folded):
        if run.group() not in present:
            if start is None:
                start = raw_index[run.start()]
            end = raw_index[run.end() - 1] + 1
        elif start is not None:
            passages.append(_closed(line, start, end))
            start = None
    if start is not None:
        passages.append(_closed(line, start, end))
    return passages


def _closed(line: str, start: int, end: int) -> str:
    """Return line[start:end] with the punctuation that closes it (。 ， ！)."""
    return line[start : _TRAILING_MARKS.match(line, end).end()]


def tsvector_literal(fields: Iterable[tuple[str, str]], *, prefix: str = "") -> str:
    """Return a tsvector literal for normalized (text, weight) fields, in order.

    The lexemes are those of document_tokens(). Positions are character offsets + 1
    across the fields joined by one separator, so PostgreSQL's phrase operator can find
    any substring from its bigrams. Written for speed: this runs for every article in a
    rebuild and an import. Each occurrence is its own entry ('工会':12B '工会':40B):
    PostgreSQL's tsvector input merges the entries of a lexeme, sorts their positions and
    keeps the first 256 (MAX_POSITIONS_PER_LEXEME), in C, which is cheaper than grouping
    them here (tested equal to the grouped literal). No quoting is needed: TOKEN_RUN
    matches letters and digits only, never ' or \\.
    """
    return _joined(_entries(fields), prefix)


def _joined(entries: list[str], prefix: str) -> str:
    """Return the literal of entries made by _entries(): each one's opening quote and the
    prefix go in the separator, so an entry is one concatenation (lexeme + "':12B")."""
    if not entries:
        return ""
    return "'" + prefix + (" '" + prefix).join(entries)


def _entries(fields: Iterable[tuple[str, str]], *, base: int = 1) -> list[str]:
    """Return the literal's entries without their opening quote and prefix: 工会':12B.

    ``base`` is the position of the first field's first character (1, or after the
    fields that come before these ones and their separators).

    Labels ("':12B") come from a table; a Chinese run's unigrams and bigrams are built by
    map() over the run and its labels, its long words from long_words() (cached by run).
    """
    entries: list[str] = []
    add, extend = entries.append, entries.extend
    for text, weight in fields:
        table = _position_labels(weight)
        for match in TOKEN_RUN.finditer(text):
            start, run = base + match.start(), match.group()
            if match.lastgroup != "cjk":
                add(run + table[min(start, MAX_POSITION)])
                continue
            end = start + len(run)
            if end <= MAX_POSITION:
                labels = table[start:end]
            else:
                labels = [table[min(p, MAX_POSITION)] for p in range(start, end)]
            extend(map(str.__add__, run, labels))
            extend(map(str.__add__, map(str.__add__, run, run[1:]), labels))
            if len(run) >= 3:
                extend([word + labels[offset] for word, offset in long_words(run)])
        base += len(text) + 1
    return entries


_LABELS: dict[str, list[str]] = {}


def _position_labels(weight: str) -> list[str]:
    """Return the labels "':1A", "':2A", ... of every position up to MAX_POSITION for a weight."""
    table = _LABELS.get(weight)
    if table is None:
        table = _LABELS[weight] = [f"':{p}{weight}" for p in range(MAX_POSITION + 1)]
    return table


def document_values(texts: Texts, vendor: str) -> dict[str, str]:
    """Return the index columns for raw (title, body, extra, ocr) texts (pure; runs in workers).

    ``ocr_text`` keeps the OCR passages as printed, for the results page to show.
    """
    ocr_text = texts[3]
    title, body, extra, ocr = (normalize(text) for text in texts)
    if vendor == "postgresql":
        # tsvector_literal([(title, "A"), (body, "B"), (extra, "C")]), its headline's
        # entries made once for both uses.
        headline = _entries([(title, "A")])
        vector = _joined(headline + _entries([(body, "B"), (extra, "C")], base=len(title) + 2), "")
        # The headline fields' tokens once more, marked (h:工会), at the same positions:
        # the one GIN index then also finds the articles with a word in their headline.
        # The OCR passages' tokens marked too (o:工会): matched beside the corrected text,
        # never mistaken for it (newsroom/search/backends.py).
        marked = [
            _joined(headline, HEADLINE_PREFIX),
            tsvector_literal([(ocr, "D")], prefix=OCR_PREFIX),
        ]
        vector = " ".join(v for v in [vector, *marked] if v)
        return {"title": title, "vector": vector, "ocr_text": ocr_text}
    return {
        "title": title,
        "body": body,
        "extra": extra,
        "ocr_text": ocr_text,
        "ocr": ocr,
        "title_words": " ".join(document_lexemes(title)),
        "body_words": " ".join(document_lexemes(body)),
        "extra_words": " ".join(document_lexemes(extra)),
        "ocr_words": " ".join(document_lexemes(ocr)),
    }


def placement_values(article: Article, page_name: str = "") -> dict:
    """Return the document's copy of where and when the article appeared, and if it is public.

    A reader's search filters and sorts on these without reading the article table
    (see docs/search.md); the article stays the authority: results are fetched from
    Article.objects.public(), so a stale copy can never show a withdrawn article.
    """
    issue = article.issue
    return {
        "published_on": issue.date,
        "published_month": issue.date.year * 100 + issue.date.month,
        "position_key": issue.edition * 100_000 + min(article.page, 99) * 1000
        + min(article.position, 999),
        "page_name": page_name,
        # The conditions of Article.objects.public() (newsroom/models/articles.py published()):
        # a reader's totals and facets count the documents alone (newsroom/search/results.py).
        "is_public": article.is_public and not issue.held,
    }


def build_document(article: Article, values: dict[str, str], page_name: str = "") -> ArticleDocument:
    """Return the unsaved index document of an article from its document_values()."""
    return ArticleDocument(
        article_id=article.pk,
        segmenter=SEGMENTER_VERSION,
        **values,
        **placement_values(article, page_name),
    )


def page_names(articles: Iterable[Article], using: str) -> dict[tuple[int, int], str]:
    """Return the printed names of the articles' pages by (issue id, page number): one query."""
    issues = {article.issue_id for article in articles}
    rows = Page.objects.using(using).filter(issue_id__in=issues).exclude(name="")
    return {(issue, number): name for issue, number, name in rows.values_list("issue", "number", "name")}


def _articles_for_index(using: str):
    return (
        Article.objects.using(using)
        .select_related("issue")
        .prefetch_related(
            "photos__credits__person__aliases", "credits__person__aliases",
            # The parts of continued articles (their text, photos and credits are the lead's).
            "continuations__photos__credits__person__aliases", "continuations__credits__person__aliases",
        )
    )


def index_articles(
    article_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS, pool: Executor | None = None
) -> None:
    """Write the index documents of these articles now (ids of deleted articles are skipped).

    With a process pool (rebuilds), the tokens are computed in its workers.
    """
    ids = sorted({int(i) for i in article_ids if i is not None})
    vendor = connections[using].vendor
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        articles = list(_articles_for_index(using).filter(pk__in=chunk))
        texts = [article_texts(article) for article in articles]
        if pool is None:
            values = [document_values(t, vendor) for t in texts]
        else:
            values = list(pool.map(document_values, texts, [vendor] * len(texts), chunksize=25))
        names = page_names(articles, using)
        _write(
            [
                build_document(article, v, names.get((article.issue_id, article.page), ""))
                for article, v in zip(articles, values, strict=True)
            ],
            using,
        )


def write_documents(
    articles: Iterable[tuple[Article, tuple[str, str, str]]], *, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Write the documents of saved articles from their document_texts(), in this transaction.

    For writers that hold every row the texts come from (the importer's batches of new
    issues): the documents commit with the articles, with nothing read back.
    """
    vendor = connections[using].vendor
    articles = list(articles)
    names = page_names([article for article, _texts in articles], using)
    _write(
        [
            build_document(
                article,
                document_values(texts, vendor),
                names.get((article.issue_id, article.page), ""),
            )
            for article, texts in articles
        ],
        using,
    )


def _write(documents: list[ArticleDocument], using: str) -> None:
    # An upsert, so two transactions indexing the same article cannot collide.
    ArticleDocument.objects.using(using).bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=UPDATE_FIELDS,
    )


def stale_article_ids(*, using: str = DEFAULT_DB_ALIAS):
    """Return the ids of articles with no document or one made by another segmenter."""
    return (
        Article.objects.using(using)
        .filter(Q(search_document__isnull=True) | ~Q(search_document__segmenter=SEGMENTER_VERSION))
        .values_list("pk", flat=True)
        .order_by("pk")
    )


def rebuild_index(*, stale_only: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Re-index every article (or only stale ones) and return how many were indexed.

    Large rebuilds compute tokens in one worker process per CPU; each batch is written
    in its own transaction, so searches keep working (on the old documents) meanwhile.
    """
    if stale_only:
        ids = list(stale_article_ids(using=using))
    else:
        ids = list(Article.objects.using(using).order_by("pk").values_list("pk", flat=True))
    step = BATCH_SIZE * 4
    pool = None
    parallel = len(ids) >= PARALLEL_THRESHOLD and (os.cpu_count() or 1) > 1
    if parallel and not connections[using].in_atomic_block:
        # Fork before the workers could inherit an open database connection.
        connections.close_all()
        pool = ProcessPoolExecutor(mp_context=multiprocessing.get_context("fork"))
    try:
        for start in range(0, len(ids), step):
            with transaction.atomic(using=using):
                index_articles(ids[start : start + step], using=using, pool=pool)
    finally:
        if pool is not None:
            pool.shutdown()
    if not stale_only and connections[using].vendor == "sqlite":
        # Re-read the FTS tables from the documents, repairing any drift.
        with connections[using].cursor() as cursor:
            cursor.execute("INSERT INTO search_trigram(search_trigram) VALUES ('rebuild')")
            cursor.execute("INSERT INTO search_words(search_words) VALUES ('rebuild')")
    return len(ids)
