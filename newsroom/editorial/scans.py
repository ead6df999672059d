"""A page's scan: attach or replace it, and release or withhold it while an article on it is withdrawn.

``set_scan`` is the desk's way a scan reaches a page, and ``apply_scan`` the row's part of it
that the importer shares: the file's structure is checked (newsroom/scans/formats.py) and it is
stored under its hash before the page row changes, so a refused file writes nothing and the
same scan twice writes nothing the second time. A new scan is pending until the task queue
decoded it (newsroom/editorial/scanchecks.py); the same scan again is not decoded again. Which scans readers see is newsroom/models/scans.py's rule;
``release_scan`` records a chief editor's decision against it, ``withhold_scan`` takes it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from newsroom.editorial.common import _history_user, _require, _write
from newsroom.editorial.scanchecks import verify_after_commit
from newsroom.models import Page, ScanRelease, ScanVerification
from newsroom.models.scans import withheld_articles
from newsroom.scans.store import ScanError, StoredScan, check, store

PERM_CHANGE_PAGE = "newsroom.change_page"
PERM_RELEASE_SCAN = "newsroom.release_scan"

__all__ = ["PERM_CHANGE_PAGE", "PERM_RELEASE_SCAN", "SCAN_FIELDS", "ScanChange", "ScanError", "apply_scan",
           "release_scan", "set_scan", "withhold_scan"]


@dataclass(frozen=True)
class ScanChange:
    """What setting a scan did: ``created`` (the page had none), ``updated`` (replaced) or ``unchanged``."""

    action: str
    scan: StoredScan
    wrote_file: bool


SCAN_FIELDS = ("scan_name", "scan_sha256", "scan_format", "scan_width", "scan_height", "scan_bytes",
               "scan_original_name", "scan_imported_sha256", "scan_verification", "scan_verification_error",
               "scan_verified_at")


def apply_scan(page: Page, scan: StoredScan, original_name: str, *, imported: bool = False) -> str:
    """Set a checked, stored scan's fields on a page row (not saved); return created/updated/unchanged.

    ``imported``: the importer sets it (a file beside the page's Markdown), not an editor.
    """
    if imported:
        page.scan_imported_sha256 = scan.sha256
    if page.scan_sha256 == scan.sha256 and page.scan_name == scan.name:
        return "unchanged"
    action = "updated" if page.scan_name else "created"
    page.scan_name = scan.name
    page.scan_sha256 = scan.sha256
    page.scan_format = scan.info.format
    page.scan_width = scan.info.width
    page.scan_height = scan.info.height
    page.scan_bytes = scan.size
    page.scan_original_name = original_name[-255:]
    # Decoded later, in the background: until then only staff see it (newsroom/models/scans.py).
    page.scan_verification = ScanVerification.PENDING
    page.scan_verification_error = ""
    page.scan_verified_at = None
    return action


def set_scan(page: Page, data: bytes, original_name: str, *, user=None, reason: str = "") -> ScanChange:
    """Check a scan, store it and make it the page's scan; raise ScanError naming the file if refused.

    The file is written (once, under its hash) before the page row changes: a refused file
    writes nothing, and a row never names a file that is not there. A new scan is decoded
    once the change commits (``verify_after_commit``).
    """
    _require(user, PERM_CHANGE_PAGE)
    scan = check(data, original_name)
    wrote = store(data, scan)
    with transaction.atomic():
        row = Page.objects.select_for_update().get(pk=page.pk)
        action = apply_scan(row, scan, original_name)
        if action != "unchanged":
            _write(row, user=user, reason=reason or (_("替换版面图") if action == "updated" else _("添加版面图")))
            verify_after_commit([row.pk])
            # Decoded already with SCAN_VERIFY_INLINE: the caller's page shows the outcome.
            row.refresh_from_db(fields=["scan_verification", "scan_verification_error", "scan_verified_at"])
    for field in SCAN_FIELDS:
        setattr(page, field, getattr(row, field))
    return ScanChange(action=action, scan=scan, wrote_file=wrote)


def release_scan(page: Page, *, user) -> int:
    """Release the page's scan to readers although articles on it are withdrawn (chief editors).

    A release holds for each withdrawn article at its present version; return how many it covers.
    """
    _require(user, PERM_RELEASE_SCAN)
    with transaction.atomic():
        locked = Page.objects.select_for_update().get(pk=page.pk)
        withheld = list(_withheld_articles(locked))
        for article in withheld:
            release = ScanRelease.objects.filter(page=locked, article=article).first() or ScanRelease(
                page=locked, article=article)
            release.article_version = article.version
            release.released_by = _history_user(user)
            _write(release, user=user, reason=_("发布含撤回文章的版面图"))
        return len(withheld)


def withhold_scan(page: Page, *, user) -> int:
    """Take back every release of the page's scan; return how many there were."""
    _require(user, PERM_RELEASE_SCAN)
    removed = 0
    with transaction.atomic():
        for release in ScanRelease.objects.select_for_update().filter(page=page):
            _write(release, user=user, reason=_("撤销版面图发布"), delete=True)
            removed += 1
    return removed


def _withheld_articles(page: Page):
    """The withdrawn articles shown on this page that no current release covers."""
    return withheld_articles(page.issue_id, page.number, page.pk)
