"""No editor's work is ever lost: not to a re-import, a concurrent edit, a failed import or a crash.

These tests go end to end over the real seed pages, through the admin's forms, the API and the
importer, the way an editor's day goes; the rules themselves are tested beside their modules.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.db.models.signals import post_save
from django.forms import CheckboxInput
from django.urls import reverse
from rest_framework.test import APIClient

from importers.load import import_paths
from newsroom import editorial
from newsroom.models import Article, ImportRun, ReviewFlag
from tests.factories import make_user
from tests.snapshot import database_snapshot

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_08ceee72487f69f5.txt"
FIRST_HEADING = "## 史济锡在嘉兴调研工会工作时强调 以党史学习教育为契机 奋力打造红色工会"
FIRST_SENTENCE = "省总工会党组成员、副主席周小兵,嘉兴市人大常委会副主任、市总工会主席卓卫明陪同调研。"
# An import run records every attempt, failed ones too: that row is the only one a failure adds.
RUN = ("newsroom.importrun", "newsroom.importedfile")  # the run's own records


@pytest.fixture
def page_file(tmp_path):
    """Return a copy of a seed page that a test may rewrite, as a later OCR export would."""
    path = tmp_path / "pages" / SEED.name
    path.parent.mkdir()
    shutil.copy(SEED, path)
    return path


@pytest.fixture
def imported(db, page_file):
    """Import the page and return its first article."""
    run = import_paths([page_file])
    assert run.ok, [r.error for r in run.failures]
    return Article.objects.order_by("page", "position").first()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_url(article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def form_data(response, **changes) -> dict:
    """Return the POST data of the admin change form as the page showed it, with changes."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):  # none on a revert page
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            formatted = field.widget.format_value(value)
            if formatted is not None:
                data[form.add_prefix(name)] = formatted
    data.update(changes)
    return data


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_url(article) -> str:
    return reverse("api:article-detail", args=[article.pk])


# ----------------------------------------------------------------------------------- re-import


