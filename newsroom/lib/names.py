"""Two contributors' names one OCR slip apart (张浩呈, 张浩星): one rule for the importer and the desk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def one_edit_apart(a: str, b: str) -> bool:
    """Return whether two different names differ by one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    shorter, longer = sorted((a, b), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def pairs_one_edit_apart(names: Iterable[str]) -> set[tuple[str, str]]:
    """Return the pairs of names one edit apart (each pair sorted), without comparing every two.

    Each name is indexed with one character removed: two names of one length that agree but
    for position i share the key (i, name without i); a name one character longer than another
    becomes the other when one of its characters is removed. Equal to testing
    ``one_edit_apart`` on every pair (tests/test_lib.py), in time linear in the names.
    """
    by_key: dict[tuple[int, str], list[str]] = defaultdict(list)
    name_set = set(names)
    pairs: set[tuple[str, str]] = set()
    for name in name_set:
        for i in range(len(name)):
            deleted = name[:i] + name[i + 1 :]
            by_key[(i, deleted)].append(name)
            if deleted and deleted in name_set:
                pairs.add(tuple(sorted((name, deleted))))
    for group in by_key.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if len(a) == len(b) and a != b:
                    pairs.add(tuple(sorted((a, b))))
    return pairs
