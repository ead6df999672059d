"""The pure rules in newsroom/lib/ that the importer and the core share (no database)."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from newsroom.lib import flagcodes, roles
from newsroom.lib.names import one_edit_apart, pairs_one_edit_apart
from newsroom.lib.weekdays import printed_weekday_matches, weekday_name

FRIDAY = dt.date(2021, 3, 19)
SUNDAY = dt.date(2021, 3, 21)


def test_a_weekday_is_named_as_the_paper_prints_it():
    assert weekday_name(FRIDAY) == "星期五"
    assert weekday_name(SUNDAY) == "星期日"


def test_printed_weekdays_match_in_every_form_a_paper_uses():
    assert printed_weekday_matches(FRIDAY, "星期五")
    assert printed_weekday_matches(FRIDAY, "礼拜五")
    assert printed_weekday_matches(SUNDAY, "星期天")
    assert printed_weekday_matches(SUNDAY, "礼拜日")
    assert printed_weekday_matches(FRIDAY, "")  # nothing printed: nothing to disagree with


def test_a_printed_weekday_of_another_day_does_not_match():
    assert not printed_weekday_matches(FRIDAY, "星期四")
    assert not printed_weekday_matches(FRIDAY, "星期天")
    assert not printed_weekday_matches(SUNDAY, "星期六")
    assert not printed_weekday_matches(FRIDAY, "周五")  # not a form the masthead prints


def test_names_one_slip_apart():
    assert one_edit_apart("张浩呈", "张浩星")  # one character misread
    assert one_edit_apart("阮向民", "阮民")  # one dropped
    assert one_edit_apart("欧阳向民", "阳向民")
    assert not one_edit_apart("张浩星", "张浩星")  # the same name is no slip
    assert not one_edit_apart("张浩呈", "李浩星")  # two characters apart
    assert not one_edit_apart("阮向民", "阮向民民民")


NAMES = st.lists(st.text(alphabet="张浩呈星阮向民", min_size=1, max_size=4), max_size=12)


@given(NAMES)
def test_the_indexed_pairs_are_exactly_the_pairs_one_edit_apart(names):
    expected = {
        tuple(sorted(pair)) for pair in itertools.combinations(set(names), 2) if one_edit_apart(*pair)
    }
    assert pairs_one_edit_apart(names) == expected


def test_every_role_and_flag_code_is_listed_once():
    assert len(set(roles.ALL_ROLES)) == len(roles.ALL_ROLES) == 6
    assert len(set(flagcodes.ALL_CODES)) == len(flagcodes.ALL_CODES)
    assert set(flagcodes.BODY_REPAIRS) <= set(flagcodes.ALL_CODES)


def test_pairs_one_edit_apart_are_one_replacement_insertion_or_deletion_apart():
    pairs = pairs_one_edit_apart(["张伟", "张纬", "伟", "张伟明", "李纬", "张伟明亮"])
    assert pairs == {
        ("张伟", "张纬"), ("张纬", "李纬"), ("伟", "张伟"), ("张伟", "张伟明"), ("张伟明", "张伟明亮"),
    }
