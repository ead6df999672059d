"""Merging contributors (newsroom/editorial/people.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newsroom.editorial import merge_people, merge_preview
from newsroom.models import Credit, Person, PersonAlias
from tests.factories import (
    make_article,
    make_credit,
    make_flag,
    make_person,
    make_photo,
)

pytestmark = pytest.mark.django_db


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


def test_merging_records_where_the_removed_person_went_and_repoints_older_merges(issue, chief_editor_user):
    from newsroom.models import PersonRedirect

    first, second, last = make_person("张浩呈"), make_person("张浩星"), make_person("张皓星")
    merge_people(keep=second, remove=first, user=chief_editor_user)
    assert PersonRedirect.objects.get(old_id=first.pk).person == second
    # The kept person merged in turn: both old ids lead to the person kept now, not to a gone one.
    merge_people(keep=last, remove=second, user=chief_editor_user)
    assert dict(PersonRedirect.objects.values_list("old_id", "person")) == {first.pk: last.pk, second.pk: last.pk}


def test_a_merged_credit_keeps_the_name_the_paper_printed(issue, chief_editor_user):
    keep, remove = make_person("张浩星"), make_person("张浩呈")
    article, photo = make_article(issue=issue), make_photo(issue=issue)
    make_credit(person=remove, article=article)
    make_credit(person=remove, photo=photo, role="photographer")
    legacy = make_credit(person=remove, article=make_article(issue=issue), printed_name="")

    merge_people(keep=keep, remove=remove, user=chief_editor_user)

    moved = Credit.objects.filter(person=keep).order_by("pk")
    assert [(c.printed_name, c.name_as_printed) for c in moved] == [("张浩呈", "张浩呈")] * 3
    legacy.refresh_from_db()
    assert legacy.person == keep  # a credit recorded before printed names gets the removed name


def test_the_merge_preview_says_what_would_move_and_changes_nothing(issue, chief_editor_user):
    keep, remove = make_person("张伟"), make_person("张纬")
    PersonAlias.objects.create(person=remove, name="张 纬")
    both, only_removed = make_article(issue=issue), make_article(issue=issue)
    make_credit(person=keep, article=both)
    make_credit(person=remove, article=both)
    make_credit(person=remove, article=only_removed)
    make_credit(person=remove, photo=make_photo(issue=issue, article=only_removed), role="photographer")
    make_flag(issue, code="other", person=remove)
    make_flag(issue, code="possible_duplicate_contributor", person=remove, message="张纬 像 张伟")

    preview = merge_preview(keep=keep, remove=remove)

    assert preview.new_aliases == ["张纬", "张 纬"]
    assert (preview.credits_moving, preview.credits_merged, preview.flags_moving) == (2, 1, 1)
    assert preview.article_count == 2
    assert {a.pk for a in preview.articles} == {both.pk, only_removed.pk}
    assert Credit.objects.filter(person=remove).count() == 3
    assert Person.objects.filter(pk=remove.pk).exists()


def test_renaming_corrects_the_bylines_read_with_the_old_name_but_not_those_printed_otherwise(
    issue, chief_editor_user
):
    from newsroom.editorial import edit_person

    keep, remove = make_person("张浩星"), make_person("张浩呈")
    as_read = make_credit(person=keep, article=make_article(issue=issue))
    merged = make_credit(person=remove, article=make_article(issue=issue))
    merge_people(keep=keep, remove=remove, user=chief_editor_user)
    keep.refresh_from_db()

    edit_person(keep, name="张皓星", expected_version=keep.version, user=chief_editor_user)

    as_read.refresh_from_db()
    merged.refresh_from_db()
    assert (as_read.printed_name, merged.printed_name) == ("张皓星", "张浩呈")
    assert as_read.history.latest().history_user == chief_editor_user


def test_merging_moves_the_removed_persons_page_credits(issue, chief_editor_user):
    from newsroom.models import PageStaff
    from tests.factories import make_page, make_page_staff

    keep, remove = make_person("张伟"), make_person("张纬")
    front, second = make_page(issue, 1, "要闻"), make_page(issue, 2, "综合")
    make_page_staff(front, person=keep, role="editor")
    make_page_staff(front, person=remove, role="editor", label="本版编辑")  # the same role: kept once
    moved = make_page_staff(second, person=remove, role="layout", label="版式设计")

    merge_people(keep=keep, remove=remove, user=chief_editor_user)

    assert not Person.objects.filter(pk=remove.pk).exists()
    assert list(PageStaff.objects.filter(page=front).values_list("person", "role")) == [(keep.pk, "editor")]
    moved.refresh_from_db()
    assert (moved.person, moved.role, moved.label) == (keep, "layout", "版式设计")
    assert moved.history.latest().history_user == chief_editor_user
