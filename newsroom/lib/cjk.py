"""Set Chinese text with the full-width punctuation a printed Chinese paper uses.

The OCR gives half-width marks between Chinese characters (``近日,在温岭``, ``几步?``,
``(含下属县)``). Pages show them full-width (``近日，在温岭``); the stored text, which is
the OCR's evidence and what editors correct, is never rewritten: this is a display rule,
one character for one, so positions and lengths stay the same.

A mark is Chinese when a neighbour is Chinese; a mark between Latin letters or digits
(``1,000``, ``3:00``, ``a, b``, ``http://``) stays as it is. A pair of parentheses is
set full-width as a pair when it holds or touches Chinese (``GDP(国内生产总值)``).
"""

from __future__ import annotations

import re

FULL_WIDTH = {",": "，", "?": "？", ":": "：", ";": "；", "!": "！", "(": "（", ")": "）"}
# Han ideographs (and extensions A, compatibility), CJK and full-width punctuation, the
# curly quotes Chinese text uses (“讲”得好,“传”).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2014\u2026"
_CJK_CHAR = re.compile(f"[{_CJK}]")
# A mark with a Chinese character on either side (spaces between them do not count).
_MARK_NEXT_TO_CJK = re.compile(f"(?<=[{_CJK}])[,?:;!]|[,?:;!](?=[{_CJK}])")
_PAIR = re.compile(r"\(([^()\n]*)\)")
# Markup inside already-escaped HTML (a highlighted snippet): tags and character entities.
_MARKUP = re.compile(r"<[^>]*>|&#?\w+;")


def _pair(match: re.Match, text: str) -> str:
    before = text[match.start() - 1 : match.start()]
    after = text[match.end() : match.end() + 1]
    if _CJK_CHAR.search(match[1]) or _CJK_CHAR.match(before) or _CJK_CHAR.match(after):
        return f"（{match[1]}）"
    return match[0]


def fullwidth_punctuation(text: str) -> str:
    """Return text with the half-width marks that sit in Chinese text made full-width."""
    if not text or not _CJK_CHAR.search(text):
        return text
    text = _PAIR.sub(lambda match: _pair(match, text), text)
    return _MARK_NEXT_TO_CJK.sub(lambda match: FULL_WIDTH[match[0]], text)


def fullwidth_punctuation_html(html: str) -> str:
    """Return escaped HTML with fullwidth_punctuation() applied to its text, not its markup.

    Tags are invisible to the rule (``工<mark>会</mark>,在`` still has Chinese before the
    comma); an entity counts as one Latin character, and neither is ever changed.
    """
    pieces = _MARKUP.split(html)
    markup = _MARKUP.findall(html)
    # The text as a reader sees it: each entity as one neutral character.
    plain = "".join(
        piece + ("x" if i < len(markup) and markup[i].startswith("&") else "")
        for i, piece in enumerate(pieces)
    )
    converted = fullwidth_punctuation(plain)
    out, at = [], 0
    for i, piece in enumerate(pieces):
        out.append(converted[at : at + len(piece)])
        at += len(piece)
        if i < len(markup):
            out.append(markup[i])
            at += 1 if markup[i].startswith("&") else 0
    return "".join(out)
