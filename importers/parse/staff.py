"""Read a line of page staff: 责任编辑:张三, 本版编辑:张三 版式:李四, 责任编辑 张三 美术编辑 李四.

Pure: the standard library only. The staff are credits of the page, not of an article; the
labels and their roles are newsroom/lib/pagestaff.py's.
"""

from __future__ import annotations

import re

from importers.parse.patterns import NAME
from importers.records import StaffRecord
from newsroom.lib.pagestaff import STAFF_LABELS, STAFF_ROLE_OF

STAFF_LABEL_RE = re.compile(
    "(?P<label>" + "|".join(label for label, _ in STAFF_LABELS) + r")\s*[:：]?\s*"
)
NAME_SEPARATORS_RE = re.compile(r"[\s、,，;；/]+")


class StaffLineError(ValueError):
    """A line that opens with a staff label but whose names cannot be read."""


def is_staff_line(text: str) -> bool:
    """Tell whether a line opens with a page-staff label (责任编辑, 版式, 校对, ...)."""
    return bool(STAFF_LABEL_RE.match(text.strip()))


def read_staff_line(text: str) -> list[StaffRecord]:
    """Return the staff a line credits, in print order; raise StaffLineError if unreadable.

    Each label is followed by one or more names, separated by spaces or 、; a colon after
    the label (full- or half-width) is optional.
    """
    text = text.strip()
    labels = list(STAFF_LABEL_RE.finditer(text))
    if not labels or labels[0].start() != 0:
        raise StaffLineError(f"'{text}' does not open with a page-staff label")
    staff: list[StaffRecord] = []
    for index, match in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        names = [n for n in NAME_SEPARATORS_RE.split(text[match.end() : end]) if n]
        label = match.group("label")
        if not names:
            raise StaffLineError(f"no name after {label} (expected e.g. {label}:张三)")
        for name in names:
            if not re.fullmatch(NAME, name):
                raise StaffLineError(
                    f"'{name}' after {label} is not a name (2 to 6 Chinese characters)"
                )
            staff.append(StaffRecord(name, STAFF_ROLE_OF[label], label))
    return staff
