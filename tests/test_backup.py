"""Backup and restore (newsroom/backup.py, manage.py backup_archive / restore_archive) lose nothing.

Each run tests the backup of the database it runs on: on PostgreSQL the default backup is pg_dump /
pg_restore, on SQLite natural-key JSON (dumpdata / loaddata, then a search index rebuild). The JSON
format also works on PostgreSQL (it is how an archive moves between the two), so its own tests run
on both. pg_dump reads through its own connection, so the round trips commit their data
(``transactional_db``).
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from rest_framework.authtoken.models import Token

from importers.load import import_paths
from newsroom import editorial
from newsroom.backup import FORMAT_JSON, FORMAT_PG, MANIFEST, BackupError, backup, restore
from newsroom.models import Article, Person, PersonAlias, ReviewFlag, Visibility
from newsroom.search import search_articles
from tests.factories import make_user
from tests.snapshot import database_snapshot

ROOT = Path(__file__).resolve().parent.parent
NATIVE_FORMAT = FORMAT_PG if connection.vendor == "postgresql" else FORMAT_JSON
# The search documents are derived data: compared by what a search finds, not row by row.
DERIVED = ("search.articledocument",)


def build_archive() -> dict:
    """Fill the database with what an archive holds after some editing; return a few of its rows."""
    editor = make_user("backup-editor", role="editor")
    chief = make_user("backup-chief", role="chief editor")
    run = import_paths([ROOT / "seeds"], started_by="test")
    assert run.ok, [r.error for r in run.failures]
    first, second, third = Article.objects.order_by("pk")[:3]
    editorial.edit_article(
        first, changes={"headline": "编辑改过的标题 «引号» 🙂"}, expected_version=first.version,
        user=editor,
    )
    editorial.add_tags(Article.objects.filter(pk__in=[first.pk, second.pk]), ["工会", "RCEP"],
                       user=editor)
    editorial.set_visibility(Article.objects.filter(pk=third.pk), Visibility.WITHDRAWN, user=chief)
    flag = ReviewFlag.objects.open().first()
    editorial.accept_flag(flag, user=editor)
    person = Person.objects.order_by("pk").first()
    PersonAlias.objects.create(person=person, name=person.name + "X")
    Token.objects.create(user=editor)
    LogEntry.objects.create(
        user=chief, content_type=ContentType.objects.get_for_model(Article), object_id=str(first.pk),
        object_repr=str(first), action_flag=CHANGE, change_message="[]",
    )
    return {"edited": first.pk, "withdrawn": third.pk, "flag": flag.pk}


def search_ids(query: str) -> list[int]:
    return list(search_articles(query, Article.objects.all()).values_list("pk", flat=True))


def wipe_archive() -> None:
    """Lose the archive, as a dropped table or a bad migration would."""
    call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    # A restore re-creates content types; don't let later tests see ids cached here.
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_after_losing_the_archive_gives_back_every_row(tmp_path, media_root):
    rows = build_archive()
    photo_file = media_root / "photos" / "2021" / "03" / "front.jpg"
    photo_file.parent.mkdir(parents=True)
    photo_file.write_bytes(b"\xff\xd8 not really a jpeg")
    before = database_snapshot(exclude=DERIVED)
    found_before = search_ids("史济锡")
    assert found_before

    manifest = backup(tmp_path / "backup")
    assert manifest.format == NATIVE_FORMAT
    wipe_archive()
    photo_file.unlink()
    assert not Article.objects.exists()
    restore(tmp_path / "backup")

    after = database_snapshot(exclude=DERIVED)
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert search_ids("史济锡") == found_before
    assert Article.objects.get(pk=rows["edited"]).headline == "编辑改过的标题 «引号» 🙂"
    assert Article.objects.get(pk=rows["withdrawn"]).visibility == Visibility.WITHDRAWN
    assert Article.objects.get(pk=rows["edited"]).history.filter(history_user__username="backup-editor")
    assert ReviewFlag.objects.get(pk=rows["flag"]).status == ReviewFlag.Status.ACCEPTED
    assert photo_file.read_bytes() == b"\xff\xd8 not really a jpeg"


@pytest.mark.django_db(transaction=True)
def test_a_json_backup_restores_every_row_on_this_database_too(tmp_path, media_root):
    build_archive()
    before = database_snapshot(exclude=DERIVED)
    backup(tmp_path / "backup", fmt=FORMAT_JSON)
    wipe_archive()
    restore(tmp_path / "backup")
    assert database_snapshot(exclude=DERIVED) == before
    assert search_ids("工会")


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_the_database_stays_as_it_was(tmp_path, media_root):
    build_archive()
    backup(tmp_path / "backup")
    dump = next(p for p in (tmp_path / "backup").iterdir() if p.name.startswith("database."))
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    before = database_snapshot()
    with pytest.raises(Exception) as raised:
        restore(tmp_path / "backup", replace=True)
    assert not isinstance(raised.value, AssertionError)
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_json_restore_that_would_lose_rows_is_rolled_back(tmp_path, media_root):
    build_archive()
    backup(tmp_path / "backup", fmt=FORMAT_JSON)
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    manifest["counts"]["newsroom.article"] += 1  # the dump holds one article fewer than counted
    (tmp_path / "backup" / MANIFEST).write_text(json.dumps(manifest))
    before = database_snapshot()
    with pytest.raises(BackupError, match=r"newsroom\.article: \d+ in the backup, \d+ restored"):
        restore(tmp_path / "backup", replace=True)
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_restore_will_not_replace_an_archive_unless_asked(tmp_path, media_root):
    build_archive()
    backup(tmp_path / "backup", fmt=FORMAT_JSON)
    before = database_snapshot()
    with pytest.raises(CommandError, match=r"already holds an archive.*--replace"):
        call_command("restore_archive", str(tmp_path / "backup"), stdout=StringIO())
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_json_backup_newer_than_the_schema_asks_for_migrate_first(tmp_path, media_root):
    backup(tmp_path / "backup", fmt=FORMAT_JSON)
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    manifest["migrations"].append("newsroom.9999_from_the_future")
    (tmp_path / "backup" / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match=r"newsroom\.9999_from_the_future.*migrate"):
        restore(tmp_path / "backup")


@pytest.mark.django_db
def test_a_backup_will_not_write_into_a_folder_that_holds_files(tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "keep.txt").write_text("someone's file")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup_archive", str(tmp_path / "backup"), stdout=StringIO())
    assert (tmp_path / "backup" / "keep.txt").read_text() == "someone's file"


@pytest.mark.django_db
def test_a_folder_without_a_manifest_is_not_taken_for_a_backup(tmp_path):
    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore_archive", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
def test_the_commands_say_what_they_backed_up_and_restored(tmp_path, media_root):
    build_archive()
    out = StringIO()
    call_command("backup_archive", str(tmp_path / "backup"), "--format", "dumpdata", stdout=out)
    assert "backed up" in out.getvalue()
    assert str(tmp_path / "backup") in out.getvalue()
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert manifest["counts"]["newsroom.article"] == Article.objects.count() > 0
    assert manifest["counts"]["newsroom.historicalarticle"] > manifest["counts"]["newsroom.article"]
    out = StringIO()
    call_command("restore_archive", str(tmp_path / "backup"), "--replace", stdout=out)
    assert "every table's count matches" in out.getvalue()


@pytest.mark.django_db
def test_a_pg_dump_backup_is_made_of_postgresql_only(tmp_path):
    if connection.vendor == "postgresql":
        call_command("backup_archive", str(tmp_path / "b"), "--format", "pg_dump", stdout=StringIO())
        assert (tmp_path / "b" / "database.dump").stat().st_size > 0
    else:
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("backup_archive", str(tmp_path / "b"), "--format", "pg_dump",
                         stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_restore_moves_the_archive_generation_past_every_cached_page(tmp_path, media_root):
    from newsroom.pagecache import current_generation

    build_archive()
    backup(tmp_path / "backup")
    Article.objects.first().save()  # pages are cached under a newer generation than the dump's
    newest = current_generation()
    wipe_archive()
    restore(tmp_path / "backup", replace=True)
    assert current_generation() > newest
