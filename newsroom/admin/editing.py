"""How a change form saves: one locked, versioned editorial operation, a stale save refused."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from newsroom import editorial, models
from newsroom.admin.history import is_revert, last_editor
from newsroom.editorial import StaleEditError


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
            self.stale_message % {"user": last_editor(current), "version": current.version},
            code="stale",
        )


def credit_lines(formset) -> list[editorial.CreditLine] | None:
    """Return the credits a credits inline asks for, or None when the editor changed none."""
    if not formset.has_changed():
        return None
    return [
        editorial.CreditLine(person=f.cleaned_data["person"], role=f.cleaned_data["role"],
                             order=f.cleaned_data["order"])
        for f in formset.forms
        if f.cleaned_data and f not in formset.deleted_forms
    ]


class CreditInline(admin.TabularInline):
    """The credits of an article or a photo, saved through its editorial operation (credit_lines)."""

    model = models.Credit
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]
    extra = 0


class EditorialSaveMixin:
    """Save the form and its inlines through one editorial operation, in save_related.

    Django saves the object (save_model), then the inlines (save_related); both must be
    one locked, versioned edit with one history reason, so save_model saves nothing and
    save_related calls ``editorial_save`` with the formsets. simple_history's revert view
    calls only save_model: there the object is saved at once, without inlines.
    """

    stale_message = _("保存失败：在您保存的同时，%(user)s 也保存了此项。您的修改没有保存，请重新修改。")

    def save_model(self, request, obj, form, change):
        if is_revert(request):
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
                request, self.stale_message % {"user": last_editor(error.current)}, messages.ERROR
            )
        except ValidationError as error:
            # A rule the forms cannot see (a name another person took meanwhile): nothing written.
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        return HttpResponseRedirect(request.path)
