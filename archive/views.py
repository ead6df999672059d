"""The public archive's pages: thin views over archive.queries and the search module.

The issue and article pages answer conditional GETs (ETag / Last-Modified) from one
cheap query whose result the view then reuses, so a 304 costs a single query.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_cookie
from taggit.models import Tag

from archive import citing, queries
from archive.forms import SearchForm
from archive.sections import issue_sections
from archive.sitemaps import SITEMAPS
from archive.templatetags.archive_tags import issue_path, lead_text, path_of
from newsroom import pagescopes
from newsroom.iiif.presentation import manifest_path
from newsroom.models import Article, Person, PersonRedirect, sees_unpublished
from newsroom.pagecache import cached_public_page
from newsroom.search import highlight, ocr_matches, parse_query, snippet
from newsroom.siteurl import site_root

PER_PAGE = 20
# Calendar column heads, Monday first as Chinese calendars print them: (short, full name).
WEEKDAY_HEADERS = [
    (pgettext_lazy("weekday", "一"), gettext_lazy("星期一")),
    (pgettext_lazy("weekday", "二"), gettext_lazy("星期二")),
    (pgettext_lazy("weekday", "三"), gettext_lazy("星期三")),
    (pgettext_lazy("weekday", "四"), gettext_lazy("星期四")),
    (pgettext_lazy("weekday", "五"), gettext_lazy("星期五")),
    (pgettext_lazy("weekday", "六"), gettext_lazy("星期六")),
    (pgettext_lazy("weekday", "日"), gettext_lazy("星期日")),
]


def front_scopes(request: HttpRequest) -> list[str]:
    """The home page and the issues feed show the newest issues, and the home page the years
    with their counts (newsroom/pagescopes.py)."""
    return [pagescopes.LATEST, pagescopes.YEARS]


def person_scopes(request: HttpRequest, pk: int) -> list[str]:
    """A contributor's page and feed show their name, aliases and credits on public work."""
    return [pagescopes.person(pk)]


def tag_scopes(request: HttpRequest, slug: str) -> list[str]:
    """A tag's page and feed show the public articles it is attached to, with their bylines."""
    return [pagescopes.tag(slug)]


@cached_public_page(scopes=front_scopes)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Render the latest issues, the search box and the years to browse (three queries)."""
    return render(
        request,
        "archive/home.html",
        {
            "issues": queries.latest_issues(),
            "years": queries.years_with_issues(),
            "search_form": SearchForm(),
        },
    )


@cached_public_page(scopes=lambda request, year: [pagescopes.YEARS])
@require_safe
def year_calendar(request: HttpRequest, year: int) -> HttpResponse:
    """Render twelve month calendars with the days that have an issue linked (two queries)."""
    dates = queries.issue_dates_in_year(year)
    if not dates:
        raise Http404(_("这一年没有报纸。"))
    months = [
        {"first": dt.date(year, month, 1), "weeks": queries.month_weeks(year, month, dates),
         "count": sum(1 for d in dates if d.month == month)}
        for month in range(1, 13)
    ]
    years = queries.years_with_issues()
    return render(
        request,
        "archive/year.html",
        {
            "year": year,
            "months": months,
            "years": years,
            "issue_count": len(dates),
            "weekday_headers": WEEKDAY_HEADERS,
        },
    )


@cached_public_page(scopes=lambda request, year, month: [pagescopes.month(dt.date(year, month, 1)),
                                                       pagescopes.YEARS])
@require_safe
def month_calendar(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """Render a month's calendar and its issues with their front pages (four queries)."""
    issues = queries.issues_in_month(year, month)
    if not issues:
        raise Http404(_("这个月没有报纸。"))
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    previous = queries.previous_issue_date(first)
    following = queries.next_issue_date(last)
    return render(
        request,
        "archive/month.html",
        {
            "first": first,
            "issues": issues,
            "calendar_month": {
                "first": first,
                "weeks": queries.month_weeks(year, month, {issue.date for issue in issues}),
            },
            "weekday_headers": WEEKDAY_HEADERS,
            "previous": previous,
            "following": following,
        },
    )


def _digest(*parts: object) -> str:
    """Return a short quoted ETag value for these parts and the reader's language."""
    raw = "|".join(str(part) for part in (*parts, get_language()))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _issue_state(request: HttpRequest, date: dt.date):
    """Return (and remember on the request) the issue printed on a date, or None."""
    if not hasattr(request, "_archive_issue"):
        request._archive_issue = queries.issue_with_state(date)
    return request._archive_issue


