"""Where everything came from: the page files (SourceFile), the importer's runs and what each did with each file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SourceFile(models.Model):
    """An OCR'd page file as it was imported."""

    name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("字节数"), default=0)
    encoding = models.CharField(_("编码"), max_length=20, default="utf-8")
    text = models.TextField(_("解码后文本"), blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    # The importer that last loaded this file into its page (importers/load/version.py): the
    # same importer skips the same bytes on a re-import.
    importer_version = models.CharField(_("导入程序版本"), max_length=16, blank=True, editable=False)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("来源文件")
        verbose_name_plural = pgettext_lazy("plural", "来源文件")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    """One run of the importer, kept even when what it imported is deleted."""

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("部分文件失败")
        DRY_RUN = "dry_run", _("试运行")

    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_by = models.CharField(_("发起人"), max_length=150, blank=True)
    arguments = models.TextField(_("参数"), blank=True)
    files_total = models.PositiveIntegerField(_("文件数"), default=0)
    files_failed = models.PositiveIntegerField(_("失败文件数"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("导入记录")
        verbose_name_plural = pgettext_lazy("plural", "导入记录")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ImportedFile(models.Model):
    """What one import run did with one file, in the order the run read its files.

    Written as the run goes, a few hundred at a time, so a run of any number of files
    holds only those few hundred in memory (importers/load/reports.py, RunFiles).
    """

    class Status(models.TextChoices):
        CREATED = "created", _("新建")
        UPDATED = "updated", _("已更新")
        UNCHANGED = "unchanged", _("未变")
        FAILED = "failed", _("失败")

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="files", verbose_name=_("导入记录")
    )
    position = models.PositiveIntegerField(_("序号"))
    source = models.CharField(_("文件"), max_length=500)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    encoding = models.CharField(_("编码"), max_length=40, blank=True)
    # The issue the file was loaded into (none for a dry run, whose issues never existed).
    issue = models.ForeignKey(
        "Issue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("期"),
    )
    error = models.TextField(_("错误"), blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    notes = models.JSONField(_("备注"), default=list, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("导入的文件")
        verbose_name_plural = pgettext_lazy("plural", "导入的文件")
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="imported_file_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_status_display()})"
