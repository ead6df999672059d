"""Errors as JSON with one clear message, and the per-parameter messages beside it."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
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
