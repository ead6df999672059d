"""The querysets the archive pages are built from, each starting from the public ones.

Every page reads articles through ``Article.objects.public()`` and photos through
``Photo.objects.public()``, so a withdrawn article is nowhere: not in a list, a feed,
the sitemap, an issue page, a contributor's page or a prev/next link. Each helper
costs a fixed number of queries whatever the number of rows (named in its docstring).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, Max, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, ExtractYear

from newsroom import pagecache
from newsroom.models import Article, Credit, Issue, Person, Photo, Role, prefetch_tags
from newsroom.models.continuations import continuing
from newsroom.models.credits import credits_of_parts  # noqa: F401 (the archive's byline)


def credits_prefetch(lookup: str = "credits") -> Prefetch:
    """Return a prefetch of credits with their people (one query)."""
    return Prefetch(lookup, queryset=Credit.objects.select_related("person").order_by("order", "pk"))


def public_issues():
    """Return the issues a reader may see: those with at least one public article."""
    return Issue.objects.with_public_articles()


def front_articles_prefetch() -> Prefetch:
    """Return a prefetch of each issue's public front-page articles as ``front_articles``."""
    return Prefetch(
        "articles",
        queryset=Article.objects.public().filter(page=1).order_by("position"),
        to_attr="front_articles",
    )


def latest_issues(limit: int = 8) -> list[Issue]:
    """Return the latest public issues with their front-page articles (two queries)."""
    return list(
        public_issues()
        .select_related("publication")
        .prefetch_related(front_articles_prefetch())
        .order_by("-date", "edition")[:limit]
    )


def years_with_issues() -> list[tuple[int, int]]:
    """Return (year, number of public issues) pairs, newest year first (one query).

    It counts every issue of the archive (≈ 90 ms at 22,400 issues), for the home page and
    every year's calendar: computed once per archive generation (newsroom/pagecache.py).
    """

    def count() -> list[tuple[int, int]]:
        rows = (
            public_issues()
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(n=Count("pk"))
            .order_by("-year")
        )
        return [(row["year"], row["n"]) for row in rows]

    return pagecache.for_generation("years-with-issues", count)


def issue_dates_in_year(year: int) -> set[dt.date]:
    """Return the dates of the public issues printed in a year (one query)."""
    return set(public_issues().in_year(year).values_list("date", flat=True))


def issues_in_month(year: int, month: int) -> list[Issue]:
    """Return the public issues of a month, oldest first, with front pages (two queries)."""
    return list(
        public_issues()
        .filter(date__year=year, date__month=month)
        .select_related("publication")
        .prefetch_related(front_articles_prefetch())
        .order_by("date", "edition")
    )


def issue_with_state(date: dt.date) -> Issue | None:
    """Return the public issue printed on a date, annotated for HTTP caching (one query).

    ``last_article_change`` counts withdrawn articles too: withdrawing one changes
    what the page shows, so it must change the page's ETag. ``previous_date`` and
    ``next_date`` are the neighbouring public issues the page links to, and
    ``neighbouring_issue_change`` / ``neighbouring_article_change`` the latest change of any issue or article dated from the
    previous issue to the next: an issue appearing between them, or vanishing (its
    articles withdrawn or deleted: newsroom/changes.py), moves it on, so the links'
    Last-Modified follows as their ETag does.
    """
    before = _neighbour_date(Q(date__lt=OuterRef("date")), "-date")
    after = _neighbour_date(Q(date__gt=OuterRef("date")), "date")
    return (
        public_issues()
        .on_date(date)
        .select_related("publication")
        .annotate(
            last_article_change=Max("articles__updated_at"),
            previous_date=before,
            next_date=after,
        )
        .annotate(
            neighbouring_issue_change=_latest_change_between("previous_date", "next_date"),
            neighbouring_article_change=_latest_change_between(
                "previous_date", "next_date", prefix="issue__"
            ),
        )
        .order_by("edition", "publication__name")
        .first()
    )


def _neighbour_date(where: Q, order: str) -> Subquery:
    return Subquery(public_issues().filter(where).order_by(order).values("date")[:1])


def _latest_change_between(first: str, last: str, *, prefix: str = "") -> Subquery:
    """Return the latest updated_at of the issues (or, with prefix "issue__", the articles)
    dated from one annotation of the outer issue query to another.

    A missing bound (the first or last public issue) is open: an issue appearing before
    the first one changes its page as well.
    """
    model = Article if prefix else Issue
    rows = model.objects.filter(**{
        f"{prefix}date__gte": Coalesce(OuterRef(first), Value(dt.date.min)),
        f"{prefix}date__lte": Coalesce(OuterRef(last), Value(dt.date.max)),
    })
    # MAX() with no GROUP BY: one row, the latest stamp (Max() would group by the outer row).
    return Subquery(rows.order_by().values(last=Func(F("updated_at"), function="MAX"))[:1])


def previous_issue_date(date: dt.date) -> dt.date | None:
    """Return the date of the latest public issue before a date (one query)."""
    return public_issues().filter(date__lt=date).order_by("-date").values_list("date", flat=True).first()


def next_issue_date(date: dt.date) -> dt.date | None:
    """Return the date of the earliest public issue after a date (one query)."""
    return public_issues().filter(date__gt=date).order_by("date").values_list("date", flat=True).first()


