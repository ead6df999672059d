"""What the importer repaired or doubted (ReviewFlag), for an editor to accept or undo."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from newsroom.flag_messages import flag_message
from newsroom.lib import flagcodes as codes
from newsroom.models.articles import Advertisement, Article, Photo
from newsroom.models.papers import Issue
from newsroom.models.people import Person, Role


class ReviewFlagQuerySet(models.QuerySet):
    def open(self) -> ReviewFlagQuerySet:
        return self.filter(status=ReviewFlag.Status.OPEN)

    def resolved(self) -> ReviewFlagQuerySet:
        return self.exclude(status=ReviewFlag.Status.OPEN)


class ReviewFlag(models.Model):
    """Something the importer repaired or doubted, for an editor to accept or undo."""

    class Code(models.TextChoices):
        # The codes are newsroom/lib/flagcodes.py's (the parser and the loader give them);
        # tests/load/test_flags.py checks that every one of them is here.
        JOINED_PARAGRAPHS = codes.JOINED_PARAGRAPHS, _("合并段落")
        REMOVED_STRAY_LINE = codes.REMOVED_STRAY_LINE, _("删除重复碎行")
        REMOVED_FURNITURE = codes.REMOVED_FURNITURE, _("删除版面杂项")
        CROSSHEAD_DETECTED = codes.CROSSHEAD_DETECTED, _("识别出小标题")
        TRUNCATED_ARTICLE = codes.TRUNCATED_ARTICLE, _("文章不完整")
        PHOTO_CREDIT_INFERRED = codes.PHOTO_CREDIT_INFERRED, _("推断图片署名")
        UNATTACHED_CREDIT = codes.UNATTACHED_CREDIT, _("图片署名未归属")
        UNASSIGNED_TEXT = codes.UNASSIGNED_TEXT, _("文字未归属任何文章")
        MASTHEAD_MISMATCH = codes.MASTHEAD_MISMATCH, _("报头信息不符")
        WEEKDAY_MISMATCH = codes.WEEKDAY_MISMATCH, _("星期与日期不符")
        LUNAR_DATE_MISMATCH = codes.LUNAR_DATE_MISMATCH, _("农历日期与公历日期不符")
        DECODED_ENCODING = codes.DECODED_ENCODING, _("从其他编码解码")
        POSSIBLE_DUPLICATE_CONTRIBUTOR = codes.POSSIBLE_DUPLICATE_CONTRIBUTOR, _("疑似重复作者")
        IMPORT_CONFLICT = codes.IMPORT_CONFLICT, _("重新导入与编辑校对冲突")
        JUMP_LINE = codes.JUMP_LINE, _("删除转版提示")
        PAGE_SOURCE_CHANGED = codes.PAGE_SOURCE_CHANGED, _("版面改由另一文件导入")
        JOINED_CONTINUATION = codes.JOINED_CONTINUATION, _("接续部分已合并")
        JUMP_PENDING = codes.JUMP_PENDING, _("转版后文未找到")
        CONTINUATION_UNMATCHED = codes.CONTINUATION_UNMATCHED, _("接续部分无法归属")
        FILE_DATE_MISMATCH = codes.FILE_DATE_MISMATCH, _("文件名日期与版面日期不符")
        READER_SUGGESTION = codes.READER_SUGGESTION, _("读者报错")
        SCAN_UNREADABLE = codes.SCAN_UNREADABLE, _("版面图无法解码")
        OTHER = codes.OTHER, _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACCEPTED = "accepted", _("已接受")
        UNDONE = "undone", _("已撤销")
        # Closed by a re-import: the changed file no longer gives this repair or doubt.
        SUPERSEDED = "superseded", _("已过时")

    code = models.CharField(_("类型"), max_length=40, choices=Code.choices)
    message = models.TextField(_("说明"))
    # What the message is made of, so it can be worded in the reader's language
    # (newsroom/flag_messages.py); flags from before this have only the message.
    message_key = models.CharField(_("说明类型"), max_length=60, blank=True)
    message_params = models.JSONField(_("说明参数"), default=dict, blank=True)
    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="flags", verbose_name=_("期")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("文章"),
    )
    photo = models.ForeignKey(
        # A re-import that drops a photo or an ad keeps the flags naming it: they stay on the
        # issue (and article), and close as superseded if the file no longer gives them.
        Photo, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags",
        verbose_name=_("图片"),
    )
    advertisement = models.ForeignKey(
        Advertisement, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags",
        verbose_name=_("广告"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="flags",
        verbose_name=_("作者"),
    )
    line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    original = models.TextField(_("原始行"), blank=True)
    before = models.TextField(_("修复前文本"), blank=True)
    after = models.TextField(_("修复后文本"), blank=True)
    fingerprint = models.CharField(
        _("指纹"),
        max_length=64,
        help_text=_("在重复导入时识别同一标记，避免重复提出。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # The flags the parser derives from a file, which a re-import of the file gives again
    # (or, when the file changed there, no longer gives): by message_key.
    FROM_THE_FILE = frozenset(
        {
            Code.JOINED_PARAGRAPHS, Code.REMOVED_STRAY_LINE, Code.REMOVED_FURNITURE,
            Code.CROSSHEAD_DETECTED, Code.TRUNCATED_ARTICLE, Code.PHOTO_CREDIT_INFERRED,
            Code.MASTHEAD_MISMATCH, Code.WEEKDAY_MISMATCH, Code.LUNAR_DATE_MISMATCH,
            Code.DECODED_ENCODING, Code.UNASSIGNED_TEXT, Code.UNATTACHED_CREDIT, Code.JUMP_LINE,
            Code.FILE_DATE_MISMATCH,
        }
    )

    # The codes whose before/after describe a change the importer made to an article's body.
    BODY_REPAIR_CODES = frozenset(codes.BODY_REPAIRS)

    objects = ReviewFlagQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "line_start", "pk"]
        verbose_name = _("审校标记")
        verbose_name_plural = pgettext_lazy("plural", "审校标记")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "fingerprint"], name="flag_unique_per_issue"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(resolved_at__isnull=True))
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="flag_resolved_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["status", "code"], name="flag_status_code_idx")]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.display_message[:60]}"

    @property
    def display_message(self) -> str:
        """Return the message in the active language (the stored English one if it has no key)."""
        return flag_message(self.message_key, self.message_params, self.message, roles=Role)

    @property
    def is_repair(self) -> bool:
        """Return whether undoing this flag can put body text back.

        Only the importer's repairs of the body qualify. An import_conflict also records
        before/after, but they are two versions of a field, not a change to the body.
        """
        return (self.code in self.BODY_REPAIR_CODES and bool(self.after or self.before)) or self.is_join

    @property
    def is_reader_suggestion(self) -> bool:
        """Return whether a reader suggested this correction (accept applies it, undo rejects it)."""
        return self.code == self.Code.READER_SUGGESTION

    @property
    def is_join(self) -> bool:
        """Return whether this flag records two parts of a continued article joined (undo splits)."""
        return self.code == self.Code.JOINED_CONTINUATION
