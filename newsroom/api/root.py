"""The API's front door, /api/v1/: its collections as JSON, and a page for people who open it.

A program asking for JSON gets the collections and their addresses, as DRF's root view gives
them. A browser (the archive's footer links here) gets a page in the reader's language that
says what the API offers, how to page and authenticate, and links the documentation and the
schema, instead of DRF's English "Api Root" page.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.routers import APIRootView, DefaultRouter


class LandingPageRenderer(TemplateHTMLRenderer):
    """Render the root's collections into the landing page (the data is their addresses)."""

    template_name = "api/landing.html"

    def get_template_context(self, data, renderer_context):
        request = renderer_context["request"]
        return {
            "collections": sorted(data.items()),
            "docs_url": reverse("api:docs"),
            "schema_url": reverse("api:schema"),
            "request": request,
        }


class APIRoot(APIRootView):
    """List the API's collections: JSON for programs, the landing page for browsers."""

    renderer_classes = [JSONRenderer, LandingPageRenderer]


class Router(DefaultRouter):
    """DRF's router with our root view."""

    APIRootView = APIRoot
