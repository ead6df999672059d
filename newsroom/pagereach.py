"""Beyond article and issue pages: which contributors', tags' and front pages a change reaches.

A contributor's page (and feed) lists their credits on public work with each article's
headline, page and date; a tag's page (and feed) lists the public articles it is attached to
with their bylines; the home page shows the newest public issues with their front pages,
and how many issues each year has; the issues feed, the newest issues. So once a transaction
commits (newsroom/pagerefresh.py), what it touched reaches:

- ``person:<id>`` of everyone credited on the articles it touched, on their photos, or on
  anything in the issues it touched, and of everyone it named itself (a credit moved away, an
  alias, a name: newsroom/changes.py);
- ``tag:<slug>`` of every tag attached to those articles or to articles of those issues, and
  of the tags it named (attached or detached, renamed: the old slug too, deleted);
- ``latest`` when one of its dates is on or after the date of the ``LATEST_ISSUES``-th newest
  public issue (an issue that stops being public was among them, and is after the new one);
- ``years`` when it added, removed, held, released, withdrew, joined or moved an issue or an
  article (it says so: ``counts``), or when a year of its dates now counts another number of
  public issues than the page cache remembers (the bulk paths, which say only what they
  touched): the calendars and the home page's years show which dates have a public issue.

Three to four small queries a commit; a change said to reach everything (``whole``) moves
``archive`` instead, which every page depends on (newsroom/pagescopes.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsroom import pagescopes

# At most this many contributors' and tags' pages are rendered again after a change (an
# editor's save reaches a handful; an import, hundreds: those are rendered when asked).
REFRESH_LIMIT = 20
YEAR_COUNT = "years-count:"


@dataclass
class Reach:
    """The contributors, tags and front pages one committed change reached."""

    people: set[int] = field(default_factory=set)
    tag_slugs: set[str] = field(default_factory=set)
    latest: bool = False
    years: bool = False

    def scopes(self) -> set[str]:
        scopes = {pagescopes.person(pk) for pk in self.people}
        scopes.update(pagescopes.tag(slug) for slug in self.tag_slugs)
        if self.latest:
            scopes.add(pagescopes.LATEST)
        if self.years:
            scopes.add(pagescopes.YEARS)
        return scopes

    def paths(self, limit: int = REFRESH_LIMIT) -> list[str]:
        """Return the addresses to render again: the home page and the issues feed if they
        moved, and the first page of each contributor's and tag's page and feed if no more
        than ``limit`` of each."""
        from django.urls import reverse

        paths = []
        if self.latest or self.years:
            paths.append(reverse("archive:home"))
        if self.latest:
            paths.append(reverse("archive:issues-feed"))
        if len(self.people) <= limit:
            for pk in sorted(self.people):
                paths += [reverse("archive:person", kwargs={"pk": pk}),
                          reverse("archive:person-feed", kwargs={"pk": pk})]
        if len(self.tag_slugs) <= limit:
            for slug in sorted(self.tag_slugs):
                paths += [reverse("archive:tag", kwargs={"slug": slug}),
                          reverse("archive:tag-feed", kwargs={"slug": slug})]
        return paths


def reach_of(touched, dates: set[dt.date], pages) -> Reach:
    """Return what a committed change (a pagerefresh._Touched) reaches beyond its dates."""
    using = touched.using
    return Reach(
        people=touched.people | credited_people(touched.articles, touched.issues, using=using),
        tag_slugs=touched.tag_slugs | tag_slugs_of(touched.articles, touched.issues, touched.tags,
                                                   using=using),
        latest=among_latest(dates, using=using),
        # Said by the change itself (an issue or article added, removed, held or withdrawn:
        # exact whatever else commits meanwhile), or seen in the counts (the bulk paths).
        years=years_moved(dates, pages, using=using) or touched.counts,
    )


def credited_people(articles: Iterable[int], issues: Iterable[int], *, using: str) -> set[int]:
    """Return who is credited on these articles (or their photos) or in these issues (one query)."""
    from newsroom.models import Credit

    articles, issues = list(articles), list(issues)
    conditions = []
    if articles:
        conditions += [{"article_id__in": articles}, {"photo__article_id__in": articles}]
    if issues:
        conditions += [{"article__issue_id__in": issues}, {"photo__issue_id__in": issues}]
    if not conditions:
        return set()
    queries = [Credit.objects.using(using).filter(**condition).order_by().values_list("person_id")
               for condition in conditions]
    return {pk for (pk,) in queries[0].union(*queries[1:])}


def tag_slugs_of(articles: Iterable[int], issues: Iterable[int], tags: Iterable[int], *,
                 using: str) -> set[str]:
    """Return the slugs of these tags and of the tags on these articles or on articles of these
    issues (one query)."""
    from taggit.models import Tag

    from newsroom.models import Article

    articles, issues, tags = list(articles), list(issues), list(tags)
    queries = []
    if tags:
        queries.append(Tag.objects.using(using).filter(pk__in=tags).order_by().values_list("slug"))
    if articles:
        queries.append(Article.objects.using(using).filter(pk__in=articles, tags__isnull=False)
                       .order_by().values_list("tags__slug"))
    if issues:
        queries.append(Article.objects.using(using).filter(issue_id__in=issues, tags__isnull=False)
                       .order_by().values_list("tags__slug"))
    if not queries:
        return set()
    return {slug for (slug,) in queries[0].union(*queries[1:]) if slug}


def among_latest(dates: Iterable[dt.date], *, using: str) -> bool:
    """Return True if one of these dates is among the newest public issues' (one query)."""
    from newsroom.models import Issue

    dates = list(dates)
    if not dates:
        return False
    newest = (Issue.objects.using(using).with_public_articles().order_by("-date")
              .values_list("date", flat=True)[pagescopes.LATEST_ISSUES - 1:pagescopes.LATEST_ISSUES])
    oldest_shown = next(iter(newest), None)
    return oldest_shown is None or max(dates) >= oldest_shown


def years_moved(dates: Iterable[dt.date], pages, *, using: str) -> bool:
    """Return True if a year of these dates counts another number of public issues than the
    page cache remembers for it (one query); remember the new counts."""
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    from newsroom.models import Issue

    years = sorted({date.year for date in dates})
    if not years:
        return False
    within = Q()
    for year in years:  # ranges of dates, which the date index serves (EXTRACT would not)
        within |= Q(date__gte=dt.date(year, 1, 1), date__lt=dt.date(year + 1, 1, 1))
    rows = (Issue.objects.using(using).with_public_articles().filter(within)
            .annotate(year=ExtractYear("date")).order_by().values("year")
            .annotate(n=Count("pk")).values_list("year", "n"))
    counts = {year: 0 for year in years} | dict(rows)
    keys = {YEAR_COUNT + str(year): count for year, count in counts.items()}
    remembered = pages.get_many(list(keys))
    if remembered == keys:
        return False
    pages.set_many(keys, timeout=None)
    return True
