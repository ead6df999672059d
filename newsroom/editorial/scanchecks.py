"""A page's scan decoded after it came in, in the background, so that importing stays fast.

When a scan comes in (importers/load/scans.py, the desk's ``set_scan``) its structure is
checked (newsroom/scans/formats.py ``inspect``: a wrong format, a decompression bomb, a file cut
short are refused there and then) and the page's ``scan_verification`` is set to pending.
``verify_after_commit`` then queues ``verify_scans`` (django-tasks; ``manage.py db_worker``
runs it) once the transaction that set the scan commits. The task decodes each pending scan
once (``formats.decode``): a scan that decodes is verified, and readers see it from then on
(newsroom/models/scans.py ``with_public_scan``); one that does not is failed, served to no one,
what the decoder said is kept on the page, and a ``scan_unreadable`` review flag is opened for
editors (closed as superseded once a scan of that page verifies). ``verify_pending`` decodes
every pending scan at once (``manage.py verify_scans``: after an import with no worker
running). With ``SCAN_VERIFY_INLINE`` the decode runs at once, in the transaction that set
the scan (the tests; a site without a worker).

The writes are queryset updates (no history record: the flag is the record of a failure), so
what follows them is said here: ``touch_issues`` moves the issues' stamps and the archive's
generation on (the issue page shows or hides the scan).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from newsroom import changes
from newsroom.lib.fingerprints import fingerprint
from newsroom.lib.flagcodes import SCAN_UNREADABLE
from newsroom.models import Page, ReviewFlag, ScanVerification
from newsroom.scans.store import ScanError, decode_stored

logger = logging.getLogger(__name__)

PENDING, VERIFIED, FAILED = ScanVerification.PENDING, ScanVerification.VERIFIED, ScanVerification.FAILED
# Pages decoded by one task (a verify_pending run goes through them this many at a time).
CHUNK = 200
ERROR_ROOM = Page._meta.get_field("scan_verification_error").max_length

__all__ = ["verify_after_commit", "verify_pages", "verify_pending", "verify_scans"]


def verify_after_commit(page_ids: Iterable[int]) -> None:
    """Have these pages' pending scans decoded once the current transaction commits (queued
    for a worker), or now with SCAN_VERIFY_INLINE. A transaction rolled back (a dry run)
    queues nothing."""
    ids = sorted({int(pk) for pk in page_ids if pk is not None})
    if not ids:
        return
    if settings.SCAN_VERIFY_INLINE:
        verify_pages(ids)
        return
    transaction.on_commit(lambda: verify_scans.enqueue(ids))


@task()
def verify_scans(page_ids: list[int]) -> dict:
    """Decode these pages' pending scans (newsroom/editorial/scanchecks.py ``verify_pages``)."""
    return verify_pages(page_ids)


def verify_pending() -> dict:
    """Decode every pending scan now, ``CHUNK`` pages at a time; return the counts summed."""
    ids = list(Page.objects.filter(scan_verification=PENDING).order_by("pk").values_list("pk", flat=True))
    total: dict[str, int] = defaultdict(int)
    for start in range(0, len(ids), CHUNK):
        for key, value in verify_pages(ids[start:start + CHUNK]).items():
            total[key] += value
    return dict(total)


def verify_pages(page_ids: Iterable[int]) -> dict:
    """Decode the pending scans of these pages, each stored file once; return how many pages
    were verified and failed, and how many scans could not be read from storage (left pending).

    A page whose scan was replaced or verified meanwhile is left as it is: each write is
    conditional on the page still holding that scan, pending.
    """
    pages = list(Page.objects.filter(pk__in=list(page_ids), scan_verification=PENDING).exclude(scan_name="")
                 .only("pk", "issue_id", "number", "scan_name", "scan_sha256", "scan_format", "scan_original_name"))
    by_scan: dict[tuple[str, str, str], list[Page]] = defaultdict(list)
    for page in pages:
        by_scan[(page.scan_name, page.scan_sha256, page.scan_format)].append(page)
    counts = {"verified": 0, "failed": 0, "unread": 0}
    verified: list[Page] = []
    for (name, sha256, format_), group in by_scan.items():
        label = group[0].scan_original_name or name
        try:
            decode_stored(name, format_, label)
        except ScanError as error:
            counts["failed"] += _fail(group, sha256, error.reason)
            continue
        except OSError as error:  # the storage could not give the file: try again later
            logger.warning("scan %s of page %s not verified: %s", name, group[0].pk, error)
            counts["unread"] += len(group)
            continue
        verified.extend(group)
    if verified:
        counts["verified"] = _verify(verified)
    return counts


def _verify(pages: list[Page]) -> int:
    now = timezone.now()
    done = 0
    with transaction.atomic():
        by_sha: dict[str, list[int]] = defaultdict(list)
        for page in pages:
            by_sha[page.scan_sha256].append(page.pk)
        for sha256, ids in by_sha.items():
            done += Page.objects.filter(pk__in=ids, scan_sha256=sha256, scan_verification=PENDING).update(
                scan_verification=VERIFIED, scan_verification_error="", scan_verified_at=now)
        _supersede_flags(pages, now)
        changes.touch_issues({page.issue_id for page in pages})
    return done


def _fail(pages: list[Page], sha256: str, reason: str) -> int:
    """Mark the pages' scan failed, with the decoder's reason, and open a flag for each page."""
    now = timezone.now()
    reason = reason[:ERROR_ROOM]
    with transaction.atomic():
        done = Page.objects.filter(pk__in=[p.pk for p in pages], scan_sha256=sha256,
                                   scan_verification=PENDING).update(
            scan_verification=FAILED, scan_verification_error=reason, scan_verified_at=now)
        for page in pages:
            name = page.scan_original_name or page.scan_name
            params = {"page": str(page.number), "file": name, "reason": reason}
            ReviewFlag.objects.get_or_create(
                issue_id=page.issue_id,
                fingerprint=fingerprint(SCAN_UNREADABLE, page.number, sha256),
                defaults={
                    "code": SCAN_UNREADABLE, "message_key": SCAN_UNREADABLE, "message_params": params,
                    "message": f"the scan {name} of page {page.number} cannot be decoded ({reason}); "
                               "readers do not see it: attach a sound scan",
                },
            )
        changes.touch_issues({page.issue_id for page in pages})
    return done


def _supersede_flags(pages: list[Page], now) -> None:
    """Close the open scan_unreadable flags of pages whose scan now verified (one query to find)."""
    wanted = {(page.issue_id, str(page.number)) for page in pages}
    open_flags = ReviewFlag.objects.open().filter(code=SCAN_UNREADABLE, issue_id__in={i for i, _n in wanted})
    stale = [flag.pk for flag in open_flags.only("pk", "issue_id", "message_params")
             if (flag.issue_id, str(flag.message_params.get("page"))) in wanted]
    if stale:
        ReviewFlag.objects.filter(pk__in=stale).update(status=ReviewFlag.Status.SUPERSEDED, resolved_at=now)
