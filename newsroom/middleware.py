"""Refuse requests carrying a NUL character before any view or database sees them.

PostgreSQL text cannot hold NUL (0x00), so a ``%00`` in a path segment or a parameter that
reaches a query raises ``DataError`` there: a 500. No page of the archive, the admin or the API
has a use for NUL, so one check here answers 400 for all of them instead of one check per view.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

NUL = "\x00"
# Only form bodies are parsed into request.POST; other bodies (JSON for the API) are left
# unread here so views can still read request.body themselves.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The API answers errors as JSON (newsroom/urls.py mounts it here).
API_PREFIX = "/api/"


def _nul_key(params) -> str | None:
    """Return the name of the first parameter whose name or value contains NUL, or None."""
    for key, values in params.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "\\x00")
    return None


def find_nul(request: HttpRequest) -> str | None:
    """Return where a request carries NUL: "path", a parameter's name, or None.

    The path and the parameters are checked after percent-decoding (``%00``) and the raw query
    string before it, so both a literal NUL byte and an encoded one are caught.
    """
    if NUL in request.path_info or NUL in request.path:
        return "path"
    found = _nul_key(request.GET)
    if found is None and NUL in request.META.get("QUERY_STRING", ""):
        found = "query string"
    if found is None and request.method == "POST" and request.content_type in FORM_TYPES:
        found = _nul_key(request.POST)
    return found


class RejectNulMiddleware:
    """Answer 400 Bad Request naming the path or parameter that carries NUL.

    Plain text for pages; for the API, JSON in the API's own error shape
    ({"detail", "errors": {name: [messages]}}, see newsroom/api/exceptions.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = find_nul(request)
        if where is None:
            return self.get_response(request)
        message = _("含有空字符（NUL），无法处理。")
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": _("请求无效（%(errors)s）") % {"errors": f"{where}: {message}"},
                 "errors": {where: [message]}},
                status=400,
            )
        return HttpResponseBadRequest(
            _("请求有误：%(where)s %(message)s") % {"where": where, "message": message},
            content_type="text/plain; charset=utf-8",
        )


class LanguageMiddleware(LocaleMiddleware):
    """Choose the interface language as Django does, and say that the choice depends on it.

    The language comes from the reader's choice in the language switch (the language
    cookie) first, then the browser's Accept-Language, then LANGUAGE_CODE (Simplified
    Chinese). Django's own middleware adds only `Vary: Accept-Language`, so a browser or
    proxy could give a reader who chose English the Chinese copy of a page it kept.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        return response
