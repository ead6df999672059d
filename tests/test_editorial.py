"""The editorial operations (newsroom/editorial.py), called directly."""

import re
from collections import defaultdict
from contextlib import contextmanager
from itertools import permutations
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from importers.loader import import_paths
from newsroom.editorial import (
    FlagAlreadyResolved,
    FlagNotUndoable,
    StaleEditError,
    accept_flag,
    add_tags,
    char_diff,
    edit_article,
    merge_people,
    revert_article,
    set_correction_status,
    set_visibility,
    suggested_duplicates,
    undo_flag,
)
from newsroom.models import Article, Credit, Person, PersonAlias, ReviewFlag
from tests.factories import (
    make_article,
    make_credit,
    make_flag,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


# edit_article ---------------------------------------------------------------------------------


def test_an_edit_saves_the_text_bumps_the_version_and_records_who_and_why(issue, editor_user):
    article = make_article(issue=issue, headline="工会新闻", body="第一段。")
    edit_article(
        article, changes={"headline": "工会要闻", "body": "第一段，改。"},
        expected_version=1, user=editor_user, reason="改错字",
    )
    article.refresh_from_db()
    assert (article.headline, article.body, article.version) == ("工会要闻", "第一段，改。", 2)
    latest = article.history.latest()
    assert latest.history_user == editor_user
    assert latest.history_change_reason == "改错字"
    assert latest.headline == "工会要闻"


def test_an_edit_without_a_reason_names_the_fields_changed(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"dateline": "本报杭州讯"}, expected_version=1, user=editor_user)
    assert article.history.latest().history_change_reason == "修改：电头"


def test_a_stale_edit_is_refused_and_the_other_editors_save_is_kept(issue, editor_user, chief_editor_user):
    article = make_article(issue=issue, body="原文。")
    mine = Article.objects.get(pk=article.pk)
    edit_article(article, changes={"body": "主编改的。"}, expected_version=1, user=chief_editor_user)
    with pytest.raises(StaleEditError) as raised:
        edit_article(mine, changes={"body": "编辑改的。"}, expected_version=1, user=editor_user)
    assert raised.value.current.body == "主编改的。"
    assert raised.value.current.version == 2
    article.refresh_from_db()
    assert article.body == "主编改的。"
    assert article.history.count() == 2  # created, the chief's edit; not the refused one


def test_an_edit_from_the_current_version_after_a_refusal_succeeds(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"body": "一。"}, expected_version=1, user=editor_user)
    edit_article(article, changes={"body": "二。"}, expected_version=2, user=editor_user)
    article.refresh_from_db()
    assert (article.body, article.version) == ("二。", 3)


