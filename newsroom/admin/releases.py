"""A held issue on the desk: marked in the issue list and on its page, released by a chief editor.

The buttons on the issue's change page (newsroom/templates/admin/newsroom/issue/change_form.html)
post to three views here, each a thin call of an editorial operation
(newsroom/editorial/releases.py), which checks the permission (403 for editors).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom import editorial
from newsroom.admin.common import admin_path

RELEASE_ANCHOR = "nr-release"


def release_label(issue) -> str:
    """Return how the desk names an issue's state for readers: 待发布, with its scheduled time."""
    if not issue.held:
        return ""
    if issue.release_at is None:
        return gettext("待发布")
    return gettext("待发布（定时：%(when)s）") % {
        "when": date_format(timezone.localtime(issue.release_at), "Y-m-d H:i")}


class IssueReleaseMixin:
    """The issue admin's part about held issues: a column, a filter, the state and three buttons."""

    @admin.display(description=_("待发布"), ordering="held")
    def held_badge(self, obj):
        label = release_label(obj)
        return format_html('<span class="nr-held">{}</span>', label) if label else ""

    @admin.display(description=_("发布状态"))
    def release_status(self, obj):
        return release_label(obj) or gettext("已发布：读者可见")

    def get_urls(self):
        return [
            admin_path(self, "<path:object_id>/release/", self.release_view, "release"),
            admin_path(self, "<path:object_id>/release/schedule/", self.schedule_release_view,
                       "schedule_release"),
            admin_path(self, "<path:object_id>/release/cancel/", self.cancel_release_view,
                       "cancel_release"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["may_release_issue"] = request.user.has_perm(editorial.PERM_RELEASE_ISSUE)
            context["release_anchor"] = RELEASE_ANCHOR
            if obj.release_at is not None:
                context["release_at_value"] = timezone.localtime(obj.release_at).strftime("%Y-%m-%dT%H:%M")
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def release_view(self, request, object_id):
        def release(issue):
            if editorial.release_issue(issue, user=request.user):
                return gettext("已发布这一期：读者现在可以看到它的文章、版面和版面图。")
            return gettext("这一期已经发布，无需再发布。")

        return self._release_action(request, object_id, release)

    def schedule_release_view(self, request, object_id):
        def schedule(issue):
            try:
                when = parse_datetime(request.POST.get("release_when", "").strip())
            except ValueError:  # well formed, but no such date or time (2024-02-30)
                when = None
            when = editorial.schedule_release(issue, user=request.user, when=when)
            return gettext("这一期将于 %(when)s 发布。") % {
                "when": date_format(timezone.localtime(when), "Y-m-d H:i")}

        return self._release_action(request, object_id, schedule)

    def cancel_release_view(self, request, object_id):
        def cancel(issue):
            if editorial.cancel_release(issue, user=request.user):
                return gettext("已取消定时发布：这一期仍待发布。")
            return gettext("这一期没有定时发布，无需取消。")

        return self._release_action(request, object_id, cancel)

    def _release_action(self, request, object_id, operation):
        """A chief editor's button: POST only; the operation checks the permission (403)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self.get_object(request, unquote(object_id))
        if issue is None:
            raise Http404(gettext("没有这一期报纸。"))
        try:
            self.message_user(request, operation(issue), messages.SUCCESS)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(
            reverse("admin:newsroom_issue_change", args=[issue.pk]) + f"#{RELEASE_ANCHOR}")