def _issue_stamps(issue) -> list:
    """Return the stamps of what an issue page shows: itself, its articles, its neighbours."""
    return [
        issue.updated_at, issue.last_article_change, issue.neighbouring_issue_change,
        issue.neighbouring_article_change,
    ]


def _issue_etag(request: HttpRequest, date: dt.date) -> str | None:
    issue = _issue_state(request, date)
    if issue is None:
        return None
    # Staff see the scans of pages withheld from readers (archive/sections.py): another page.
    viewer = "staff" if sees_unpublished(request.user) else "reader"
    return _digest("issue", issue.pk, issue.previous_date, issue.next_date, viewer,
                   *(stamp and stamp.isoformat() for stamp in _issue_stamps(issue)))


def _issue_last_modified(request: HttpRequest, date: dt.date) -> dt.datetime | None:
    issue = _issue_state(request, date)
    if issue is None:
        return None
    return max(filter(None, _issue_stamps(issue)))


def _issue_scopes(request: HttpRequest, date: dt.date) -> list[str]:
    """What an issue page depends on: the months from its previous issue's to its next's (an
    issue appearing or vanishing between them moves its links); with no previous or next
    issue, every date before or after it (newsroom/pagescopes.py)."""
    issue = _issue_state(request, date)
    first, last = issue.previous_date or issue.date, issue.next_date or issue.date
    scopes = pagescopes.months_between(first, last)
    if issue.previous_date is None or issue.next_date is None:
        scopes.append(pagescopes.CALENDAR)
    return scopes


@cached_public_page(stamp=_issue_etag, scopes=_issue_scopes)
@require_safe
@vary_on_cookie
@condition(etag_func=_issue_etag, last_modified_func=_issue_last_modified)
def issue_detail(request: HttpRequest, date: dt.date) -> HttpResponse:
    """Render an issue's masthead and pages (ten queries, nine without photos; a 304 costs one).

    Queries: the issue with its paper, neighbours and caching state, articles, their
    credits, their tags, photos, photo credits, advertisements; its pages (with whether the
    user may see their scans), their staff and the parts continuing its articles
    (archive/sections.py).
    """
    issue = _issue_state(request, date)
    if issue is None:
        raise Http404(_("这一天没有报纸。"))
    contents = queries.issue_contents(issue)
    # The neighbours the validators were computed from: the links and the ETag agree.
    previous, following = issue.previous_date, issue.next_date
    pages = issue_sections(issue, contents.articles, contents.standalone_photos, user=request.user)
    return render(
        request,
        "archive/issue.html",
        {
            "issue": issue,
            "day": date_format(issue.date, "DATE_FORMAT"),  # the title's and the masthead's, formatted once
            "pages": pages,
            # The issue's IIIF manifest, when a scan of it is the reader's to see.
            "manifest_url": manifest_path(issue) if any(page.scan for page in pages) else None,
            "advertisements": contents.advertisements,
            "previous": previous,
            "following": following,
        },
    )


def _article_state(request: HttpRequest, pk: int) -> Article | None:
    """Return (and remember on the request) the article with its issue, public or not."""
    if not hasattr(request, "_archive_article"):
        request._archive_article = queries.article_with_state(pk)
    return request._archive_article


def _article_etag(request: HttpRequest, pk: int) -> str | None:
    article = _article_state(request, pk)
    if article is None or not article.is_public or article.continues_id is not None:
        return None
    return _digest(
        "article", article.pk, article.version, article.updated_at.isoformat(),
        article.issue.updated_at.isoformat(), article.page_last_change.isoformat(),
        article.parts_last_change and article.parts_last_change.isoformat(),
    )


def _article_last_modified(request: HttpRequest, pk: int) -> dt.datetime | None:
    article = _article_state(request, pk)
    if article is None or not article.is_public or article.continues_id is not None:
        return None
    return max(filter(None, (article.updated_at, article.issue.updated_at,
                             article.page_last_change, article.parts_last_change)))


def _article_scopes(request: HttpRequest, pk: int) -> list[str]:
    """What an article page depends on: its issue's day (its parts, its neighbours on the
    page, the masthead) and itself (newsroom/pagescopes.py)."""
    article = _article_state(request, pk)
    return [pagescopes.day(article.issue.date), pagescopes.article(article.pk)]


