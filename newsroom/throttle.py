"""Adapt django-axes, which refuses logins after too many failures, to the newsroom's login page.

django-axes (settings: AUTHENTICATION_BACKENDS, AXES_*) counts failed logins per username and
client address in the database, so every worker and server sees the same count. These two
callables are what it asks of the project: how to spell the username it counts under, and what
a locked-out client sees.
"""

from __future__ import annotations

from axes.helpers import get_lockout_message
from django.conf import settings
from django.http import HttpRequest, HttpResponse


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """Return the username failures are counted under, case-folded: EDITOR and editor count
    together, so changing the case buys no extra guesses."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return None if username is None else str(username).casefold()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """Return the login page the view rendered, as 429 Too Many Requests.

    The page already says why: templates/admin/login.html shows the lockout message when
    django-axes has marked the request (``request.axes_locked_out``).
    """
    if original_response is None:
        return HttpResponse(get_lockout_message(), status=settings.AXES_HTTP_RESPONSE_CODE)
    original_response.status_code = settings.AXES_HTTP_RESPONSE_CODE
    return original_response


def client_ip(request: HttpRequest) -> str:
    """Return the address a request came from: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT``
    proxies the address the outermost of them saw (X-Forwarded-For, counted from the right, so
    a client cannot choose it by sending the header itself)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
