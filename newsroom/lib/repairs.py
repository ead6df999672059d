"""Undo the importer's repairs of an article body one at a time, in any order.

Pure: the standard library and the body format (newsroom.lib.blocks) only.

The parser records each repair as two windows of the imported body: ``after`` (the text
around the repair, as imported; it occurs there once) and ``before`` (the same window with
the repair undone). Windows of nearby repairs overlap, and two repairs can sit at the very
same place: a line removed where the halves of a paragraph were joined. Replacing one
flag's ``after`` by its ``before`` in the current body would then put back, or fail to find,
a neighbour's text.

So each repair is placed in the imported body as an exact edit (where, how many characters,
what undoing puts there), and the body with any set of repairs undone is computed from the
imported body. Undoing one repair replaces the passage where "the body as it is now" and
"the same with this repair undone too" differ, found by the smallest window of context that
occurs once in the current body: an editor's corrections elsewhere do not get in the way.

Repairs at one place compose by these rules:

- a paragraph break (a joined paragraph: undoing puts back ``BLOCK_SEPARATOR``) comes first;
- a line removed at that join (undoing puts back ``SEP + text + SEP``) needs the break undone
  first: undoing it alone would split the paragraph the join made (``blocker`` names the
  join); undone, it adds ``text + SEP`` after the break;
- other removals are added in the order of their lines, before a crosshead mark that starts
  there (a crosshead's undo drops the mark).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass

from newsroom.lib.blocks import BLOCK_SEPARATOR as SEP


@dataclass(frozen=True)
class Repair:
    """One repair placed in the imported body: undoing it puts ``undo`` in place of
    ``body[at:at + length]``."""

    key: Hashable  # the flag it comes from
    at: int
    length: int
    undo: str
    line: int = 0  # orders repairs at one place (their first source line)

    @property
    def end(self) -> int:
        return self.at + self.length

    @property
    def is_break(self) -> bool:
        """Tell whether undoing this repair splits a paragraph (a joined paragraph)."""
        return self.length == 0 and self.undo == SEP

    @property
    def is_inside_break(self) -> bool:
        """Tell whether this repair removed text from where a paragraph was joined."""
        return (
            self.length == 0
            and len(self.undo) > 2 * len(SEP)
            and self.undo.startswith(SEP)
            and self.undo.endswith(SEP)
        )


def place(body: str, key: Hashable, *, before: str, after: str, line: int = 0) -> Repair | None:
    """Return the repair a flag's before/after describe, placed in the imported ``body``.

    Return None when ``after`` does not occur in ``body`` exactly once (the flag was made
    from another version of the text). When the edit could sit at several places inside the
    window (the text put back repeats its surroundings), the one on paragraph boundaries is
    taken, as the parser makes it.
    """
    low = body.find(after)
    if not after or low < 0 or body.find(after, low + 1) >= 0:
        return None
    grow = len(before) - len(after)
    shortest = min(len(before), len(after))
    prefix = _common_prefix(before, after, shortest)
    suffix = _common_prefix(before[::-1], after[::-1], shortest)
    if grow == 0 or prefix + suffix < shortest:
        # A replacement (never made by the parser): the smallest one.
        suffix = min(suffix, shortest - prefix)
        return Repair(key, low + prefix, len(after) - prefix - suffix,
                      before[prefix:len(before) - suffix], line)
    candidates = []
    for start in range(shortest - suffix, prefix + 1):
        if grow > 0:
            candidates.append(Repair(key, low + start, 0, before[start:start + grow], line))
        else:
            candidates.append(Repair(key, low + start, -grow, "", line))
    return max(candidates, key=lambda repair: _on_boundaries(body, repair))


def _common_prefix(a: str, b: str, limit: int) -> int:
    n = 0
    while n < limit and a[n] == b[n]:
        n += 1
    return n


def _on_boundaries(body: str, repair: Repair) -> int:
    """Score how well a placement fits the parser's repairs (higher is better; ties: leftmost)."""
    at, undo = repair.at, repair.undo
    block_start = at == 0 or body[:at].endswith(SEP)
    if repair.is_break or repair.is_inside_break:
        return 3
    if repair.length == 0 and undo.endswith(SEP) and block_start:
        return 2  # a removed line put back before a block
    if repair.length == 0 and undo.startswith(SEP) and at == len(body):
        return 2  # a removed line put back after the last block
    if repair.length and block_start:
        return 1  # a mark at the start of a block
    return -at / (len(body) + 1)


