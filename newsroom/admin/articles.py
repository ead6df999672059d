"""Proofreading articles: the change page beside the OCR text, the list, its filters and inlines."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from taggit.forms import TagField
from taggit.models import Tag

from newsroom import editorial, models
from newsroom.admin.common import EDITORIAL_CSS, admin_path, fragment, ocr_text
from newsroom.admin.continuations import ArticleContinuationMixin
from newsroom.admin.editing import CreditInline, EditorialSaveMixin, VersionedForm, credit_lines
from newsroom.admin.history import HistoryCompareMixin, diff_html, last_editor
from newsroom.admin.review import flag_buttons, flag_lines_label
from newsroom.admin.scans import article_scan_pages, viewer_context
from newsroom.admin.tags import TagFilter, TagSuggestWidget
from newsroom.admin.workflow import ArticleWorkflowMixin
from newsroom.editorial import StaleEditError
from newsroom.search import search_articles


class ArticleForm(VersionedForm):
    tags = TagField(
        label=_("标签"), required=False, widget=TagSuggestWidget,
        help_text=_("多个标签用逗号分隔；输入时会提示已有标签。"),
    )
    stale_message = _(
        "保存失败：在您编辑期间，%(user)s 已保存了这篇文章（第 %(version)d 版）。"
        "您的修改尚未保存，也没有覆盖任何内容。请对照下方差异合并后再保存。"
    )

    class Meta:
        model = models.Article
        # The page's order comes from ArticleAdmin.fieldsets; the form offers what an editor may change.
        fields = list(models.Article.EDITABLE_FIELDS)
        widgets = {"body": forms.Textarea(attrs={"rows": 28, "class": "nr-body", "lang": "zh"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "tags" in self.fields:  # not on the read-only revert form
            self.fields["tags"].initial = self.instance.tags.all()

    def stale_diffs(self):
        """Return, per text field, the other editor's saved text diffed against what was submitted."""
        if self.stale is None:
            return []
        rows = []
        for name in models.Article.TEXT_FIELDS:
            theirs = getattr(self.stale, name)
            mine = editorial.normalize_text(self.data.get(name, ""))
            if theirs != mine:
                rows.append({
                    "label": models.Article._meta.get_field(name).verbose_name,
                    "diff": diff_html(theirs, mine),
                })
        return rows


class ArticleCreditInline(CreditInline):
    fk_name = "article"
    verbose_name = _("署名")
    verbose_name_plural = _("署名")


class ArticlePhotoInline(admin.StackedInline):
    model = models.Photo
    fk_name = "article"
    fields = ["page", "position", "caption", "image"]
    readonly_fields = ["page", "position"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ContributorFilter(admin.SimpleListFilter):
    title = _("作者")
    parameter_name = "person"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in models.Person.objects.filter(credits__isnull=False)
            .distinct().order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value():
            if not self.value().isdigit():
                return queryset.none()
            credited = models.Article.objects.by_person(int(self.value())).values("pk")
            return queryset.filter(pk__in=credited)
        return queryset


class OpenFlagsFilter(admin.SimpleListFilter):
    title = _("待处理标记")
    parameter_name = "open_flags"

    def lookups(self, request, model_admin):
        return [("yes", _("有")), ("no", _("无"))]

    def queryset(self, request, queryset):
        with_flags = models.Article.objects.with_open_flags().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=with_flags)
        if self.value() == "no":
            return queryset.exclude(pk__in=with_flags)
        return queryset


