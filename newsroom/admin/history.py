"""Versions: the history compare view, character diffs, reverting, and who saved last."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models as db
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom import editorial
from newsroom.admin.common import ChangelistGuardMixin, admin_path, fragment


def diff_html(old: str, new: str):
    """Return the character diff of two texts as HTML, every piece of text escaped.

    Deleted characters are wrapped in <del>, inserted ones in <ins>. The text comes from OCR
    and from editors; the template escapes it piece by piece.
    """
    return fragment(
        "admin/newsroom/includes/diff.html", {"pieces": editorial.char_diff(old or "", new or "")}
    )


def is_revert(request) -> bool:
    """Return whether this request is simple_history's revert view of one version."""
    match = request.resolver_match
    return bool(match and match.url_name.endswith("_simple_history"))


def last_editor(obj) -> str:
    """Return the username of whoever saved this object last, or "其他编辑" when unknown."""
    record = obj.history.select_related("history_user").first()
    if record is not None and record.history_user is not None:
        return record.history_user.get_username()
    return str(_("其他编辑"))


def display_value(field, value) -> str:
    """Return a field's stored value as the editor sees it elsewhere in the admin.

    Choices show their labels (未校对, not ``unreviewed``), booleans 是/否, datetimes the local
    time formatted like the page header, empty values an empty string.
    """
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(field, db.DateTimeField):
        aware = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(aware, "DATETIME_FORMAT")
    if isinstance(field, db.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def compare_rows(history_model, old, new) -> list[dict]:
    """Return one row per tracked field of two versions, the changed fields first.

    Free text gets a character diff; coded values (choices, booleans, times) show their
    labels as "before → after" when they changed.
    """
    rows = []
    for field in history_model.tracked_fields:
        raw_before, raw_after = getattr(old, field.attname), getattr(new, field.attname)
        changed = raw_before != raw_after
        before, after = display_value(field, raw_before), display_value(field, raw_after)
        if isinstance(field, db.TextField | db.CharField) and not field.choices:
            diff = diff_html(before, after)
        else:
            diff = format_html("{} → {}", before, after) if changed else before
        rows.append({"label": field.verbose_name, "changed": changed, "diff": diff})
    rows.sort(key=lambda r: not r["changed"])
    return rows


class HistoryCompareMixin(ChangelistGuardMixin):
    """Add a compare view to SimpleHistoryAdmin: any two versions, a character diff per field."""

    object_history_template = "admin/newsroom/object_history.html"
    object_history_list_template = "admin/newsroom/object_history_list.html"
    object_history_form_template = "admin/newsroom/object_history_form.html"

    def get_urls(self):
        compare = [
            admin_path(self, "<path:object_id>/history/compare/", self.history_compare_view,
                       "history_compare"),
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
        if not is_revert(request):
            return None
        if not hasattr(request, "_reverted_record"):  # asked by the form, its fields and the save
            object_id, version_id = request.resolver_match.args[:2]
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
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("比较版本：%(obj)s") % {"obj": obj},
            "opts": opts,
            "object": obj,
            "old": old,
            "new": new,
            "rows": compare_rows(history.model, old, new),
            "history_url": reverse(
                f"admin:{opts.app_label}_{opts.model_name}_history", args=[object_id]
            ),
        }
        return TemplateResponse(request, "admin/newsroom/history_compare.html", context)
