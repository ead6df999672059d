"""The API's viewsets: querysets from the core's visibility methods, filters, and thin actions.

Every list uses a fixed number of queries whatever its length: the related rows
come from select_related / prefetch_related, never one query per row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from taggit.models import Tag, TaggedItem

from newsroom.api import filters, ninjs
from newsroom.api.citations import CitationMixin
from newsroom.api.edits import ArticleEditSerializer, ErrorSerializer, PreconditionErrorSerializer
from newsroom.api.permissions import ReadOnlyOrEditor, StaffReadEditorWrite
from newsroom.api.querysets import (
    article_list_queryset,
    article_queryset,
    article_summary_queryset,
    credits_with_people,
    prefetch_parts,
)
from newsroom.api.quicklist import summary_page, wants_quick_list
from newsroom.api.rendering import PlainTextRenderer
from newsroom.api.serializers import (
    AdvertisementSerializer,
    ArticleSerializer,
    ArticleSummarySerializer,
    IssueSerializer,
    OriginalTextSerializer,
    PersonSerializer,
    PhotoSerializer,
    PublicationSerializer,
    ReviewFlagSerializer,
    TagSerializer,
)
from newsroom.editorial import FlagError, StaleEditError, accept_flag, edit_article, undo_flag
from newsroom.models import (
    Advertisement,
    Article,
    Issue,
    Page,
    Person,
    PersonRedirect,
    Photo,
    Publication,
    ReviewFlag,
)
from newsroom.pagecache import cached_data
from newsroom.siteurl import absolute_url

ID = r"\d+"  # path ids are digits; anything else is a 404 before any query

SUMMARY, FULL = "summary", "full"
FIELDS_PARAMETER = OpenApiParameter(
    "fields", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=[SUMMARY, FULL],
    description=(
        "`summary` (default): each result is an `ArticleSummary`, without the body. `full`: each "
        "result is the whole `Article` as `articles/{id}/` answers it (`blocks`, `body_html`, "
        "`body_text`, `credits`, `photos`, ...), for harvesting bodies in bulk; it is a superset "
        "of the summary."
    ),
)

ETAG_HEADER = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True,
    description="The version's entity tag; send it back in If-Match to edit.",
)


class CachedForReadersMixin:
    """Answer anonymous lists from the page cache while the archive has not changed.

    See newsroom/pagecache.py: the key holds the archive's generation, the address and the
    language; staff (who may see withdrawn articles) are always answered afresh.
    """

    def list(self, request, *args, **kwargs):
        # The cache holds the data before rendering: a hit is rendered for this request.
        return cached_data(
            request,
            lambda: super(CachedForReadersMixin, self).list(request, *args, **kwargs),
            data_of=lambda response: response.data,
            restore=Response,
        )


class OrderedByFilterSetMixin:
    """Tell the cursor pagination which sort keys it may compare (the FilterSet's)."""

    @property
    def keyset_fields(self):
        return self.filterset_class.keyset_fields()


class QuickListMixin:
    """Answer a list of summaries that names no filter from compiled queries, as plain rows
    (newsroom/api/quicklist.py: the same answer, without a FilterSet, QuerySet or model per
    request); any other list takes DRF's path. Below the page cache: anonymous lists are
    still answered from it."""

    def list(self, request, *args, **kwargs):
        if wants_quick_list(self):
            data = summary_page(self)
            if data is not None:
                return self.get_paginated_response(data)
        return super().list(request, *args, **kwargs)


# --- publications and issues -----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List the papers", tags=["issues"]),
    retrieve=extend_schema(summary="One paper", tags=["issues"]),
)
class PublicationViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Newspapers whose issues the archive holds."""

    queryset = Publication.objects.all()
    serializer_class = PublicationSerializer
    filterset_class = filters.PublicationFilterSet
    lookup_value_regex = ID


@extend_schema_view(
    list=extend_schema(summary="List issues, newest first", tags=["issues"]),
    retrieve=extend_schema(summary="One issue, with its articles' headlines", tags=["issues"]),
)
class IssueViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Issues (期): one day's paper, with the headlines of the articles the client may see.

    Queries for a list: the issues (publication joined), then their visible articles.
    """

    serializer_class = IssueSerializer
    filterset_class = filters.IssueFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        user = self.request.user
        issues = Issue.objects.visible_to(user)
        return issues.select_related("publication").prefetch_related(
            Prefetch("pages", queryset=Page.objects.with_staff().order_by("number")),
            Prefetch(
                "articles",
                queryset=Article.objects.visible_to(user).as_read().order_by("page", "position").only(
                    "id", "issue_id", "page", "position", "kind", "kicker", "headline", "subheadline"
                ),
            )
        )

    @extend_schema(
        summary="One issue as an IPTC ninjs 2.x package",
        tags=["ninjs"],
        filters=False,
        responses={200: ninjs.NinjsPackageSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def ninjs(self, request, pk=None):
        """Return the issue as a ninjs composite whose associations are its articles and photos."""
        user = request.user
        issues = Issue.objects.visible_to(user)
        issue = get_object_or_404(issues.select_related("publication"), pk=pk)
        articles = article_queryset(user).filter(issue=issue).order_by("page", "position")
        # The article's own issue is this one: reuse it rather than join it again.
        standalone = (
            Photo.objects.visible_to(user).filter(issue=issue, article__isnull=True)
            .order_by("page", "position").prefetch_related(credits_with_people())
        )
        data = ninjs.issue_ninjs(issue, articles, standalone, request=request)
        return Response(data)


# --- articles ---------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List and search articles",
        tags=["articles"],
        description=(
            "Articles the client may see, newest issue first. Filter by date, paper, page, kind, "
            "contributor, role, tag, correction status and open flags; search with `q` "
            "(results then carry a highlighted `snippet`). Follow `next` to harvest everything.\n\n"
            "Each result is a summary (headlines, byline, lead paragraph, tags, review state); "
            "the body, its HTML and the photos are in `articles/{id}/`, or in the list itself "
            "with `fields=full`."
        ),
        parameters=[FIELDS_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="One article", tags=["articles"], responses={200: OpenApiResponse(ArticleSerializer)},
        parameters=[ETAG_HEADER],
    ),
    partial_update=extend_schema(
        summary="Correct an article (editors)",
        tags=["articles"],
        description=(
            "Change the text fields and tags of the version named in `If-Match` (its ETag). "
            "The change is recorded in the article's history with your account."
        ),
        request=ArticleEditSerializer,
        parameters=[
            OpenApiParameter(
                "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                description="The ETag of the version you edited (from GET).",
            ),
            ETAG_HEADER,
        ],
        responses={
            200: ArticleSerializer,
            412: OpenApiResponse(PreconditionErrorSerializer, description="Someone saved a newer version."),
            428: OpenApiResponse(PreconditionErrorSerializer, description="If-Match is missing."),
        },
    ),
)
class ArticleViewSet(
    CitationMixin,
    CachedForReadersMixin,
    OrderedByFilterSetMixin,
    QuickListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles: the text, its byline, photos, tags and review state.

    Queries for a list: articles, credits, tags (3; with `q` also photo captions, 4); with
    `fields=full`: articles, credits, photos, photo credits, tags (5); whatever its length;
    when some of the page's articles jump (下转), the parts continuing them (1 more; in full
    4: the parts, their credits, photos, photo credits).
    """

    serializer_class = ArticleSerializer
    filterset_class = filters.ArticleFilterSet
    permission_classes = [ReadOnlyOrEditor]
    lookup_value_regex = ID
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        if self.wants_full_articles():
            articles = article_list_queryset(user) if self.action == "list" else article_queryset(user)
        else:
            articles = article_summary_queryset(
                user, captions=bool(self.request.query_params.get("q", "").strip()))
        # A list holds each continued article once; a part's own address still answers staff.
        return articles.as_read() if self.action == "list" else articles

    def get_serializer_class(self):
        return ArticleSerializer if self.wants_full_articles() else ArticleSummarySerializer

    def paginate_queryset(self, queryset):
        articles = super().paginate_queryset(queryset)
        if articles is not None:
            # The parts continuing the page's articles that jump, and only theirs.
            prefetch_parts(articles, full=self.wants_full_articles())
        return articles

    def wants_full_articles(self) -> bool:
        """Return whether to answer full articles: always but in a list, there with `fields=full`."""
        if self.action != "list" or self.request is None:
            return True
        fields = self.request.query_params.get(FIELDS_PARAMETER.name, SUMMARY)
        if fields not in (SUMMARY, FULL):
            raise ValidationError({FIELDS_PARAMETER.name: [_("请使用 summary（默认，不含正文）或 full（含正文和图片）。")]})
        return fields == FULL

    def get_serializer_context(self):
        context = super().get_serializer_context()
        query = self.request.query_params.get("q", "").strip() if self.request else ""
        # The snippet shows only when the search itself was valid and ran.
        context["q"] = query if self.action == "list" else ""
        return context

    def retrieve(self, request, *args, **kwargs):
        article = self.get_object()
        return Response(self.get_serializer(article).data, headers={"ETag": article.etag})

    def partial_update(self, request, *args, **kwargs):
        article = self.get_object()
        refused = self._check_if_match(request, article)
        if refused:
            return refused
        edit = ArticleEditSerializer(data=request.data)
        edit.is_valid(raise_exception=True)
        changes = dict(edit.validated_data)
        tags = changes.pop("tags", None)
        try:
            edit_article(
                article, changes=changes, expected_version=article.version, user=request.user, tags=tags
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        except StaleEditError:
            current = Article.objects.only("pk", "version").get(pk=article.pk)
            return self._precondition(status.HTTP_412_PRECONDITION_FAILED, current,
                                      _("文章已被他人修改：请重新读取后再编辑。"))
        article = self.get_object()
        return Response(self.get_serializer(article).data, headers={"ETag": article.etag})

    def _check_if_match(self, request, article: Article) -> Response | None:
        """Return a 428 or 412 response unless If-Match names the article's current version."""
        header = request.headers.get("If-Match", "").strip()
        if not header or header == "*":
            return self._precondition(
                status.HTTP_428_PRECONDITION_REQUIRED, article,
                _("请在 If-Match 请求头中提供所编辑版本的 ETag（见 GET 响应）。"),
            )
        offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if article.etag not in offered:
            return self._precondition(
                status.HTTP_412_PRECONDITION_FAILED, article,
                _("文章已被他人修改：请重新读取后再编辑。"),
            )
        return None

    @staticmethod
    def _precondition(code: int, article: Article, message: str) -> Response:
        return Response(
            {"detail": message, "version": article.version, "etag": article.etag},
            status=code,
            headers={"ETag": article.etag},
        )

    @extend_schema(
        summary="The verbatim OCR text of an article",
        tags=["articles"],
        filters=False,
        responses={
            (200, "application/json"): OriginalTextSerializer,
            (200, "text/plain"): OpenApiTypes.STR,
        },
    )
    @action(
        detail=True, methods=["get"], pagination_class=None, filterset_class=None,
        renderer_classes=[JSONRenderer, PlainTextRenderer],
    )
    def original(self, request, pk=None):
        """Return the lines of the OCR file that made this article, as JSON or text/plain."""
        article = get_object_or_404(
            Article.objects.visible_to(request.user).select_related("issue__source"), pk=pk
        )
        if request.accepted_renderer.format == PlainTextRenderer.format:
            return Response(article.original_text)
        return Response(OriginalTextSerializer(article).data)

    @extend_schema(
        summary="One article as IPTC ninjs 2.x",
        tags=["ninjs"],
        filters=False,
        responses={200: ninjs.NinjsArticleSerializer},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def ninjs(self, request, pk=None):
        """Return the article as a ninjs text item (withdrawn articles: staff only, `withheld`)."""
        article = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(ninjs.article_ninjs(article, request=request))


# --- photos, advertisements, people, tags -----------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List photos", tags=["photos and advertisements"]),
    retrieve=extend_schema(summary="One photo", tags=["photos and advertisements"]),
)
class PhotoViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Photos with their captions and photographers; a withdrawn article's photos are staff only.

    Queries for a list: photos (issue and publication joined), then credits+people.
    """

    serializer_class = PhotoSerializer
    filterset_class = filters.PhotoFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        return (
            Photo.objects.visible_to(self.request.user)
            .select_related("issue__publication")
            .annotate(issue_date=F("issue__date"), issue_edition=F("issue__edition"))
            .prefetch_related(credits_with_people())
        )


@extend_schema_view(
    list=extend_schema(summary="List advertisements", tags=["photos and advertisements"]),
    retrieve=extend_schema(summary="One advertisement", tags=["photos and advertisements"]),
)
class AdvertisementViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Advertisements as printed. Queries for a list: one (issue and publication joined)."""

    serializer_class = AdvertisementSerializer
    filterset_class = filters.AdvertisementFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        return Advertisement.objects.visible_to(self.request.user).select_related("issue__publication").annotate(
            issue_date=F("issue__date"), issue_edition=F("issue__edition")
        )


MERGED_PERSON = inline_serializer("MergedPerson", {
    "detail": drf_serializers.CharField(help_text="That the person was merged into another."),
    "merged_into": drf_serializers.IntegerField(help_text="The id of the person kept."),
    "url": drf_serializers.URLField(help_text="The kept person's address, also in `Location`."),
})


@extend_schema_view(
    list=extend_schema(summary="List contributors", tags=["people and tags"]),
    retrieve=extend_schema(
        summary="One contributor",
        description="A person an editor merged into another answers 301 with `Location` (and "
        "`merged_into` in the body) pointing at the person kept.",
        tags=["people and tags"],
        responses={
            200: PersonSerializer,
            301: OpenApiResponse(MERGED_PERSON, description="Merged into another person."),
            404: OpenApiResponse(ErrorSerializer, description="No such person."),
        },
    ),
)
class PersonViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Contributors credited on articles and photos. Queries for a list: people, then aliases."""

    serializer_class = PersonSerializer
    filterset_class = filters.PersonFilterSet
    lookup_value_regex = ID
    queryset = Person.objects.prefetch_related("aliases")

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            kept = PersonRedirect.objects.kept_person(self.kwargs.get(self.lookup_field))
            if kept is None:
                raise
        url = absolute_url(reverse("api:person-detail", kwargs={"pk": kept.pk}), request)
        query = request.GET.urlencode()
        url = f"{url}?{query}" if query else url
        body = {"detail": _("这位作者已并入另一位作者。"), "merged_into": kept.pk, "url": url}
        return Response(body, status=status.HTTP_301_MOVED_PERMANENTLY, headers={"Location": url})


@extend_schema_view(
    list=extend_schema(summary="List tags", tags=["people and tags"]),
    retrieve=extend_schema(summary="One tag", tags=["people and tags"]),
)
class TagViewSet(CachedForReadersMixin, OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """Tags on articles, with how many visible articles carry each; tags on none are left out.

    Queries for a list: one (the count is a subquery).
    """

    serializer_class = TagSerializer
    filterset_class = filters.TagFilterSet
    lookup_value_regex = ID

    def get_queryset(self):
        articles = Article.objects.visible_to(self.request.user)
        tagged = (
            TaggedItem.objects.filter(tag=OuterRef("pk"), object_id__in=articles.values("pk"))
            .filter(content_type__app_label="newsroom", content_type__model="article")
            .order_by()
            .values("tag")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            Tag.objects.annotate(article_count=Coalesce(Subquery(tagged, output_field=IntegerField()), Value(0)))
            .filter(article_count__gt=0)
        )


# --- review flags -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List review flags (staff)", tags=["review"]),
    retrieve=extend_schema(summary="One review flag (staff)", tags=["review"]),
)
class ReviewFlagViewSet(OrderedByFilterSetMixin, viewsets.ReadOnlyModelViewSet):
    """What the importer repaired or doubted; staff read them, editors accept or undo them.

    Queries for a list: one (the resolving user joined).
    """

    serializer_class = ReviewFlagSerializer
    filterset_class = filters.ReviewFlagFilterSet
    permission_classes = [StaffReadEditorWrite]
    lookup_value_regex = ID
    staff_only = True
    queryset = ReviewFlag.objects.select_related("resolved_by")

    @extend_schema(
        summary="Accept a flag: keep the importer's repair (editors)",
        tags=["review"],
        request=None,
        responses={200: ReviewFlagSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._resolve(accept_flag)

    @extend_schema(
        summary="Undo a flag: put the text before the repair back (editors)",
        tags=["review"],
        request=None,
        responses={200: ReviewFlagSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        return self._resolve(undo_flag)

    def _resolve(self, operation):
        flag = self.get_object()
        try:
            operation(flag, user=self.request.user)
        except FlagError as exc:
            # Not undoable, or resolved already: the flag's state conflicts with the request.
            return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
        return Response(self.get_serializer(self.get_object()).data)

