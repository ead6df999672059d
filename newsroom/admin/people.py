"""Contributors: names and aliases, merging two records of one person, suggested duplicates, credits."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newsroom import editorial, models
from newsroom.admin.common import admin_path, next_url
from newsroom.admin.editing import EditorialSaveMixin, VersionedForm
from newsroom.admin.history import HistoryCompareMixin
from newsroom.models.fields import count_of


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
    # name_pinyin: "ruan xiangmin" or "rxm" finds 阮向民 here and in the credits' autocomplete.
    search_fields = ["name", "aliases__name", "name_pinyin"]
    inlines = [PersonAliasInline]
    actions = ["merge_selected"]
    change_list_template = "admin/newsroom/person/change_list.html"

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

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(
            n_credits=count_of(models.Credit.objects.all(), "person")
        )
        return qs.prefetch_related("aliases")

    def get_urls(self):
        return [
            admin_path(self, "merge/", self.merge_view, "merge"),
            admin_path(self, "duplicates/", self.duplicates_view, "duplicates"),
            *super().get_urls(),
        ]

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
        """Ask which person to keep, show what would move, and merge only once confirmed.

        A POST without ``confirmed`` (the form's button, or a duplicates page's 保留 button)
        answers with the confirmation page (editorial.merge_preview); the confirmation page's
        POST carries ``confirmed`` and merges (editorial.merge_people).
        """
        if not self.has_merge_permission(request):
            raise PermissionDenied(editorial.refusal(editorial.PERM_MERGE_PERSON))
        if request.method == "POST":
            form = MergeForm(request.POST)
            if form.is_valid():
                keep, remove = form.cleaned_data["keep"], form.cleaned_data["remove"]
                if not request.POST.get("confirmed"):
                    return self._merge_confirmation(request, keep, remove)
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
                    return HttpResponseRedirect(next_url(request, default))
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

    def _merge_confirmation(self, request, keep, remove):
        context = {
            **self.admin_site.each_context(request),
            "title": _("确认合并作者"),
            "opts": self.model._meta,
            "preview": editorial.merge_preview(keep=keep, remove=remove),
            "next": next_url(request, ""),
        }
        return TemplateResponse(request, "admin/newsroom/person/merge_confirmation.html", context)

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
