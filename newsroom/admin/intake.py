"""The desk's daily intake: upload a day's pages, read the preview, confirm, follow the job.

Presentation over newsroom/intake/: the upload page (the admin's "add" page) checks and keeps
the files and runs the preview (a dry run); the intake's page shows the preview, per file as
``manage.py import_pages`` reports it, the button that confirms (a job on the queue), the job's
progress (files done of total, read again every few seconds while it runs) and its result,
linked to its import run and files. Every step needs ``newsroom.import_pages``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from newsroom import models
from newsroom.admin.common import EDITORIAL_CSS, ChangelistGuardMixin, admin_path
from newsroom.intake import jobs
from newsroom.intake.uploads import UploadError, keep_intake, read_uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleaned to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".md,.txt,.jpg,.jpeg,.png,.tif,.tiff,.pdf,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("文件"),
        help_text=_("一天的版面文件（.md）及同名的版面图（.jpg、.png、.tif、.pdf），可多选，或一个 zip 压缩包。"),
    )


@admin.register(models.Intake)
class IntakeAdmin(ChangelistGuardMixin, admin.ModelAdmin):
    list_display = ["uploaded_at", "uploaded_by", "status", "progress", "import_run"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by", "run"]
    date_hierarchy = "uploaded_at"

    class Media:
        css = EDITORIAL_CSS

    # -- who may do what: upload and confirm with import_pages; nobody edits or deletes rows
    def has_add_permission(self, request):
        return request.user.has_perm(jobs.PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            admin_path(self, "<path:object_id>/confirm/", self.confirm_view, "confirm"),
            admin_path(self, "<path:object_id>/status/", self.status_view, "status"),
            *super().get_urls(),
        ]

    @admin.display(description=_("进度"))
    def progress(self, obj):
        return f"{obj.files_done} / {obj.files_total}"

    @admin.display(description=_("导入记录"))
    def import_run(self, obj):
        if obj.run_id is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:newsroom_importrun_change", args=[obj.run_id]),
                           obj.run)

    # -- the upload (the admin's add page)
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                uploads = read_uploads(form.cleaned_data["files"])
            except UploadError as error:
                form.add_error("files", error.message)
            else:
                intake = keep_intake(uploads, request.user)
                jobs.preview(intake, request.user)
                self.message_user(request, gettext("已上传 %(n)d 个文件，下面是试运行的结果：确认后才会导入。") % {
                    "n": len(uploads)}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:newsroom_intake_change", args=[intake.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("上传当天的版面"),
            "form": form,
            "limits": {"files": settings.INTAKE_MAX_FILES, "file_mb": settings.INTAKE_MAX_FILE_BYTES // 2**20,
                       "total_mb": settings.INTAKE_MAX_TOTAL_BYTES // 2**20},
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/newsroom/intake/upload.html", context)

    # -- one intake: its preview, its job, its result
    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # an intake is never edited: it moves on through its buttons
        intake = self._intake(request, object_id)
        reports = jobs.preview_reports(intake)
        headers = {entry["file"]: entry for entry in intake.preview.get("pages", [])}
        statuses = dict(models.ImportedFile.Status.choices)
        rows = [{"report": report, "numbers": report.summary(), "header": headers.get(report.source, {}),
                 "status": statuses.get(report.status, report.status)}
                for report in reports]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("每日导入 #%(id)s") % {"id": intake.pk},
            "intake": intake,
            "rows": rows,
            "files": intake.files.all(),
            "can_import": request.user.has_perm(jobs.PERMISSION),
            "can_run": jobs.can_run(intake),
            "active": intake.status in (models.Intake.Status.QUEUED, models.Intake.Status.RUNNING),
            "runs": jobs.runs_of(intake),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/newsroom/intake/detail.html", context)

    def confirm_view(self, request, object_id):
        """Start the import (or start it again): POST only, with import_pages."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(jobs.PERMISSION):
            raise PermissionDenied
        intake = self._intake(request, object_id)
        try:
            jobs.confirm(intake, request.user)
        except ValueError:
            self.message_user(request, gettext("这次导入正在进行或已经完成，不能再次开始。"), messages.WARNING)
        else:
            self.message_user(request, gettext("已开始导入：由后台任务逐个导入文件，本页显示进度。"), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:newsroom_intake_change", args=[intake.pk]))

    def status_view(self, request, object_id):
        """The job's progress as JSON, for the intake's page to show while the job runs."""
        intake = self._intake(request, object_id)
        return JsonResponse({
            "status": intake.status,
            "status_display": intake.get_status_display(),
            "files_done": intake.files_done,
            "files_total": intake.files_total,
            "finished": intake.finished_at is not None,
        })

    def _intake(self, request, object_id) -> models.Intake:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            pk = int(unquote(object_id))
        except ValueError:
            raise Http404 from None
        intake = (models.Intake.objects.select_related("uploaded_by", "run", "preview_run")
                  .filter(pk=pk).first())
        if intake is None:
            raise Http404(gettext("没有这次导入。"))
        return intake
