"""The archive's absolute addresses: one rule for canonical links, feeds, sitemaps and the API.

In production every absolute address starts with SITE_URL (https), whatever host a request
came to, so crawlers and news systems see one canonical address. With DEBUG on (``make demo
PORT=8101``, a laptop) addresses follow the request instead, so every link points at the
server the reader is actually using. A system check refuses to run in production without an
https SITE_URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


def site_root(request=None) -> str:
    """Return scheme://host[/prefix] that absolute addresses start with (no trailing slash)."""
    if settings.DEBUG and request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    site = settings.SITE_URL.rstrip("/")
    if site:
        return site
    if settings.DEBUG:
        return "http://127.0.0.1:8000"
    raise ImproperlyConfigured(
        "Set SITE_URL to the archive's public https address, e.g. SITE_URL=https://archive.example.org"
    )


def absolute_url(path: str, request=None) -> str:
    """Return a site path (/articles/1/) as an absolute address (see the module's rule)."""
    return site_root(request) + path


@register()
def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    """Return an error when production (DEBUG off) has no https SITE_URL to build links on."""
    if settings.DEBUG:
        return []
    site = settings.SITE_URL
    if not site:
        return [Error(
            "SITE_URL is not set: feeds, the sitemap, canonical links and the API's "
            "archive_url need the archive's public address.",
            hint="Set SITE_URL=https://archive.example.org (your address), or DEBUG=1 for development.",
            id="newsroom.E001",
        )]
    parts = urlsplit(site)
    if parts.scheme != "https" or not parts.netloc:
        return [Error(
            f"SITE_URL={site!r} is not an https address: canonical links and feeds would "
            "send readers and crawlers to an insecure or broken address.",
            hint="Use the public https address, e.g. SITE_URL=https://archive.example.org",
            id="newsroom.E002",
        )]
    return []
