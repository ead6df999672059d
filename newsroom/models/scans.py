"""A page's scan, and who may see it.

The scan is the printed page the OCR was read from (newsroom/scans/ keeps and serves it). It
shows every article printed on the page, so it is public only while none of them is withdrawn:
a page with a withdrawn article (or a part of one continued onto it) has no public scan, tile
or manifest canvas, until a chief editor releases the scan (a ``ScanRelease`` for each
withdrawn article, at the version it had). A release holds for what the chief editor saw:
an article withdrawn later, or changed after the release, hides the scan again. Staff always
see scans. A page of a held issue (not yet released: newsroom/models/papers.py ``public_issue``)
has no public scan either, nor a scan not yet verified: a scan is checked from its structure
when it comes in and decoded in the background afterwards (newsroom/editorial/scanchecks.py);
until that decode succeeded (``scan_verification``: pending) only staff see it, and a scan
that fails it is served to no one. This module is the one place that rule lives:
``PageQuerySet.with_public_scan()``.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from newsroom.models.access import sees_unpublished

SCAN_FORMATS = [("jpeg", "JPEG"), ("png", "PNG"), ("tiff", "TIFF"), ("pdf", "PDF")]


class ScanVerification(models.TextChoices):
    """Whether a page's scan decoded in the background (newsroom/editorial/scanchecks.py)."""

    PENDING = "pending", _("待校验")
    VERIFIED = "verified", _("已校验")
    FAILED = "failed", _("无法解码")


