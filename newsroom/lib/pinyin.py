"""Names found by their sound: the pinyin a reader types for a contributor's name.

``spellings("阮向民")`` gives ``"ruanxiangmin rxm"``: the full pinyin without tones or spaces and
the initials, and, when the surname (the first character) has several readings (单: dan,
shan; 曾: ceng, zeng), each of them. The spellings are stored beside the name
(``Person.name_pinyin``) and a query is folded the same way (``fold_query``: lower case, no
spaces or apostrophes), so ``ruan xiangmin``, ``ruanxiangmin`` and ``rxm`` find 阮向民. The
readings come from pypinyin (its phrase and character tables); a name's other characters take
their most common reading.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin, pinyin

_ASCII_QUERY = re.compile(r"[a-z]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


def spellings(name: str) -> str:
    """Return the name's pinyin spellings, space-separated (empty for a name with no Chinese)."""
    if not _HAN.search(name or ""):
        return ""
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore")]
    if not syllables:
        return ""
    surnames = pinyin(name[0], style=Style.NORMAL, heteronym=True)[0] if _HAN.match(name[0]) else []
    found: list[str] = []
    for first in dict.fromkeys([syllables[0], *(s.lower() for s in surnames)]):
        spelled = [first, *syllables[1:]]
        for form in ("".join(spelled), "".join(s[0] for s in spelled if s)):
            if form not in found:
                found.append(form)
    return " ".join(found)


def fold_query(query: str) -> str | None:
    """Return a query folded for matching spellings (``Ruan Xiangmin`` -> ``ruanxiangmin``), or None
    if it is not pinyin (holds anything but Latin letters, spaces and apostrophes)."""
    folded = re.sub(r"[\s'’]+", "", (query or "").lower())
    return folded if _ASCII_QUERY.fullmatch(folded) else None
