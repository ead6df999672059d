"""Where the archive came from: source files, import runs and what each run did with each file.

Read-only for everyone; only a superuser may delete (e.g. a source file imported by mistake).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsroom import models
from newsroom.admin.common import EDITORIAL_CSS, ChangelistGuardMixin, ocr_text


class ReadOnlyAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(models.SourceFile)
class SourceFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "sha256", "size", "encoding", "imported_at"]
    search_fields = ["name", "sha256"]
    fields = ["name", "sha256", "size", "encoding", "imported_at", "text_display"]
    readonly_fields = fields

    class Media:
        css = EDITORIAL_CSS

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            qs = qs.defer("text")
        return qs

    @admin.display(description=_("解码后文本"))
    def text_display(self, obj):
        return ocr_text(obj.text, extra_class="nr-source")


@admin.register(models.ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "status", "files_total", "files_failed", "started_by", "files_link"]
    list_filter = ["status"]

    @admin.display(description=_("文件"))
    def files_link(self, obj):
        url = reverse("admin:newsroom_importedfile_changelist")
        return format_html('<a href="{}?run__id__exact={}">{}</a>', url, obj.pk, _("文件"))


@admin.register(models.ImportedFile)
class ImportedFileAdmin(ReadOnlyAdmin):
    """What each run did with each file: editors find a failed file and its error here."""

    list_display = ["run", "position", "source", "status", "issue", "error"]
    list_filter = ["status", "run"]
    list_select_related = ["run", "issue__publication"]
    search_fields = ["source", "error"]
    ordering = ["-run", "position"]
