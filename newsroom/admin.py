"""The editorial desk: the Django admin where editors correct, review, tag and publish.

The admin is a thin layer over newsroom.editorial: every change an editor makes here (a
correction, a flag accepted or undone, a bulk action, a merge) goes through those functions,
which check permissions, lock, and record history. What is added here is presentation: the
OCR text beside the text being corrected, character diffs, the review queue, the history
compare view, and the stale-save conflict page.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagField, TagWidget
from taggit.models import Tag

from newsroom import editorial, models
from newsroom.editorial import FlagError, StaleEditError

admin.site.site_header = _("浙江工人日报 编辑部")
admin.site.site_title = _("编辑部")
admin.site.index_title = _("编辑工作台")
# Corrections need the width for two columns of Chinese text; the index and breadcrumbs navigate.
admin.site.enable_nav_sidebar = False

DIFF_FIELDS = ("kicker", "headline", "subheadline", "dateline", "body")


def diff_html(old: str, new: str) -> str:
    """Return the character diff of two texts as HTML, every piece of text escaped.

    Deleted characters are wrapped in <del>, inserted ones in <ins>. The text comes from OCR
    and from editors, so it is escaped here, piece by piece, before being marked safe.
    """
    tags = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    pieces = [tags[op].format(escape(text)) for op, text in editorial.char_diff(old or "", new or "")]
    return mark_safe('<div class="nr-diff">' + "".join(pieces) + "</div>")


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _open_flag_count():
    """Return an expression counting an article's open flags without joining (rows stay unique)."""
    return Coalesce(
        Subquery(
            models.ReviewFlag.objects.open()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


# The largest value a bigint column (PostgreSQL) or an SQLite integer can hold.
MAX_DATABASE_INTEGER = 2**63 - 1


class ChangelistGuardMixin:
    """Answer a changelist asked with impossible parameters with 400, not a 500.

    A date-hierarchy year of twenty digits, or a twenty-digit id in a filter, overflows the
    database's integers before Django can refuse it (SQLite raises OverflowError). No real
    editor sends either. (NUL characters are refused for every page by RejectNulMiddleware.)
    """

    def changelist_view(self, request, extra_context=None):
        for key, values in request.GET.lists():
            if any(value.isdigit() and int(value) > MAX_DATABASE_INTEGER for value in values):
                return HttpResponseBadRequest(
                    _("参数 %(name)s 的数值过大。") % {"name": key}
                )
        if self.date_hierarchy:
            for part, digits in (("year", 4), ("month", 2), ("day", 2)):
                value = request.GET.get(f"{self.date_hierarchy}__{part}")
                if value is not None and not (value.isdigit() and len(value) <= digits):
                    return HttpResponseBadRequest(
                        _("日期参数 %(name)s 应为不超过 %(n)d 位的数字。")
                        % {"name": f"{self.date_hierarchy}__{part}", "n": digits}
                    )
        return super().changelist_view(request, extra_context)


class HistoryCompareMixin(ChangelistGuardMixin):
    """Add a compare view to SimpleHistoryAdmin: any two versions, a character diff per field."""

    object_history_template = "admin/newsroom/object_history.html"
    object_history_list_template = "admin/newsroom/object_history_list.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        compare = [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.history_compare_view),
                name="{}_{}_history_compare".format(*info),
            )
        ]
        # Before simple_history's "<id>/history/<version>/", which would take "compare" as a version.
        return compare + super().get_urls()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Show one version; revert to it only for those who may change the object.

        simple_history shows the form to whoever may view the history and hides its save
        button from view-only users, but saved whatever was POSTed: a revert is an edit and
        needs the change permission.
        """
        if not str(version_id).isdigit():
            raise Http404(_("没有这个历史版本。"))
        if request.method not in ("GET", "HEAD"):
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def reverted_record(self, request):
        """Return the history record a revert form (simple_history's view) restores, else None."""
        match = request.resolver_match
        if match is None or not match.url_name.endswith("_simple_history"):
            return None
        if not hasattr(request, "_reverted_record"):  # asked by the form, its fields and the save
            object_id, version_id = match.args[:2]
            request._reverted_record = self.model.history.filter(
                id=unquote(object_id), history_id=version_id
            ).first()
        return request._reverted_record

    def revert_reason(self, request) -> str:
        """Return the history reason of this request's revert (naming the version), or ""."""
        record = self.reverted_record(request)
        return editorial.revert_reason(record) if record is not None else ""

    def save_model(self, request, obj, form, change):
        reason = self.revert_reason(request)
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def history_compare_view(self, request, object_id):
        """Show two versions of an object side by side, the text fields as character diffs."""
        history = self.model.history
        object_id = unquote(object_id)
        records = history.filter(id=object_id).select_related("history_user")
        try:
            old = records.get(history_id=request.GET.get("old"))
            new = records.get(history_id=request.GET.get("new"))
        except (history.model.DoesNotExist, ValueError, ValidationError):
            raise Http404(_("请选择该对象的两个版本进行比较。")) from None
        obj = old.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        if old.history_date > new.history_date:
            old, new = new, old
        rows = []
        for field in history.model.tracked_fields:
            before, after = getattr(old, field.attname), getattr(new, field.attname)
            if isinstance(field, models.models.TextField | models.models.CharField):
                rows.append({
                    "label": field.verbose_name,
                    "changed": before != after,
                    "diff": diff_html(before or "", after or ""),
                })
            else:
                rows.append({
                    "label": field.verbose_name,
                    "changed": before != after,
                    "diff": format_html("{} → {}", before, after) if before != after else before,
                })
        rows.sort(key=lambda r: not r["changed"])
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("比较版本：%(obj)s") % {"obj": obj},
            "opts": opts,
            "object": obj,
            "old": old,
            "new": new,
            "rows": rows,
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id]
            ),
        }
        return TemplateResponse(request, "admin/newsroom/history_compare.html", context)


