from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_models_have_no_pending_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration; run makemigrations:\n{out.getvalue()}")


@pytest.mark.django_db
def test_runs_recorded_before_imported_files_keep_their_file_reports_as_rows():
    import importlib

    from django.apps import apps

    from newsroom.models import ImportedFile, ImportRun
    from tests.factories import make_issue

    migration = importlib.import_module("newsroom.migrations.0005_imported_file")
    issue = make_issue()
    legacy = [
        {"source": "a.txt", "status": "created", "encoding": "utf-8", "issue": issue.pk,
         "error": "", "counts": {"articles": {"created": 5}}, "notes": ["created publication X"]},
        {"source": "b.txt", "status": "failed", "encoding": "", "issue": None,
         "error": "b.txt: line 3: …", "counts": {}, "notes": []},
        {"source": "c.txt", "status": "unchanged", "encoding": "gb18030", "issue": 999999,
         "error": "", "counts": {}, "notes": []},  # an issue deleted since
    ]
    run = ImportRun.objects.create(report={"files": legacy, "totals": {"created": 5}})

    migration.files_out_of_reports(apps, None)

    run.refresh_from_db()
    assert run.report == {"totals": {"created": 5}}
    rows = list(ImportedFile.objects.filter(run=run).values_list(
        "position", "source", "status", "encoding", "issue_id", "error", "counts", "notes"))
    assert rows == [
        (1, "a.txt", "created", "utf-8", issue.pk, "", {"articles": {"created": 5}},
         ["created publication X"]),
        (2, "b.txt", "failed", "", None, "b.txt: line 3: …", {}, []),
        (3, "c.txt", "unchanged", "gb18030", None, "", {}, []),
    ]

    migration.files_back_into_reports(apps, None)

    run.refresh_from_db()
    assert [f["source"] for f in run.report["files"]] == ["a.txt", "b.txt", "c.txt"]
    assert run.report["files"][0] == {**legacy[0]}


@pytest.mark.django_db
def test_credits_recorded_before_printed_names_get_the_name_first_credited():
    import importlib

    from django.apps import apps

    from newsroom.editorial import merge_people
    from tests.factories import make_article, make_credit, make_issue, make_person, make_user

    migration = importlib.import_module("newsroom.migrations.0015_credit_printed_name")
    keep, remove, other = make_person("张浩星"), make_person("张浩呈"), make_person("李四")
    issue = make_issue()
    moved = make_credit(person=remove, article=make_article(issue), printed_name="")
    stayed = make_credit(person=other, article=make_article(issue), printed_name="")
    merge_people(keep=keep, remove=remove, user=make_user("chief", role="chief editor"))
    type(moved).objects.update(printed_name="")  # as the rows were before the migration

    migration.record_printed_names(apps, None)

    moved.refresh_from_db()
    stayed.refresh_from_db()
    assert (moved.person_id, moved.printed_name) == (keep.pk, "张浩呈")
    assert stayed.printed_name == "李四"
