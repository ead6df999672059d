"""Source files, import runs and imported files: read-only, one click from each other."""

import pytest
from django.urls import reverse

from newsroom.models import ImportedFile, ImportRun, SourceFile
from tests.admin.helpers import make_imported_files

pytestmark = pytest.mark.django_db


def test_source_files_are_read_only_even_for_a_chief_editor(client, chief_editor_user):
    source = SourceFile.objects.create(name="a.txt", sha256="c" * 64, text="原文")
    client.force_login(chief_editor_user)
    url = reverse("admin:newsroom_sourcefile_change", args=[source.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "b.txt"}).status_code == 403


def test_an_import_runs_files_are_one_click_away_and_filtered_to_that_run(client, issue, editor_user):
    make_imported_files(issue, 2)
    first, second = ImportRun.objects.order_by("pk")
    ImportedFile.objects.filter(run=second, status="failed").update(source="other-bad.txt")
    client.force_login(editor_user)

    runs = client.get(reverse("admin:newsroom_importrun_changelist")).content.decode()
    files_url = reverse("admin:newsroom_importedfile_changelist") + f"?run__id__exact={first.pk}"
    assert f'href="{files_url}"' in runs
    response = client.get(files_url + "&status__exact=failed")

    assert response.status_code == 200
    page = response.content.decode()
    assert "bad.txt line 2: impossible date" in page
    assert "other-bad.txt" not in page
