"""A file name's date against the page's printed date (importers/parse/filenames.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from importers.parse import parse_page
from importers.parse.filenames import date_in_name
from tests.parse.pages import SEED_000


@pytest.mark.parametrize(
    "name, date",
    [
        ("2021-03-19_02.md", dt.date(2021, 3, 19)),
        ("exports/2021_03_19-p3.md", dt.date(2021, 3, 19)),
        ("zjgrrb.20210319.02.txt", dt.date(2021, 3, 19)),
        ("1998-12-31.txt", dt.date(1998, 12, 31)),
        ("2021-03-19/02.md", None),  # a folder's name is not the file's
        ("000_08ceee72487f69f5.txt", None),  # a hash
        ("a20210319b.md", None),  # inside a longer word
        ("2021-02-30_01.md", None),  # not a date
        ("2021-0319_01.md", None),  # separators that disagree
        ("page-3.md", None),
    ],
)
def test_the_date_a_file_name_carries(name, date):
    assert date_in_name(name) == date


def test_a_page_whose_file_name_says_another_day_is_flagged_and_filed_by_its_header():
    text = SEED_000.read_text(encoding="utf-8")
    printed = parse_page(text, "seeds/x.txt").issue.date

    agreeing = parse_page(text, f"{printed.isoformat()}_01.txt")
    other = parse_page(text, "2021-03-20_01.txt")

    assert not [f for f in agreeing.flags if f.code == "file_date_mismatch"]
    assert other.issue.date == printed
    (flag,) = [f for f in other.flags if f.code == "file_date_mismatch"]
    assert dict(flag.params) == {"named": "2021-03-20", "date": printed.isoformat()}
    assert printed.strftime("%Y年%-m月%-d日") in flag.original and flag.lines[0] > 0
