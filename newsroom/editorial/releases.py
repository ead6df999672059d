"""Releasing a held issue to readers: now, or at a scheduled time the task queue keeps.

A paper that holds new issues (``Publication.hold_new_issues``) has each new issue imported
held (``Issue.held``, importers/load/page.py): the issue, its articles, photos, pages, scans and
advertisements are absent from every public surface (newsroom/models/papers.py
``public_issue``, the condition every public QuerySet includes) until a chief editor releases
it. ``release_issue`` releases it now; ``schedule_release`` stores the time (``Issue.release_at``)
and queues ``release_scheduled_issue`` (django-tasks, run by ``manage.py db_worker``) to run
then; ``cancel_release`` forgets the time. The queued task releases the issue only if it is
still held and still scheduled for the time it was queued for, so a release scheduled again
or cancelled leaves the earlier task nothing to do.

Saving the issue is what the archive follows (newsroom/changes.py): its articles' search
documents are rebuilt, the archive generation moves on (the page cache), and the stamps of
the issue and its neighbours change.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tasks import task

from newsroom.editorial.common import _require, _write
from newsroom.models import Issue

PERM_RELEASE_ISSUE = "newsroom.release_issue"

__all__ = ["PERM_RELEASE_ISSUE", "cancel_release", "release_issue", "release_scheduled_issue",
           "schedule_release"]


def _locked(issue: Issue) -> Issue:
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _refresh(issue: Issue, row: Issue) -> None:
    issue.held, issue.release_at, issue.updated_at = row.held, row.release_at, row.updated_at


def release_issue(issue: Issue, *, user, reason: str = "") -> bool:
    """Release a held issue to readers now (chief editors); return False if it was not held.

    Any scheduled release is cleared (its queued task then finds nothing to do).
    """
    _require(user, PERM_RELEASE_ISSUE)
    with transaction.atomic():
        row = _locked(issue)
        if not row.held:
            _refresh(issue, row)
            return False
        row.held, row.release_at = False, None
        _write(row, user=user, reason=reason or _("发布这一期"))
    _refresh(issue, row)
    return True


def schedule_release(issue: Issue, *, user, when: dt.datetime | None) -> dt.datetime:
    """Schedule a held issue's release at ``when`` (chief editors); return the time stored.

    The time is kept to the second; no time, a time already past, or an issue not held is
    refused (``ValidationError``). Scheduling again replaces the earlier time.
    """
    _require(user, PERM_RELEASE_ISSUE)
    if when is None:
        raise ValidationError({"release_at": _("请填写定时发布的日期和时间（例如 2024-03-19 06:00）。")})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    when = when.replace(microsecond=0)
    if when <= timezone.now():
        raise ValidationError({"release_at": _("定时发布的时间必须晚于现在。")})
    with transaction.atomic():
        row = _locked(issue)
        if not row.held:
            raise ValidationError({"release_at": _("这一期已经发布，无需定时发布。")})
        row.release_at = when
        _write(row, user=user, reason=_("定时发布这一期：%(when)s") % {
            "when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")})
        # Queued in this transaction: a schedule that is rolled back queues nothing.
        release_scheduled_issue.using(run_after=when).enqueue(row.pk, when.isoformat())
    _refresh(issue, row)
    return when


def cancel_release(issue: Issue, *, user) -> bool:
    """Cancel a held issue's scheduled release (chief editors); return False if none was scheduled."""
    _require(user, PERM_RELEASE_ISSUE)
    with transaction.atomic():
        row = _locked(issue)
        if row.release_at is None:
            _refresh(issue, row)
            return False
        row.release_at = None
        _write(row, user=user, reason=_("取消定时发布"))
    _refresh(issue, row)
    return True


@task()
def release_scheduled_issue(issue_id: int, scheduled: str) -> bool:
    """Release an issue at its scheduled time, if it is still held and still scheduled then.

    Returns whether it released the issue: a release scheduled again (another time), cancelled
    or done by hand since this task was queued leaves it nothing to do.
    """
    when = parse_datetime(scheduled)
    with transaction.atomic():
        row = Issue.objects.select_for_update().filter(pk=issue_id).first()
        if row is None or not row.held or row.release_at is None or row.release_at != when:
            return False
        if row.release_at > timezone.now():  # run early (a worker's clock, a task run by hand)
            return False
        row.held, row.release_at = False, None
        _write(row, user=None, reason=_("定时发布这一期"))
    return True
