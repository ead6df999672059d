"""The intake's job on the task queue (django-tasks; its database backend's workers run it)."""

from __future__ import annotations

from django_tasks import task

from newsroom.intake import jobs


@task()
def import_intake(intake_id: int) -> dict:
    """Import an uploaded day's files (newsroom/intake/jobs.py ``run``)."""
    return jobs.run(intake_id)
