"""The pages (版) of an issue: number, name, the file each was read from, and who made it.

A day's paper has several pages; the importer records each one it reads (importers/load/),
the front page and every inside page alike. Articles, photos and advertisements say which
page they stand on by its number (``Article.page``), so a page's contents are
``issue.articles.filter(page=page.number)``; the Page row holds what belongs to the page
itself: its printed name (要闻, 综合), its staff (责任编辑, 版式, ...: credits of the page, not
of any article) and its source file.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from newsroom.lib import pagestaff
from newsroom.lib.bounds import PAGES
from newsroom.models.fields import in_range, within
from newsroom.models.papers import Issue
from newsroom.models.people import Person
from newsroom.models.provenance import SourceFile
from newsroom.models.scans import PageScan, ScanQuerySet, ScanVerification


class StaffRole(models.TextChoices):
    """The roles a page credits (codes from newsroom.lib.pagestaff), as the paper prints them."""

    EDITOR = pagestaff.EDITOR, _("责任编辑")
    LAYOUT = pagestaff.LAYOUT, _("版式")
    ART_EDITOR = pagestaff.ART_EDITOR, _("美术编辑")
    PROOFREADER = pagestaff.PROOFREADER, _("校对")


class PageQuerySet(ScanQuerySet):
    def with_staff(self) -> PageQuerySet:
        """Return the pages with their staff and the staff's people prefetched (one query more)."""
        return self.prefetch_related(
            models.Prefetch("staff", queryset=PageStaff.objects.select_related("person"))
        )


class Page(PageScan, models.Model):
    """One page (版) of an issue, as the importer read it (and the scan it was read from)."""

    issue = models.ForeignKey(
        Issue, on_delete=models.CASCADE, related_name="pages", verbose_name=_("期")
    )
    number = models.PositiveSmallIntegerField(_("版次"), validators=within(PAGES))
    name = models.CharField(_("版名"), max_length=50, blank=True)
    source = models.ForeignKey(
        SourceFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pages",
        verbose_name=_("来源文件"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PageQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue", "number"]
        verbose_name = _("版面")
        verbose_name_plural = pgettext_lazy("plural", "版面")
        constraints = [
            models.UniqueConstraint(fields=["issue", "number"], name="page_unique_per_issue"),
            models.CheckConstraint(condition=in_range("number", PAGES), name="page_number_in_range"),
            # A scan is pending, verified or failed; a page without one has no verification.
            models.CheckConstraint(condition=Q(scan_name="", scan_verification="")
                                   | (~Q(scan_name="") & Q(scan_verification__in=ScanVerification.values)),
                                   name="page_scan_verification_with_scan"),
        ]

    def __str__(self) -> str:
        return f"{self.issue} {self.label}"

    @property
    def label(self) -> str:
        """Return the page as the paper prints it: 第1版 要闻 (or 第1版 without a name)."""
        number = gettext("第%(n)s版") % {"n": self.number}
        return f"{number} {self.name}" if self.name else str(number)


class PageStaff(models.Model):
    """A person credited on a page (责任编辑 张三), with the label the page printed."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="staff", verbose_name=_("版面"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="page_credits", verbose_name=_("作者")
    )
    role = models.CharField(_("角色"), max_length=20, choices=StaffRole.choices)
    # As printed: 本版编辑 and 责编 are both the editor (责任编辑).
    label = models.CharField(_("原印职务"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("版面人员")
        verbose_name_plural = pgettext_lazy("plural", "版面人员")
        constraints = [
            models.UniqueConstraint(fields=["page", "person", "role"], name="page_staff_unique"),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="page_staff_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"
