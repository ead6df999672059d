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

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django.db.models import (
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.db.models.query import get_related_populators
from taggit.models import Tag

from newsroom import pagecache
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Person,
    Photo,
    Role,
)
from newsroom.models.continuations import QUERY_DEPTH
from newsroom.models.credits import credits_of_parts as models_credits_of_parts


def credits_prefetch(lookup: str = "credits") -> Prefetch:
    """Return a prefetch of credits with their people (one query)."""
    return Prefetch(lookup, queryset=Credit.objects.select_related("person").order_by("order", "pk"))


class CompiledQuery:
    """A queryset compiled to SQL once per database connection, then run with other values.

    Building and compiling a queryset with subqueries costs more CPU than running it (the
    issue's caching state: four nested subqueries, about 3 ms a request); its SQL is the same
    for every date or id, only the parameters differ. ``build(*values)`` returns the queryset;
    ``fields`` are the model fields each value is compared with (they put a value in the
    database's own form, e.g. a date as text on SQLite). Rows become model instances as
    ``QuerySet`` makes them (select_related objects, annotations); no prefetches.
    """


    def __init__(self, build, *fields):
        self.build, self.fields, self.model = build, fields, None
        self.key = f"{build.__module__}.{build.__qualname__}:{id(self)}"

    @staticmethod
    def _sample(field, k: int, n: int):
        """Return a value no query holds of its own, different for each value k and compilation n."""
        if isinstance(field, DateField) and not isinstance(field, DateTimeField):
            return dt.date(1901, 2, 3) + dt.timedelta(days=10 * k + n)
        return 23_456 + 10 * k + n  # within a small integer field's range

    def _compile(self, connection, alias) -> _Plan:
        """Compile the query twice with different sample values: the parameters that differ are
        the values' (``slots``: a parameter's position and its value's index)."""
        compiled = []
        for n in (0, 1):
            samples = [self._sample(field, k, n) for k, field in enumerate(self.fields)]
            compiler = self.build(*samples).query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            compiled.append((compiler, sql, list(params), samples))
        (compiler, sql, params, samples), (_c, other_sql, other_params, _s) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError(f"{self.key}: its SQL depends on more than its values' parameters")
        prepared = [field.get_db_prep_value(value, connection, prepared=False)
                    for field, value in zip(self.fields, samples, strict=True)]
        slots = []
        for i, (one, other) in enumerate(zip(params, other_params, strict=True)):
            if one != other:
                slots.append((i, prepared.index(one)))  # ValueError: a value the query transforms
        if {k for _i, k in slots} != set(range(len(self.fields))):
            raise ValueError(f"{self.key}: a value is not among its parameters")
        # What ModelIterable works out for every query, worked out once.
        select, klass_info = compiler.select, compiler.klass_info
        columns = klass_info["select_fields"]
        start, end = columns[0], columns[-1] + 1
        return _Plan(
            sql=sql, params=params, slots=slots, model=klass_info["model"], start=start, end=end,
            init_list=[column[0].target.attname for column in select[start:end]],
            populators=get_related_populators(klass_info, select, alias),
            annotations=list((compiler.annotation_col_map or {}).items()),
            converters=compiler.get_converters([column[0] for column in select[: compiler.col_count]]),
            compiler=compiler,
        )

    def _out_of_range(self, connection, values) -> bool:
        for field, value in zip(self.fields, values, strict=True):
            internal_type = getattr(field, "target_field", field).get_internal_type()
            if isinstance(value, int) and internal_type in connection.ops.integer_field_ranges:
                low, high = connection.ops.integer_field_range(internal_type)
                if not low <= value <= high:
                    return True
        return False

    def __call__(self, *values) -> list:
        """Return the model instances of the query for these values (one query)."""
        if self.model is None:
            self.model = self.build(*(self._sample(f, k, 0) for k, f in enumerate(self.fields))).model
        alias = router.db_for_read(self.model)  # the reader's replica, as QuerySet.db chooses
        connection = connections[alias]
        cache = connection.__dict__.setdefault("_compiled_queries", {})
        plan = cache.get(self.key)
        if plan is None:
            plan = cache[self.key] = self._compile(connection, alias)
        if self._out_of_range(connection, values):
            return []  # what the ORM answers for an id no column can hold (EmptyResultSet)
        params = list(plan.params)
        for i, k in plan.slots:
            params[i] = self.fields[k].get_db_prep_value(values[k], connection, prepared=False)
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        instances = []
        for row in rows:
            obj = plan.model.from_db(alias, plan.init_list, row[plan.start : plan.end])
            for populator in plan.populators:
                populator.populate(row, obj)
            for name, position in plan.annotations:
                setattr(obj, name, row[position])
            instances.append(obj)
        return instances


