"""What the importer knows about each paper's masthead, and how to check a printed one.

Pure: no Django. The loader calls ``masthead_mismatches`` with the values of the
Publication row; the parser calls it with ``KNOWN_PUBLICATIONS`` so that
``--format json`` already shows a masthead the OCR (or the printer) got wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from importers.records import FlagRecord, IssueRecord

MASTHEAD_MISMATCH = "masthead_mismatch"

KNOWN_PUBLICATIONS: dict[str, dict[str, str]] = {
    "浙江工人日报": {
        "cn_number": "CN33-0018",
        "postal_code": "31-2",
        "website": "www.zjgrrb.com",
        "email": "zjgrrb@163.com",
        "slogan": "倾情关注劳动群体 全心服务工会组织",
        "address": "杭州市学院路107号",
        "postcode": "310012",
    },
}

# The identifiers a masthead prints that must match the paper's own, with their names in messages.
CHECKED_IDENTIFIERS: dict[str, str] = {
    "cn_number": "CN number",
    "postal_code": "postal distribution code (邮发代号)",
    "website": "website",
    "email": "email address",
}


def normalize_identifier(value: str) -> str:
    """Return an identifier folded for comparison: NFKC, case-folded, without whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).casefold()


def masthead_mismatches(
    issue: IssueRecord,
    known: Mapping[str, str],
    lines: dict | None = None,
) -> list[FlagRecord]:
    """List one ``masthead_mismatch`` flag per identifier printed differently from ``known``.

    ``lines`` maps a field name to ``(line_number, verbatim_line)`` (or just a line number)
    where the parser read it; without it the flags carry line (0, 0). A field the masthead
    does not print, or that ``known`` does not hold, is not compared.
    """
    flags = []
    for field_name, label in CHECKED_IDENTIFIERS.items():
        printed = getattr(issue, field_name, "") or ""
        expected = known.get(field_name, "") or ""
        if not printed or not expected:
            continue
        if normalize_identifier(printed) == normalize_identifier(expected):
            continue
        line, original = _where(lines, field_name)
        flags.append(
            FlagRecord(
                code=MASTHEAD_MISMATCH,
                message=f"masthead prints {printed} where the paper's {label} is {expected}",
                lines=(line, line),
                original=original,
                params=(("printed", printed), ("field", field_name), ("expected", expected)),
            )
        )
    return flags


def _where(lines: dict | None, field_name: str) -> tuple[int, str]:
    """Return the line number and verbatim line recorded for a masthead field."""
    entry = (lines or {}).get(field_name)
    if entry is None:
        return 0, ""
    if isinstance(entry, int):
        return entry, ""
    number, original = entry
    return int(number), str(original)
