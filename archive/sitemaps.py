"""The sitemap's sections: public issues, articles, contributors and tags (newsroom.siteurl).

/sitemap.xml is an index of the sections' pages; each page holds at most ``limit`` addresses.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from archive import queries
from newsroom.models import Article
from newsroom.siteurl import site_root


class ArchiveSitemap(Sitemap):
    """A section whose addresses start where newsroom.siteurl says (SITE_URL in production).

    archive.views.sitemap_section makes one for each request, with that request.
    """

    def __init__(self, request=None):
        self.request = request

    # Addresses per sitemap page; the index (sitemap.xml) lists every page of every section,
    # so no request reads more than this many rows whatever the size of the archive.
    # Rendering costs about 0.15 ms an address, so a page of 2,000 takes about 0.3 s.
    limit = 2000

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(site_root(self.request)).scheme

    def get_domain(self, site=None) -> str:
        parts = urlsplit(site_root(self.request))
        return parts.netloc + parts.path


class IssueSitemap(ArchiveSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return queries.public_issues().order_by("-date", "edition").only("date", "updated_at")

    def lastmod(self, issue):
        return issue.updated_at


class ArticleSitemap(ArchiveSitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Article.objects.public().order_by("pk").only("pk", "updated_at")

    def lastmod(self, article):
        return article.updated_at


class PersonSitemap(ArchiveSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return queries.people_with_public_work().order_by("pk")


class TagSitemap(ArchiveSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return queries.tags_with_public_articles().order_by("pk")

    def location(self, tag) -> str:
        return reverse("archive:tag", kwargs={"slug": tag.slug})


SITEMAPS = {
    "issues": IssueSitemap,
    "articles": ArticleSitemap,
    "people": PersonSitemap,
    "tags": TagSitemap,
}