@dataclass
class _Plan:
    """A compiled query: its SQL and parameters, and how its rows become model instances."""

    sql: str
    params: list
    slots: list
    model: type
    start: int
    end: int
    init_list: list
    populators: list
    annotations: list
    converters: dict
    compiler: object


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
    found = _issue_with_state(date)
    return found[0] if found else None


def _issue_state_query(date: dt.date):
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
        .order_by("edition", "publication__name")[:1]
    )


_issue_with_state = CompiledQuery(_issue_state_query, Issue._meta.get_field("date"))


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
    """Return an issue's public articles (photos attached), loose photos and ads (six queries;
    five when the issue has no public photo).

    Queries: articles, their credits with people, their tags, the issue's public photos,
    the photos' credits with people, the advertisements; each compiled once (CompiledQuery),
    credits and tags read by issue and handed to their articles and photos as a prefetch
    would (``article.credits.all()``, ``article.tags.all()`` read them).
    """
    articles = _issue_articles(issue.pk)
    attach(articles, "credits", Credit, _issue_article_credits(issue.pk), "article_id")
    attach(articles, "tags", Tag, [item.tag for item in _issue_tagged_items(issue.pk)], "_article_id")
    photos = _issue_photos(issue.pk)
    if photos:  # no photo, no photo credits to ask for
        attach(photos, "credits", Credit, _issue_photo_credits(issue.pk), "photo_id")
    by_article: dict[int, list[Photo]] = {}
    standalone = []
    for photo in photos:
        if photo.article_id is None:
            standalone.append(photo)
        else:
            by_article.setdefault(photo.article_id, []).append(photo)
    for article in articles:
        article.public_photos = by_article.get(article.pk, [])
    advertisements = _issue_advertisements(issue.pk)
    return IssueContents(articles, standalone, advertisements)


def attach(objects: list, name: str, model, items: list, key: str) -> None:
    """Give each object its items (those whose ``key`` is its pk) as ``prefetch_related(name)``
    would: ``obj.<name>.all()`` then reads them, in the items' order, with no query."""
    of: dict[int, list] = {obj.pk: [] for obj in objects}
    for item in items:
        found = of.get(getattr(item, key))
        if found is not None:
            found.append(item)
    base = model.objects.all()  # one Query for all of them: building one a queryset cost more than the rows
    queryset_class, query, db = type(base), base.query, base._db
    for obj in objects:
        cached = queryset_class(model=model, query=query, using=db)
        cached._result_cache, cached._prefetch_done = of[obj.pk], True
        obj._prefetched_objects_cache = {**getattr(obj, "_prefetched_objects_cache", {}), name: cached}


def _credits():
    return Credit.objects.select_related("person").order_by("order", "pk")


_issue_articles = CompiledQuery(
    lambda issue: Article.objects.public().filter(issue=issue).order_by("page", "position"),
    Article._meta.get_field("issue"),
)
_issue_article_credits = CompiledQuery(
    lambda issue: _credits().filter(article__issue=issue), Article._meta.get_field("issue")
)


def _tagged_items_query(issue, content_type):
    """The tags of an issue's articles (taggit's items with their tags), in the order taggit gives."""
    return (
        Article.tags.through.objects.filter(
            content_type=content_type, object_id__in=Article.objects.filter(issue=issue).values("pk"),
        )
        .select_related("tag")
        .order_by("pk")
    )


def _issue_tagged_items(issue_id: int) -> list:
    items = _issue_tagged_items_query(issue_id, ContentType.objects.get_for_model(Article).pk)
    for item in items:
        item.tag._article_id = item.object_id  # what attach() hands each tag to
    return items


_issue_tagged_items_query = CompiledQuery(
    _tagged_items_query, Article._meta.get_field("issue"), Article.tags.through._meta.get_field("content_type")
)
_issue_photos = CompiledQuery(
    lambda issue: Photo.objects.public().filter(issue=issue).order_by("page", "position"),
    Photo._meta.get_field("issue"),
)
_issue_photo_credits = CompiledQuery(
    lambda issue: _credits().filter(photo__issue=issue), Photo._meta.get_field("issue")
)
_issue_advertisements = CompiledQuery(
    lambda issue: Advertisement.objects.filter(issue=issue).order_by("page", "position"),
    Advertisement._meta.get_field("issue"),
)


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
    found = _article_with_state(pk)
    if not found:
        return None
    article = found[0]
    # The latest change of its parts at each depth (continuing(): up to QUERY_DEPTH links).
    depths = [getattr(article, f"parts_last_change_{depth}") for depth in range(1, QUERY_DEPTH + 1)]
    article.parts_last_change = max(filter(None, depths), default=None)
    return article