@admin.register(models.Article)
class ArticleAdmin(ArticleContinuationMixin, ArticleWorkflowMixin, EditorialSaveMixin, HistoryCompareMixin, SimpleHistoryAdmin):
    form = ArticleForm
    change_form_template = "admin/newsroom/article/change_form.html"
    list_display = [
        "headline", "issue_date", "page", "position", "kind", "correction_status",
        "visibility", "open_flags", "contributors", "tag_list",
    ]
    list_display_links = ["headline"]
    list_filter = [
        "correction_status", "visibility", "kind", "page", OpenFlagsFilter, TagFilter,
        ContributorFilter,
    ]
    list_select_related = ["issue__publication"]
    date_hierarchy = "issue__date"
    search_fields = ["headline"]
    search_help_text = _("按标题和正文搜索（中文分词）。")
    inlines = [ArticleCreditInline, ArticlePhotoInline]
    actions = ["add_tags_action", "mark_in_review", "mark_reviewed", "withdraw", "republish",
               "join_parts", "split_parts"]
    readonly_fields = [
        "issue_link", "page", "position", "heading", "visibility", "source_lines",
        "original_text_display", "body_diff", "open_flags_panel", "continuation_panel",
    ]
    fieldsets = [
        (None, {"fields": [("issue_link", "page", "position", "source_lines"),
                           ("kind", "correction_status", "visibility"), "continuation_panel"]}),
        (_("标题"), {"fields": ["heading", "kicker", "headline", "subheadline", "dateline"]}),
        (_("正文校对"), {
            "fields": [("body", "original_text_display"), "body_diff"],
            "description": _("左边是校对中的正文，右边是OCR原文（只读，永不覆盖）；下方是逐字差异。"),
            "classes": ["nr-proof"],
        }),
        (_("待处理的审校标记"), {"fields": ["open_flags_panel"]}),
        (_("标签"), {"fields": ["tags", "expected_version"]}),
    ]

    class Media:
        css = EDITORIAL_CSS
        js = ["newsroom/admin/tags.js"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.reverted_record(request) is not None:
            # A revert restores the version as it was (editorial.revert_article): nothing to type.
            return [*fields, *models.Article.EDITABLE_FIELDS, "tags", "version_tags"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.reverted_record(request) is None:
            return fieldsets
        return [
            (name, {**options, "fields": [
                "version_tags" if field == "tags" else field for field in options["fields"]
            ]})
            for name, options in fieldsets
        ]

    @admin.display(description=_("标签"))
    def version_tags(self, obj):
        record = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)  # the version shown
        held = record.held_tags() if record is not None else None
        if held is None:
            return _("历史中没有记录这一版本的标签；恢复时保留现有标签。")
        return "、".join(held) or "—"

    def get_queryset(self, request):
        qs = super().get_queryset(request).with_open_flag_count()
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            qs = qs.prefetch_related("tags", "credits__person")
        return qs

    def get_urls(self):
        return [
            admin_path(self, "tag-suggestions/", self.tag_suggestions_view, "tag_suggestions"),
            *super().get_urls(),
        ]

    # -- articles come from the importer: their place on the page is read-only here
    def has_add_permission(self, request):
        return False

    # -- changelist columns
    @admin.display(description=_("日期"), ordering="issue__date")
    def issue_date(self, obj):
        return obj.issue.date

    @admin.display(description=_("待处理标记"), ordering="open_flag_count")
    def open_flags(self, obj):
        return obj.open_flag_count or ""

    @admin.display(description=_("作者"))
    def contributors(self, obj):
        return models.credited_names(obj.credits.all())

    @admin.display(description=_("标签"))
    def tag_list(self, obj):
        return "、".join(sorted(t.name for t in obj.tags.all()))

    # -- change form read-only panels
    @admin.display(description=_("期"))
    def issue_link(self, obj):
        url = reverse("admin:newsroom_issue_change", args=[obj.issue_id])
        return format_html('<a href="{}">{}</a>', url, obj.issue)

    @admin.display(description=_("来源行"))
    def source_lines(self, obj):
        if obj.line_start is None:
            return "—"
        return f"{obj.line_start}–{obj.line_end}"

    @admin.display(description=_("OCR原文"))
    def original_text_display(self, obj):
        return ocr_text(obj.original_text, lang="zh")

    @admin.display(description=_("正文与OCR原文的逐字差异"))
    def body_diff(self, obj):
        return diff_html(obj.original_text or "", obj.body or "")

    @admin.display(description=_("审校标记"))
    def open_flags_panel(self, obj):
        if obj.pk is None:
            return "—"
        flags = list(obj.flags.open().order_by("line_start", "pk"))
        if not flags:
            return _("没有待处理的标记。")
        change_url = reverse("admin:newsroom_article_change", args=[obj.pk])
        rows = [
            {
                "flag": flag,
                "lines": flag_lines_label(flag),
                "repair": diff_html(flag.after, flag.before) if flag.is_repair else "",
                "buttons": flag_buttons(flag, back_to=change_url),
            }
            for flag in flags
        ]
        return fragment("admin/newsroom/article/open_flags.html", {"rows": rows})

    # -- saving goes through editorial.edit_article (locking, workflow, history), inlines too
    stale_message = _(
        "保存失败：在您保存的同时，%(user)s 保存了这篇文章。您的修改没有保存，请重新修改。"
    )

    def editorial_save(self, request, obj, form, formsets):
        record = self.reverted_record(request)
        if record is not None:
            # The revert form shows the version read-only: what is restored is the version.
            editorial.revert_article(
                obj, record.history_id,
                expected_version=form.cleaned_data["expected_version"], user=request.user,
            )
            return
        changes = {name: form.cleaned_data[name] for name in models.Article.EDITABLE_FIELDS
                   if name in form.cleaned_data}
        credits = photos = None
        for formset in formsets:
            if formset.model is models.Credit:
                credits = credit_lines(formset)
            elif formset.model is models.Photo and formset.has_changed():
                photos = {
                    f.instance.pk: {name: f.cleaned_data[name] for name in f.changed_data}
                    for f in formset.initial_forms if f.has_changed()
                }
        editorial.edit_article(
            obj,
            changes=changes,
            expected_version=form.cleaned_data["expected_version"],
            user=request.user,
            tags=list(form.cleaned_data.get("tags") or []),
            credits=credits,
            photos=photos,
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except StaleEditError as error:
            self.message_user(
                request,
                _("恢复失败：%(user)s 刚刚保存了这篇文章，请重新选择版本。")
                % {"user": last_editor(error.current)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["stale_diffs"] = form.stale_diffs() if hasattr(form, "stale_diffs") else []
        if obj is not None and obj.pk is not None:
            # The scan of every page the article runs on, beside the text (none: the form as before).
            pages, missing = article_scan_pages(obj)
            if pages:
                context.update(viewer_context(pages, missing=missing, page_links=True))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def tag_suggestions_view(self, request):
        """Return existing tag names starting with (or containing) the typed text, as JSON."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(models.tag_matching(term))  # the name, or its pinyin
        return JsonResponse({"results": list(tags.values_list("name", flat=True)[:20])})

    def get_search_results(self, request, queryset, search_term):
        """Find articles with the Chinese search (headline and body, segmented), not icontains."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return search_articles(term, queryset), False
