"""The day's intake: the files an editor uploaded, and the background job that imports them.

An Intake is one upload (several Markdown pages with their scans, or a zip of them), kept in
the ``intake`` storage until it is imported. Its preview is the importer's dry-run report; its
job runs on the task queue (newsroom/intake/tasks.py) and records how far it got
(``files_done`` of ``files_total``) and the ImportRun it made. The steps live in
newsroom/intake/; this module holds the rows and the facts about them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Intake(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传，待预览")
        PREVIEWED = "previewed", _("已预览，待确认")
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        FAILED = "failed", _("部分文件失败")
        ERROR = "error", _("导入出错")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="intakes", verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    files_total = models.PositiveIntegerField(_("版面文件数"), default=0)
    files_done = models.PositiveIntegerField(_("已处理"), default=0)
    # What each file reads (its issue, page, articles), and the dry run's report of what the import
    # would do (an ImportRun with status dry_run, its ImportedFile rows).
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    preview_run = models.ForeignKey(
        "newsroom.ImportRun", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("试运行记录"),
    )
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    run = models.ForeignKey(
        "newsroom.ImportRun", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="intakes", verbose_name=_("导入记录"),
    )
    queued_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set whenever the job makes progress: a job that stops moving for long had its worker die.
    progress_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("每日导入")
        verbose_name_plural = pgettext_lazy("plural", "每日导入")
        permissions = [("import_pages", _("可上传并导入版面"))]

    def __str__(self) -> str:
        return f"{self.uploaded_at:%Y-%m-%d %H:%M} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("admin:newsroom_intake_change", args=[self.pk])


class IntakeFile(models.Model):
    """One uploaded file: a page (Markdown) or a page's scan, as stored in the intake storage."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="files",
                               verbose_name=_("每日导入"))
    name = models.CharField(_("文件名"), max_length=255)
    stored_name = models.CharField(_("存储名"), max_length=300)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["name"]
        verbose_name = _("上传文件")
        verbose_name_plural = pgettext_lazy("plural", "上传文件")
        constraints = [models.UniqueConstraint(fields=["intake", "name"], name="intake_file_unique_name")]

    def __str__(self) -> str:
        return self.name
