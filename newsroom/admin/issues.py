"""The paper and its issues: what each issue holds (articles, photos, advertisements) and came from."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newsroom import models
from newsroom.admin.common import EDITORIAL_CSS, ReadOnlyInlineMixin, ocr_text
from newsroom.admin.history import HistoryCompareMixin
from newsroom.admin.pages import IssuePageInline
from newsroom.admin.releases import IssueReleaseMixin
from newsroom.models.fields import count_of


class IssueArticleInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = models.Article
    fields = ["page", "position", "headline", "kind", "correction_status", "visibility"]
    readonly_fields = fields
    ordering = ["page", "position"]


class IssuePhotoInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = models.Photo
    fields = ["page", "position", "caption", "article"]
    readonly_fields = fields
    ordering = ["page", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


class IssueAdvertisementInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = models.Advertisement
    fields = ["page", "position", "advertiser", "phone", "website"]
    readonly_fields = fields
    ordering = ["page", "position"]


@admin.register(models.Publication)
class PublicationAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    list_display = ["name", "cn_number", "postal_code", "website", "hold_new_issues"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Issue)
class IssueAdmin(IssueReleaseMixin, HistoryCompareMixin, SimpleHistoryAdmin):
    list_display = [
        "date", "publication", "edition", "number", "held_badge", "lunar_date", "weekday",
        "article_count", "open_flag_count", "source",
    ]
    list_filter = ["publication", "held"]
    date_hierarchy = "date"
    list_select_related = ["publication", "source"]
    inlines = [IssuePageInline, IssueArticleInline, IssuePhotoInline, IssueAdvertisementInline]
    # Held and its scheduled release change only by the release buttons (IssueReleaseMixin).
    readonly_fields = ["source_link", "source_text", "masthead", "release_status"]
    fieldsets = [
        (None, {"fields": ["publication", "date", "edition", "number", "lunar_date", "weekday",
                           "masthead", "release_status"]}),
        (_("来源文件"), {"fields": ["source_link", "source_text"], "classes": ["collapse"]}),
    ]

    class Media:
        css = EDITORIAL_CSS

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_flag_count().annotate(
            n_articles=count_of(models.Article.objects.all(), "issue"),
        ).defer("source__text")

    @admin.display(description=_("文章数"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    @admin.display(description=_("待处理标记"), ordering="open_flag_count")
    def open_flag_count(self, obj):
        if not obj.open_flag_count:
            return ""
        url = reverse("admin:newsroom_reviewflag_changelist")
        return format_html('<a href="{}?issue__id__exact={}&status__exact=open">{}</a>',
                           url, obj.pk, obj.open_flag_count)

    @admin.display(description=_("来源文件"))
    def source_link(self, obj):
        if obj.source_id is None:
            return "—"
        url = reverse("admin:newsroom_sourcefile_change", args=[obj.source_id])
        return format_html('<a href="{}">{}</a>（SHA-256 {}）', url, obj.source.name, obj.source.sha256[:12])

    @admin.display(description=_("来源文本"))
    def source_text(self, obj):
        if obj.source_id is None:
            return "—"
        return ocr_text(obj.source.text, extra_class="nr-source")


@admin.register(models.Advertisement)
class AdvertisementAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    list_display = ["advertiser", "issue", "page", "position", "phone", "website"]
    list_select_related = ["issue__publication"]
    date_hierarchy = "issue__date"
    search_fields = ["advertiser", "text"]
