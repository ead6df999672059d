"""People: found by name or alias, credited once, flagged when one OCR slip apart."""

from __future__ import annotations

import datetime as dt

import pytest

from importers.load import (
    load_page,
    people,
)
from newsroom.lib.names import one_edit_apart
from newsroom.models import (
    Article,
    Credit,
    ImportRun,
    Person,
    PersonAlias,
    ReviewFlag,
)
from tests.load.pages import (
    article_record,
    credits,
    issue_record,
    page_record,
)

pytestmark = pytest.mark.django_db


def test_a_new_credit_is_added_on_reimport_and_an_old_one_is_not_duplicated():
    load_page(page_record(article_record(1)))
    load_page(page_record(
        article_record(1, contributors=credits(("阮向民", "reporter"), ("金钩", "trainee_reporter"))),
        sha256="b" * 64,
    ))
    article = Article.objects.get()
    assert set(article.credits.values_list("person__name", "role")) == {
        ("阮向民", "reporter"), ("金钩", "trainee_reporter")}
    assert article.credits.count() == 2


# ------------------------------------------------------------------ people


def test_a_name_one_character_from_a_reporter_is_a_new_person_flagged_as_a_possible_duplicate():
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    page = page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                       issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64)

    load_page(page)
    load_page(page)

    new = Person.objects.get(name="张浩呈")
    assert Person.objects.count() == 2  # not merged
    flag = ReviewFlag.objects.get(code="possible_duplicate_contributor")
    assert flag.person == new
    assert "张浩呈" in flag.message and "张浩星" in flag.message
    assert flag.article.credits.get().person == new


def test_a_name_one_character_from_someone_in_another_role_is_not_flagged():
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "correspondent")))))
    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                          issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64))
    assert not ReviewFlag.objects.filter(code="possible_duplicate_contributor").exists()


def test_a_name_one_insertion_away_is_flagged_too():
    load_page(page_record(article_record(1, contributors=credits(("单玉紫枫", "correspondent")))))
    load_page(page_record(article_record(1, contributors=credits(("单玉枫", "correspondent"))),
                          issue=issue_record(date=dt.date(2022, 6, 17)), sha256="b" * 64))
    assert ReviewFlag.objects.get(code="possible_duplicate_contributor").person.name == "单玉枫"


def test_an_alias_credits_the_person_it_belongs_to():
    person = Person.objects.create(name="张浩星")
    PersonAlias.objects.create(person=person, name="张浩呈")

    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter")))))

    assert Person.objects.count() == 1
    credit = Credit.objects.get()
    assert (credit.person, credit.printed_name) == (person, "张浩呈")  # the byline as printed
    assert not ReviewFlag.objects.filter(code="possible_duplicate_contributor").exists()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("张浩星", "张浩呈", True),
        ("单玉紫枫", "单玉枫", True),
        ("单玉枫", "单玉紫枫", True),
        ("张浩星", "张浩星", False),
        ("张浩星", "李浩呈", False),
        ("程雪", "程雪华丽", False),
    ],
)
def test_names_are_one_edit_apart_only_for_one_substitution_insertion_or_deletion(a, b, expected):
    assert one_edit_apart(a, b) is expected


def test_similar_names_first_credited_at_once_by_two_processes_are_flagged_after_the_run():
    run = ImportRun.objects.create()
    # As two workers leave it: each page created its person before seeing the other's.
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    Person.objects.filter(name="张浩星").update(created_at=run.started_at)
    ReviewFlag.objects.all().delete()
    other = page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                        issue=issue_record(date=dt.date(2021, 3, 20), weekday="", lunar_date=""),
                        sha256="b" * 64)
    with_flag = load_page(other)
    assert with_flag.counts["flags"]["created"] == 1
    ReviewFlag.objects.filter(code="possible_duplicate_contributor").delete()

    assert people.flag_missed_duplicates(run) == 1
    assert people.flag_missed_duplicates(run) == 0  # a pair is flagged once, either way round
    flag = ReviewFlag.objects.get(code="possible_duplicate_contributor")
    assert flag.person.name == "张浩星"
    assert flag.message == (
        "张浩星 may be the same contributor as 张浩呈 (both credited as reporter); merge them if so")
    assert flag.article.issue.date == dt.date(2021, 3, 19)


def test_a_pair_already_flagged_by_its_page_is_not_flagged_again_after_the_run():
    run = ImportRun.objects.create()
    load_page(page_record(article_record(1, contributors=credits(("张浩星", "reporter")))))
    load_page(page_record(article_record(1, contributors=credits(("张浩呈", "reporter"))),
                          issue=issue_record(date=dt.date(2021, 3, 20), weekday="", lunar_date=""),
                          sha256="b" * 64))

    assert people.flag_missed_duplicates(run) == 0
    assert ReviewFlag.objects.filter(code="possible_duplicate_contributor").count() == 1


def test_the_check_after_a_parallel_run_reads_the_same_few_rows_however_many_people_are_new(
        django_assert_num_queries):
    def run_with_new_people(names, date):
        run = ImportRun.objects.create()
        load_page(page_record(
            article_record(1, contributors=credits(*[(name, "reporter") for name in names])),
            issue=issue_record(date=date), sha256=date.isoformat().ljust(64, "0")))
        Person.objects.filter(name__in=names).update(created_at=run.started_at)
        ReviewFlag.objects.filter(code="possible_duplicate_contributor").delete()
        return run

    one = run_with_new_people(["阮向民"], dt.date(2021, 3, 19))
    # The flags, the new people's roles, the new people, the people of those roles.
    with django_assert_num_queries(4):
        assert people.flag_missed_duplicates(one) == 0
    many = run_with_new_people(["金钩", "邹伟锋", "李浩呈", "叶宇"], dt.date(2021, 3, 20))
    with django_assert_num_queries(4):
        assert people.flag_missed_duplicates(many) == 0
    # A slip of a name credited earlier in the same role is flagged (its first credit).
    slip = run_with_new_people(["阮向明", "金钧"], dt.date(2021, 3, 21))
    assert people.flag_missed_duplicates(slip) == 2
    flagged = ReviewFlag.objects.filter(code="possible_duplicate_contributor")
    assert sorted(flagged.values_list("person__name", "message_params__other")) == [
        ("金钧", "金钩"), ("阮向明", "阮向民")]
    assert {flag.article.issue.date for flag in flagged} == {dt.date(2021, 3, 21)}
