"""What a page file's name says: the day, when the name carries one (``2021-03-19_02.md``).

An export names its files by day and page, so a file whose name says another day than its
header prints is a page filed in the wrong day's folder, or a header misread: the page is filed
under the printed date (a name is not part of the page) and flagged for an editor to check.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

from importers.records import FlagRecord
from newsroom.lib.flagcodes import FILE_DATE_MISMATCH

# A date in a file's base name: 2021-03-19, 2021_03_19, 2021.03.19 or 20210319, not inside a
# longer run of letters or digits (a hash such as 08ceee72487f69f5 carries no date).
NAME_DATE_RE = re.compile(
    r"(?<![0-9A-Za-z])((?:18|19|20)\d\d)([-_.]?)(0[1-9]|1[0-2])\2(0[1-9]|[12]\d|3[01])(?![0-9A-Za-z])"
)


def date_in_name(source: str) -> dt.date | None:
    """Return the date a file's base name carries, or None (no date, or not a real one)."""
    match = NAME_DATE_RE.search(PurePath(source.replace("\\", "/")).name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
    except ValueError:
        return None  # 2021-02-30: not a date


def file_date_flags(source: str, printed: dt.date, where: tuple[int, str]) -> list[FlagRecord]:
    """Flag a page whose file name carries another date than its header prints (``where``:
    the line and text of the printed date)."""
    named = date_in_name(source)
    if named is None or named == printed:
        return []
    line, original = where
    return [FlagRecord(
        code=FILE_DATE_MISMATCH,
        message=(f"the file's name says {named.isoformat()} but the page prints "
                 f"{printed.isoformat()}; filed under {printed.isoformat()}: check the page "
                 "belongs to that day"),
        lines=(line, line),
        original=original,
        params=(("named", named.isoformat()), ("date", printed.isoformat())),
    )]
