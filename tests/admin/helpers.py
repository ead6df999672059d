"""Build what several admin test files need: change-page addresses, form data, import runs."""

from django.urls import reverse

from newsroom.models import ImportedFile, ImportRun


def change_url(obj) -> str:
    """Return the admin change page of any of our objects."""
    return reverse(f"admin:newsroom_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(article, **overrides):
    """Return the POST data of the article change form as the browser would send it, unchanged."""
    data = {
        "kicker": article.kicker,
        "headline": article.headline,
        "subheadline": article.subheadline,
        "dateline": article.dateline,
        "kind": article.kind,
        "correction_status": article.correction_status,
        "body": article.body,
        "tags": ", ".join(sorted(article.tags.names())),
        "expected_version": str(article.version),
        "_save": "保存",
    }
    for prefix, count in (("credits", article.credits.count()), ("photos", article.photos.count())):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": str(count),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data.update(overrides)
    return data


def make_imported_files(issue, n):
    """Make two failed import runs, each with n imported files and one that failed."""
    for _ in range(2):
        run = ImportRun.objects.create(status="failed")
        for position in range(1, n + 1):
            ImportedFile.objects.create(
                run=run, position=position, source=f"{position}.txt", status="created", issue=issue,
                counts={"articles": {"created": 3}})
        ImportedFile.objects.create(run=run, position=n + 1, source="bad.txt", status="failed",
                                    error="bad.txt line 2: impossible date")
