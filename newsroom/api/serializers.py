"""How the archive's objects look to API clients: stable field names, each documented.

Serializers only shape data: which rows a client may see is decided by the
viewsets' querysets, and every write goes through newsroom.editorial.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsroom.api.articledata import (
    LISTED_TAGS,
    article_credits,
    article_full,
    article_photos,
    article_summary,
    contributors,
    photo_image,
)
from newsroom.api.articledata import api_url as _api_url
from newsroom.api.articledata import archive_url as _archive_url
from newsroom.api.articledata import related as _related
from newsroom.api.pages import PageSerializer, manifest_url, remember_scans
from newsroom.api.rendering import blocks_html
from newsroom.lib.blocks import CROSSHEAD, PARAGRAPH
from newsroom.models import (
    Advertisement,
    Article,
    Credit,
    Issue,
    Person,
    Photo,
    Publication,
    ReviewFlag,
    Role,
    sees_unpublished,
)
from newsroom.search import snippet
from newsroom.siteurl import absolute_url


class ApiURLField(serializers.HyperlinkedIdentityField):
    """A row's own API address, built from one reversed template per response."""

    def get_url(self, obj, view_name, request, format):
        if obj.pk in (None, ""):
            return None
        return _api_url(self.context, view_name, obj.pk, format=format)


# --- small building blocks ------------------------------------------------------------------


class PublicationSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:publication-detail", help_text="This publication in the API."
    )

    class Meta:
        model = Publication
        fields = [
            "id", "url", "name", "slug", "slogan", "cn_number", "postal_code",
            "website", "email", "address", "postcode",
        ]
        extra_kwargs = {
            "name": {"help_text": "The paper's name, e.g. 浙江工人日报."},
            "slug": {"help_text": "Short identifier, used by the `publication` filter."},
            "slogan": {"help_text": "The motto printed in the masthead."},
            "cn_number": {"help_text": "China Standard Serial Number (国内统一刊号), e.g. CN33-0018."},
            "postal_code": {"help_text": "Postal distribution code (邮发代号)."},
            "website": {"help_text": "Website as printed in the masthead."},
            "email": {"help_text": "Email address as printed in the masthead."},
            "address": {"help_text": "Postal address of the paper (社址)."},
            "postcode": {"help_text": "Postcode of that address."},
        }


class PublicationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "name", "slug"]
        extra_kwargs = {
            "name": {"help_text": "The paper's name."},
            "slug": {"help_text": "Short identifier of the paper."},
        }


class IssueRefSerializer(serializers.ModelSerializer):
    """The issue an article, photo or advertisement was printed in."""

    url = ApiURLField(
        view_name="api:issue-detail", help_text="This issue in the API."
    )
    publication = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The paper's slug."
    )

    class Meta:
        model = Issue
        fields = ["id", "url", "publication", "date", "edition", "number"]
        extra_kwargs = {
            "date": {"help_text": "Publication date (Asia/Shanghai)."},
            "edition": {"help_text": "Edition of that day, 1 unless the paper printed several."},
            "number": {"help_text": "Running issue number as printed (总第N号), or null."},
        }


class PersonRefSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:person-detail", help_text="This person in the API."
    )

    class Meta:
        model = Person
        fields = ["id", "url", "name"]
        extra_kwargs = {"name": {"help_text": "Display name."}}


class CreditSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(read_only=True, help_text="Who is credited.")
    role_label = serializers.CharField(
        source="get_role_display", read_only=True, help_text="The role as the paper prints it, e.g. 记者."
    )
    printed_name = serializers.CharField(
        source="name_as_printed", read_only=True,
        help_text="The name as the paper printed it; differs from `person.name` after two records "
        "of one person were merged.",
    )

    class Meta:
        model = Credit
        fields = ["person", "printed_name", "role", "role_label", "order"]
        extra_kwargs = {
            "role": {"help_text": "The role, a stable code."},
            "order": {"help_text": "Place in the byline, from 1."},
        }


class BlockSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[PARAGRAPH, CROSSHEAD], help_text="`paragraph` or `crosshead` (小标题)."
    )
    text = serializers.CharField(help_text="The block's text, unescaped plain text.")


# --- issues ---------------------------------------------------------------------------------


class IssueArticleSerializer(serializers.ModelSerializer):
    """An article's headlines, as listed in its issue."""

    url = ApiURLField(
        view_name="api:article-detail", help_text="The full article in the API."
    )

    class Meta:
        model = Article
        fields = ["id", "url", "page", "position", "kind", "kicker", "headline", "subheadline"]
        extra_kwargs = {
            "page": {"help_text": "Page (版) number."},
            "position": {"help_text": "Reading order on the page, from 1."},
            "kind": {"help_text": "`article`, or `photo` for photo news (图片新闻)."},
            "kicker": {"help_text": "Kicker (引题) above the headline, or empty."},
            "headline": {"help_text": "Main headline."},
            "subheadline": {"help_text": "Subheadline (副题), or empty."},
        }


class IssueListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        # Which pages' scans the client may see: one question for the whole list.
        issues = list(data.all() if hasattr(data, "all") else data)
        remember_scans(self.context, issues)
        return super().to_representation(issues)


class IssueSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:issue-detail", help_text="This issue in the API."
    )
    publication = PublicationRefSerializer(read_only=True, help_text="The paper.")
    articles = IssueArticleSerializer(
        many=True, read_only=True, help_text="The articles the client may see, in page order."
    )
    pages = PageSerializer(many=True, read_only=True, help_text="The issue's pages (版) as read, in order.")
    archive_url = serializers.SerializerMethodField(help_text="The issue on the public archive.")
    ninjs_url = serializers.SerializerMethodField(help_text="The issue as an IPTC ninjs package.")
    iiif_manifest = serializers.SerializerMethodField(
        help_text="The issue's IIIF Presentation 3.0 manifest (its pages' scans, for a viewer such "
                  "as Mirador), or null when the client may see no scan of it."
    )
    held = serializers.SerializerMethodField(
        help_text="Staff only (null for others, who never see a held issue): whether the issue waits "
                  "for a chief editor's release, hidden from readers."
    )
    release_at = serializers.SerializerMethodField(
        help_text="Staff only (null for others): when a held issue is scheduled to be released, or null."
    )

    class Meta:
        model = Issue
        list_serializer_class = IssueListSerializer
        fields = [
            "id", "url", "publication", "date", "edition", "number", "lunar_date", "weekday",
            "masthead", "archive_url", "ninjs_url", "iiif_manifest", "pages", "articles", "updated_at",
            "held", "release_at",
        ]
        extra_kwargs = {
            "date": {"help_text": "Publication date (Asia/Shanghai)."},
            "edition": {"help_text": "Edition of that day, 1 unless the paper printed several."},
            "number": {"help_text": "Running issue number as printed (总第N号), or null."},
            "lunar_date": {"help_text": "Lunar date as printed (农历), e.g. 辛丑年二月初七."},
            "weekday": {"help_text": "Weekday as printed, e.g. 星期五."},
            "masthead": {"help_text": "Identifiers as printed in the masthead (CN number, website, ...)."},
            "updated_at": {"help_text": "When the issue record last changed."},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_archive_url(self, issue: Issue) -> str:
        return absolute_url(issue.get_absolute_url(), self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_ninjs_url(self, issue: Issue) -> str:
        return _api_url(self.context, "api:issue-ninjs", issue.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_iiif_manifest(self, issue: Issue) -> str | None:
        return manifest_url(self.context, issue)

    def _for_staff(self) -> bool:
        return sees_unpublished(getattr(self.context.get("request"), "user", None))

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_held(self, issue: Issue) -> bool | None:
        return issue.held if self._for_staff() else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_release_at(self, issue: Issue):
        if not self._for_staff() or issue.release_at is None:
            return None
        return serializers.DateTimeField().to_representation(issue.release_at)


# --- photos and articles ---------------------------------------------------------------------


class PhotoSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:photo-detail", help_text="This photo in the API."
    )
    issue = IssueRefSerializer(read_only=True, help_text="The issue it was printed in.")
    article = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The article it illustrates, or null for a stand-alone photo."
    )
    credits = CreditSerializer(many=True, read_only=True, help_text="Photographers credited.")
    image = serializers.SerializerMethodField(help_text="The image file, or null when none was kept.")

    class Meta:
        model = Photo
        fields = ["id", "url", "issue", "article", "page", "position", "caption", "image", "credits"]
        extra_kwargs = {
            "page": {"help_text": "Page (版) number."},
            "position": {"help_text": "Place on the page, from 1."},
            "caption": {"help_text": "Caption (图片说明) as corrected by the editors."},
        }

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_image(self, photo: Photo) -> str | None:
        return photo_image(self.context, photo)


class ArticlePhotoSerializer(PhotoSerializer):
    """A photo inside its article (the issue is the article's)."""

    class Meta(PhotoSerializer.Meta):
        fields = ["id", "url", "page", "position", "caption", "image", "credits"]
        extra_kwargs = {
            **PhotoSerializer.Meta.extra_kwargs,
            "caption": {"help_text": "Caption (图片说明); empty for photo news (kind photo), "
                                     "whose text is the article's body."},
        }


class ContributorSerializer(serializers.Serializer):
    """One name of an article's byline, flat (the list's form of `credits`)."""

    person_id = serializers.IntegerField(help_text="The person's id (`people/{id}/`).")
    name = serializers.CharField(help_text="The person's display name.")
    printed_name = serializers.CharField(
        help_text="The name as the paper printed it; differs from `name` after a merge."
    )
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role, a stable code.")
    role_label = serializers.CharField(help_text="The role as the paper prints it, e.g. 记者.")


_ARTICLE_FIELD_HELP = {
    "page": {"help_text": "Page (版) number."},
    "position": {"help_text": "Reading order on the page, from 1."},
    "kind": {"help_text": "`article`, or `photo` for photo news (图片新闻)."},
    "kicker": {"help_text": "Kicker (引题) above the headline, or empty."},
    "headline": {"help_text": "Main headline."},
    "subheadline": {"help_text": "Subheadline (副题), or empty."},
    "heading": {"help_text": "The heading exactly as printed (OCR), before it was split."},
    "dateline": {"help_text": "Dateline, e.g. 本报讯, or empty."},
    "correction_status": {"help_text": "How far the editors have checked the OCR text."},
    "visibility": {"help_text": "`published`; `withdrawn` articles are shown to staff only."},
    "truncated": {"help_text": "True when it continues on a page the archive does not hold."},
    "version": {"help_text": "Increases with every saved change."},
    "created_at": {"help_text": "When it was first imported."},
    "updated_at": {"help_text": "When it last changed (import or correction)."},
}


class ArticleSummarySerializer(serializers.ModelSerializer):
    """An article as the list shows it: headlines, byline, lead paragraph and state, no body.

    Every field here is also in the full article (`ArticleSerializer`), with the same meaning.
    """

    url = ApiURLField(view_name="api:article-detail", help_text="This article in the API (with its body).")
    issue = IssueRefSerializer(read_only=True, help_text="The issue it was printed in.")
    contributors = serializers.SerializerMethodField(
        help_text="The byline, flat: people and roles, in order (the full article has `credits`)."
    )
    lead = serializers.SerializerMethodField(
        help_text="The first paragraph of the body as plain text, or empty."
    )
    tags = serializers.SerializerMethodField(help_text="Tag names, alphabetical.")
    pages = serializers.SerializerMethodField(
        help_text="Every page (版) the article runs on, in order (continued on later pages: 下转); "
        "`page` is the first."
    )
    open_flags_count = serializers.IntegerField(
        source="open_flag_count", read_only=True, help_text="How many review flags on it are still open."
    )
    etag = serializers.CharField(
        read_only=True, help_text="The entity tag to send in If-Match when editing this version."
    )
    archive_url = serializers.SerializerMethodField(help_text="The article on the public archive.")
    snippet = serializers.SerializerMethodField(
        help_text="With `q`: an HTML excerpt (escaped) with the matches in <mark>; null otherwise."
    )

    class Meta:
        model = Article
        fields = [
            "id", "url", "issue", "page", "pages", "position", "kind",
            "kicker", "headline", "subheadline", "dateline", "contributors", "lead", "tags",
            "correction_status", "visibility", "open_flags_count", "truncated",
            "version", "etag", "updated_at", "archive_url", "snippet",
        ]
        extra_kwargs = _ARTICLE_FIELD_HELP

    def to_representation(self, article: Article) -> dict:
        # Built as a dict (newsroom/api/articledata.py); DRF's path, the reference, is
        # `serializers.ModelSerializer.to_representation`.
        return article_summary(self.context, article)

    @extend_schema_field(ContributorSerializer(many=True))
    def get_contributors(self, article: Article) -> list[dict]:
        return contributors(article)

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_pages(self, article: Article) -> list[int]:
        return article.pages

    def get_lead(self, article: Article) -> str:
        return next((block.text for block in article.blocks if block.type == PARAGRAPH), "")

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_tags(self, article: Article) -> list[str]:
        # Sorted in Python: the prefetched tags are used as they are, with no further query.
        return sorted(tag.name for tag in _related(article, LISTED_TAGS, "tags"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_archive_url(self, article: Article) -> str:
        return _archive_url(self.context, "archive:article", article.pk)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_snippet(self, article: Article) -> str | None:
        query = self.context.get("q")
        if not query:
            return None
        return str(snippet(article, query))


class ArticleSerializer(ArticleSummarySerializer):
    """An article in full: the summary's fields plus the body, credits with links, and photos.

    A continued article's body, credits and photos are those of all its parts, in order.
    """

    url = ApiURLField(view_name="api:article-detail", help_text="This article in the API.")
    credits = serializers.SerializerMethodField(help_text="The byline: people and roles, in order.")
    photos = serializers.SerializerMethodField(help_text="Photos printed with it (on every page it runs on).")
    blocks = BlockSerializer(
        many=True, read_only=True, help_text="The body as paragraphs and crossheads (小标题), in order."
    )
    body_html = serializers.SerializerMethodField(
        help_text="The body as HTML (<p>, <h3> for crossheads); all text escaped."
    )
    body_text = serializers.CharField(
        read_only=True, help_text="The body as plain text, one block per line."
    )
    original_url = serializers.SerializerMethodField(
        help_text="The verbatim OCR text of its span (JSON, or text/plain)."
    )
    ninjs_url = serializers.SerializerMethodField(help_text="This article as IPTC ninjs 2.x.")

    class Meta:
        model = Article
        fields = [
            "id", "url", "issue", "page", "pages", "position", "kind",
            "kicker", "headline", "subheadline", "heading", "dateline",
            "contributors", "credits", "lead", "blocks", "body_html", "body_text", "photos", "tags",
            "correction_status", "visibility", "open_flags_count", "truncated",
            "version", "etag", "created_at", "updated_at",
            "original_url", "ninjs_url", "archive_url", "snippet",
        ]
        extra_kwargs = _ARTICLE_FIELD_HELP

    def to_representation(self, article: Article) -> dict:
        return article_full(self.context, article)

    @extend_schema_field(CreditSerializer(many=True))
    def get_credits(self, article: Article) -> list[dict]:
        return CreditSerializer(article_credits(article.parts()), many=True, context=self.context).data

    @extend_schema_field(ArticlePhotoSerializer(many=True))
    def get_photos(self, article: Article) -> list[dict]:
        photos = article_photos(article.parts())
        data = ArticlePhotoSerializer(photos, many=True, context=self.context).data
        for photo, row in zip(photos, data, strict=True):
            row["caption"] = article.caption_of(photo)  # photo news: the caption is the body
        return data

    def get_body_html(self, article: Article) -> str:
        return blocks_html(article.blocks)

    @extend_schema_field(OpenApiTypes.URI)
    def get_original_url(self, article: Article) -> str:
        return _api_url(self.context, "api:article-original", article.pk)

    @extend_schema_field(OpenApiTypes.URI)
    def get_ninjs_url(self, article: Article) -> str:
        return _api_url(self.context, "api:article-ninjs", article.pk)


class OriginalTextSerializer(serializers.ModelSerializer):
    source_file = serializers.SlugRelatedField(
        source="issue.source", slug_field="name", read_only=True, allow_null=True,
        help_text="The OCR file it was imported from, or null.",
    )
    original_text = serializers.CharField(
        read_only=True, help_text="The lines of the OCR file that made this article, verbatim."
    )

    class Meta:
        model = Article
        fields = ["id", "source_file", "line_start", "line_end", "original_text"]
        extra_kwargs = {
            "line_start": {"help_text": "First line of its span in the source file, or null."},
            "line_end": {"help_text": "Last line of its span in the source file, or null."},
        }


# --- advertisements, people, tags, flags -------------------------------------------------------


class AdvertisementSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:advertisement-detail", help_text="This advertisement in the API."
    )
    issue = IssueRefSerializer(read_only=True, help_text="The issue it was printed in.")

    class Meta:
        model = Advertisement
        fields = ["id", "url", "issue", "page", "position", "advertiser", "text", "phone", "website"]
        extra_kwargs = {
            "page": {"help_text": "Page (版) number."},
            "position": {"help_text": "Place on the page, from 1."},
            "advertiser": {"help_text": "Who placed it, e.g. 中国工商银行."},
            "text": {"help_text": "Its text as printed."},
            "phone": {"help_text": "Phone number printed in it, or empty."},
            "website": {"help_text": "Website printed in it, or empty."},
        }


class PersonSerializer(serializers.ModelSerializer):
    url = ApiURLField(
        view_name="api:person-detail", help_text="This person in the API."
    )
    aliases = serializers.SlugRelatedField(
        many=True, slug_field="name", read_only=True,
        help_text="Other spellings of the name (OCR variants, former bylines).",
    )
    archive_url = serializers.SerializerMethodField(help_text="The person's page on the public archive.")

    class Meta:
        model = Person
        fields = ["id", "url", "name", "aliases", "archive_url"]
        extra_kwargs = {"name": {"help_text": "Display name."}}

    @extend_schema_field(OpenApiTypes.URI)
    def get_archive_url(self, person: Person) -> str:
        return absolute_url(person.get_absolute_url(), self.context.get("request"))


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="The tag as shown, e.g. 劳模.")
    slug = serializers.CharField(read_only=True, help_text="URL-safe form of the name.")
    article_count = serializers.IntegerField(
        read_only=True, help_text="How many articles the client may see carry this tag."
    )


class ReviewFlagSerializer(serializers.ModelSerializer):
    resolved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Who accepted or undid it, or null."
    )
    is_repair = serializers.BooleanField(
        read_only=True, help_text="True when undoing it puts the text before the repair back."
    )
    display_message = serializers.CharField(
        read_only=True,
        help_text="The message worded in the request's language (Accept-Language: zh-hans, the "
        "default, or en); `message` is the importer's English sentence.",
    )

    class Meta:
        model = ReviewFlag
        fields = [
            "id", "code", "message", "display_message", "status", "issue", "article", "photo", "advertisement",
            "person", "line_start", "line_end", "original", "before", "after", "is_repair",
            "resolved_by", "resolved_at", "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "code": {"help_text": "What kind of repair or doubt."},
            "message": {"help_text": "What the importer did or doubted."},
            "status": {"help_text": "`open`, or `accepted` / `undone` by an editor."},
            "original": {"help_text": "The OCR lines it concerns, verbatim."},
            "before": {"help_text": "The text before the importer's repair."},
            "after": {"help_text": "The text after the importer's repair."},
        }
