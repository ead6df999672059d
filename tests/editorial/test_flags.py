"""Resolving the importer's review flags (newsroom/editorial/flags.py)."""

import re
from collections import defaultdict
from contextlib import contextmanager
from itertools import permutations
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from importers.load import import_paths
from newsroom.editorial import (
    FlagAlreadyResolved,
    FlagNotUndoable,
    accept_flag,
    undo_flag,
)
from newsroom.models import Article, ReviewFlag
from tests.factories import (
    make_article,
    make_flag,
)

pytestmark = pytest.mark.django_db


# flags ----------------------------------------------------------------------------------------


def test_accepting_a_flag_records_who_and_when(issue, editor_user):
    flag = make_flag(issue)
    accept_flag(flag, user=editor_user)
    flag.refresh_from_db()
    assert flag.status == "accepted"
    assert flag.resolved_by == editor_user
    assert flag.resolved_at is not None


def test_a_flag_cannot_be_resolved_twice(issue, editor_user):
    flag = make_flag(issue)
    accept_flag(flag, user=editor_user)
    with pytest.raises(FlagAlreadyResolved):
        accept_flag(ReviewFlag.objects.get(pk=flag.pk), user=editor_user)
    with pytest.raises(FlagAlreadyResolved):
        undo_flag(ReviewFlag.objects.get(pk=flag.pk), user=editor_user)


def test_undoing_a_repair_puts_the_text_back_and_records_it(issue, editor_user):
    article = make_article(issue=issue, body="工人们说：今天天气很好。\n\n第二段。")
    flag = make_flag(
        issue, article=article, before="工人们说：今天\n\n天气很好。", after="工人们说：今天天气很好。"
    )
    undo_flag(flag, user=editor_user)
    article.refresh_from_db()
    assert article.body == "工人们说：今天\n\n天气很好。\n\n第二段。"
    assert article.version == 2
    assert article.correction_status == "in_review"
    assert article.history.latest().history_user == editor_user
    assert article.history.latest().history_change_reason == "撤销修复：合并段落"
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by) == ("undone", editor_user)


def test_a_repair_an_editor_has_rewritten_cannot_be_undone(issue, editor_user):
    article = make_article(issue=issue, body="编辑已经重写了这一段。")
    flag = make_flag(issue, article=article, before="甲\n\n乙", after="甲乙")
    with pytest.raises(FlagNotUndoable):
        undo_flag(flag, user=editor_user)
    article.refresh_from_db()
    assert (article.body, article.version) == ("编辑已经重写了这一段。", 1)
    assert ReviewFlag.objects.get(pk=flag.pk).status == "open"


def test_a_repair_whose_text_occurs_twice_cannot_be_undone(issue, editor_user):
    article = make_article(issue=issue, body="甲乙。\n\n甲乙。")
    flag = make_flag(issue, article=article, before="甲\n\n乙", after="甲乙")
    with pytest.raises(FlagNotUndoable):
        undo_flag(flag, user=editor_user)
    assert Article.objects.get(pk=article.pk).body == "甲乙。\n\n甲乙。"


def test_a_doubt_that_is_not_a_repair_cannot_be_undone(issue, editor_user):
    article = make_article(issue=issue)
    flag = make_flag(issue, article=article, code="truncated_article")
    with pytest.raises(FlagNotUndoable):
        undo_flag(flag, user=editor_user)


def test_an_import_conflict_cannot_be_undone_into_the_body(issue, editor_user):
    # The conflict's after (the import's headline) happens to occur once in the body: undoing
    # must not treat it as a body repair and write the editor's headline into the text.
    article = make_article(issue=issue, headline="编辑改的标题", body="导入的标题出现在正文里。")
    flag = make_flag(issue, article=article, code="import_conflict",
                     before="编辑改的标题", after="导入的标题")
    with pytest.raises(FlagNotUndoable):
        undo_flag(flag, user=editor_user)
    assert Article.objects.get(pk=article.pk).body == "导入的标题出现在正文里。"


# Undoing repairs of the seeds two at a time, in both orders -----------------------------------

SEEDS = sorted((Path(settings.BASE_DIR) / "seeds").glob("*.txt"))


class _RolledBack(Exception):
    pass


@contextmanager
def _rolled_back():
    try:
        with transaction.atomic():
            yield
            raise _RolledBack
    except _RolledBack:
        pass


def _window(imported: str, flag: ReviewFlag) -> tuple[int, int]:
    start = imported.index(flag.after)
    return start, start + len(flag.after)


def _reverted(imported: str, flags) -> str:
    """Return the imported body with these repairs reverted, read from the flags' windows alone.

    Windows that overlap are a join and a line removed where it was made: the removal's
    before puts back the paragraph break as well (the parser's contract), so it stands for both.
    """
    clusters: list[list[ReviewFlag]] = []
    for flag in sorted(flags, key=lambda f: _window(imported, f)):
        if clusters and _window(imported, flag)[0] < max(_window(imported, f)[1] for f in clusters[-1]):
            clusters[-1].append(flag)
        else:
            clusters.append([flag])
    body = imported
    for cluster in reversed(clusters):
        if len(cluster) > 1:
            codes = sorted(f.code for f in cluster)
            assert len(cluster) == 2 and codes[0] == "joined_paragraphs", codes  # else: extend this
            cluster = [f for f in cluster if f.code != "joined_paragraphs"]
        (flag,) = cluster
        start, end = _window(imported, flag)
        body = body[:start] + flag.before + body[end:]
    return body


