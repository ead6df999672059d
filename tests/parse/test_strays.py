"""Stray copies (importers/parse/strays.py): indexed, yet the same as comparing every pair.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importers.parse.drafts import Entry
from importers.parse.lines import ends_sentence
from importers.parse.strays import mark_stray_copies
from tests.parse.pages import (
    BODY_LINE,
    article,
    body_of,
)


def mark_stray_copies_pairwise(entries: list[Entry]) -> None:
    """Mark stray copies by comparing every pair of entries (the rule, written plainly)."""
    kept = [e for e in entries if not e.removed]
    index_of = {id(e): i for i, e in enumerate(kept)}

    def interrupts(e):
        return index_of[id(e)] > 0 and not ends_sentence(kept[index_of[id(e)] - 1].text)

    for entry in kept:
        if entry.removed or not 6 <= len(entry.text) <= 30 or ends_sentence(entry.text):
            continue
        others = [o for o in kept if o is not entry and not o.removed and entry.text in o.text]
        if not others:
            continue
        twin = next((o for o in others if o.text == entry.text), None)
        stray = entry
        if twin is not None and interrupts(twin) and not interrupts(entry):
            stray = twin
        copy = entry if stray is twin else (twin or others[0])
        stray.remove_as_copy_of(copy)


# Fragments (6 to 30 characters, unfinished), lines holding them, and lines that end sentences.
PIECES_OF_TEXT = (
    "甲乙丙丁戊己", "甲乙丙丁戊己庚", "乙丙丁戊己庚", "子甲乙丙丁戊己", "甲乙丙丁戊己。",
    "丑寅卯辰巳午", "丑寅卯辰巳午未申。", "长句子里有甲乙丙丁戊己也有丑寅卯辰巳午的", "短", "完。",
)  # fmt: skip


@given(
    st.lists(
        st.one_of(st.sampled_from(PIECES_OF_TEXT), st.text(alphabet="甲乙丙。", min_size=1)),
        max_size=20,
    )
)
def test_indexed_stray_copies_are_those_of_comparing_every_pair(texts):
    def entries():
        return [Entry(text, 2 * i + 1, 2 * i + 1) for i, text in enumerate(texts)]

    indexed, searched, pairwise = entries(), entries(), entries()
    mark_stray_copies(indexed, search_limit=0)  # always through the index of fragments
    mark_stray_copies(searched)  # a short article: each fragment searched for in each entry
    mark_stray_copies_pairwise(pairwise)
    assert indexed == searched == pairwise


def test_an_article_of_thousands_of_repeated_short_lines_keeps_the_first():
    line = "第一行的一些文字内容"
    found = article("\n\n".join([line] * 3000))
    assert body_of(found) == line
    (removed,) = found.flags[:1]
    assert removed.code == "removed_stray_line"
    assert removed.lines == (BODY_LINE + 2, BODY_LINE + 2 * 2999)
    assert f"line {BODY_LINE}" in removed.message
