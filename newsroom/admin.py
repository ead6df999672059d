"""The editorial desk: every model registered with list displays an editor can work from."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from newsroom import models


@admin.register(models.Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "cn_number", "postal_code", "website"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ["date", "publication", "edition", "number", "lunar_date", "weekday"]
    list_filter = ["publication"]
    date_hierarchy = "date"
    list_select_related = ["publication"]


@admin.register(models.Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = [
        "headline", "issue", "page", "position", "kind", "correction_status", "visibility",
    ]
    list_filter = ["kind", "correction_status", "visibility", "page"]
    list_select_related = ["issue__publication"]
    date_hierarchy = "issue__date"
    readonly_fields = ["heading", "original_text"]


@admin.register(models.Photo)
class PhotoAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "issue", "page", "position", "article"]
    list_select_related = ["issue__publication", "article"]
    raw_id_fields = ["article"]


@admin.register(models.Advertisement)
class AdvertisementAdmin(SimpleHistoryAdmin):
    list_display = ["advertiser", "issue", "page", "position", "phone", "website"]
    list_select_related = ["issue__publication"]


class PersonAliasInline(admin.TabularInline):
    model = models.PersonAlias
    extra = 0


@admin.register(models.Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name"]
    search_fields = ["name", "aliases__name"]
    inlines = [PersonAliasInline]


@admin.register(models.Credit)
class CreditAdmin(SimpleHistoryAdmin):
    list_display = ["person", "role", "article", "photo", "order"]
    list_select_related = ["person", "article", "photo"]
    raw_id_fields = ["person", "article", "photo"]


@admin.register(models.ReviewFlag)
class ReviewFlagAdmin(admin.ModelAdmin):
    list_display = ["code", "message", "issue", "article", "status", "resolved_by", "resolved_at"]
    list_filter = ["status", "code"]
    list_select_related = ["issue__publication", "article", "resolved_by"]


@admin.register(models.SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["name", "sha256", "size", "encoding", "imported_at"]


@admin.register(models.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "status", "files_total", "files_failed", "started_by"]
