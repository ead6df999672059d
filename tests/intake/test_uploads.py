"""What the desk's intake accepts: pages, scans and zips, within limits, named safely."""

from __future__ import annotations

import pytest
from django.test import override_settings

from newsroom.intake.uploads import UploadError, keep_intake, read_uploads
from newsroom.models import Intake, IntakeFile
from tests.intake.helpers import seed_files, seed_uploads, uploaded, zipped
from tests.scans import page_scan

PAGE = seed_files()[0].read_bytes()


def refused(files) -> str:
    with pytest.raises(UploadError) as caught:
        read_uploads(files)
    return caught.value.message


def test_pages_and_their_scans_are_accepted_by_their_plain_names():
    found = read_uploads([uploaded("2021-03-19_01.md", PAGE), uploaded("2021-03-19_01.jpg", page_scan("JPEG"))])
    assert [(u.name, u.is_page) for u in found] == [("2021-03-19_01.md", True), ("2021-03-19_01.jpg", False)]


def test_a_zip_is_expanded_its_folders_dropped():
    data = zipped({"day/2021-03-19_01.md": PAGE, "day/2021-03-19_01.png": page_scan("PNG"), "day/": b""})
    found = read_uploads([uploaded("day.zip", data)])
    assert sorted(u.name for u in found) == ["2021-03-19_01.md", "2021-03-19_01.png"]


@pytest.mark.parametrize("name", ["../../etc/passwd.md", "/abs/page.md", "C:\\evil\\..\\page.md", ".hidden.md"])
def test_a_zip_member_that_leaves_its_folder_is_refused(name):
    message = refused([uploaded("day.zip", zipped({name: PAGE}))])
    assert "day.zip" in message and "文件名不可接受" in message


def test_wrong_kinds_are_refused_naming_the_file():
    assert "notes.exe" in refused([uploaded("2021-03-19_01.md", PAGE), uploaded("notes.exe", b"MZ")])


def test_a_scan_without_its_page_is_refused():
    message = refused([uploaded("2021-03-19_01.md", PAGE), uploaded("2021-03-20_01.jpg", page_scan("JPEG"))])
    assert "2021-03-20_01.jpg" in message


def test_an_upload_without_a_page_is_refused():
    assert "版面文件" in refused([uploaded("2021-03-19_01.jpg", page_scan("JPEG"))])


def test_a_zip_inside_a_zip_and_a_broken_zip_are_refused():
    assert "inner.zip" in refused([uploaded("day.zip", zipped({"inner.zip": zipped({"a.md": PAGE})}))])
    assert "day.zip" in refused([uploaded("day.zip", b"PK\x03\x04 not really a zip")])


def test_the_same_name_twice_is_refused():
    assert "重复" in refused([uploaded("a.md", PAGE), uploaded("day.zip", zipped({"x/a.md": PAGE}))])


@override_settings(INTAKE_MAX_TOTAL_BYTES=200_000, INTAKE_MAX_FILE_BYTES=150_000)
def test_a_zip_bomb_stops_at_the_limit():
    bomb = zipped({f"{n:03}.md": b"0" * 120_000 for n in range(5)})
    assert len(bomb) < 5_000  # small on the wire, 600 kB expanded
    message = refused([uploaded("bomb.zip", bomb)])
    assert "bomb.zip" in message and "200,000" in message


@override_settings(INTAKE_MAX_FILE_BYTES=1_000)
def test_a_file_over_the_size_limit_is_refused():
    assert "big.md" in refused([uploaded("big.md", b"x" * 1_001)])


@override_settings(INTAKE_MAX_FILES=2)
def test_too_many_files_are_refused():
    assert "2" in refused([uploaded(f"{n}.md", PAGE) for n in range(3)])


@pytest.mark.django_db
def test_kept_files_and_rows_come_together(django_user_model):
    intake = keep_intake(read_uploads(seed_uploads()), None)
    rows = list(intake.files.order_by("name"))
    assert [row.name for row in rows] == ["2021-03-19_01.md", "2022-06-17_01.md"]
    assert intake.files_total == 2 and intake.status == Intake.Status.UPLOADED
    from newsroom.intake.uploads import intake_storage

    assert intake_storage().open(rows[0].stored_name).read() == seed_files()[0].read_bytes()
    assert IntakeFile.objects.count() == 2


@pytest.mark.django_db
def test_the_intake_list_costs_the_same_queries_for_1_or_5_intakes(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user

    editor = make_user("editor1", role="editor")
    client.force_login(editor)
    counts = []
    for total in (1, 5):
        while Intake.objects.count() < total:
            keep_intake(read_uploads(seed_uploads()), editor)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/newsroom/intake/").status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