def _refused(one: ReviewFlag, refusal: FlagNotUndoable, imported: str) -> ReviewFlag:
    """Check that a refusal names the open join this repair sits in; return that flag."""
    assert "共 0 处" not in refusal.message
    named = ReviewFlag.objects.get(pk=int(re.search(r"#(\d+)", refusal.message)[1]))
    assert (named.article_id, named.status, named.code) == (one.article_id, "open", "joined_paragraphs")
    (start, end), (other_start, other_end) = _window(imported, one), _window(imported, named)
    assert start < other_end and other_start < end
    return named


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name[:3])
def test_undoing_two_repairs_in_either_order_undoes_exactly_each_ones_passage(seed, editor_user):
    import_paths([seed])
    by_article = defaultdict(list)
    for flag in ReviewFlag.objects.filter(code__in=ReviewFlag.BODY_REPAIR_CODES).order_by("pk"):
        by_article[flag.article_id].append(flag)
    pairs = refusals = 0
    for article_id, flags in by_article.items():
        imported = Article.objects.get(pk=article_id).imported["body"]
        for pair in permutations(flags, 2):
            with _rolled_back():
                undone = []
                for one in pair:
                    body = Article.objects.get(pk=article_id).body
                    try:
                        undo_flag(ReviewFlag.objects.get(pk=one.pk), user=editor_user)
                    except FlagNotUndoable as refusal:
                        _refused(one, refusal, imported)
                        refusals += 1
                        # Nothing changed: the other repair stays as it was (undone or not).
                        assert Article.objects.get(pk=article_id).body == body
                        continue
                    undone.append(one)
                    # Exactly this repair reverted, on top of the one undone before it.
                    assert Article.objects.get(pk=article_id).body == _reverted(imported, undone)
                # Nothing was damaged: the rest can still be undone, to the printed paragraphs.
                waiting = [f for f in flags if f not in undone]
                while waiting:
                    for one in waiting:
                        try:
                            undo_flag(ReviewFlag.objects.get(pk=one.pk), user=editor_user)
                        except FlagNotUndoable as refusal:
                            _refused(one, refusal, imported)
                            continue
                        waiting.remove(one)
                        break
                    else:
                        raise AssertionError(f"none of {waiting} can be undone after {pair}")
                assert Article.objects.get(pk=article_id).body == _reverted(imported, flags)
                pairs += 1
    assert pairs and refusals  # each seed has a line removed where a paragraph was joined


def test_a_line_removed_where_a_paragraph_was_joined_comes_back_after_the_join(issue, editor_user):
    imported = "前半句说到后半句。"
    article = make_article(issue=issue, body=imported, imported={"body": imported})
    join = make_flag(issue, article=article, line_start=1, before="说到\n\n后半", after="说到后半")
    hotline = make_flag(
        issue, article=article, code="removed_furniture", line_start=2,
        before="说到\n\n热线88851111\n\n后半", after="说到后半",
    )
    with pytest.raises(FlagNotUndoable, match=f"#{join.pk}"):
        undo_flag(hotline, user=editor_user)
    undo_flag(join, user=editor_user)
    undo_flag(ReviewFlag.objects.get(pk=hotline.pk), user=editor_user)
    article.refresh_from_db()
    assert article.body == "前半句说到\n\n热线88851111\n\n后半句。"
    assert article.version == 3


def test_a_repair_undone_with_its_neighbour_by_an_earlier_undo_closes_without_a_change(
    issue, editor_user
):
    # Undone before undos were composed, the removal put back the paragraph break too.
    imported = "前半句说到后半句。"
    body = "前半句说到\n\n热线\n\n后半句。"
    article = make_article(issue=issue, body=body, imported={"body": imported})
    join = make_flag(issue, article=article, line_start=1, before="说到\n\n后半", after="说到后半")
    make_flag(
        issue, article=article, code="removed_furniture", line_start=2, status="undone",
        resolved_at="2021-03-19T00:00Z", before="说到\n\n热线\n\n后半", after="说到后半",
    )
    undo_flag(join, user=editor_user)
    article.refresh_from_db()
    assert (article.body, article.version) == (body, 1)
    assert ReviewFlag.objects.get(pk=join.pk).status == "undone"


def test_undoing_a_repair_keeps_an_editors_correction_nearby(issue, editor_user):
    imported = "工人们说：今天天气很好。\n\n第二段。"
    article = make_article(issue=issue, body=imported.replace("第二段", "第二段，已校对"),
                           imported={"body": imported})
    flag = make_flag(issue, article=article, before="今天\n\n天气", after="今天天气")
    undo_flag(flag, user=editor_user)
    article.refresh_from_db()
    assert article.body == "工人们说：今天\n\n天气很好。\n\n第二段，已校对。"


def test_a_staff_user_without_a_role_cannot_resolve_flags(issue, staff_user):
    flag = make_flag(issue)
    with pytest.raises(PermissionDenied):
        accept_flag(flag, user=staff_user)
    assert ReviewFlag.objects.get(pk=flag.pk).status == "open"
