"""Find stray lines: short unfinished fragments a column break left that repeat text of the article."""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.parse.drafts import Entry
from importers.parse.lines import ends_sentence

STRAY_LENGTHS = range(6, 31)  # a stray fragment is a short line: 6 to 30 characters
STRAY_KEY = STRAY_LENGTHS[0]  # fragments are looked up by their first 6 characters
# Up to this many characters searched (fragments x article), searching at C speed beats indexing.
STRAY_SEARCH_LIMIT = 2_000_000


def is_stray_candidate(entry: Entry) -> bool:
    """Tell whether an entry could be a stray fragment: kept, short and unfinished."""
    return not entry.removed and len(entry.text) in STRAY_LENGTHS and not ends_sentence(entry.text)


def mark_stray_copies(entries: list[Entry], *, search_limit: int | None = None) -> None:
    """Mark short unfinished fragments that repeat text found elsewhere in the article.

    Entries are taken in order; a fragment is compared with the entries not removed so far:
    the first one containing it is the copy it repeats, unless an equal one (its twin) stands.
    The fragments are indexed by their text, so the work grows with the article's length,
    not with the number of pairs of entries (``search_limit``: see entries_containing).
    """
    kept = [e for e in entries if not e.removed]
    fragments = {e.text for e in kept if is_stray_candidate(e)}
    if not fragments:
        return
    containing = entries_containing(kept, fragments, search_limit=search_limit)
    equal = {fragment: Standing(kept) for fragment in fragments}
    for index, entry in enumerate(kept):
        if entry.text in equal:
            equal[entry.text].indexes.append(index)
    for index, entry in enumerate(kept):
        if not is_stray_candidate(entry):
            continue
        other = containing[entry.text].first(skip=index)
        if other is None:
            continue
        twin = equal[entry.text].first(skip=index)
        stray = index if twin is None else pick_stray(kept, index, twin)
        copy = index if stray == twin else (other if twin is None else twin)
        kept[stray].remove_as_copy_of(kept[copy])


@dataclass
class Standing:
    """The entries (indexes into kept, ascending) that hold a fragment; some may be removed.

    Removal is permanent, so ``head`` moves past removed entries once and for all: asking
    for the first entry still standing costs, over all the asks, about the list's length.
    """

    kept: list[Entry]
    indexes: list[int] = field(default_factory=list)
    head: int = 0

    def first(self, *, skip: int) -> int | None:
        """Return the first index other than ``skip`` whose entry is not removed, or None."""
        while self.head < len(self.indexes) and self.kept[self.indexes[self.head]].removed:
            self.head += 1
        at = self.head
        while at < len(self.indexes) and (
            self.indexes[at] == skip or self.kept[self.indexes[at]].removed
        ):
            at += 1
        return self.indexes[at] if at < len(self.indexes) else None


def entries_containing(
    kept: list[Entry], fragments: set[str], *, search_limit: int | None = None
) -> dict[str, Standing]:
    """Return, for each fragment, the entries whose text contains it (the fragment's own too).

    A usual article has a handful of fragments, each searched for in every entry (up to
    ``search_limit`` characters searched in all). A long one is read once, character by
    character: at each place, the fragments that start with the next 6 characters (at most
    one per length) are looked up in a dict.
    """
    containing = {fragment: Standing(kept) for fragment in fragments}
    limit = STRAY_SEARCH_LIMIT if search_limit is None else search_limit
    if len(fragments) * sum(len(e.text) for e in kept) <= limit:
        for fragment, holders in containing.items():
            holders.indexes = [index for index, e in enumerate(kept) if fragment in e.text]
        return containing
    lengths: dict[str, set[int]] = {}
    for fragment in fragments:
        lengths.setdefault(fragment[:STRAY_KEY], set()).add(len(fragment))
    for index, entry in enumerate(kept):
        text = entry.text
        for start in range(len(text) - STRAY_KEY + 1):
            for length in lengths.get(text[start : start + STRAY_KEY], ()):
                holders = containing.get(text[start : start + length])
                if holders is not None and (not holders.indexes or holders.indexes[-1] != index):
                    holders.indexes.append(index)
    return containing


def pick_stray(kept: list[Entry], one: int, other: int) -> int:
    """Return which of two equal fragments (indexes into kept) is the stray: the one cutting into a sentence."""

    def interrupts(index: int) -> bool:
        return index > 0 and not ends_sentence(kept[index - 1].text)

    if interrupts(other) and not interrupts(one):
        return other
    return one