def blocker(repairs: Iterable[Repair], key: Hashable, undone: Collection[Hashable]) -> Repair | None:
    """Return the repair that must be undone before the one with ``key`` can be, or None.

    A line removed where a paragraph was joined can only come back once the join is undone;
    two repairs of overlapping text (which the parser does not make) cannot be composed.
    """
    repairs = list(repairs)
    target = next(r for r in repairs if r.key == key)
    for other in repairs:
        if other.key == key or other.key in undone:
            continue
        if target.is_inside_break and other.is_break and other.at == target.at:
            return other
    for other in repairs:
        if other.key != key and _overlap(target, other):
            return other
    return None


def _overlap(one: Repair, other: Repair) -> bool:
    """Tell whether two repairs replace some of the same characters."""
    return bool(one.length and other.length) and one.at < other.end and other.at < one.end


def render(body: str, repairs: Iterable[Repair], undone: Collection[Hashable]) -> str:
    """Return the imported ``body`` with the repairs whose keys are in ``undone`` undone."""
    places: dict[int, list[Repair]] = {}
    for repair in repairs:
        places.setdefault(repair.at, []).append(repair)
    parts: list[str] = []
    done = 0
    for at in sorted(places):
        here = sorted(places[at], key=lambda r: (r.line, str(r.key)))
        parts.append(body[done:max(done, at)])
        done = max(done, at)
        parts.append(_inserted(here, undone))
        for repair in here:
            if repair.length and repair.at >= done:
                parts.append(repair.undo if repair.key in undone else body[repair.at:repair.end])
                done = repair.end
    parts.append(body[done:])
    return "".join(parts)


def _inserted(here: list[Repair], undone: Collection[Hashable]) -> str:
    """Return what the undone insertions at one place put back, composed (module docstring)."""
    inserts = [r for r in here if r.length == 0]
    breaks = [r for r in inserts if r.is_break]
    inside = [r for r in inserts if r.is_inside_break] if breaks else []
    text = ""
    if any(r.key in undone for r in (*breaks, *inside)):
        text = SEP + "".join(r.undo[len(SEP):] for r in inside if r.key in undone)
    return text + "".join(
        r.undo for r in inserts if r.key in undone and r not in breaks and r not in inside
    )


def replace_passage(current: str, expected: str, wanted: str) -> str | None:
    """Return ``current`` with the passage where ``expected`` and ``wanted`` differ changed
    to the ``wanted`` text, or None when that passage cannot be found there exactly once.

    ``expected`` is what the body would be without an editor's corrections: the window of
    context around the passage grows until it occurs in ``current`` once, so corrections
    elsewhere are kept; a window that no longer occurs means an editor rewrote the passage.
    """
    if current == expected:
        return wanted
    if expected == wanted:
        return current
    shortest = min(len(expected), len(wanted))
    start = _common_prefix(expected, wanted, shortest)
    tail = min(_common_prefix(expected[::-1], wanted[::-1], shortest), shortest - start)
    end, grow = len(expected) - tail, len(wanted) - len(expected)
    reach = 3
    while True:
        low, high = max(0, start - reach), min(len(expected), end + reach)
        window = expected[low:high]
        found = current.find(window)
        if found < 0:
            return None
        if current.find(window, found + 1) < 0:
            return current[:found] + wanted[low:high + grow] + current[found + len(window):]
        if low == 0 and high == len(expected):
            return None
        reach *= 2
