"""Split a printed heading into kicker (引题), headline and subheadline (副题)."""

from __future__ import annotations

import re

from importers.parse.patterns import REPORTING_VERBS

CONTINUING_OPENERS = "和与及并而或的之”’」』）)》、,，。"


TIME_SPAN_END_RE = re.compile(
    r"(?:以来|之际|期间|前夕|[0-9零〇一二两三四五六七八九十百]+(?:个月|周年|年|天|周))$"
)


def split_heading(heading: str) -> tuple[str, str, str]:
    """Split a printed heading into kicker, headline and subheadline (see the module docstring).

    Joining the non-empty parts with single spaces always gives ``heading`` back.
    """
    if (
        not heading
        or heading != heading.strip()
        or re.search(r"\s{2,}|[\t\n]", heading)
        or heading.count(" ") > 60
    ):  # no heading prints 60 lines; splitting more is quadratic
        return "", heading, ""
    units = heading_units(heading.split(" "))
    if len(units) < 2:
        return "", heading, ""
    kicker: list[str] = []
    if opens_with_kicker(units[0]):
        kicker, units = [units[0]], units[1:]
    subheadline = ""
    sizes = [printed_length(unit) for unit in units]
    if len(units) >= 2 and is_smaller_type(sizes[-1], max(sizes[:-1])):
        subheadline, units, sizes = units[-1], units[:-1], sizes[:-1]
    if not kicker:
        for cut in range(1, len(units)):
            if is_smaller_type(min(sizes[:cut]), max(sizes[cut:])):
                kicker, units = units[:cut], units[cut:]
                break
    return " ".join(kicker), " ".join(units), subheadline


def heading_units(segments: list[str]) -> list[str]:
    """Merge heading segments that continue the one before (和…, 的…, a closing mark)."""
    units: list[str] = []
    for segment in segments:
        continues = segment[0] in CONTINUING_OPENERS or (units and units[-1][-1] in "“‘「《(（、")
        if units and continues:
            units[-1] += " " + segment
        else:
            units.append(segment)
    return units


def opens_with_kicker(unit: str) -> bool:
    """Tell whether a heading's first segment is a kicker: it reports speech or sets the time."""
    return unit.endswith(REPORTING_VERBS) or bool(TIME_SPAN_END_RE.search(unit))


def printed_length(unit: str) -> int:
    """Return how many characters a heading segment prints, spaces excluded."""
    return len(unit.replace(" ", ""))


def is_smaller_type(length: int, headline_length: int) -> bool:
    """Tell whether a heading line of this length is set smaller than the headline's lines."""
    return length >= 10 and length >= 1.25 * headline_length
