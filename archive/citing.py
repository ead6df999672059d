"""Citing an article: its citation in every format, on its page and as a download.

The record is ``newsroom.models.citations.cite``; the formats are newsroom/lib/citations.py.
The download (``/articles/<id>/cite.<format>``) answers as the article page does: 404 for no
such article or format, 410 for a withdrawn one, a permanent redirect from a part continuing
another to the article it belongs to.
"""

from __future__ import annotations

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive import queries
from newsroom.lib.citations import FORMATS, Work, meta_tags, write
from newsroom.models.citations import cite
from newsroom.siteurl import site_root


def work_of(article, parts, credits, tags, request: HttpRequest) -> Work:
    """Return the article's citation record, its address absolute and today its date of access."""
    url = site_root(request) + article.get_absolute_url()
    return cite(article, parts=parts, credits=credits, tags=tags, url=url,
                accessed=timezone.localdate())


_SENTINEL = 918_273_645_546_372
_PATHS: dict = {}


@receiver(setting_changed)
def _forget_paths(**kwargs) -> None:
    _PATHS.clear()  # a test changed the URLconf, say


def download_paths(pk: int) -> list[str]:
    """Return the download address of each format (FORMATS' order) for an article: reversed once
    per URL prefix and URLconf, the id put in its place (an int route: it appears once, unquoted)."""
    key = (get_script_prefix(), get_urlconf())
    pieces = _PATHS.get(key)
    if pieces is None:
        pieces = _PATHS[key] = [
            reverse("archive:article-citation", kwargs={"pk": _SENTINEL, "fmt": name}).split(str(_SENTINEL))
            for name in FORMATS
        ]
    return [f"{before}{int(pk)}{after}" for before, after in pieces]


def context(work: Work, article) -> dict:
    """What the article page shows of its citation: each format's text and download address, the meta tags."""
    citations = [
        {"name": fmt.name, "label": fmt.label, "text": write(work, fmt.name), "url": url}
        for fmt, url in zip(FORMATS.values(), download_paths(article.pk), strict=True)
    ]
    return {
        "citations": citations,
        "citation_meta": meta_tags(work),
        "citation_gbt": next(c["text"] for c in citations if c["name"] == "gb7714"),
    }


@require_safe
def article_citation(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Return an article's citation in one format, as a file a reference manager opens."""
    if fmt not in FORMATS:
        raise Http404(_("没有这种引用格式。"))
    article = queries.article_with_state(pk)
    if article is None:
        raise Http404(_("没有这篇文章。"))
    if not article.is_public:
        return render(request, "410.html", status=410)
    if article.continues_id is not None:
        first = article.first_part()
        return HttpResponsePermanentRedirect(reverse("archive:article-citation", kwargs={"pk": first.pk, "fmt": fmt}))
    parts = article.parts()
    work = work_of(article, parts, queries.credits_of_parts(parts), list(article.tags.order_by("name")), request)
    format_ = FORMATS[fmt]
    response = HttpResponse(write(work, fmt), content_type=format_.content_type)
    response["Content-Disposition"] = f'attachment; filename="{work.key}.{format_.extension}"'
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