def _article_state_query(pk: int):
    page_last_change = (
        Article.objects.filter(issue=OuterRef("issue"), page=OuterRef("page"))
        .order_by()
        .values("issue")
        .annotate(last=Max("updated_at"))
        .values("last")
    )
    # One subquery a depth of the chain of parts (what continuing() ORs together): each follows
    # the index on continues_id, where the OR of them read the whole table twice (9 ms of the
    # database's CPU at 5,000 articles). MAX() with no GROUP BY: NULL when no part is there.
    parts_last_change = {
        f"parts_last_change_{depth}": Subquery(
            Article.objects.filter(**{"__".join(["continues"] * depth): OuterRef("pk")})
            .order_by()
            .values(last=Func(F("updated_at"), function="MAX"))[:1]
        )
        for depth in range(1, QUERY_DEPTH + 1)
    }
    return (
        Article.objects.in_public_issues()
        .select_related("issue__publication")
        .annotate(page_last_change=Subquery(page_last_change), **parts_last_change)
        .filter(pk=pk)
        .order_by("pk")[:1]
    )


_article_with_state = CompiledQuery(_article_state_query, Article._meta.pk)


def article_photos(parts: list[Article]) -> list[Photo]:
    """Return the public photos of an article's parts with their credits (two queries; one
    when an article of one part has no photo)."""
    if len(parts) == 1:  # most articles: two queries compiled once
        photos = _article_photos(parts[0].pk)
        if photos:  # no photo, no photo credits to ask for
            attach(photos, "credits", Credit, _article_photo_credits(parts[0].pk), "photo_id")
        return photos
    return list(
        Photo.objects.public()
        .filter(article__in=parts)
        .order_by("page", "position")
        .prefetch_related(credits_prefetch())
    )


def credits_of_parts(parts: list[Article]) -> list[Credit]:
    """Return the byline of an article's parts (newsroom.models.credits.credits_of_parts; one query)."""
    if len(parts) != 1:
        return models_credits_of_parts(parts)
    seen, unique = set(), []
    for credit in _article_credits(parts[0].pk):  # in order: each person once per role
        if (credit.person_id, credit.role) not in seen:
            seen.add((credit.person_id, credit.role))
            unique.append(credit)
    return unique


def article_tags(article: Article) -> list:
    """Return an article's tags by name, as ``article.tags.order_by("name")`` (one query)."""
    return _article_tags(article.pk, ContentType.objects.get_for_model(Article).pk)


def neighbour_articles(article: Article) -> tuple[Article | None, Article | None]:
    """Return the public articles before and after this one on its page (one query)."""
    previous = following = None
    for sibling in _page_articles(article.issue_id, article.page):
        if sibling.position < article.position:
            previous = sibling
        elif sibling.position > article.position and following is None:
            following = sibling
    return previous, following


_article_photos = CompiledQuery(
    lambda pk: Photo.objects.public().filter(article=pk).order_by("page", "position"),
    Photo._meta.get_field("article"),
)
_article_photo_credits = CompiledQuery(lambda pk: _credits().filter(photo__article=pk),
                                       Photo._meta.get_field("article"))
_article_credits = CompiledQuery(lambda pk: _credits().filter(article=pk), Credit._meta.get_field("article"))


def _tags_query(pk, content_type):
    items = Article.tags.through.objects.filter(content_type=content_type, object_id=pk)
    return Tag.objects.filter(pk__in=items.values("tag_id")).order_by("name")


_article_tags = CompiledQuery(_tags_query, Article._meta.pk, Article.tags.through._meta.get_field("content_type"))
# The public articles of a page, in order: an article's neighbours.
_page_articles = CompiledQuery(
    lambda issue, page: Article.objects.public().filter(issue=issue, page=page)
    .order_by("position").only("pk", "headline", "kicker", "subheadline", "position"),
    Article._meta.get_field("issue"), Article._meta.get_field("page"),
)


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
    return Tag.objects.filter(Exists(Article.objects.public().filter(tags=OuterRef("pk"))))