@cached_public_page(stamp=_article_etag, scopes=_article_scopes)
@require_safe
@vary_on_cookie
@condition(etag_func=_article_etag, last_modified_func=_article_last_modified)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render an article, or 410 Gone when it was withdrawn (six queries, five without photos;
    a 304 costs one).

    Queries: the article with its issue and paper, credits, tags, photos, photo credits,
    the articles on its page (previous and next); a continued article one more a later part.
    The address of a part continuing another leads to the article it belongs to, for good.
    """
    article = _article_state(request, pk)
    if article is None:
        raise Http404(_("没有这篇文章。"))
    if not article.is_public:
        return render(request, "410.html", status=410)
    if article.continues_id is not None:
        return HttpResponsePermanentRedirect(article.first_part().get_absolute_url())
    if article.jump_to is not None:
        prefetch_related_objects([article], "continuations")  # read by parts() and blocks
    parts = article.parts()
    credits = queries.credits_of_parts(parts)
    tags = queries.article_tags(article)
    photos = queries.article_photos(parts)
    previous, following = queries.neighbour_articles(article)
    return render(
        request,
        "archive/article.html",
        {
            "article": article,
            "issue": article.issue,
            "day": date_format(article.issue.date, "DATE_FORMAT"),  # shown twice, formatted once
            "credits": credits,
            "tags": tags,
            "photos": photos,
            # Photo news: the text is the photo's caption, shown once and credited once there.
            "text_in_caption": article.is_photo_news and bool(photos),
            "previous": previous,
            "following": following,
            "pages": [part.page for part in parts],
            "parts": parts,
            "json_ld": _news_article_json_ld(article, credits, tags, photos, request),
            **citing.context(citing.work_of(article, parts, credits, tags, request), article),
        },
    )


def _news_article_json_ld(article, credits, tags, photos, request) -> dict:
    """Return the schema.org NewsArticle description of an article (serialized by the template)."""
    site = site_root(request)
    issue = article.issue
    url = site + path_of(article, "archive:article")  # article.get_absolute_url(), reversed once
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "alternativeHeadline": " ".join(p for p in (article.kicker, article.subheadline) if p),
        "datePublished": issue.date.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "inLanguage": "zh-Hans",
        "url": url,
        "mainEntityOfPage": url,
        "articleBody": article.body_text,
        "keywords": [tag.name for tag in tags],
        "author": [
            {"@type": "Person", "name": c.name_as_printed, "url": site + path_of(c.person, "archive:person")}
            for c in credits
        ],
        "publisher": {"@type": "NewsMediaOrganization", "name": issue.publication.name},
        "isPartOf": {
            "@type": "PublicationIssue",
            "datePublished": issue.date.isoformat(),
            "url": site + issue_path(issue),
            **({"issueNumber": str(issue.number)} if issue.number else {}),
        },
        "pageStart": str(article.page),
    }
    images = [site + p.image.url if p.image.url.startswith("/") else p.image.url
              for p in photos if p.image]
    if images:
        data["image"] = images
    return data


@cached_public_page(scopes=person_scopes)
@require_safe
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Render a page of a contributor's public work, filterable by role (four queries).

    Queries: the person, their aliases, their credit count per role (which is also the
    paginator's count), the page of credits with articles, photos and issues.
    """
    person = Person.objects.prefetch_related(Prefetch("aliases")).filter(pk=pk).first()
    if person is None:
        # A person merged into another: their address leads to the person kept, for good.
        kept = PersonRedirect.objects.kept_person(pk)
        if kept is None:
            raise Http404
        target = kept.get_absolute_url()
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{target}?{query}" if query else target)
    roles = queries.role_counts_of(person)
    if not roles:
        raise Http404(_("这位作者没有公开的作品。"))
    counts = {entry.role: entry.count for entry in roles}
    role = request.GET.get("role", "")
    if role and role not in counts:
        raise Http404(_("这位作者没有这个角色的公开作品。"))
    total = sum(counts.values())
    paginator = Paginator(queries.public_credits_of(person, role or None), PER_PAGE)
    # The per-role counts already say how many credits there are: no second COUNT query.
    paginator.count = counts[role] if role else total
    page = paginator.get_page(request.GET.get("page"))
    labels = {entry.role: entry.label for entry in roles}
    for credit in page.object_list:
        credit.role_label = labels[credit.role]
    return render(
        request,
        "archive/person.html",
        {
            "person": person,
            "roles": roles,
            "role": role,
            "total": total,
            "page": page,
            "querystring": urlencode({"role": role}) if role else "",
        },
    )