def test_an_editors_correction_in_the_admin_survives_reimporting_the_same_and_a_changed_page(
    client, imported, page_file
):
    client.force_login(make_user("editor-a", role="editor"))
    page = client.get(change_url(imported))
    corrected_body = imported.body.replace("周小兵", "周小兵（编辑校正）")
    response = client.post(
        change_url(imported), form_data(page, headline="编辑校正的标题", body=corrected_body)
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors

    assert import_paths([page_file]).ok
    imported.refresh_from_db()
    assert (imported.headline, imported.body) == ("编辑校正的标题", corrected_body)

    # A later OCR export of the page changes the same sentence the editor corrected.
    rewrite(page_file, FIRST_SENTENCE, FIRST_SENTENCE.replace("陪同调研", "一同调研"))
    assert import_paths([page_file]).ok
    imported.refresh_from_db()
    assert (imported.headline, imported.body) == ("编辑校正的标题", corrected_body)
    conflict = imported.flags.get(code=ReviewFlag.Code.IMPORT_CONFLICT)
    assert "一同调研" in conflict.after
    assert "周小兵（编辑校正）" in conflict.before


def test_an_untouched_article_takes_the_new_export_and_a_corrected_one_keeps_its_text(
    imported, page_file
):
    editor = make_user("editor-a", role="editor")
    second = Article.objects.order_by("page", "position")[1]
    editorial.edit_article(imported, changes={"dateline": "本报讯（编辑）"},
                           expected_version=imported.version, user=editor)
    rewrite(page_file, FIRST_HEADING, FIRST_HEADING + "（更新）")
    old_second_body = second.body
    text = page_file.read_text(encoding="utf-8")
    first_line_of_second = second.original_text.split("\n")[2]
    rewrite(page_file, first_line_of_second, first_line_of_second + "补记。")
    assert text != page_file.read_text(encoding="utf-8")

    assert import_paths([page_file]).ok
    imported.refresh_from_db()
    second.refresh_from_db()
    assert imported.dateline == "本报讯（编辑）"
    assert imported.headline.endswith("（更新）")  # a field the editor left alone follows the file
    assert second.body != old_second_body and "补记。" in second.body


# ------------------------------------------------------------------------------ concurrent edits


def test_two_editors_saving_the_same_article_in_the_admin_keep_the_first_and_refuse_the_second(
    client, imported
):
    first_editor, second_editor = make_user("editor-a", role="editor"), make_user("editor-b", role="editor")
    client.force_login(first_editor)
    first_page = client.get(change_url(imported))
    client.force_login(second_editor)
    second_page = client.get(change_url(imported))

    client.force_login(first_editor)
    assert client.post(change_url(imported), form_data(first_page, headline="甲的标题")).status_code == 302
    client.force_login(second_editor)
    refused = client.post(change_url(imported), form_data(second_page, headline="乙的标题"))

    assert refused.status_code == 200
    assert "editor-a" in refused.content.decode()
    imported.refresh_from_db()
    assert imported.headline == "甲的标题"
    assert imported.version == 2
    assert imported.history.count() == 2  # the import and the first editor's save


def test_an_admin_form_opened_before_an_api_edit_cannot_overwrite_it(client, imported):
    admin_editor, api_editor = make_user("editor-a", role="editor"), make_user("editor-b", role="editor")
    client.force_login(admin_editor)
    page = client.get(change_url(imported))

    etag = api_client(api_editor).get(api_url(imported))["ETag"]
    patched = api_client(api_editor).patch(
        api_url(imported), {"headline": "接口改的标题"}, format="json", HTTP_IF_MATCH=etag
    )
    assert patched.status_code == 200
    refused = client.post(change_url(imported), form_data(page, headline="后台改的标题"))

    assert refused.status_code == 200
    imported.refresh_from_db()
    assert imported.headline == "接口改的标题"


def test_an_api_edit_from_a_version_the_admin_has_since_saved_gets_412(client, imported):
    admin_editor, api_editor = make_user("editor-a", role="editor"), make_user("editor-b", role="editor")
    api = api_client(api_editor)
    etag = api.get(api_url(imported))["ETag"]
    client.force_login(admin_editor)
    page = client.get(change_url(imported))
    assert client.post(change_url(imported), form_data(page, headline="后台改的标题")).status_code == 302

    stale = api.patch(api_url(imported), {"headline": "接口改的标题"}, format="json",
                      HTTP_IF_MATCH=etag)

    assert stale.status_code == 412
    assert stale["ETag"] != etag
    imported.refresh_from_db()
    assert imported.headline == "后台改的标题"


def test_two_api_edits_from_the_same_version_keep_the_first(imported):
    first, second = (api_client(make_user(name, role="editor")) for name in ("editor-a", "editor-b"))
    etag = first.get(api_url(imported))["ETag"]
    assert first.patch(api_url(imported), {"body": "甲的正文。"}, format="json",
                       HTTP_IF_MATCH=etag).status_code == 200
    assert second.patch(api_url(imported), {"body": "乙的正文。"}, format="json",
                        HTTP_IF_MATCH=etag).status_code == 412
    imported.refresh_from_db()
    assert imported.body == "甲的正文。"


# ------------------------------------------------------------------------ failed and crashed imports


def test_a_failed_import_of_the_page_leaves_the_editors_work_and_everything_else_as_it_was(
    imported, page_file
):
    editor = make_user("editor-a", role="editor")
    editorial.edit_article(imported, changes={"headline": "编辑校正的标题"},
                           expected_version=imported.version, user=editor)
    before = database_snapshot(exclude=RUN)
    # The new export parses, but one headline is longer than the archive can store.
    rewrite(page_file, FIRST_HEADING, "## " + "很长的标题" * 80)

    run = import_paths([page_file])

    assert not run.ok
    assert "characters long" in run.failures[0].error
    assert database_snapshot(exclude=RUN) == before


def count_page_saves(paths) -> int:
    """Return how many rows importing the paths saves (a dry run, rolled back), the run aside."""
    saved = 0

    def count(sender, **kwargs):
        nonlocal saved
        saved += sender is not ImportRun

    post_save.connect(count, weak=False)
    try:
        import_paths(paths, dry_run=True)
    finally:
        post_save.disconnect(count)
    return saved


@pytest.mark.parametrize("when", ["first", "middle", "last"])
def test_a_crash_half_way_through_a_reimport_leaves_the_database_as_before(
    imported, page_file, when
):
    editor = make_user("editor-a", role="editor")
    editorial.edit_article(imported, changes={"body": imported.body + "\n\n编辑补充的一段。"},
                           expected_version=imported.version, user=editor)
    rewrite(page_file, FIRST_SENTENCE, FIRST_SENTENCE.replace("陪同调研", "一同调研"))
    rewrite(page_file, FIRST_HEADING, FIRST_HEADING + "（更新）")
    total = count_page_saves([page_file])
    assert total >= 3  # the updated article, its history, the conflict flag
    crash_at = {"first": 1, "middle": total // 2, "last": total}[when]
    before = database_snapshot(exclude=RUN)
    saved = 0

    def crash(sender, **kwargs):
        nonlocal saved
        if sender is ImportRun:  # the run's own record is written outside the page's transaction
            return
        saved += 1
        if saved == crash_at:
            raise ConnectionError("the database went away")

    post_save.connect(crash, weak=False)
    try:
        run = import_paths([page_file])
    finally:
        post_save.disconnect(crash)

    assert not run.ok
    assert "ConnectionError" in run.failures[0].error
    assert database_snapshot(exclude=RUN) == before
    assert "编辑补充的一段。" in Article.objects.get(pk=imported.pk).body


# ------------------------------------------------------------------------------------- history


def test_history_can_restore_every_earlier_version_of_an_article(client, imported):
    editor = make_user("editor-a", role="editor")
    for n in range(1, 4):
        imported.refresh_from_db()
        editorial.edit_article(
            imported, changes={"headline": f"第{n}次校正", "body": f"第{n}次校正的正文。"},
            expected_version=imported.version, user=editor,
        )
    versions = list(imported.history.order_by("history_id"))
    assert len(versions) == 4
    client.force_login(editor)
    for old in versions[:-1]:
        url = reverse("admin:newsroom_article_simple_history", args=[imported.pk, old.history_id])
        page = client.get(url)
        assert page.status_code == 200
        response = client.post(url, form_data(page))
        assert response.status_code == 302, page.context["adminform"].form.errors
        imported.refresh_from_db()
        assert (imported.headline, imported.body) == (old.headline, old.body)
    assert imported.version == 4 + 3
    assert imported.history.count() == 4 + 3
