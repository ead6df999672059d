"""Continued articles in the desk: which parts an article runs on, joining and splitting by hand."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from newsroom import editorial


class ArticleContinuationMixin:
    """ArticleAdmin's part for articles continued across pages (newsroom/models/continuations.py)."""

    @admin.display(description=_("转版与接续"))
    def continuation_panel(self, obj):
        """Say which article this part continues, or on which pages the article goes on."""
        if obj is None or obj.pk is None:
            return "—"
        if obj.continues_id is not None:
            lead = obj.first_part()
            return format_html(
                '{} <a href="{}">{}</a>', _gettext("本部分接续："),
                reverse("admin:newsroom_article_change", args=[lead.pk]),
                f"{_gettext('第%(n)s版') % {'n': lead.page}} {lead.headline}",
            )
        parts = obj.parts()[1:]
        if not parts:
            if obj.jump_to:
                return _gettext("转第%(n)s版，续文尚未合并。") % {"n": obj.jump_to}
            return "—"
        return format_html_join(
            "、", '<a href="{}">{}</a>',
            ((reverse("admin:newsroom_article_change", args=[part.pk]),
              _gettext("第%(n)s版") % {"n": part.page} + (f" {part.headline}" if part.headline else ""))
             for part in parts),
        )

    @admin.action(description=_("合并为接续部分（所选两篇）"), permissions=["change"])
    def join_parts(self, request, queryset):
        articles = list(queryset.order_by("page", "position")[:3])
        if len(articles) != 2:
            self.message_user(request, _gettext("请恰好选择同一期的两篇文章：前一篇版次在前。"), messages.WARNING)
            return
        lead, part = articles
        try:
            editorial.join_articles(lead, part, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, _gettext("已把第%(page)s版的“%(part)s”并入“%(lead)s”。")
            % {"page": part.page, "part": part.headline, "lead": lead.headline}, messages.SUCCESS)

    @admin.action(description=_("拆分接续部分"), permissions=["change"])
    def split_parts(self, request, queryset):
        parts = list(queryset.filter(continues__isnull=False).order_by("pk"))
        for part in parts:
            editorial.split_article(part, user=request.user)
        if not parts:
            self.message_user(request, _gettext("所选文章都不是接续部分。"), messages.WARNING)
            return
        self.message_user(request, _gettext("已拆分 %(n)s 个接续部分。") % {"n": len(parts)}, messages.SUCCESS)