@cached_public_page(scopes=tag_scopes)
@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Render the public articles with a tag, newest first, paginated (four queries).

    Queries: the tag, the count, the page of articles with their issues, their credits.
    """
    tag = get_object_or_404(Tag, slug=slug)
    articles = (
        Article.objects.public()
        .filter(tags=tag)
        .select_related("issue")
        .prefetch_related(queries.credits_prefetch())
        .in_page_order(by_edition=False)
    )
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    if not page.object_list:
        raise Http404(_("没有带这个标签的文章。"))
    return render(request, "archive/tag.html", {"tag": tag, "page": page})


@cached_public_page
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Render search results with filters, year facets, highlighted snippets and pages.

    Queries when something is asked: the result count, the page of results with their
    issues, their credits, their photos, the year facets, and which results were found in
    the original OCR only (shown with the OCR's passage instead of the text's).
    """
    form = SearchForm(request.GET or None)
    context = {"form": form, "searched": False}
    if form.is_bound and form.is_valid() and form.has_criteria():
        query = form.cleaned_data["q"]
        parsed = parse_query(query) if query else None
        results = form.results()
        page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
        in_ocr = ocr_matches(page.object_list, parsed) if parsed else {}
        items = [
            {
                "article": article,
                "kicker": highlight(article.kicker, parsed) if parsed else article.kicker,
                "headline": highlight(article.headline, parsed) if parsed else article.headline,
                # A word in the subheadline ranks the article as a headline hit: show it.
                "subheadline": (
                    highlight(article.subheadline, parsed) if parsed else article.subheadline
                ),
                "snippet": (
                    in_ocr[article.pk] if article.pk in in_ocr
                    else snippet(article, parsed) if parsed else lead_text(article)[:120]
                ),
                "found_in_ocr": article.pk in in_ocr,
            }
            for article in page.object_list
        ]
        context.update(
            searched=True,
            page=page,
            items=items,
            facets=form.year_facets(),
            month_facets=form.month_facets(),
            page_facets=form.page_name_facets(),
            # A reader's search may estimate a large total (newsroom/search/results.py).
            count_is_exact=getattr(results, "is_exact", True),
            query=query,
            querystring=form.querystring(exclude=("page",)),
            # Each facet's links replace its own filter (a year, its month too).
            facet_querystring=form.querystring(exclude=("page", "year", "month")),
            month_querystring=form.querystring(exclude=("page", "month")),
            pagename_querystring=form.querystring(exclude=("page", "pagename")),
        )
    return render(request, "archive/search.html", context)


@require_safe
def switch_language(request: HttpRequest) -> HttpResponse:
    """Set the reader's interface language (?language=en&next=/path) and go back to the page.

    The pages' language form sends a GET here rather than a POST to Django's set_language:
    a POST form carries a per-reader CSRF token, and a page holding one could not be served
    to every reader from the page cache (newsroom/pagecache.py). Choosing a display
    language is a preference, nothing a forged request could profit from.
    """
    language = request.GET.get("language", "")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("archive:home")
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


@require_safe
@x_robots_tag
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Return the sitemap index: every page of every section (one COUNT a section).

    Django's own index view builds addresses on the request's host; ours, like the sections,
    follow newsroom.siteurl: SITE_URL, the archive's canonical address, in production.
    """
    site = site_root(request)
    items = []
    for section, sitemap_class in SITEMAPS.items():
        location = site + reverse("archive:sitemap-section", kwargs={"section": section})
        items.append(SitemapIndexItem(location))
        for number in range(2, sitemap_class().paginator.num_pages + 1):
            items.append(SitemapIndexItem(f"{location}?p={number}"))
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )


@require_safe
@x_robots_tag
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """Return one page (?p=N) of a sitemap section, its addresses on this request's site."""
    sitemaps = {name: partial(sitemap_class, request) for name, sitemap_class in SITEMAPS.items()}
    return sitemap_views.sitemap(request, sitemaps, section=section)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Return robots.txt: crawl the archive, not the admin, the API or search results."""
    site = site_root(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /i18n/",
        "Disallow: /language/",
        f"Sitemap: {site}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