class ReadOnlyInlineMixin:
    """An inline that shows rows and links to them but never adds or deletes."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Articles ---------------------------------------------------------------------------------------


class TagSuggestWidget(TagWidget):
    """A comma-separated tag input that suggests existing tags as the editor types."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "vTextField nr-tags", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-suggest-url"] = reverse(
            "admin:newsroom_article_tag_suggestions"
        )
        return context


class VersionedForm(forms.ModelForm):
    """A change form that remembers the version it was opened at and refuses a stale save.

    The editorial operation checks the version again under a lock (StaleEditError); this
    check lets the page say so while keeping what the editor typed, inlines included.
    """

    # Not "version": a non-editable model field cannot be a ModelForm field of that name.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    stale_message = _(
        "保存失败：在您编辑期间，%(user)s 已保存了此项（第 %(version)d 版）。"
        "您的修改尚未保存，也没有覆盖任何内容。请核对后重新保存。"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stale = None
        if self.instance.pk:
            # The version the editor starts from is the one saved now; when this form shows an
            # old version (simple_history's revert), that is still the live one, not the old one.
            self.fields["expected_version"].initial = self._current_version()

    def _current(self):
        return type(self.instance)._default_manager.filter(pk=self.instance.pk).first()

    def _current_version(self):
        return (
            type(self.instance)._default_manager.filter(pk=self.instance.pk)
            .values_list("version", flat=True).first()
        )

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        version = cleaned.get("expected_version")
        if version is None:
            raise ValidationError(_("缺少版本号，请重新打开本页再修改。"), code="no_version")
        current = self._current()
        if current is not None and current.version != version:
            self._refuse_stale(current)
        return cleaned

    def _refuse_stale(self, current) -> None:
        """Refuse the save, keep what the editor typed, and let the next save start from now."""
        self.stale = current
        self.data = self.data.copy()
        self.data["expected_version"] = str(current.version)
        raise ValidationError(
            self.stale_message % {"user": _last_editor(current), "version": current.version},
            code="stale",
        )


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
        fields = ["kicker", "headline", "subheadline", "dateline", "kind", "correction_status", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 28, "class": "nr-body", "lang": "zh"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The version the editor starts from is the one saved now; when this form shows an
            # old version (simple_history's revert), that is still the live one, not the old one.
            self.fields["expected_version"].initial = (
                models.Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if "tags" in self.fields:  # not on the read-only revert form
                self.fields["tags"].initial = self.instance.tags.all()

    def stale_diffs(self):
        """Return, per text field, the other editor's saved text diffed against what was submitted."""
        if self.stale is None:
            return []
        rows = []
        for name in DIFF_FIELDS:
            theirs = getattr(self.stale, name)
            mine = editorial.normalize_text(self.data.get(name, ""))
            if theirs != mine:
                rows.append({
                    "label": models.Article._meta.get_field(name).verbose_name,
                    "diff": diff_html(theirs, mine),
                })
        return rows


def _last_editor(obj) -> str:
    record = obj.history.select_related("history_user").first()
    if record is not None and record.history_user is not None:
        return record.history_user.get_username()
    return str(_("其他编辑"))


def _credit_lines(formset) -> list[editorial.CreditLine] | None:
    """Return the credits a credits inline asks for, or None when the editor changed none."""
    if not formset.has_changed():
        return None
    return [
        editorial.CreditLine(person=f.cleaned_data["person"], role=f.cleaned_data["role"],
                             order=f.cleaned_data["order"])
        for f in formset.forms
        if f.cleaned_data and f not in formset.deleted_forms
    ]


def _is_revert(request) -> bool:
    """Return whether this request is simple_history's revert view (which saves no inlines)."""
    match = request.resolver_match
    return bool(match and match.url_name.endswith("_simple_history"))


class EditorialSaveMixin:
    """Save the form and its inlines through one editorial operation, in save_related.

    Django saves the object (save_model), then the inlines (save_related); both must be
    one locked, versioned edit with one history reason, so save_model saves nothing and
    save_related calls ``editorial_save`` with the formsets. simple_history's revert view
    calls only save_model: there the object is saved at once, without inlines.
    """

    stale_message = _("保存失败：在您保存的同时，%(user)s 也保存了此项。您的修改没有保存，请重新修改。")

    def save_model(self, request, obj, form, change):
        if _is_revert(request):
            self.editorial_save(request, obj, form, [])

    def save_related(self, request, form, formsets, change):
        self.editorial_save(request, form.instance, form, formsets)
        for formset in formsets:
            # The admin's log message reads what formset.save() would have set; history holds
            # the rows the operation wrote.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def editorial_save(self, request, obj, form, formsets):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as error:
            # Someone saved between the form's check and our save: nothing was written.
            self.message_user(
                request, self.stale_message % {"user": _last_editor(error.current)}, messages.ERROR
            )
        except ValidationError as error:
            # A rule the forms cannot see (a name another person took meanwhile): nothing written.
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)


class ArticleCreditInline(admin.TabularInline):
    model = models.Credit
    fk_name = "article"
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]
    extra = 0
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


