"""Atom feeds of recent issues, of a tag, of a contributor and of a saved search.

Summaries are HTML in Atom (type="html"), so every OCR'd string in them is escaped
here; titles are escaped too, as Django recommends, because readers render them.
Links are absolute through newsroom.siteurl (SITE_URL in production; the request's host with
DEBUG on).
"""

from __future__ import annotations

import copy
import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from archive import queries
from archive.forms import SearchForm
from archive.templatetags.archive_tags import lead_text
from newsroom.models import Article, Person
from newsroom.siteurl import absolute_url

FEED_SIZE = 30


def issue_datetime(date: dt.date) -> dt.datetime:
    """Return the start of a printing day in the paper's time zone."""
    return timezone.make_aware(dt.datetime.combine(date, dt.time()))


class ArchiveFeed(Feed):
    feed_type = Atom1Feed
    language = "zh-hans"
    author_name = _("浙江工人日报")

    request = None

    def __call__(self, request, *args, **kwargs):
        # The links are on the request's site (newsroom.siteurl). The URLconf holds one
        # instance for every thread, so each request gets its own copy to remember it.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, path: str) -> str:
        """Return a path as an absolute address for this feed's request."""
        return absolute_url(path, self.request)

    def item_link(self, item) -> str:
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item) -> str:
        return self.absolute(item.get_absolute_url())

    def feed_url(self, obj=None) -> str:
        return self.absolute(self.feed_path(obj))


class LatestIssuesFeed(ArchiveFeed):
    """The latest issues, each summarised by its front-page headlines (two queries)."""

    title = _("浙江工人日报 最新报纸")
    subtitle = _("数字档案中最新的报纸")

    def link(self) -> str:
        return self.absolute(reverse("archive:home"))

    def feed_path(self, obj=None) -> str:
        return reverse("archive:issues-feed")

    def items(self):
        return queries.latest_issues(FEED_SIZE)

    def item_title(self, issue) -> str:
        return escape(f"{issue.publication.name} {issue.date:%Y-%m-%d}")

    def item_description(self, issue) -> str:
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((a.full_heading,) for a in issue.front_articles)),
        )

    def item_pubdate(self, issue) -> dt.datetime:
        return issue_datetime(issue.date)

    def item_updateddate(self, issue) -> dt.datetime:
        return issue.updated_at


class ArticleFeed(ArchiveFeed):
    """Base for feeds of articles: newest issue first, with credits prefetched."""

    def articles(self):
        return (
            Article.objects.public()
            .select_related("issue")
            .prefetch_related(queries.credits_prefetch())
            .in_page_order(by_edition=False)
        )

    def item_title(self, article) -> str:
        return escape(article.full_heading)

    def item_description(self, article) -> str:
        return escape(lead_text(article))

    def item_author_name(self, article) -> str:
        return "、".join(credit.name_as_printed for credit in article.credits.all()) or None

    def item_pubdate(self, article) -> dt.datetime:
        return issue_datetime(article.issue.date)

    def item_updateddate(self, article) -> dt.datetime:
        return article.updated_at


class TagFeed(ArticleFeed):
    """The latest public articles with a tag (three queries: tag, articles, credits)."""

    def get_object(self, request, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag) -> str:
        return _("标签：%(name)s") % {"name": tag.name}

    def link(self, tag) -> str:
        return self.absolute(reverse("archive:tag", kwargs={"slug": tag.slug}))

    def feed_path(self, tag) -> str:
        return reverse("archive:tag-feed", kwargs={"slug": tag.slug})

    def items(self, tag):
        return self.articles().filter(tags=tag)[:FEED_SIZE]


class PersonFeed(ArticleFeed):
    """The latest public articles credited to a contributor (three queries)."""

    def get_object(self, request, pk: int) -> Person:
        return get_object_or_404(Person, pk=pk)

    def title(self, person) -> str:
        return _("作者：%(name)s") % {"name": person.name}

    def link(self, person) -> str:
        return self.absolute(person.get_absolute_url())

    def feed_path(self, person) -> str:
        return reverse("archive:person-feed", kwargs={"pk": person.pk})

    def items(self, person):
        return self.articles().by_person(person)[:FEED_SIZE]


class SearchFeed(ArticleFeed):
    """A saved search: the newest public articles matching ?q= and the search page's filters.

    The same SearchForm validates it; input it refuses (or no criteria at all) answers 400
    with what to fix. Queries: those of the search page's results in date order (the count,
    the page of articles with issues, credits and photos).
    """

    def __call__(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        if not form.is_valid() or not form.has_criteria():
            errors = "; ".join(str(e) for errors in form.errors.values() for e in errors) if form.is_bound else ""
            message = _("检索订阅需要有效的检索词或筛选条件，例如 /search/feed/?q=工会。")
            return HttpResponseBadRequest(f"{message} {errors}".strip(), content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request) -> SearchForm:
        form = SearchForm(request.GET)
        form.is_valid()
        # A feed is newest first whatever order the page was sorted in.
        form.cleaned_data["order"] = "date"
        return form

    def title(self, form) -> str:
        query = form.cleaned_data.get("q")
        if query:
            return _("检索：%(query)s") % {"query": query}
        return _("检索结果")

    def link(self, form) -> str:
        return self.absolute(f"{reverse('archive:search')}?{form.querystring()}")

    def feed_path(self, form) -> str:
        return f"{reverse('archive:search-feed')}?{form.querystring(exclude=('order',))}"

    def items(self, form):
        return list(form.results()[:FEED_SIZE])
