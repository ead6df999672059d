"""Tags: suggested while typing, filtered on, added to many articles at once, merged."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagField, TagWidget
from taggit.models import Tag

from newsroom.admin.common import ChangelistGuardMixin


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


class AddTagsForm(forms.Form):
    tags = TagField(label=_("要添加的标签"), widget=TagSuggestWidget)


class TagAdmin(ChangelistGuardMixin, TaggitTagAdmin):
    """Taggit's tag admin, with its merge view and action limited to those who may retag."""

    # The tag's pinyin too: "gonghui" or "gh" finds 工会 (newsroom/models/tags.py).
    search_fields = [*TaggitTagAdmin.search_fields, "spelling__spellings"]

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
