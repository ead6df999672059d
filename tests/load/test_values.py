"""What the database cannot store is refused, naming file and line, before anything is written."""

from __future__ import annotations

import pytest

from importers.load import (
    load_page,
)
from importers.records import ParseError
from newsroom.models import (
    Article,
    Issue,
    Publication,
)
from tests.load.pages import (
    article_record,
    issue_record,
    page_record,
)

pytestmark = pytest.mark.django_db


def test_a_value_too_long_to_store_is_refused_with_file_and_line_and_nothing_is_written():
    page = page_record(article_record(1), article_record(2, headline="长" * 301))
    with pytest.raises(ParseError) as caught:
        load_page(page)
    assert str(caught.value).startswith("pages/2021-03-19.txt line 40: article headline is 301")
    assert Issue.objects.count() == 0
    assert Publication.objects.count() == 0


@pytest.mark.parametrize("number", [0, 2_147_483_648, 9_223_372_036_854_775_808])
def test_an_issue_number_made_by_hand_out_of_range_is_refused_before_anything_is_written(number):
    # The parser refuses such a number at its masthead line; records made elsewhere meet the
    # same bounds here, not a DataError (PostgreSQL) or OverflowError (SQLite) mid-write.
    with pytest.raises(ParseError) as caught:
        load_page(page_record(issue=issue_record(number=number)))
    assert str(caught.value) == (
        f"pages/2021-03-19.txt: issue number {number} is out of range: it must be within "
        "1..2,147,483,647"
    )
    assert Publication.objects.count() == 0


@pytest.mark.parametrize(("page", "position"), [(32_768, 1), (1, 32_768), (0, 1)])
def test_a_page_or_position_out_of_range_is_refused_naming_the_line(page, position):
    record = article_record(position, page=page)
    with pytest.raises(ParseError) as caught:
        load_page(page_record(record))
    assert str(caught.value) == (
        f"pages/2021-03-19.txt line {record.lines[0]}: article at page {page} position "
        f"{position} is out of range: pages must be within 1..32,767 and positions within "
        "1..32,767"
    )
    assert Publication.objects.count() == 0


def test_the_largest_issue_number_page_and_position_are_stored():
    load_page(page_record(article_record(32_767, page=32_767),
                          issue=issue_record(number=2_147_483_647)))
    assert Issue.objects.get().number == 2_147_483_647
    assert Article.objects.values_list("page", "position").get() == (32_767, 32_767)
