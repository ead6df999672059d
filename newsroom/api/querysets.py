"""The article querysets of the API: the visible articles with what each representation reads.

Every list uses a fixed number of queries whatever its length: the related rows come from
select_related / prefetch_related, never one query per row; a list reads only the columns it
shows (see newsroom/api/articledata.py for what each representation reads).
"""

from __future__ import annotations

from django.db.models import F, Prefetch, prefetch_related_objects

from newsroom.api.articledata import LISTED_CREDITS, LISTED_TAGS
from newsroom.models import Article, Credit, Photo


def credits_with_people() -> Prefetch:
    return Prefetch("credits", queryset=Credit.objects.select_related("person"))


def _parts():
    """Return the parts continuing an article (上接), in order: its `pages`, and in full its text."""
    return Article.objects.defer("original_text", "imported").order_by("page", "position")


def _articles_with_state(user, *, parts: bool = True):
    """Return the visible articles with their issue and paper joined and open flags counted.

    The OCR text and the last imported text are left out: no representation shows them, and
    they are as long as the body. `parts`: prefetch the parts continuing them (a list does
    not: prefetch_parts loads those of the page's articles that jump).
    """
    articles = (
        Article.objects.visible_to(user)
        .with_open_flag_count()
        .select_related("issue__publication")
        .defer("original_text", "imported")
        .annotate(
            issue_date=F("issue__date"),
            issue_edition=F("issue__edition"),
        )
    )
    return articles.prefetch_related(Prefetch("continuations", queryset=_parts())) if parts else articles


def article_queryset(user):
    """Return the visible articles with everything the full article serializer reads.

    Queries: the articles (with issue and publication joined, open flags counted in a
    subquery), then one each for credits+people, photos, photo credits+people, tags.
    """
    photos = Photo.objects.order_by("page", "position").prefetch_related(credits_with_people())
    return _articles_with_state(user).prefetch_related(
        credits_with_people(),
        Prefetch("photos", queryset=photos),
        "tags",
        # A continued article's later parts bring their credits and photos.
        Prefetch("continuations__credits", queryset=Credit.objects.select_related("person")),
        Prefetch("continuations__photos", queryset=photos),
    )


# What a summary reads (articledata.article_summary, the search's snippet) of the article,
# its issue and paper (IssueRef: no masthead, no dates but the issue's own) and its credits:
# half the columns, each one fewer value to convert and set on a model for every row.
SUMMARY_FIELDS = (
    "id", "issue_id", "page", "position", "kind", "kicker", "headline", "subheadline", "dateline",
    "body", "truncated", "jump_to", "jump_mid_sentence", "continues_id", "correction_status",
    "visibility", "version", "updated_at",
)
# What an article's issue shows in a list (IssueRef): no masthead, no stamps, of the paper its slug.
ISSUE_REF_FIELDS = (
    "issue__id", "issue__publication_id", "issue__date", "issue__edition", "issue__number",
    "issue__publication__id", "issue__publication__slug",
)
# The full article's own columns: all but the OCR text and the last imported text.
FULL_FIELDS = tuple(
    field.attname for field in Article._meta.concrete_fields if field.name not in ("original_text", "imported")
)
# A continuing part gives its page (`pages`) and its text (`lead`, the snippet: joined_body).
SUMMARY_PART_FIELDS = ("id", "continues_id", "page", "position", "jump_to", "jump_mid_sentence", "body")
SUMMARY_CREDIT_FIELDS = (
    "id", "person_id", "role", "order", "printed_name", "article_id", "photo_id",
    "person__id", "person__name",
)


def _listed_photos():
    """Return the photos of a list's articles, in order, their credits in plain lists (to_attr)."""
    credits = Credit.objects.select_related("person")
    return (
        Photo.objects.order_by("page", "position").defer("original_text", "imported")
        .prefetch_related(Prefetch("credits", queryset=credits, to_attr=LISTED_CREDITS))
    )


def article_list_queryset(user):
    """Return article_queryset's articles for a list of full articles (`fields=full`): the
    related rows in plain lists (to_attr) where articledata reads them so, and of the issue and
    paper only what a list shows. Queries: articles, credits+people, photos, photo
    credits+people, tags; the parts continuing them come from prefetch_parts.
    """
    credits, photos = Credit.objects.select_related("person"), _listed_photos()
    return _articles_with_state(user, parts=False).prefetch_related(
        Prefetch("credits", queryset=credits, to_attr=LISTED_CREDITS),
        Prefetch("photos", queryset=photos),  # a manager's cache: the search's snippet reads it
        # taggit's manager prefetch builds a queryset for every article: a tenth of the list.
        Prefetch("tags", to_attr=LISTED_TAGS),
    ).only(*FULL_FIELDS, *ISSUE_REF_FIELDS)


def article_summary_queryset(user, *, captions: bool = False):
    """Return the visible articles with what the list's summary serializer reads.

    Queries: the articles (as in article_queryset), credits+people, tags; with `captions`
    (a search, whose snippet may come from a caption) also the photos' captions; the parts
    continuing them come from prefetch_parts.
    """
    # Into plain lists (to_attr): a related manager's prefetch builds a filtered queryset for
    # every article just to hold its rows, the largest cost left once the body was gone.
    credits = Credit.objects.select_related("person").only(*SUMMARY_CREDIT_FIELDS)
    articles = _articles_with_state(user, parts=False).prefetch_related(
        Prefetch("credits", queryset=credits, to_attr=LISTED_CREDITS),
        Prefetch("tags", to_attr=LISTED_TAGS),
    ).only(*SUMMARY_FIELDS, *ISSUE_REF_FIELDS)
    if captions:
        photos = Photo.objects.order_by("page", "position").only("id", "article_id", "caption")
        articles = articles.prefetch_related(Prefetch("photos", queryset=photos))
    return articles


def prefetch_parts(articles: list[Article], *, full: bool) -> None:
    """Load the parts continuing those of a list's articles that jump (下转): for `pages` and
    the text, and in full (`full`) their credits and photos, as article_queryset does.

    An article that does not jump reads no part (ContinuedArticle._next_part): a page of a
    list where none jumps needs no query for them, and one where some do asks for theirs only.
    """
    jumping = [article for article in articles if article.jump_to is not None]
    if not jumping:
        return
    if not full:
        prefetch_related_objects(jumping, Prefetch("continuations", queryset=_parts().only(*SUMMARY_PART_FIELDS)))
        return
    credits, photos = Credit.objects.select_related("person"), _listed_photos()
    prefetch_related_objects(
        jumping,
        Prefetch("continuations", queryset=_parts()),
        Prefetch("continuations__credits", queryset=credits, to_attr=LISTED_CREDITS),
        Prefetch("continuations__photos", queryset=photos),
    )
