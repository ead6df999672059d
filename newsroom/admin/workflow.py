"""The correction and publishing workflow of articles: buttons on one article, actions on many."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom import editorial, models
from newsroom.admin.common import admin_path, next_url
from newsroom.admin.tags import AddTagsForm


def _bulk_action(operation, value, permission, description, done):
    """Return a bulk action that calls operation(queryset, value) and says how many articles moved."""

    @admin.action(description=description, permissions=[permission])
    def action(self, request, queryset):
        count = operation(queryset, value, user=request.user)
        self.message_user(request, done % {"n": count}, messages.SUCCESS)

    return action


class ArticleWorkflowMixin:
    """Move articles through correction (editors) and publishing (chief editors).

    One article: buttons on its change form post to set_status_view / set_visibility_view.
    Many: the changelist's bulk actions. Both call the editorial operations.
    """

    def get_urls(self):
        return [
            admin_path(self, "<path:object_id>/status/<str:status>/", self.set_status_view,
                       "set_status"),
            admin_path(self, "<path:object_id>/visibility/<str:visibility>/",
                       self.set_visibility_view, "set_visibility"),
            *super().get_urls(),
        ]

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(editorial.PERM_PUBLISH_ARTICLE)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["workflow_buttons"] = self.workflow_buttons(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def workflow_buttons(self, request, obj) -> list[dict]:
        """Return the buttons this user may press on this article: label, url, danger."""
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

    # -- one article (buttons on the change form)
    def set_status_view(self, request, object_id, status):
        return self._one_article(
            request, object_id,
            lambda qs: editorial.set_correction_status(qs, status, user=request.user),
            _("校对状态已改为“%(label)s”。"),
            dict(models.CorrectionStatus.choices).get(status, status),
        )

    def set_visibility_view(self, request, object_id, visibility):
        if (request.method == "POST" and visibility == models.Visibility.WITHDRAWN
                and request.POST.get("confirm") != "yes"):
            article = get_object_or_404(models.Article, pk=unquote(object_id))
            change = reverse("admin:newsroom_article_change", args=[article.pk])
            return self.withdraw_confirmation(
                request, [article], cancel_url=change, next=next_url(request, change)
            )
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
        return HttpResponseRedirect(next_url(request, url))

    # -- many articles (bulk actions of the changelist)
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

    mark_in_review = _bulk_action(
        editorial.set_correction_status, "in_review", "change",
        _("标记为校对中"), _("%(n)d 篇文章已标记为校对中。"),
    )
    mark_reviewed = _bulk_action(
        editorial.set_correction_status, "reviewed", "change",
        _("标记为已校对"), _("%(n)d 篇文章已标记为已校对。"),
    )
    _withdraw_now = _bulk_action(
        editorial.set_visibility, "withdrawn", "publish",
        _("撤回所选文章"), _("%(n)d 篇文章已撤回。"),
    )

    @admin.action(description=_("撤回所选文章"), permissions=["publish"])
    def withdraw(self, request, queryset):
        """Ask first (listing the articles), then withdraw them, as Django's delete action does."""
        if request.POST.get("confirm") == "yes":
            return self._withdraw_now(request, queryset)
        return self.withdraw_confirmation(
            request, queryset.select_related("issue"),
            selected=request.POST.getlist(ACTION_CHECKBOX_NAME), action="withdraw",
            cancel_url=reverse("admin:newsroom_article_changelist"),
        )

    def withdraw_confirmation(self, request, articles, **context):
        """Return the page that asks before withdrawing these articles (a POST with confirm=yes)."""
        if not self.has_publish_permission(request):
            raise PermissionDenied(editorial.refusal(editorial.PERM_PUBLISH_ARTICLE))
        context = {
            **self.admin_site.each_context(request),
            "title": _("撤回文章"),
            "opts": self.model._meta,
            "articles": articles,
            **context,
        }
        return render(request, "admin/newsroom/article/withdraw_confirmation.html", context)
    republish = _bulk_action(
        editorial.set_visibility, "published", "publish",
        _("重新发布所选文章"), _("%(n)d 篇文章已重新发布。"),
    )
