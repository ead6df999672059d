"""An issue's pages (版): what the importer read of each one, its staff, its file and its scan.

A page is a fact of the imported file: editors correct its articles, not the page. What the
desk may change on a page is its scan: an editor attaches or replaces it (one file field,
processed only by ``editorial.set_scan``), a chief editor releases or withholds it while a
withdrawn article stands on the page (``editorial.release_scan`` / ``withhold_scan``). The
change view shows the scan in the zoomable viewer (scans.py); the history lists each change.
The page list and the issue's page panel link each page to its articles in the article list.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newsroom import editorial, models
from newsroom.admin.common import EDITORIAL_CSS, ReadOnlyInlineMixin, admin_path
from newsroom.admin.history import HistoryCompareMixin
from newsroom.admin.scans import SCAN_ANCHOR, viewer_context
from newsroom.models.scans import ScanVerification, withheld_articles


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


class ScanFileInput(forms.FileInput):
    """The scan's file input, with the button that uploads it beside it (the page has no other save)."""

    template_name = "admin/newsroom/page/scan_input.html"


class PageScanForm(forms.ModelForm):
    """A page's change form: one file, the page's new scan; everything else on the page is read-only.

    The file goes to ``editorial.set_scan`` while the form is validated: the operation checks
    the file before it writes anything, so a refused file is this field's error (the page and
    the storage untouched), and an accepted one is the page's scan once the form is valid.
    """

    scan = forms.FileField(
        label=_("版面图文件"),
        allow_empty_file=True,  # set_scan refuses an empty file too, naming it
        widget=ScanFileInput(attrs={"accept": "image/jpeg,image/png,image/tiff,application/pdf"}),
        error_messages={"required": _("请选择要上传的版面图文件。")},
    )
    # Set by PageAdmin.get_form: the editor the operation checks and records.
    user = None

    class Meta:
        model = models.Page
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scan_change = None
        self.fields["scan"].help_text = _(
            "JPEG、PNG、TIFF 图片或单页 PDF，最大 %(size)s；格式按文件内容识别，与文件名无关。"
            "上传后替换本版现有的版面图，旧图保留在历史中。"
        ) % {"size": filesizeformat(settings.SCAN_MAX_BYTES)}

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        # Refused before it is read into memory; set_scan would refuse it too, after reading it.
        if upload.size > settings.SCAN_MAX_BYTES:
            raise ValidationError(
                _("%(name)s：文件有 %(size)s，版面图最大 %(limit)s。"),
                params={"name": upload.name, "size": filesizeformat(upload.size),
                        "limit": filesizeformat(settings.SCAN_MAX_BYTES)},
                code="too_large",
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("scan")
        if upload is not None and not self.errors:
            try:
                self.scan_change = editorial.set_scan(
                    self.instance, upload.read(), upload.name, user=self.user
                )
            except editorial.ScanError as error:
                self.add_error("scan", gettext("版面图未保存：%(error)s") % {"error": error})
        return cleaned


@admin.register(models.Page)
class PageAdmin(PageColumns, HistoryCompareMixin, SimpleHistoryAdmin):
    form = PageScanForm
    change_form_template = "admin/newsroom/page/change_form.html"
    list_display = ["issue_date", "number", "name", "scan_status", "staff", "source_file", "articles"]
    list_display_links = ["number"]
    list_filter = ["issue__publication"]
    date_hierarchy = "issue__date"
    search_fields = ["name", "staff__person__name"]
    fields = ["issue", "number", "name", "source_file", "articles"]
    readonly_fields = fields
    inlines = [PageStaffInline]
    ordering = ["-issue__date", "number"]

    class Media:
        css = {"all": [*EDITORIAL_CSS["all"], "newsroom/admin/scans.css"]}

    # -- pages come from the importer: nobody adds or deletes one; the scan is the one change
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_history_permission(self, request, obj=None):
        # A page's versions are shown, never restored: a scan changes only through set_scan.
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(gettext("版面的历史版本只能查看，不能恢复；请上传版面图文件替换。"))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_queryset(self, request):
        articles = (models.Article.objects.filter(issue=OuterRef("issue"), page=OuterRef("number"))
                    .order_by().values("issue").annotate(n=Count("pk")).values("n"))
        return (super().get_queryset(request).select_related("issue__publication", "source")
                .defer("source__text").with_staff().annotate_scan_withheld()
                .annotate(n_articles=Coalesce(Subquery(articles), 0)))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # modelform_factory made this class for this request
        return form

    def get_urls(self):
        return [
            admin_path(self, "<path:object_id>/scan/release/", self.release_scan_view, "release_scan"),
            admin_path(self, "<path:object_id>/scan/withhold/", self.withhold_scan_view, "withhold_scan"),
            *super().get_urls(),
        ]

    @admin.display(description=_("日期"), ordering="issue__date")
    def issue_date(self, obj):
        return obj.issue.date

    @admin.display(description=_("版面图"))
    def scan_status(self, obj):
        """Say whether the page has a scan and whether readers see it (annotated ``scan_withheld``)."""
        if not obj.has_scan:
            return format_html('<span class="nr-scan-none">{}</span>', gettext("无"))
        if obj.scan_verification != ScanVerification.VERIFIED:
            # Not decoded yet, or failed to (newsroom/editorial/scanchecks.py): a field of the row.
            return format_html('<span class="nr-scan-withheld">{}</span>', obj.get_scan_verification_display())
        if obj.scan_withheld:
            return format_html('<span class="nr-scan-withheld">{}</span>', gettext("有（暂不公开）"))
        return format_html('<span class="nr-scan-yes">{}</span>', gettext("有"))

    # -- the change view: the scan, its facts, who sees it, and the upload
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self.scan_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def scan_context(self, request, page) -> dict:
        """Return what the scan panel shows: the viewer, the facts, who sees it, the buttons."""
        withheld = list(withheld_articles(page.issue_id, page.number, page.pk).order_by("page", "position"))
        releases = list(page.scan_releases.select_related("article", "released_by").order_by("released_at"))
        context = {
            "scan_withheld_articles": withheld,
            "scan_releases": releases,
            "may_release_scan": request.user.has_perm(editorial.PERM_RELEASE_SCAN),
            "may_upload_scan": self.has_change_permission(request, page),
        }
        if page.has_scan:
            context |= viewer_context([page])
        return context

    def response_change(self, request, obj):
        """Stay on the page, saying what the upload did (the operation saved it, not the form)."""
        return HttpResponseRedirect(request.path + f"#{SCAN_ANCHOR}")

    def save_model(self, request, obj, form, change):
        # PageScanForm.clean has set the scan through editorial.set_scan; say what it did.
        done = form.scan_change
        if done is None:
            return
        names = {
            "created": gettext("已添加版面图：%(name)s。"),
            "updated": gettext("已替换版面图：%(name)s，旧图保留在历史中。"),
            "unchanged": gettext("上传的文件与现有版面图相同（%(name)s），没有修改。"),
        }
        self.message_user(request, names[done.action] % {"name": obj.scan_original_name},
                          messages.INFO if done.action == "unchanged" else messages.SUCCESS)

    def release_scan_view(self, request, object_id):
        return self._scan_decision(request, object_id, editorial.release_scan, {
            True: gettext("已发布版面图：%(n)d 篇已撤回的文章不再妨碍读者看到本版版面图。"),
            False: gettext("本版没有妨碍公开版面图的撤回文章，无需发布。"),
        })

    def withhold_scan_view(self, request, object_id):
        return self._scan_decision(request, object_id, editorial.withhold_scan, {
            True: gettext("已撤销 %(n)d 项版面图发布：本版有撤回文章时，读者看不到版面图。"),
            False: gettext("本版版面图没有发布记录，无需撤销。"),
        })

    def _scan_decision(self, request, object_id, operation, done: dict):
        """A chief editor's button: POST only; the operation checks the permission (403)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        page = self.get_object(request, unquote(object_id))
        if page is None:
            raise Http404(gettext("没有这个版面。"))
        count = operation(page, user=request.user)
        self.message_user(request, done[bool(count)] % {"n": count}, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:newsroom_page_change", args=[page.pk]) + f"#{SCAN_ANCHOR}")


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
