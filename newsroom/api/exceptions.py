"""Errors as JSON with one clear message, and the per-parameter messages beside it.

DRF's views answer their own errors through ``api_exception_handler``; the
handlers at the end answer Django's errors (an address no route matches, e.g.
``/api/v1/articles/abc/``, or a crash) with the same JSON under the API's prefix
and with the archive's pages everywhere else.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """Return nested serializer errors as {"field" or "field.0.sub": [messages]}."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            flat.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, value in enumerate(errors):
            flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix or "non_field_errors": [str(message) for message in messages]} if messages else {}


def api_exception_handler(exc, context):
    """Return DRF's error response, with validation errors as {"detail", "errors"}."""
    if isinstance(exc, Http404):
        # Django's message names the model in English ("No Article matches ..."); use DRF's.
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.ValidationError):
        return response
    errors = _flatten(response.data)
    summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
    response.data = {"detail": _("请求无效（%(errors)s）") % {"errors": summary}, "errors": errors}
    return response


# --- Django's error handlers (newsroom/urls.py) ---------------------------------------------------


def is_api_request(request) -> bool:
    """Return whether the request's address is under the API's prefix (/api/v1/)."""
    return request.path.startswith(reverse("api:api-root"))


def _json_error(exc: exceptions.APIException, code: int) -> JsonResponse:
    # As DRF's JSONRenderer writes it: Chinese as it is, not as \u escapes.
    return JsonResponse({"detail": str(exc.detail)}, status=code, json_dumps_params={"ensure_ascii": False})


def page_not_found(request, exception):
    """Return the API's JSON 404 under its prefix, the archive's page elsewhere."""
    if is_api_request(request):
        return _json_error(exceptions.NotFound(), status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """Return the API's JSON 400 under its prefix (e.g. a suspicious request), the page elsewhere."""
    if is_api_request(request):
        return _json_error(exceptions.ParseError(_("请求无效。")), status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """Return the API's JSON 403 under its prefix, the admin's refusal page under /admin/, the archive's page elsewhere."""
    if is_api_request(request):
        return _json_error(exceptions.PermissionDenied(), status.HTTP_403_FORBIDDEN)
    if request.path.startswith(reverse("admin:index")) and request.user.is_authenticated:
        from newsroom.admin.common import refusal_page

        return refusal_page(request, exception)
    return defaults.permission_denied(request, exception)


def server_error(request):
    """Return a JSON 500 under the API's prefix, the archive's page elsewhere."""
    if is_api_request(request):
        return _json_error(exceptions.APIException(), status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
