"""Review flags: given once, moved with their passage, closed when the file no longer gives them."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps

from importers.load import (
    import_paths,
    load_page,
)
from importers.records import FlagRecord
from newsroom.lib import flagcodes
from newsroom.models import (
    Article,
    Issue,
    ReviewFlag,
)
from tests.factories import make_issue, make_publication
from tests.load.pages import (
    SEED_2021,
    article_record,
    issue_record,
    page_record,
    photo_record,
)

pytestmark = pytest.mark.django_db


def test_flags_from_records_keep_their_lines_original_text_and_repair():
    repair = FlagRecord("joined_paragraphs", "joined two paragraphs", (23, 25),
                        original="第一\n\n段。", before="第一\n\n段。", after="第一段。")
    page = page_record(
        article_record(1, flags=(repair,)),
        flags=(FlagRecord("unassigned_text", "text outside any article", (7, 7), original="浙工之家"),),
    )
    load_page(page)
    flag = ReviewFlag.objects.get(code="joined_paragraphs")
    assert (flag.article.position, flag.line_start, flag.line_end) == (1, 23, 25)
    assert (flag.original, flag.before, flag.after, flag.status) == (
        "第一\n\n段。", "第一\n\n段。", "第一段。", "open")
    # Every code the parser gives is a code of the data model, stored as it is.
    unassigned = ReviewFlag.objects.get(code="unassigned_text")
    assert unassigned.article is None
    assert unassigned.message == "text outside any article"


def test_every_code_a_page_can_give_is_a_review_flag_code():
    assert set(flagcodes.ALL_CODES) <= set(ReviewFlag.Code.values)


def test_flags_stored_as_other_with_their_code_in_the_message_move_to_their_code():
    migration = importlib.import_module(
        "newsroom.migrations.0013_flag_codes_for_unassigned_text_and_unattached_credit")
    issue = make_issue()
    before = [("other", "[unassigned_text] text outside any article"),
              ("other", "[unattached_credit] 摄影 张三"),
              ("other", "kept it because an editor worked on it")]
    pks = [ReviewFlag.objects.create(issue=issue, code=code, message=message,
                                     fingerprint=message).pk for code, message in before]

    def stored():
        return [ReviewFlag.objects.values_list("code", "message").get(pk=pk) for pk in pks]

    migration.give_codes(apps, None)

    assert stored() == [("unassigned_text", "text outside any article"),
                        ("unattached_credit", "摄影 张三"),
                        ("other", "kept it because an editor worked on it")]
    migration.take_codes_back(apps, None)
    assert stored() == before


# ------------------------------------------------------------------ the masthead


def test_a_masthead_that_differs_from_the_publication_row_is_flagged_on_the_issue():
    make_publication(email="editor@zjgrrb.com")

    load_page(page_record())
    load_page(page_record())

    flag = ReviewFlag.objects.get(code="masthead_mismatch")
    assert flag.article is None
    assert "zjgrrb@163.com" in flag.message and "editor@zjgrrb.com" in flag.message


def test_a_masthead_mismatch_the_parser_already_flagged_is_not_flagged_twice():
    make_publication()
    parsed = FlagRecord(
        "masthead_mismatch",
        "masthead prints www.zjgrbb.com where the paper's website is www.zjgrrb.com",
        (9, 9),
        original="电子版:www.zjgrbb.com",
    )
    load_page(page_record(issue=issue_record(website="www.zjgrbb.com"), flags=(parsed,)))

    flag = ReviewFlag.objects.get(code="masthead_mismatch")
    assert (flag.line_start, flag.original) == (9, "电子版:www.zjgrbb.com")
    assert Issue.objects.get().masthead["website"] == "www.zjgrbb.com"  # as printed


def imported_seed(tmp_path) -> tuple[Path, str]:
    page = tmp_path / "page.txt"
    text = SEED_2021.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    assert import_paths([page]).ok
    return page, text


def test_flags_of_passages_a_changed_export_only_moved_stay_the_same_at_their_new_lines(tmp_path):
    page, text = imported_seed(tmp_path)
    flags = ReviewFlag.objects.filter(message_key__in=ReviewFlag.FROM_THE_FILE)
    # The new export has two more lines before the first story: the flags below them move.
    first_story = text.index("\n## ")
    moved_from = text[:first_story].count("\n") + 2
    before = {f.pk: (f.status, f.line_start, f.line_end) for f in flags}
    moving = {pk for pk, (_s, line, _e) in before.items() if line and line >= moved_from}
    accepted = flags.get(pk=min(moving))
    accepted.status, accepted.resolved_at = "accepted", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    accepted.save()
    before[accepted.pk] = ("accepted", *before[accepted.pk][1:])
    page.write_text(text[:first_story] + "\n\n" + text[first_story:], encoding="utf-8")

    report = import_paths([page]).files[0]

    assert len(moving) > 5
    after = {f.pk: (f.status, f.line_start, f.line_end) for f in flags.all()}
    assert after == {
        pk: (status, start + 2 * (pk in moving), end + 2 * (pk in moving)) if start else
        (status, start, end)
        for pk, (status, start, end) in before.items()
    }  # the same flags, none new, none closed, the accepted one still accepted
    assert report.counts["flags"] == {"updated": len(moving)}


def test_a_reimport_closes_the_open_flags_the_changed_file_no_longer_gives(tmp_path):
    page, text = imported_seed(tmp_path)
    flags = ReviewFlag.objects.filter(message_key__in=ReviewFlag.FROM_THE_FILE)
    joined = flags.filter(code="joined_paragraphs", status="open")
    assert joined.count() >= 2
    gone, accepted = joined.order_by("line_start")[:2]
    accepted.status, accepted.resolved_at = "accepted", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    accepted.save()
    kept_row = ReviewFlag.objects.create(  # not derived from the file: a re-import leaves it
        issue=gone.issue, code="other", message="kept", message_key="disappeared",
        fingerprint="kept-row")
    # The new export no longer cuts the first joined paragraph (nor the accepted one's).
    lines = text.split("\n")
    for flag in (gone, accepted):
        cut = lines[flag.line_start - 1 : flag.line_end]
        lines[flag.line_start - 1 : flag.line_end] = ["".join(part for part in cut if part.strip())] + [
            "" for _ in cut[1:]]
    page.write_text("\n".join(lines), encoding="utf-8")

    report = import_paths([page]).files[0]

    gone.refresh_from_db()
    accepted.refresh_from_db()
    kept_row.refresh_from_db()
    assert (gone.status, gone.resolved_by) == ("superseded", None) and gone.resolved_at
    assert accepted.status == "accepted" and kept_row.status == "open"
    # (A repair next to a rewritten passage has new context in its before/after: closed too,
    # and given again as a new open flag.)
    superseded = ReviewFlag.objects.filter(status="superseded")
    assert gone in superseded and superseded.count() <= 3
    assert f"closed {superseded.count()} flag(s) the changed file no longer gives" in report.notes
    # The same file again: nothing more to close.
    again = import_paths([page]).files[0]
    assert again.status == "unchanged", again.counts["flags"]


def test_a_photo_dropped_by_a_reimport_takes_none_of_the_articles_flags_with_it():
    joined = FlagRecord("joined_paragraphs", "joined", (51, 52), after="甲乙", before="甲\n\n乙")
    load_page(page_record(article_record(1, photos=(photo_record(1),), flags=(joined,))))
    flag = ReviewFlag.objects.get(code="joined_paragraphs")
    assert flag.photo is not None  # its lines fall within the photo's

    report = load_page(page_record(article_record(1, flags=(joined,)), sha256="b" * 64))

    assert report.counts["photos"]["deleted"] == 1
    flag.refresh_from_db()
    assert (flag.status, flag.photo, flag.article) == ("open", None, Article.objects.get())
    assert ReviewFlag.objects.filter(code="joined_paragraphs").count() == 1
