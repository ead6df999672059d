"""Photos: captions and credits corrected through editorial.edit_photo."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from newsroom import editorial, models
from newsroom.admin.common import EDITORIAL_CSS, ocr_text
from newsroom.admin.editing import CreditInline, EditorialSaveMixin, VersionedForm, credit_lines
from newsroom.admin.history import HistoryCompareMixin


class PhotoCreditInline(CreditInline):
    fk_name = "photo"


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

    class Media:
        css = EDITORIAL_CSS

    def editorial_save(self, request, obj, form, formsets):
        """Save the photo and its credits through editorial.edit_photo (locking, history)."""
        credits = None
        for formset in formsets:
            if formset.model is models.Credit:
                credits = credit_lines(formset)
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

    @admin.display(description=_("OCR原文"))
    def original_display(self, obj):
        return ocr_text(obj.original_text)
