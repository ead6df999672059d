"""An issue's pages (版): what the importer read of each one, its staff and its file. Read-only.

A page is a fact of the imported file: editors correct its articles, not the page. The page
list and the issue's page panel link each page to its articles in the article list.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from newsroom import models
from newsroom.admin.common import ReadOnlyInlineMixin
from newsroom.admin.provenance import ReadOnlyAdmin


class PageColumns:
    """What a page shows wherever the desk lists it: its staff, its file and its articles."""

    @admin.display(description=_("版面人员"))
    def staff(self, page: models.Page) -> str:
        """The page's staff as printed, e.g. 责任编辑 王晓明、版式 陈丽 (prefetched staff)."""
        return "、".join(f"{member.label or member.get_role_display()} {member.person.name}"
                        for member in page.staff.all())

    @admin.display(description=_("来源文件"))
    def source_file(self, page: models.Page) -> str:
        if page.source_id is None:
            return "—"
        url = reverse("admin:newsroom_sourcefile_change", args=[page.source_id])
        return format_html('<a href="{}">{}</a>', url, page.source.name)

    @admin.display(description=_("文章"))
    def articles(self, page: models.Page) -> str:
        """A link to the article list showing this page's articles (with their number, if
        annotated as ``n_articles``)."""
        date = page.issue.date
        url = reverse("admin:newsroom_article_changelist")
        query = (f"issue__date__year={date.year}&issue__date__month={date.month}"
                 f"&issue__date__day={date.day}&page={page.number}")
        count = getattr(page, "n_articles", None)
        text = _("本版文章") if count is None else _("本版文章（%(n)s）") % {"n": count}
        return format_html('<a href="{}?{}">{}</a>', url, query, text)


class PageStaffInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = models.PageStaff
    fields = ["role", "label", "person", "order"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(models.Page)
class PageAdmin(PageColumns, ReadOnlyAdmin):
    list_display = ["issue_date", "number", "name", "staff", "source_file", "articles"]
    list_display_links = ["number"]
    list_filter = ["issue__publication"]
    date_hierarchy = "issue__date"
    search_fields = ["name", "staff__person__name"]
    fields = ["issue", "number", "name", "source_file", "articles"]
    readonly_fields = fields
    inlines = [PageStaffInline]
    ordering = ["-issue__date", "number"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        articles = (models.Article.objects.filter(issue=OuterRef("issue"), page=OuterRef("number"))
                    .order_by().values("issue").annotate(n=Count("pk")).values("n"))
        return (super().get_queryset(request).select_related("issue__publication", "source")
                .defer("source__text").with_staff()
                .annotate(n_articles=Coalesce(Subquery(articles), 0)))

    @admin.display(description=_("日期"), ordering="issue__date")
    def issue_date(self, obj):
        return obj.issue.date


class IssuePageInline(PageColumns, ReadOnlyInlineMixin, admin.TabularInline):
    """The issue's pages on its change page, each linking to its articles."""

    model = models.Page
    fields = ["number", "name", "staff", "source_file", "articles"]
    readonly_fields = fields
    ordering = ["number"]
    verbose_name_plural = _("本期版面")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("issue", "source").defer(
            "source__text").with_staff()