@dataclass
class IssueContents:
    articles: list[Article]
    standalone_photos: list[Photo]
    advertisements: list


def issue_contents(issue: Issue) -> IssueContents:
    """Return an issue's public articles (photos attached), loose photos and ads (six queries).

    Queries: articles, their credits with people, their tags, the issue's public photos,
    the photos' credits with people, the advertisements.
    """
    articles = list(
        Article.objects.public()
        .filter(issue=issue)
        .order_by("page", "position")
        .prefetch_related(credits_prefetch())
    )
    prefetch_tags(articles)
    photos = list(
        Photo.objects.public()
        .filter(issue=issue)
        .order_by("page", "position")
        .prefetch_related(credits_prefetch())
    )
    by_article: dict[int, list[Photo]] = {}
    standalone = []
    for photo in photos:
        if photo.article_id is None:
            standalone.append(photo)
        else:
            by_article.setdefault(photo.article_id, []).append(photo)
    for article in articles:
        article.public_photos = by_article.get(article.pk, [])
    advertisements = list(issue.advertisements.order_by("page", "position"))
    return IssueContents(articles, standalone, advertisements)


def article_with_state(pk: int) -> Article | None:
    """Return an article (published or withdrawn; None in a held issue) with its issue and paper,
    annotated for HTTP caching (one query).

    The article's own version and updated_at move on whenever its page's content does (its
    text, tags, credits, photos, a contributor's name: newsroom/editorial.py), its issue's
    updated_at when the masthead does; ``page_last_change``, the latest change of any
    article on its page, covers the neighbours' headlines in the previous/next links;
    ``parts_last_change``, the latest change of the parts continuing it (None: it has none),
    covers the text, photos and credits of a continued article's later pages.
    """
    page_last_change = (
        Article.objects.filter(issue=OuterRef("issue"), page=OuterRef("page"))
        .order_by()
        .values("issue")
        .annotate(last=Max("updated_at"))
        .values("last")
    )
    # MAX() with no GROUP BY: one row, NULL when nothing continues the article.
    parts_last_change = (
        Article.objects.filter(continuing(OuterRef("pk")))
        .order_by()
        .values(last=Func(F("updated_at"), function="MAX"))[:1]
    )
    return (
        Article.objects.in_public_issues()
        .select_related("issue__publication")
        .annotate(page_last_change=Subquery(page_last_change),
                  parts_last_change=Subquery(parts_last_change))
        .filter(pk=pk)
        .first()
    )


def article_photos(parts: list[Article]) -> list[Photo]:
    """Return the public photos of an article's parts with their credits (two queries)."""
    return list(
        Photo.objects.public()
        .filter(article__in=parts)
        .order_by("page", "position")
        .prefetch_related(credits_prefetch())
    )


def neighbour_articles(article: Article) -> tuple[Article | None, Article | None]:
    """Return the public articles before and after this one on its page (two queries)."""
    siblings = Article.objects.public().filter(issue_id=article.issue_id, page=article.page)
    fields = ("pk", "headline", "kicker", "subheadline")
    previous = siblings.filter(position__lt=article.position).order_by("-position").only(*fields)
    following = siblings.filter(position__gt=article.position).order_by("position").only(*fields)
    return previous.first(), following.first()


def public_credits_of(person: Person, role: str | None = None):
    """Return a person's credits (in one role, if given) on public work, newest first.

    Unbounded: page it. Credits come with their article or photo and its issue.
    """
    credits = Credit.objects.on_public_work().filter(person=person)
    if role:
        credits = credits.filter(role=role)
    return (
        credits.select_related("article__issue", "photo__issue", "photo__article")
        .annotate(
            day=Coalesce(F("article__issue__date"), F("photo__issue__date")),
            # One page and position for both kinds, so the order is the same on every database
            # (they put NULLs at different ends).
            on_page=Coalesce(F("article__page"), F("photo__page")),
            at=Coalesce(F("article__position"), F("photo__position")),
        )
        .order_by("-day", "on_page", "at", "pk")
    )


@dataclass
class RoleCount:
    role: str
    label: str
    count: int


def role_counts_of(person: Person) -> list[RoleCount]:
    """Return how many public credits a person has in each role, in declared role order (one query).

    Empty when the person has no public work.
    """
    rows = dict(
        Credit.objects.on_public_work().filter(person=person).order_by().values_list("role")
        .annotate(n=Count("pk")).values_list("role", "n")
    )
    labels = dict(Role.choices)
    order = [*Role.values, *sorted(set(rows) - set(Role.values))]
    return [RoleCount(role, labels.get(role, role), rows[role]) for role in order if role in rows]


def month_weeks(year: int, month: int, issue_dates: set[dt.date]) -> list[list[dict]]:
    """Return a month as weeks of day cells (Monday first), marking days with an issue."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "has_issue": day.month == month and day in issue_dates,
                }
                for day in week
            ]
        )
    return weeks


def people_with_public_work():
    """Return the contributors credited on at least one public article or photo."""
    return Person.objects.filter(Exists(Credit.objects.on_public_work().filter(person=OuterRef("pk"))))


def tags_with_public_articles():
    """Return the tags on at least one public article (a semi-join per tag, no DISTINCT)."""
    from taggit.models import Tag

    return Tag.objects.filter(Exists(Article.objects.public().filter(tags=OuterRef("pk"))))
