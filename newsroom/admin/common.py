"""What every page of the editorial desk shares: guards, read-only inlines, safe redirects, OCR text."""

from __future__ import annotations

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The stylesheet of the desk's own panels: the proofreading columns, diffs, flags, OCR text.
EDITORIAL_CSS = {"all": ["newsroom/admin/editorial.css"]}

# The largest value a bigint column (PostgreSQL) or an SQLite integer can hold.
MAX_DATABASE_INTEGER = 2**63 - 1


def admin_path(model_admin, route: str, view, name: str):
    """Return the URL pattern of one of a model admin's own views, named admin:<app>_<model>_<name>."""
    opts = model_admin.model._meta
    return path(
        route,
        model_admin.admin_site.admin_view(view),
        name=f"{opts.app_label}_{opts.model_name}_{name}",
    )


def next_url(request, default: str) -> str:
    """Return the "next" address the request asks to go back to, if it is on this site, else default."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def fragment(template_name: str, context: dict) -> SafeString:
    """Render a template of a piece of a page (a panel, a cell, a diff), every value escaped.

    The file's final newline is dropped, so that the piece sits in its cell as format_html
    would have put it.
    """
    return mark_safe(render_to_string(template_name, context).removesuffix("\n"))


def ocr_text(text: str, *, extra_class: str = "", lang: str = "") -> SafeString:
    """Return OCR'd or imported text as an escaped <pre class="nr-ocr">, its lines kept."""
    return fragment(
        "admin/newsroom/includes/ocr_text.html",
        {"text": text or "", "extra_class": extra_class, "lang": lang},
    )


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


def refusal_page(request, exception):
    """Return a 403 inside the admin's frame, saying in the editor's language what is needed.

    The message is the PermissionDenied's own (editorial.refusal names the permission and the
    roles that have it); a bare PermissionDenied (one of Django's admin views) gets a general one.
    """
    from django.contrib import admin
    from django.template.response import TemplateResponse

    message = str(exception) if exception and str(exception) else _("您没有执行此操作的权限。")
    context = {**admin.site.each_context(request), "title": _("没有权限"), "message": message}
    response = TemplateResponse(request, "admin/403.html", context, status=403)
    return response.render()
