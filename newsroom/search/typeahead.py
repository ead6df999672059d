"""Suggestions as a reader types in the search box: headlines, contributors and tags.

``suggest(text)`` returns at most a few of each, public only, in three queries:

- **headlines**: public articles whose kicker, headline or subheadline contains the text
  (after the index's folding: newsroom/search/text.py ``normalize``), newest first, matched
  on the search documents' short ``title`` column and read back through
  ``Article.objects.public()``, so a stale document can never show a withdrawn or held
  article. On PostgreSQL a GIN index of the titles' bigrams (migration 0007) finds the
  candidates, or, for a common pair, the planner walks the documents newest first.
- **people**: contributors whose name or an alias contains the text, or whose name's pinyin
  does, in full or by initials (``PersonQuerySet.matching``: ``ruan``, ``rxm``), and who are
  credited on public work (``Credit.objects.on_public_work()``, the rule of their archive page);
- **tags**: tags whose name or pinyin contains the text (``tag_matching``) on at least one
  public article.

The text is cut to MAX_CHARS; under MIN_CHARS (after folding and trimming) nothing is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Exists, Func, OuterRef, TextField
from django.db.models.functions import Length

from newsroom.models import Article, Credit, Person
from newsroom.models.tags import tag_matching
from newsroom.search.text import normalize

MAX_CHARS = 50
MIN_CHARS = 2
LIMIT = 5


@dataclass
class Suggestions:
    """What the reader's text suggests: articles, people and tags (each newest or shortest first)."""

    text: str = ""
    headlines: list[Article] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    tags: list = field(default_factory=list)


class TitleBigrams(Func):
    """The distinct pairs of adjacent characters of a title (PostgreSQL, migration 0007)."""

    function = "search_title_bigrams"
    output_field = ArrayField(TextField())


def bigrams(text: str) -> list[str]:
    """Return the distinct pairs of adjacent characters of a text, as search_title_bigrams() does."""
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def clean_text(text: str | None) -> str:
    """Return the reader's text as suggestions use it: no NUL, spaces collapsed, at most MAX_CHARS."""
    text = (text or "").replace("\x00", "")[: MAX_CHARS * 4]
    return " ".join(text.split())[:MAX_CHARS]


def suggest(text: str | None, *, limit: int = LIMIT) -> Suggestions:
    """Return the public headlines, people and tags matching what the reader typed (three queries)."""
    text = clean_text(text)
    folded = normalize(text).strip()
    if len(folded) < MIN_CHARS:
        return Suggestions(text=text)
    return Suggestions(
        text=text,
        headlines=matching_headlines(folded, limit=limit),
        people=list(matching_people(text)[:limit]),
        tags=list(matching_tags(text)[:limit]),
    )


def matching_headlines(folded: str, *, limit: int = LIMIT) -> list[Article]:
    """Return the newest public articles whose headline fields contain the folded text (one query)."""
    from newsroom.search.models import ArticleDocument

    documents = ArticleDocument.objects.filter(is_public=True, title__contains=folded)
    if connections[documents.db].vendor == "postgresql":
        # Every bigram of the text, for the GIN index of migration 0007 (its statistics
        # let the planner walk the date index instead when a pair is common).
        documents = documents.alias(bigrams=TitleBigrams("title")).filter(bigrams__contains=bigrams(folded))
    # A few more ids than shown: a part that continues another article has a document of
    # its own but is read within the article it continues (public() leaves it out).
    ids = documents.order_by("-published_on", "position_key").values("article_id")[: limit * 2]
    articles = (
        Article.objects.public()
        .filter(pk__in=ids)
        .select_related("issue")
        .only("kicker", "headline", "subheadline", "page", "position", "issue__date")
    )
    return sorted(articles, key=lambda a: (-a.issue.date.toordinal(), a.page, a.position, a.pk))[:limit]


def matching_people(text: str):
    """Return the people with public work whose name, alias or pinyin contains the text, shortest name first."""
    on_public_work = Credit.objects.on_public_work().filter(person=OuterRef("pk"))
    return (
        Person.objects.matching(text)
        .filter(Exists(on_public_work))
        .only("name")
        .order_by(Length("name"), "name")
    )


def matching_tags(text: str):
    """Return the tags on public articles whose name or pinyin contains the text, shortest first."""
    from taggit.models import Tag

    on_public_article = Article.objects.public().filter(tags=OuterRef("pk"))
    return (
        Tag.objects.filter(tag_matching(text))
        .filter(Exists(on_public_article))
        .only("name", "slug")
        .order_by(Length("name"), "name")
    )