class PageScan(models.Model):
    """The scan fields of a Page (newsroom/models/pages.py): where it is stored and what it is."""

    # The name in the ``scans`` storage: the content's hash (newsroom/scans/store.py), never
    # a name a user chose. Empty: the page has no scan.
    scan_name = models.CharField(_("版面图存储名"), max_length=200, blank=True, editable=False)
    scan_sha256 = models.CharField(_("版面图SHA-256"), max_length=64, blank=True, editable=False)
    scan_format = models.CharField(_("版面图格式"), max_length=10, choices=SCAN_FORMATS, blank=True, editable=False)
    scan_width = models.PositiveIntegerField(_("版面图宽度（像素）"), null=True, blank=True, editable=False)
    scan_height = models.PositiveIntegerField(_("版面图高度（像素）"), null=True, blank=True, editable=False)
    scan_bytes = models.PositiveBigIntegerField(_("版面图大小（字节）"), null=True, blank=True, editable=False)
    # The scan the importer last set: a scan an editor attached since (another hash) is theirs,
    # and a re-import keeps it (importers/load/scans.py).
    scan_imported_sha256 = models.CharField(_("导入的版面图SHA-256"), max_length=64, blank=True, editable=False)
    # The file it came from, as named on import or upload (shown to editors, never used as a path).
    scan_original_name = models.CharField(_("版面图原文件名"), max_length=255, blank=True, editable=False)
    # Set to pending with each new scan; the background decode makes it verified or failed
    # (with what the decoder said). Empty: the page has no scan.
    scan_verification = models.CharField(_("版面图校验"), max_length=10, choices=ScanVerification.choices,
                                         blank=True, default="", editable=False)
    scan_verification_error = models.CharField(_("版面图校验问题"), max_length=500, blank=True, editable=False)
    scan_verified_at = models.DateTimeField(_("版面图校验时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def has_scan(self) -> bool:
        return bool(self.scan_name)

    @property
    def iiif_identifier(self) -> str:
        """The scan's IIIF identifier: paper, date, edition and page (zjgrrb_2021-03-19_1_2)."""
        return f"{issue_identifier(self.issue)}_{self.number}"

    def scan_visible_to(self, user) -> bool:
        """Return whether this user may see the page's scan (staff: any scan; readers: public ones)."""
        if not self.has_scan:
            return False
        if sees_unpublished(user):
            return self.scan_verification != ScanVerification.FAILED
        return type(self).objects.filter(pk=self.pk).with_public_scan().exists()


def withheld_articles(issue, number, page):
    """Return the withdrawn articles on a page that no release of its scan covers.

    ``issue``, ``number`` and ``page`` (the page's id) are values, or OuterRefs to a page
    row when this is a subquery of a page query (``ScanQuerySet.withheld_articles``). An
    article is on the page when it starts there or a part continuing it stands there.
    """
    from newsroom.models.articles import Article, Visibility
    from newsroom.models.continuations import continuing

    def deeper(value):
        return OuterRef(value) if isinstance(value, OuterRef) else value

    parts_here = Article.objects.filter(continuing(OuterRef("pk")), page=deeper(number))
    released = ScanRelease.objects.filter(page=deeper(page), article=OuterRef("pk"),
                                          article_version=OuterRef("version"))
    return (
        Article.objects.filter(issue=issue, visibility=Visibility.WITHDRAWN)
        .filter(Q(page=number) | Exists(parts_here))
        .exclude(Exists(released))
    )


def issue_identifier(issue) -> str:
    """An issue's IIIF identifier (its manifest's): paper, date and edition (zjgrrb_2021-03-19_1)."""
    return f"{issue.publication.slug}_{issue.date:%Y-%m-%d}_{issue.edition}"


def parse_issue_identifier(identifier: str) -> dict | None:
    """Return the lookup (publication slug, date, edition) an issue identifier names, or None."""
    parts = identifier.rsplit("_", 2)
    if len(parts) != 3 or not parts[0] or not re.fullmatch(r"[0-9]{1,3}", parts[2]):
        return None
    try:
        date = dt.date.fromisoformat(parts[1])
    except ValueError:
        return None
    if len(parts[1]) != 10:
        return None
    return {"publication__slug": parts[0], "date": date, "edition": int(parts[2])}


class ScanQuerySet(models.QuerySet):
    def with_scan(self):
        return self.exclude(scan_name="")

    def with_servable_scan(self):
        """Return the pages whose scan may be served to staff: any scan but one that failed to decode."""
        return self.with_scan().exclude(scan_verification=ScanVerification.FAILED)

    def by_iiif_identifier(self, identifier: str):
        """Return the pages an IIIF identifier names (none, or one: paper, date, edition, page)."""
        issue, _sep, number = identifier.rpartition("_")
        lookup = parse_issue_identifier(issue)
        if lookup is None or not re.fullmatch(r"[0-9]{1,3}", number):
            return self.none()
        return self.filter(number=int(number), **{f"issue__{key}": value for key, value in lookup.items()})

    def withheld_articles(self):
        """Return, for a page (as OuterRef), its withdrawn articles that no release covers."""
        return withheld_articles(OuterRef("issue"), OuterRef("number"), OuterRef("pk"))

    def with_public_scan(self):
        """Return the pages whose scan a reader may see: a scan that decoded (verified), in an
        issue that is not held, and no withdrawn article on the page that a chief editor has
        not released it for."""
        from newsroom.models.papers import public_issue

        return (self.with_scan().filter(public_issue("issue__"), scan_verification=ScanVerification.VERIFIED)
                .exclude(Exists(self.withheld_articles())))

    def with_scan_visible_to(self, user):
        return self.with_servable_scan() if sees_unpublished(user) else self.with_public_scan()

    def annotate_scan_withheld(self):
        """Annotate ``scan_withheld``: the page's issue is held, its scan is not verified, or the
        page shows a withdrawn article no release covers (readers may not see the scan)."""
        from newsroom.models.papers import public_issue

        return self.annotate(scan_withheld=ExpressionWrapper(
            ~public_issue("issue__") | ~Q(scan_verification=ScanVerification.VERIFIED)
            | Q(Exists(self.withheld_articles())), output_field=models.BooleanField()))


class ScanRelease(models.Model):
    """A chief editor's release of a page's scan although an article on it is withdrawn."""

    page = models.ForeignKey("newsroom.Page", on_delete=models.CASCADE, related_name="scan_releases",
                             verbose_name=_("版面"))
    article = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="scan_releases",
                                verbose_name=_("文章"))
    # The version the article had when the scan was released: a later change hides it again.
    article_version = models.PositiveIntegerField(_("文章版本"))
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("发布人"))
    released_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("版面图发布")
        verbose_name_plural = pgettext_lazy("plural", "版面图发布")
        permissions = [("release_scan", _("可以发布含撤回文章的版面图"))]
        constraints = [
            models.UniqueConstraint(fields=["page", "article"], name="scan_release_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.page} · {self.article_id}"