def test_correcting_an_unreviewed_article_moves_it_to_in_review(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(article, changes={"body": "改过的正文。"}, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).correction_status == "in_review"


def test_correcting_a_reviewed_article_keeps_it_reviewed(issue, editor_user):
    article = make_article(issue=issue, correction_status="reviewed")
    edit_article(article, changes={"body": "改过的正文。"}, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).correction_status == "reviewed"


def test_an_editor_can_mark_the_article_reviewed_in_the_same_edit(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(
        article, changes={"body": "改。", "correction_status": "reviewed"},
        expected_version=1, user=editor_user,
    )
    assert Article.objects.get(pk=article.pk).correction_status == "reviewed"


def test_saving_unchanged_text_makes_no_new_version(issue, editor_user):
    article = make_article(issue=issue, headline="不变")
    edit_article(article, changes={"headline": "不变"}, expected_version=1, user=editor_user)
    article.refresh_from_db()
    assert article.version == 1
    assert article.history.count() == 1


def test_the_page_cannot_be_changed_through_a_correction(issue, editor_user):
    article = make_article(issue=issue, page=1)
    with pytest.raises(ValidationError) as raised:
        edit_article(article, changes={"page": 2}, expected_version=1, user=editor_user)
    assert "page" in raised.value.message_dict
    assert Article.objects.get(pk=article.pk).page == 1


def test_an_empty_headline_and_an_unknown_kind_are_refused_naming_each_field(issue, editor_user):
    article = make_article(issue=issue)
    with pytest.raises(ValidationError) as raised:
        edit_article(
            article, changes={"headline": "  ", "kind": "poem"}, expected_version=1, user=editor_user
        )
    assert set(raised.value.message_dict) == {"headline", "kind"}


def test_a_textarea_body_with_crlf_is_stored_with_plain_newlines(issue, editor_user):
    article = make_article(issue=issue)
    edit_article(
        article, changes={"body": "一。\r\n\r\n### 小标题\r\n\r\n二。"},
        expected_version=1, user=editor_user,
    )
    assert Article.objects.get(pk=article.pk).body == "一。\n\n### 小标题\n\n二。"


def test_tags_given_to_an_edit_replace_the_articles_tags(issue, editor_user):
    article = make_article(issue=issue, tags=["工会", "旧标签"])
    edit_article(article, changes={}, tags=["工会", "劳模"], expected_version=1, user=editor_user)
    article.refresh_from_db()
    assert sorted(article.tags.names()) == ["劳模", "工会"]
    assert article.version == 2


def test_a_staff_user_without_a_role_cannot_edit(issue, staff_user):
    article = make_article(issue=issue, body="原文。")
    with pytest.raises(PermissionDenied):
        edit_article(article, changes={"body": "改。"}, expected_version=1, user=staff_user)
    assert Article.objects.get(pk=article.pk).body == "原文。"


# revert_article -------------------------------------------------------------------------------


def test_every_save_records_the_tags_the_article_has_after_it(issue, editor_user):
    article = make_article(issue=issue)
    assert article.history.get().tag_names == []
    edit_article(article, changes={}, expected_version=1, user=editor_user, tags=["工会", "劳模"])
    assert article.history.latest().tag_names == ["劳模", "工会"]  # sorted by code point
    add_tags(Article.objects.filter(pk=article.pk), ["工匠"], user=editor_user)
    assert article.history.latest().tag_names == sorted(["劳模", "工会", "工匠"])


def test_a_revert_restores_the_version_and_names_it_as_the_history_list_does(issue, editor_user):
    article = make_article(issue=issue, headline="原标题", body="原文。")
    first = article.history.get()
    edit_article(article, changes={"headline": "新标题", "body": "改文。"}, expected_version=1,
                 user=editor_user, tags=["工会"])
    revert_article(article, first.history_id, expected_version=2, user=editor_user)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.body, saved.version) == ("原标题", "原文。", 3)
    assert list(saved.tags.names()) == []
    assert (article.version, article.headline) == (3, "原标题")  # the caller's instance follows
    record = saved.history.latest()
    assert (record.history_change_reason, record.history_user) == ("恢复到历史版本 v1", editor_user)


def test_a_stale_revert_writes_nothing(issue, editor_user):
    article = make_article(issue=issue, body="原文。")
    first = article.history.get().history_id
    edit_article(article, changes={"body": "改文。"}, expected_version=1, user=editor_user)
    with pytest.raises(StaleEditError):
        revert_article(article, first, expected_version=1, user=editor_user)
    assert Article.objects.get(pk=article.pk).body == "改文。"
    assert article.history.count() == 2


def test_a_revert_needs_the_change_permission_and_a_version_of_that_article(issue, editor_user, staff_user):
    article, other = make_article(issue=issue), make_article(issue=issue)
    with pytest.raises(PermissionDenied):
        revert_article(article, article.history.get().history_id, expected_version=1, user=staff_user)
    with pytest.raises(ValidationError):
        revert_article(article, other.history.get().history_id, expected_version=1, user=editor_user)
    assert article.history.count() == 1


def test_a_version_whose_tags_were_never_recorded_keeps_the_current_tags(issue, editor_user):
    article = make_article(issue=issue, body="原文。", tags=["工会"])
    first = article.history.get()
    # A record written before tags were recorded holds none.
    type(first).objects.filter(pk=first.pk).update(tag_names=None)
    edit_article(article, changes={"body": "改文。"}, expected_version=1, user=editor_user)
    revert_article(article, first.history_id, expected_version=2, user=editor_user)
    saved = Article.objects.get(pk=article.pk)
    assert (saved.body, list(saved.tags.names())) == ("原文。", ["工会"])


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


# bulk operations ------------------------------------------------------------------------------


def test_marking_articles_reviewed_counts_only_those_that_changed_and_records_each(issue, editor_user):
    a = make_article(issue=issue)
    b = make_article(issue=issue, correction_status="reviewed")
    count = set_correction_status(Article.objects.all(), "reviewed", user=editor_user)
    assert count == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.correction_status, a.version, b.version) == ("reviewed", 2, 1)
    record = a.history.latest()
    assert record.history_user == editor_user
    assert record.history_change_reason == "校对状态改为：已校对"


def test_an_unknown_correction_status_is_refused(issue, editor_user):
    make_article(issue=issue)
    with pytest.raises(ValidationError):
        set_correction_status(Article.objects.all(), "done", user=editor_user)


def test_an_editor_cannot_withdraw_articles(issue, editor_user):
    article = make_article(issue=issue)
    with pytest.raises(PermissionDenied):
        set_visibility(Article.objects.all(), "withdrawn", user=editor_user)
    assert Article.objects.get(pk=article.pk).visibility == "published"


