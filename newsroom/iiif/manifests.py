"""The IIIF Presentation API: an issue's manifest (newsroom/iiif/presentation.py builds it).

``GET /iiif/3/manifests/zjgrrb_2021-03-19_1/manifest.json`` answers the manifest of the issue
the identifier names, for this user: 404 when the user may not see the issue (no public
article, for a reader) or no scan of it (a manifest without a canvas shows nothing in a viewer).
It answers conditional requests from the issue's stamps (one query for a 304), is served to
anonymous readers from the page cache (newsroom/pagecache.py: keyed by those stamps), and may
be read by a viewer on any site, as the images are (``iiif_view``: CORS, nosniff, OPTIONS; a
cross-site request carries no cookie, so it is always a reader's manifest).
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from django.views.decorators.vary import vary_on_cookie

from newsroom.iiif import presentation
from newsroom.iiif.images import iiif_view
from newsroom.models import sees_unpublished
from newsroom.pagecache import cached_public_page


def _cache_control(view):
    """Say who may keep an answer: a reader's manifest anyone, revalidated before each use (a
    304 costs one query), so a withdrawal shows at once; staff's (withheld pages, withdrawn
    articles) no one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store" if sees_unpublished(request.user) else "public, no-cache"
        return response

    return wrapper


def _issue(request: HttpRequest, identifier: str):
    """Return (and remember on the request) the issue the identifier names if the user may see it."""
    if not hasattr(request, "_iiif_issue"):
        request._iiif_issue = presentation.manifest_issue(identifier, request.user)
    return request._iiif_issue


def _etag(request: HttpRequest, identifier: str) -> str | None:
    issue = _issue(request, identifier)
    if issue is None:
        return None
    viewer = "staff" if sees_unpublished(request.user) else "reader"
    raw = "|".join(str(part) for part in ("manifest", presentation.SHAPE, issue.pk, viewer,
                                          *(stamp.isoformat() for stamp in presentation.manifest_stamps(issue))))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _last_modified(request: HttpRequest, identifier: str):
    issue = _issue(request, identifier)
    return max(presentation.manifest_stamps(issue)) if issue is not None else None


def _not_found(message: str) -> HttpResponse:
    return HttpResponse(message, status=404, content_type="text/plain; charset=utf-8")


@iiif_view
@_cache_control
@cached_public_page(stamp=_etag)
@vary_on_cookie
@condition(etag_func=_etag, last_modified_func=_last_modified)
def issue_manifest(request: HttpRequest, identifier: str) -> HttpResponse:
    """Answer an issue's IIIF manifest (four queries; a 304 costs one).

    Queries: the issue with its paper and stamps, its pages with a scan the user may see, the
    articles the user may see, the parts continuing them.
    """
    issue = _issue(request, identifier)
    if issue is None:
        return _not_found(_("没有这一期报纸。"))
    manifest = presentation.issue_manifest(issue, request.user, request)
    if manifest is None:
        return _not_found(_("这一期没有可以查看的版面图。"))
    body = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, content_type=presentation.MEDIA_TYPE)