class TagFilter(admin.SimpleListFilter):
    title = _("标签")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return [
            (name, name)
            for name in Tag.objects.filter(article__isnull=False).distinct().order_by("name")
            .values_list("name", flat=True)
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__name=self.value())
        return queryset


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


class AddTagsForm(forms.Form):
    tags = TagField(label=_("要添加的标签"), widget=TagSuggestWidget)


@admin.register(models.Article)
class ArticleAdmin(EditorialSaveMixin, HistoryCompareMixin, SimpleHistoryAdmin):
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
    actions = ["add_tags_action", "mark_in_review", "mark_reviewed", "withdraw", "republish"]
    readonly_fields = [
        "issue_link", "page", "position", "heading", "visibility", "source_lines",
        "original_text_display", "body_diff", "open_flags_panel",
    ]
    fieldsets = [
        (None, {"fields": [("issue_link", "page", "position", "source_lines"),
                           ("kind", "correction_status", "visibility")]}),
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
        css = {"all": ["newsroom/admin/editorial.css"]}
        js = ["newsroom/admin/tags.js"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if self.reverted_record(request) is not None:
            # A revert restores the version as it was (editorial.revert_article): nothing to type.
            return [*fields, *editorial.EDITABLE_FIELDS, "tags", "version_tags"]
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
        qs = super().get_queryset(request).annotate(open_flag_count=_open_flag_count())
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            qs = qs.prefetch_related("tags", "credits__person")
        return qs

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        urls = [
            path("tag-suggestions/", self.admin_site.admin_view(self.tag_suggestions_view),
                 name="{}_{}_tag_suggestions".format(*info)),
            path("<path:object_id>/status/<str:status>/",
                 self.admin_site.admin_view(self.set_status_view), name="{}_{}_set_status".format(*info)),
            path("<path:object_id>/visibility/<str:visibility>/",
                 self.admin_site.admin_view(self.set_visibility_view),
                 name="{}_{}_set_visibility".format(*info)),
        ]
        return urls + super().get_urls()

    # -- permissions: articles come from the importer (their place on the page is read-only
    # here); publishing is its own permission (chief editors)
    def has_add_permission(self, request):
        return False

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(editorial.PERM_PUBLISH_ARTICLE)

    # -- changelist columns
    @admin.display(description=_("日期"), ordering="issue__date")
    def issue_date(self, obj):
        return obj.issue.date

    @admin.display(description=_("待处理标记"), ordering="open_flag_count")
    def open_flags(self, obj):
        return obj.open_flag_count or ""

    @admin.display(description=_("作者"))
    def contributors(self, obj):
        return "、".join(c.person.name for c in obj.credits.all())

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
        return format_html('<pre class="nr-ocr" lang="zh">{}</pre>', obj.original_text or "")

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
        rows = []
        for flag in flags:
            accept = reverse("admin:newsroom_reviewflag_accept", args=[flag.pk])
            undo = reverse("admin:newsroom_reviewflag_undo", args=[flag.pk])
            buttons = format_html(
                '<button type="submit" class="button nr-accept" formaction="{}?next={}" '
                'formnovalidate>{}</button>',
                accept, change_url, _("接受"),
            )
            if flag.is_repair:
                buttons += format_html(
                    ' <button type="submit" class="button nr-undo" formaction="{}?next={}" '
                    'formnovalidate>{}</button>',
                    undo, change_url, _("撤销修复"),
                )
            repair = (
                diff_html(flag.after, flag.before) if flag.is_repair else ""
            )
            rows.append(format_html(
                '<li class="nr-flag" id="flag-{}"><strong>{}</strong>（{}）{}'
                '<pre class="nr-ocr">{}</pre>{}<div class="nr-flag-actions">{}</div></li>',
                flag.pk, flag.get_code_display(), _lines(flag), flag.display_message, flag.original,
                format_html("<p>{}</p>{}", _("撤销后的变化："), repair) if repair else "",
                buttons,
            ))
        note = format_html('<p class="help">{}</p>', _("处理标记前请先保存正文的修改。"))
        return format_html('<ul class="nr-flags">{}</ul>{}', mark_safe("".join(rows)), note)

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
        changes = {name: form.cleaned_data[name] for name in editorial.EDITABLE_FIELDS
                   if name in form.cleaned_data}
        credits = photos = None
        for formset in formsets:
            if formset.model is models.Credit:
                credits = _credit_lines(formset)
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
                % {"user": _last_editor(error.current)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context["stale_diffs"] = form.stale_diffs() if hasattr(form, "stale_diffs") else []
        if obj is not None:
            context["workflow_buttons"] = self._workflow_buttons(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_buttons(self, request, obj):
        buttons = []
        if self.has_change_permission(request, obj):
            for status, label in (
                (models.CorrectionStatus.IN_REVIEW, _("开始校对")),
                (models.CorrectionStatus.REVIEWED, _("标记为已校对")),
                (models.CorrectionStatus.UNREVIEWED, _("退回未校对")),
            ):
                if obj.correction_status != status:
                    buttons.append({
                        "label": label,
                        "url": reverse("admin:newsroom_article_set_status", args=[obj.pk, status]),
                    })
        if self.has_publish_permission(request, obj):
            target = (models.Visibility.WITHDRAWN if obj.is_public else models.Visibility.PUBLISHED)
            buttons.append({
                "label": _("撤回") if obj.is_public else _("重新发布"),
                "url": reverse("admin:newsroom_article_set_visibility", args=[obj.pk, target]),
                "danger": obj.is_public,
            })
        return buttons

    # -- one-article workflow views (buttons on the change form)
    def set_status_view(self, request, object_id, status):
        return self._one_article(
            request, object_id,
            lambda qs: editorial.set_correction_status(qs, status, user=request.user),
            _("校对状态已改为“%(label)s”。"),
            dict(models.CorrectionStatus.choices).get(status, status),
        )

    def set_visibility_view(self, request, object_id, visibility):
        return self._one_article(
            request, object_id,
            lambda qs: editorial.set_visibility(qs, visibility, user=request.user),
            _("公开状态已改为“%(label)s”。"),
            dict(models.Visibility.choices).get(visibility, visibility),
        )

    def _one_article(self, request, object_id, operation, message, label):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = get_object_or_404(models.Article, pk=unquote(object_id))
        url = reverse("admin:newsroom_article_change", args=[article.pk])
        try:
            operation(models.Article.objects.filter(pk=article.pk))
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, message % {"label": label}, messages.SUCCESS)
        return HttpResponseRedirect(_next_url(request, url))

    def tag_suggestions_view(self, request):
        """Return existing tag names starting with (or containing) the typed text, as JSON."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("q", "").strip()
        tags = Tag.objects.order_by("name")
        if term:
            tags = tags.filter(name__icontains=term)
        return JsonResponse({"results": list(tags.values_list("name", flat=True)[:20])})

    # -- search: the Chinese search module, when it is there
    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            from newsroom.search import search_articles
        except ImportError:
            search_articles = None
        if search_articles is not None:
            return search_articles(term, queryset), False
        found = Q()
        for name in ("headline", "kicker", "subheadline", "body"):
            found |= Q(**{f"{name}__icontains": term})
        return queryset.filter(found), False

    # -- bulk actions
    @admin.action(description=_("为所选文章添加标签"), permissions=["change"])
    def add_tags_action(self, request, queryset):
        if "apply" in request.POST:
            form = AddTagsForm(request.POST)
            if form.is_valid():
                count = editorial.add_tags(queryset, form.cleaned_data["tags"], user=request.user)
                self.message_user(
                    request,
                    ngettext("已为 %(n)d 篇文章添加标签。", "已为 %(n)d 篇文章添加标签。", count)
                    % {"n": count},
                    messages.SUCCESS,
                )
                return None
        else:
            form = AddTagsForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("为所选文章添加标签"),
            "opts": self.model._meta,
            "form": form,
            "articles": queryset.select_related("issue"),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "action": "add_tags_action",
            "media": self.media + form.media,
        }
        return render(request, "admin/newsroom/article/add_tags.html", context)

    def _bulk(self, request, count, message):
        self.message_user(request, message % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("标记为校对中"), permissions=["change"])
    def mark_in_review(self, request, queryset):
        count = editorial.set_correction_status(queryset, "in_review", user=request.user)
        self._bulk(request, count, _("%(n)d 篇文章已标记为校对中。"))

    @admin.action(description=_("标记为已校对"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = editorial.set_correction_status(queryset, "reviewed", user=request.user)
        self._bulk(request, count, _("%(n)d 篇文章已标记为已校对。"))

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def withdraw(self, request, queryset):
        count = editorial.set_visibility(queryset, "withdrawn", user=request.user)
        self._bulk(request, count, _("%(n)d 篇文章已撤回。"))

    @admin.action(description=_("重新发布所选文章"), permissions=["publish"])
    def republish(self, request, queryset):
        count = editorial.set_visibility(queryset, "published", user=request.user)
        self._bulk(request, count, _("%(n)d 篇文章已重新发布。"))


def _lines(flag) -> str:
    if flag.line_start is None:
        return str(_("无行号"))
    if flag.line_end in (None, flag.line_start):
        return str(_("第 %(n)d 行") % {"n": flag.line_start})
    return str(_("第 %(a)d–%(b)d 行") % {"a": flag.line_start, "b": flag.line_end})


# Review queue -----------------------------------------------------------------------------------


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
        "code", "message_text", "issue", "article_link", "photo", "advertisement", "person",
        "line_span", "original_display", "repair_display", "status", "resolved_by", "resolved_at",
        "created_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/newsroom/reviewflag/change_form.html"

    class Media:
        css = {"all": ["newsroom/admin/editorial.css"]}

    def get_ordering(self, request):
        # The queue: open flags first, newest issue first, in the order they sit on the page.
        open_first = Case(When(status=models.ReviewFlag.Status.OPEN, then=Value(0)), default=Value(1))
        return [open_first.asc(), "-issue__date", "line_start", "pk"]

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("<path:object_id>/accept/", self.admin_site.admin_view(self.accept_view), name="{}_{}_accept".format(*info)), path("<path:object_id>/undo/", self.admin_site.admin_view(self.undo_view), name="{}_{}_undo".format(*info)), *super().get_urls()]

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

    @admin.display(description=_("期 / 文章"), ordering="issue__date")
    def where(self, obj):
        date = formats.date_format(obj.issue.date, "DATE_FORMAT")
        if obj.article_id is None:
            return date
        url = reverse("admin:newsroom_article_change", args=[obj.article_id])
        return format_html('{}<br><a href="{}">{}</a>', date, url, obj.article)

    @admin.display(description=_("原始行"))
    def original_lines(self, obj):
        text = obj.original if len(obj.original) <= 240 else obj.original[:240] + "…"
        return format_html('<span class="nr-lines">{}</span><pre class="nr-ocr nr-small">{}</pre>',
                           _lines(obj), text)

    @admin.display(description=_("处理"), ordering="status")
    def resolution(self, obj):
        if obj.status == models.ReviewFlag.Status.OPEN:
            return format_html('<span class="nr-open">{}</span>', obj.get_status_display())
        who = obj.resolved_by.get_username() if obj.resolved_by else _("系统")
        return format_html(
            '<span class="nr-resolved">{}</span><br><span class="nr-lines">{} · {}</span>',
            obj.get_status_display(), who, formats.date_format(
                timezone.localtime(obj.resolved_at), "SHORT_DATETIME_FORMAT"
            ),
        )

    @admin.display(description=_("行号"))
    def line_span(self, obj):
        return _lines(obj)

    @admin.display(description=_("原始行"))
    def original_display(self, obj):
        return format_html('<pre class="nr-ocr">{}</pre>', obj.original)

    @admin.display(description=_("修复"))
    def repair_display(self, obj):
        if not obj.is_repair:
            return _("（不是对正文的修复）")
        return format_html(
            "<p>{}</p>{}", _("撤销修复会把正文中的修复后文本换回修复前文本："),
            diff_html(obj.after, obj.before),
        )

    @admin.display(description=_("操作"))
    def row_actions(self, obj):
        if obj.status != models.ReviewFlag.Status.OPEN:
            return ""
        # The changelist is one form; these buttons post it to the flag's own URL.
        accept = reverse("admin:newsroom_reviewflag_accept", args=[obj.pk])
        html = format_html('<button type="submit" class="button nr-accept" formaction="{}">{}</button>',
                           accept, _("接受"))
        if obj.is_repair and obj.article_id is not None:
            undo = reverse("admin:newsroom_reviewflag_undo", args=[obj.pk])
            html += format_html(
                ' <button type="submit" class="button nr-undo" formaction="{}">{}</button>',
                undo, _("撤销修复"),
            )
        return html

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
        return HttpResponseRedirect(_next_url(request, default))

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


# Issues, photos, advertisements -----------------------------------------------------------------


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
    list_display = ["name", "cn_number", "postal_code", "website"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Issue)
class IssueAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    list_display = [
        "date", "publication", "edition", "number", "lunar_date", "weekday", "article_count",
        "open_flag_count", "source",
    ]
    list_filter = ["publication"]
    date_hierarchy = "date"
    list_select_related = ["publication", "source"]
    inlines = [IssueArticleInline, IssuePhotoInline, IssueAdvertisementInline]
    readonly_fields = ["source_link", "source_text", "masthead"]
    fieldsets = [
        (None, {"fields": ["publication", "date", "edition", "number", "lunar_date", "weekday",
                           "masthead"]}),
        (_("来源文件"), {"fields": ["source_link", "source_text"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["newsroom/admin/editorial.css"]}

    def get_queryset(self, request):
        articles = (
            models.Article.objects.filter(issue=OuterRef("pk")).order_by().values("issue")
            .annotate(n=Count("pk")).values("n")
        )
        flags = (
            models.ReviewFlag.objects.open().filter(issue=OuterRef("pk")).order_by()
            .values("issue").annotate(n=Count("pk")).values("n")
        )
        return super().get_queryset(request).annotate(
            n_articles=Coalesce(Subquery(articles, output_field=IntegerField()), Value(0)),
            n_open_flags=Coalesce(Subquery(flags, output_field=IntegerField()), Value(0)),
        ).defer("source__text")

    @admin.display(description=_("文章数"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    @admin.display(description=_("待处理标记"), ordering="n_open_flags")
    def open_flag_count(self, obj):
        if not obj.n_open_flags:
            return ""
        url = reverse("admin:newsroom_reviewflag_changelist")
        return format_html('<a href="{}?issue__id__exact={}&status__exact=open">{}</a>',
                           url, obj.pk, obj.n_open_flags)

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
        return format_html('<pre class="nr-ocr nr-source">{}</pre>', obj.source.text)


class PhotoCreditInline(admin.TabularInline):
    model = models.Credit
    fk_name = "photo"
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]
    extra = 0


class PhotoForm(VersionedForm):
    class Meta:
        model = models.Photo
        fields = ["article", "caption", "image"]


@admin.register(models.Photo)
class PhotoAdmin(EditorialSaveMixin, HistoryCompareMixin, SimpleHistoryAdmin):
    form = PhotoForm
    list_display = ["__str__", "issue", "page", "position", "article"]
    list_select_related = ["issue__publication", "article"]
    list_filter = ["page"]
    date_hierarchy = "issue__date"
    search_fields = ["caption"]
    raw_id_fields = ["article"]
    readonly_fields = ["issue", "page", "position", "original_display"]
    fields = ["issue", "page", "position", "article", "caption", "image", "original_display",
              "expected_version"]
    inlines = [PhotoCreditInline]

    def editorial_save(self, request, obj, form, formsets):
        """Save the photo and its credits through editorial.edit_photo (locking, history)."""
        credits = None
        for formset in formsets:
            if formset.model is models.Credit:
                credits = _credit_lines(formset)
        editorial.edit_photo(
            obj,
            # Every field, not only changed_data: a revert's form starts from the old version.
            changes={name: form.cleaned_data[name] for name in editorial.PHOTO_FIELDS
                     if name in form.cleaned_data},
            expected_version=form.cleaned_data["expected_version"],
            credits=credits,
            user=request.user,
            reason=self.revert_reason(request),
        )

    def has_add_permission(self, request):
        # Photos come from the importer; where they sit on the page is read-only here.
        return False

    class Media:
        css = {"all": ["newsroom/admin/editorial.css"]}

    @admin.display(description=_("OCR原文"))
    def original_display(self, obj):
        return format_html('<pre class="nr-ocr">{}</pre>', obj.original_text)


@admin.register(models.Advertisement)
class AdvertisementAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    list_display = ["advertiser", "issue", "page", "position", "phone", "website"]
    list_select_related = ["issue__publication"]
    date_hierarchy = "issue__date"
    search_fields = ["advertiser", "text"]


# Contributors -----------------------------------------------------------------------------------


class PersonAliasInline(admin.TabularInline):
    model = models.PersonAlias
    extra = 0


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(models.Person.objects.all(), label=_("保留"))
    remove = forms.ModelChoiceField(models.Person.objects.all(), label=_("并入后删除"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("keep") and cleaned.get("keep") == cleaned.get("remove"):
            raise ValidationError(_("请选择两个不同的作者。"))
        return cleaned


class PersonForm(VersionedForm):
    class Meta:
        model = models.Person
        fields = ["name"]


@admin.register(models.Person)
class PersonAdmin(EditorialSaveMixin, HistoryCompareMixin, SimpleHistoryAdmin):
    form = PersonForm
    list_display = ["name", "alias_list", "credit_count"]
    search_fields = ["name", "aliases__name"]
    inlines = [PersonAliasInline]

    def editorial_save(self, request, obj, form, formsets):
        """Save the name and aliases through editorial.edit_person (locking, bylines, history)."""
        if obj.pk is None:
            # A new contributor is on no page yet: nothing to lock or to re-version.
            obj.save()
            for formset in formsets:
                self.save_formset(request, form, formset, change=False)
            return
        aliases = None
        for formset in formsets:
            if formset.model is models.PersonAlias and formset.has_changed():
                aliases = [f.cleaned_data["name"] for f in formset.forms
                           if f.cleaned_data and f not in formset.deleted_forms]
        editorial.edit_person(
            obj,
            name=form.cleaned_data["name"],
            aliases=aliases,
            expected_version=form.cleaned_data["expected_version"],
            user=request.user,
            reason=self.revert_reason(request),
        )
    actions = ["merge_selected"]
    change_list_template = "admin/newsroom/person/change_list.html"

    def get_queryset(self, request):
        credits = (
            models.Credit.objects.filter(person=OuterRef("pk")).order_by().values("person")
            .annotate(n=Count("pk")).values("n")
        )
        qs = super().get_queryset(request).annotate(
            n_credits=Coalesce(Subquery(credits, output_field=IntegerField()), Value(0))
        )
        return qs.prefetch_related("aliases")

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [path("merge/", self.admin_site.admin_view(self.merge_view), name="{}_{}_merge".format(*info)), path("duplicates/", self.admin_site.admin_view(self.duplicates_view), name="{}_{}_duplicates".format(*info)), *super().get_urls()]

    def has_merge_permission(self, request, obj=None):
        return request.user.has_perm(editorial.PERM_MERGE_PERSON)

    @admin.display(description=_("别名"))
    def alias_list(self, obj):
        return "、".join(a.name for a in obj.aliases.all())

    @admin.display(description=_("署名次数"), ordering="n_credits")
    def credit_count(self, obj):
        return obj.n_credits

    @admin.action(description=_("合并所选的两位作者"), permissions=["merge"])
    def merge_selected(self, request, queryset):
        people = list(queryset.order_by("name")[:3])
        if len(people) != 2:
            self.message_user(request, _("请恰好选择两位作者进行合并。"), messages.WARNING)
            return None
        url = reverse("admin:newsroom_person_merge")
        return HttpResponseRedirect(f"{url}?keep={people[0].pk}&remove={people[1].pk}")

    def merge_view(self, request):
        """Ask which person to keep, then merge the other into them (editorial.merge_people)."""
        if not self.has_merge_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = MergeForm(request.POST)
            if form.is_valid():
                keep, remove = form.cleaned_data["keep"], form.cleaned_data["remove"]
                removed_name = remove.name
                try:
                    editorial.merge_people(keep=keep, remove=remove, user=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request, _("已将 %(remove)s 并入 %(keep)s。") % {"remove": removed_name, "keep": keep},
                        messages.SUCCESS,
                    )
                    default = reverse("admin:newsroom_person_change", args=[keep.pk])
                    return HttpResponseRedirect(_next_url(request, default))
        else:
            form = MergeForm(initial={"keep": request.GET.get("keep"), "remove": request.GET.get("remove")})
        people = models.Person.objects.filter(
            pk__in=[v for v in (form["keep"].value(), form["remove"].value()) if str(v or "").isdigit()]
        ).prefetch_related("aliases").annotate(n_credits=Count("credits"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("合并作者"),
            "opts": self.model._meta,
            "form": form,
            "people": people,
        }
        return TemplateResponse(request, "admin/newsroom/person/merge.html", context)

    def duplicates_view(self, request):
        """List the pairs of people editorial.suggested_duplicates() finds, with merge buttons."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        role_labels = dict(models.Role.choices)
        suggestions = [
            {"s": s, "roles": "、".join(str(role_labels.get(r, r)) for r in s.shared_roles)}
            for s in editorial.suggested_duplicates()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("疑似重复的作者"),
            "opts": self.model._meta,
            "suggestions": suggestions,
            "can_merge": self.has_merge_permission(request),
            "merge_url": reverse("admin:newsroom_person_merge"),
        }
        return TemplateResponse(request, "admin/newsroom/person/duplicates.html", context)


@admin.register(models.Credit)
class CreditAdmin(HistoryCompareMixin, SimpleHistoryAdmin):
    """Credits, to look up and trace; they are edited on their article or photo.

    There the change goes through an editorial operation, which gives the article a new
    version (its page's ETag changes) and refuses a stale form; a credit saved here would not.
    """

    list_display = ["person", "role", "article", "photo", "order"]
    list_select_related = ["person", "article", "photo"]
    list_filter = ["role"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["article", "photo"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Tags -------------------------------------------------------------------------------------------


class TagAdmin(ChangelistGuardMixin, TaggitTagAdmin):
    """Taggit's tag admin, with its merge view and action limited to those who may retag."""

    def has_merge_permission(self, request, obj=None):
        # Merging rewrites and deletes tagged items; taggit's own view checks nothing.
        return all(
            request.user.has_perm(perm)
            for perm in ("taggit.change_tag", "taggit.change_taggeditem", "taggit.delete_taggeditem")
        )

    @admin.action(description=_("合并所选标签"), permissions=["merge"])
    def render_tag_form(self, request, queryset):
        return super().render_tag_form(request, queryset)

    def merge_tags_view(self, request):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        return super().merge_tags_view(request)


admin.site.unregister(Tag)
admin.site.register(Tag, TagAdmin)


class GuardedUserAdmin(ChangelistGuardMixin, UserAdmin):
    """Django's user admin, with the same guard on changelist parameters as ours."""


class GuardedGroupAdmin(ChangelistGuardMixin, GroupAdmin):
    """Django's group admin, with the same guard on changelist parameters as ours."""


admin.site.unregister(User)
admin.site.register(User, GuardedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GuardedGroupAdmin)


# Provenance: read-only for everyone -------------------------------------------------------------


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
        css = {"all": ["newsroom/admin/editorial.css"]}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            qs = qs.defer("text")
        return qs

    @admin.display(description=_("解码后文本"))
    def text_display(self, obj):
        return format_html('<pre class="nr-ocr nr-source">{}</pre>', obj.text)


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