def test_a_chief_editor_withdraws_and_republishes_with_history(issue, chief_editor_user):
    article = make_article(issue=issue)
    assert set_visibility(Article.objects.all(), "withdrawn", user=chief_editor_user) == 1
    assert not Article.objects.public().exists()
    assert set_visibility(Article.objects.all(), "published", user=chief_editor_user) == 1
    assert Article.objects.public().get() == article
    reasons = list(article.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["公开状态改为：已发布", "公开状态改为：已撤回"]


def test_adding_tags_keeps_the_other_tags_and_records_history(issue, editor_user):
    a = make_article(issue=issue, tags=["工会"])
    b = make_article(issue=issue, tags=["劳模"])
    assert add_tags(Article.objects.filter(pk=a.pk), ["劳模"], user=editor_user) == 1
    assert add_tags(Article.objects.all(), ["劳模"], user=editor_user) == 0
    assert sorted(a.tags.names()) == ["劳模", "工会"]
    assert list(b.tags.names()) == ["劳模"]
    assert a.history.latest().history_user == editor_user


def test_adding_no_tag_is_refused(issue, editor_user):
    make_article(issue=issue)
    with pytest.raises(ValidationError):
        add_tags(Article.objects.all(), [" "], user=editor_user)


# people ---------------------------------------------------------------------------------------


def test_merging_people_moves_credits_aliases_and_flags_and_deletes_the_other(issue, chief_editor_user):
    keep = make_person("张伟")
    remove = make_person("张纬")
    PersonAlias.objects.create(person=remove, name="张 纬")
    both = make_article(issue=issue)
    only_removed = make_article(issue=issue)
    photo = make_photo(issue=issue)
    make_credit(person=keep, article=both)
    make_credit(person=remove, article=both)  # the same role on the same article: deduplicated
    make_credit(person=remove, article=only_removed)
    make_credit(person=remove, photo=photo, role="photographer")
    flag = make_flag(issue, code="possible_duplicate_contributor", person=remove, message="张纬 像 张伟")
    other_flag = make_flag(issue, code="other", person=remove)

    merge_people(keep=keep, remove=remove, user=chief_editor_user)

    assert not Person.objects.filter(pk=remove.pk).exists()
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["张 纬", "张纬"]
    assert Credit.objects.filter(person=keep, article=both).count() == 1
    assert Credit.objects.filter(person=keep, article=only_removed).exists()
    assert Credit.objects.filter(person=keep, photo=photo, role="photographer").exists()
    flag.refresh_from_db()
    assert (flag.status, flag.resolved_by, flag.person) == ("accepted", chief_editor_user, keep)
    other_flag.refresh_from_db()
    assert (other_flag.status, other_flag.person) == ("open", keep)
    assert Person.objects.named("张纬").get() == keep
    deleted = Person.history.filter(id=remove.pk, history_type="-").get()
    assert deleted.history_user == chief_editor_user
    assert deleted.history_change_reason == "合并作者：张纬 并入 张伟"
    assert keep.history.latest().history_change_reason == "合并作者：张纬 并入 张伟"


def test_an_editor_cannot_merge_people(editor_user):
    keep, remove = make_person("王芳"), make_person("王方")
    with pytest.raises(PermissionDenied):
        merge_people(keep=keep, remove=remove, user=editor_user)
    assert Person.objects.filter(pk=remove.pk).exists()


def test_a_person_cannot_be_merged_with_themself(chief_editor_user):
    person = make_person("王芳")
    with pytest.raises(ValidationError):
        merge_people(keep=person, remove=person, user=chief_editor_user)


def _pairs():
    return [(s.first.name, s.second.name) for s in suggested_duplicates()]


def test_names_one_character_apart_in_the_same_role_are_suggested(issue):
    article = make_article(issue=issue)
    for name in ("张伟", "张纬", "张伟明", "李四"):
        make_credit(person=make_person(name), article=article)
    assert _pairs() == [("张伟", "张伟明"), ("张伟", "张纬")]


def test_names_one_apart_in_different_roles_are_not_suggested(issue):
    article = make_article(issue=issue)
    make_credit(person=make_person("张伟"), article=article, role="reporter")
    make_credit(person=make_person("张纬"), article=article, role="correspondent")
    assert _pairs() == []


def test_names_two_characters_apart_are_not_suggested(issue):
    article = make_article(issue=issue)
    make_credit(person=make_person("张伟"), article=article)
    make_credit(person=make_person("李纬"), article=article)
    assert _pairs() == []


def test_an_open_duplicate_flag_suggests_the_people_it_names(issue, editor_user):
    a, b = make_person("陈红"), make_person("程宏")
    flag = make_flag(issue, code="possible_duplicate_contributor", person=b, message="程宏 可能是 陈红")
    [suggestion] = suggested_duplicates()
    assert (suggestion.first, suggestion.second) == (b, a)  # sorted by name
    assert suggestion.flags == (flag,)
    accept_flag(flag, user=editor_user)
    assert suggested_duplicates() == []


# diff -----------------------------------------------------------------------------------------


def test_the_diff_works_on_characters_not_words():
    assert char_diff("杭州市总工会", "杭州市总公会") == [
        ("equal", "杭州市总"), ("delete", "工"), ("insert", "公"), ("equal", "会"),
    ]
