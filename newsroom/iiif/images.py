"""The IIIF Image API 3.0 service of page scans: the base URI, info.json and the images.

A page scan's service is ``/iiif/3/<identifier>`` (zjgrrb_2021-03-19_1_2: paper, date, edition,
page). Each view finds the page in one query, from the identifier and the reader:
``Page.objects.by_iiif_identifier(...).with_scan_visible_to(user)``, so a scan that does not
exist and one withheld from readers (a withdrawn article on the page) answer the same 404.
Only then is the request read (newsroom/scans/iiif.py: 400 for a malformed one, 501 for
upscaling) and the image made (newsroom/scans/raster.py) or read from the derivative cache
(newsroom/scans/derivatives.py).

Every answer carries ``Access-Control-Allow-Origin: *`` (viewers on other sites) and
``X-Content-Type-Options: nosniff``. A scan readers may see is ``public, max-age=300``; one
only staff see (withheld) is ``private, no-store``. Images and info.json have ETags (the
scan's hash and the request spelled out; info.json's from its bytes) and answer
If-None-Match with 304.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _

from newsroom.models import Page, sees_unpublished
from newsroom.scans import derivatives, iiif, raster
from newsroom.siteurl import absolute_url

logger = logging.getLogger(__name__)

CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
PROFILE_URI = f"http://iiif.io/api/image/3/{iiif.PROFILE}.json"
LD_JSON = f'application/ld+json;profile="{CONTEXT}"'
PUBLIC = "public, max-age=300"
PRIVATE = "private, no-store"
METHODS = "GET, HEAD, OPTIONS"


def iiif_view(view):
    """Answer GET and HEAD with the view, OPTIONS as a CORS preflight; CORS and nosniff on all."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = METHODS
            response["Access-Control-Allow-Methods"] = METHODS
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, Range"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method not in ("GET", "HEAD"):
            response = _text(_("只支持 GET 和 HEAD 请求。"), 405)
            response["Allow"] = METHODS
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Link"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    return wrapper


def _text(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _not_found() -> HttpResponse:
    # The same answer whether the page, its scan or the reader's right to see it is missing.
    return _text(_("没有这幅版面图。"), 404)


def _scan_page(request: HttpRequest, identifier: str) -> tuple[Page, bool] | None:
    """Return the page whose scan the identifier names and this user may see, and whether readers may."""
    if not identifier.isascii():
        # Identifiers are ASCII; "²" would pass the lookup's isdigit() and fail its int().
        return None
    staff = sees_unpublished(request.user)
    pages = (Page.objects.by_iiif_identifier(identifier).with_scan_visible_to(request.user)
             .select_related("issue__publication"))
    if staff:
        pages = pages.annotate_scan_withheld()
    page = pages.first()
    if page is None:
        return None
    return page, not (staff and page.scan_withheld)


def _base_url(page: Page, request: HttpRequest) -> str:
    return absolute_url(reverse("iiif:image-base", kwargs={"identifier": page.iiif_identifier}), request)


def _finish(response: HttpResponse, request: HttpRequest, *, public: bool, etag: str | None = None,
            link: str | None = None) -> HttpResponse:
    """Add the caching headers (and answer 304 when the client's copy is current)."""
    response["Cache-Control"] = PUBLIC if public else PRIVATE
    if link:
        response["Link"] = link
    if etag:
        response["ETag"] = etag
        return get_conditional_response(request, etag=etag, response=response)
    return response


@iiif_view
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Answer an address under /iiif/3/ that names no image (e.g. an identifier with a slash)."""
    return _not_found()


@iiif_view
def image_base(request: HttpRequest, identifier: str) -> HttpResponse:
    """Redirect the image service's base URI to its info.json (303 See Other, as section 2 says)."""
    found = _scan_page(request, identifier)
    if found is None:
        return _not_found()
    page, public = found
    response = HttpResponse(status=303)
    response["Location"] = _base_url(page, request) + "/info.json"
    return _finish(response, request, public=public)


def info_document(page: Page, base_url: str) -> dict:
    """Return a scan's image information (section 5): its size, tiles, sizes and what is served."""
    width, height, max_area = page.scan_width, page.scan_height, settings.IIIF_MAX_AREA
    return {
        "@context": CONTEXT,
        "id": base_url,
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": iiif.PROFILE,
        "width": width,
        "height": height,
        "maxArea": max_area,
        "sizes": iiif.sizes(width, height, max_area),
        "tiles": [{"width": iiif.TILE_SIZE, "height": iiif.TILE_SIZE,
                   "scaleFactors": iiif.scale_factors(width, height)}],
        "extraQualities": iiif.EXTRA_QUALITIES,
        "extraFeatures": iiif.EXTRA_FEATURES,
    }


@iiif_view
def image_info(request: HttpRequest, identifier: str) -> HttpResponse:
    """Return the scan's info.json: JSON-LD, or plain JSON for a client that asks only for that."""
    found = _scan_page(request, identifier)
    if found is None:
        return _not_found()
    page, public = found
    content_type = LD_JSON
    if request.get_preferred_type(["application/ld+json", "application/json"]) == "application/json":
        content_type = "application/json"
    body = json.dumps(info_document(page, _base_url(page, request)), ensure_ascii=False, indent=2).encode()
    etag = f'"{hashlib.sha256(body + content_type.encode()).hexdigest()[:32]}"'
    response = HttpResponse(body, content_type=content_type)
    patch_vary_headers(response, ["Accept"])
    return _finish(response, request, public=public, etag=etag,
                   link=f'<{PROFILE_URI}>;rel="profile"')


@iiif_view
def image(request: HttpRequest, identifier: str, region: str, size: str, rotation: str, quality: str,
          format: str) -> HttpResponse:
    """Return the image a request asks for, from the derivative cache or made now (and kept)."""
    found = _scan_page(request, identifier)
    if found is None:
        return _not_found()
    page, public = found
    try:
        wanted = iiif.parse(region, size, rotation, quality, format, width=page.scan_width,
                            height=page.scan_height, max_area=settings.IIIF_MAX_AREA)
    except iiif.RequestError as error:
        return _text(_("无法提供该图像：%(reason)s") % {"reason": error.message}, error.status)
    key = wanted.key
    digest = hashlib.sha256(f"{page.scan_sha256}\n{derivatives.RENDER_VERSION}\n{key}".encode())
    etag = f'"{digest.hexdigest()[:32]}"'
    base = _base_url(page, request)
    link = f'<{base}/{wanted.canonical}>;rel="canonical", <{PROFILE_URI}>;rel="profile"'
    # A client whose copy is current (If-None-Match) is answered before anything is read or made.
    answer = _finish(HttpResponse(), request, public=public, etag=etag, link=link)
    if answer.status_code != 200:
        return answer
    path = derivatives.image_path(page.scan_sha256, key, wanted.format)
    data = derivatives.read(path)
    if data is None:
        try:
            source = raster.pixels(page, wanted.reduction)
        except (raster.RasterError, OSError):
            logger.exception("IIIF: the scan of %s cannot be read", page.iiif_identifier)
            return _text(_("版面图文件无法读取。"), 500)
        data = iiif.encode(iiif.make_image(source.image, wanted, source.scale), wanted.format)
        derivatives.write(path, data)
    response = HttpResponse(data, content_type=wanted.content_type)
    response["Content-Disposition"] = f'inline; filename="{page.iiif_identifier}.{wanted.format}"'
    return _finish(response, request, public=public, etag=etag, link=link)
