"""Refuse requests carrying a NUL character before any view or database sees them.

PostgreSQL text cannot hold NUL (0x00), so a ``%00`` in a path segment or a parameter that
reaches a query raises ``DataError`` there: a 500. No page of the archive, the admin or the API
has a use for NUL, so one check here answers 400 for all of them instead of one check per view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

NUL = "\x00"
# Only form bodies are parsed into request.POST; other bodies (JSON for the API) are left
# unread here so views can still read request.body themselves.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_nul(params) -> bool:
    """Return whether any key or value of a QueryDict contains NUL."""
    return any(NUL in key or any(NUL in value for value in values) for key, values in params.lists())


def request_has_nul(request: HttpRequest) -> bool:
    """Return whether the path, the query string or a form field of a request contains NUL.

    The path and the parameters are checked after percent-decoding (``%00``) and the raw query
    string before it, so both a literal NUL byte and an encoded one are caught.
    """
    if NUL in request.path_info or NUL in request.path:
        return True
    if NUL in request.META.get("QUERY_STRING", "") or _has_nul(request.GET):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return _has_nul(request.POST)
    return False


class RejectNulMiddleware:
    """Answer 400 Bad Request, in plain text, to a request with NUL in its path or parameters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return HttpResponseBadRequest(
                _("请求的地址或参数中含有空字符（NUL），无法处理。"),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
