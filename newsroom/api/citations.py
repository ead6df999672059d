"""An article's citation in the API: every format the article page offers, from the same record."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from newsroom.lib.citations import bibtex, csl_item, gb7714, ris
from newsroom.models.citations import cite
from newsroom.models.credits import credits_of_parts
from newsroom.siteurl import absolute_url


class CitationSerializer(serializers.Serializer):
    """The article's citation: GB/T 7714-2015 ([N/OL], numbered [1]), BibTeX, RIS (CR LF lines) and a CSL-JSON item."""

    gb7714 = serializers.CharField()
    bibtex = serializers.CharField()
    ris = serializers.CharField()
    csl_json = serializers.JSONField(help_text="A CSL-JSON item of type article-newspaper.")
    accessed = serializers.DateField(help_text="The date of access the citations give: today.")


class CitationMixin:
    """Adds ``GET /articles/{id}/citation/`` to the article viewset (its queryset decides who sees what)."""

    @extend_schema(summary="An article's citation in GB/T 7714, BibTeX, RIS and CSL-JSON", tags=["articles"],
                   filters=False, responses={200: CitationSerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def citation(self, request, pk=None):
        article = get_object_or_404(self.get_queryset().select_related("issue__publication"), pk=pk)
        parts = article.parts()
        work = cite(article, parts=parts, credits=credits_of_parts(parts),
                    tags=list(article.tags.order_by("name")),
                    url=absolute_url(article.get_absolute_url(), request), accessed=timezone.localdate())
        return Response({"gb7714": gb7714(work), "bibtex": bibtex(work), "ris": ris(work),
                         "csl_json": csl_item(work), "accessed": work.accessed})
