"""The review queue: the flags the importer raised, accepted or undone one by one or in bulk."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Case, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom import editorial, models
from newsroom.admin.common import (
    EDITORIAL_CSS,
    ChangelistGuardMixin,
    admin_path,
    fragment,
    next_url,
    ocr_text,
)
from newsroom.admin.history import diff_html
from newsroom.admin.scans import SCAN_ANCHOR
from newsroom.editorial import FlagError

# A flag's original lines are cut to this many characters in the queue (the flag page has all).
QUEUE_ORIGINAL_CHARS = 240


def flag_lines_label(flag) -> str:
    """Return which source lines a flag is about, as the editor reads it: "第 3–4 行"."""
    if flag.line_start is None:
        return str(_("无行号"))
    if flag.line_end in (None, flag.line_start):
        return str(_("第 %(n)d 行") % {"n": flag.line_start})
    return str(_("第 %(a)d–%(b)d 行") % {"a": flag.line_start, "b": flag.line_end})


def flag_buttons(flag, *, back_to: str = ""):
    """Return the accept (and, for a repair, undo) buttons of an open flag.

    back_to is the page to come back to (an article's change page), else the referring page.
    """
    return fragment(
        "admin/newsroom/reviewflag/buttons.html", {"flag": flag, "back_to": back_to}
    )


def with_scan_page(flags):
    """Annotate ``scan_page_id``: the page the flag's article, photo or advertisement stands on,
    when that page has a scan (one subquery: the queue stays one query however long it is)."""
    number = Coalesce(OuterRef("article__page"), OuterRef("photo__page"), OuterRef("advertisement__page"))
    pages = models.Page.objects.with_scan().filter(issue=OuterRef("issue"), number=number)
    return flags.annotate(scan_page_id=Subquery(pages.values("pk")[:1]))


def scan_link(flag) -> str:
    """Return a link to the scan of the flag's page (annotated ``scan_page_id``), or "".

    A flag on an article opens the article's change page at its scan, where the editor corrects
    beside it; any other flag opens the page's own change view.
    """
    if getattr(flag, "scan_page_id", None) is None:
        return ""
    if flag.article_id is not None:
        url = reverse("admin:newsroom_article_change", args=[flag.article_id])
    else:
        url = reverse("admin:newsroom_page_change", args=[flag.scan_page_id])
    return format_html('<a class="nr-scan-link" href="{}#{}">{}</a>', url, SCAN_ANCHOR, gettext("版面图"))


@admin.register(models.ReviewFlag)
class ReviewFlagAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    list_display = [
        "code", "message_text", "where", "original_lines", "resolution", "row_actions",
    ]
    list_display_links = ["code"]
    list_filter = ["status", "code"]
    date_hierarchy = "issue__date"
    list_select_related = ["issue", "article", "resolved_by"]
    search_fields = ["message", "original"]
    actions = ["accept_selected", "undo_selected"]
    readonly_fields = [
        "code", "message_text", "issue", "article_link", "scan", "photo", "advertisement", "person",
        "line_span", "original_display", "repair_display", "status", "resolved_by", "resolved_at",
        "created_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/newsroom/reviewflag/change_form.html"

    class Media:
        css = EDITORIAL_CSS

    def get_queryset(self, request):
        return with_scan_page(super().get_queryset(request))

    def get_ordering(self, request):
        # The queue: open flags first, newest issue first, in the order they sit on the page.
        open_first = Case(When(status=models.ReviewFlag.Status.OPEN, then=Value(0)), default=Value(1))
        return [open_first.asc(), "-issue__date", "line_start", "pk"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            admin_path(self, "<path:object_id>/accept/", self.accept_view, "accept"),
            admin_path(self, "<path:object_id>/undo/", self.undo_view, "undo"),
            *super().get_urls(),
        ]

    @admin.display(description=_("说明"))
    def message_text(self, obj):
        return obj.display_message

    @admin.display(description=_("日期"), ordering="issue__date")
    def issue_date(self, obj):
        return obj.issue.date

    @admin.display(description=_("文章"))
    def article_link(self, obj):
        if obj.article_id is None:
            return "—"
        url = reverse("admin:newsroom_article_change", args=[obj.article_id])
        return format_html('<a href="{}">{}</a>', url, obj.article)

    @admin.display(description=_("版面图"))
    def scan(self, obj):
        return scan_link(obj) or "—"

    @admin.display(description=_("期 / 文章"), ordering="issue__date")
    def where(self, obj):
        pieces = [formats.date_format(obj.issue.date, "DATE_FORMAT")]
        if obj.article_id is not None:
            url = reverse("admin:newsroom_article_change", args=[obj.article_id])
            pieces.append(format_html('<a href="{}">{}</a>', url, obj.article))
        scan = scan_link(obj)
        if scan:
            pieces.append(scan)
        return format_html_join(mark_safe("<br>"), "{}", ((piece,) for piece in pieces))

    @admin.display(description=_("原始行"))
    def original_lines(self, obj):
        text = obj.original
        if len(text) > QUEUE_ORIGINAL_CHARS:
            text = text[:QUEUE_ORIGINAL_CHARS] + "…"
        return fragment(
            "admin/newsroom/reviewflag/original_lines.html",
            {"lines": flag_lines_label(obj), "text": text},
        )

    @admin.display(description=_("处理"), ordering="status")
    def resolution(self, obj):
        context = {"flag": obj}
        if obj.status != models.ReviewFlag.Status.OPEN:
            context["who"] = obj.resolved_by.get_username() if obj.resolved_by else _("系统")
            context["when"] = formats.date_format(
                timezone.localtime(obj.resolved_at), "SHORT_DATETIME_FORMAT"
            )
        return fragment("admin/newsroom/reviewflag/resolution.html", context)

    @admin.display(description=_("行号"))
    def line_span(self, obj):
        return flag_lines_label(obj)

    @admin.display(description=_("原始行"))
    def original_display(self, obj):
        return ocr_text(obj.original)

    @admin.display(description=_("修复"))
    def repair_display(self, obj):
        if not obj.is_repair:
            return _("（不是对正文的修复）")
        return fragment(
            "admin/newsroom/reviewflag/repair.html", {"diff": diff_html(obj.after, obj.before)}
        )

    @admin.display(description=_("操作"))
    def row_actions(self, obj):
        if obj.status != models.ReviewFlag.Status.OPEN:
            return ""
        return flag_buttons(obj)

    def _resolve_view(self, request, object_id, operation, done_message):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        flag = get_object_or_404(models.ReviewFlag, pk=unquote(object_id))
        default = reverse("admin:newsroom_reviewflag_changelist")
        referer = request.META.get("HTTP_REFERER", "")
        if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
            default = referer
        try:
            operation(flag, user=request.user)
        except FlagError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, done_message % {"flag": flag}, messages.SUCCESS)
        return HttpResponseRedirect(next_url(request, default))

    def accept_view(self, request, object_id):
        return self._resolve_view(request, object_id, editorial.accept_flag, _("已接受：%(flag)s"))

    def undo_view(self, request, object_id):
        return self._resolve_view(request, object_id, editorial.undo_flag, _("已撤销修复：%(flag)s"))

    def _resolve_many(self, request, queryset, operation, done):
        ok, failed = 0, []
        for flag in queryset.select_related("article"):
            try:
                operation(flag, user=request.user)
                ok += 1
            except FlagError as error:
                failed.append(f"#{flag.pk} {error.message}")
        if ok:
            self.message_user(request, done % {"n": ok}, messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=_("接受所选标记"), permissions=["change"])
    def accept_selected(self, request, queryset):
        self._resolve_many(request, queryset, editorial.accept_flag, _("已接受 %(n)d 个标记。"))

    @admin.action(description=_("撤销所选修复"), permissions=["change"])
    def undo_selected(self, request, queryset):
        self._resolve_many(request, queryset, editorial.undo_flag, _("已撤销 %(n)d 个修复。"))
