"""Chinese text for search: normalization, tokens, the query language and highlighting.

No database here. Every backend indexes and queries the same tokens, made by these
functions, so the backends agree on what matches:

- text is normalized one character at a time (NFKC, lower case, then traditional and
  variant Chinese characters to one simplified form: newsroom/lib/hanzi.py), so 工會
  matches 工会, full-width Latin letters, digits and punctuation match their half-width
  forms, and offsets in the normalized text map back to the raw text for highlighting;
- a document is indexed as every Chinese character (unigram), every pair of adjacent
  Chinese characters (bigram), the words rjieba cuts in search mode, and every run of
  letters or digits (a Latin "word"), each at its character offset;
- a query word of one or two Chinese characters is looked up as a unigram or bigram,
  so it matches wherever it occurs, even where the segmenter cut the text differently
  (加工会 -> 加工/会 still matches 工会); a longer word must occur as an exact substring.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib.metadata import version

import rjieba
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsroom.lib.hanzi import TABLE_VERSION, fold_char

# Bump when the tokens or their positions change: documents indexed with another
# version are stale and `manage.py rebuild_search_index --stale` re-indexes them.
# Scheme 3: traditional and variant characters folded (newsroom/lib/hanzi.py); the
# original OCR of corrected passages indexed beside the corrected text.
# Scheme 4: those passages are the changed clauses of a line, not the whole line.
INDEX_SCHEME = 4
SEGMENTER_VERSION = f"rjieba-{version('rjieba')}/{TABLE_VERSION}/scheme-{INDEX_SCHEME}"

# Headline tokens are indexed a second time with this mark (PostgreSQL); no token holds
# a colon, so h:工会 can only be the headline's 工会.
HEADLINE_PREFIX = "h:"
# The original OCR's passages that the corrected text no longer holds are indexed with this
# mark (PostgreSQL), so o:工会 is the OCR's 工会 and never the corrected text's.
OCR_PREFIX = "o:"
MAX_QUERY_CHARS = 100
MAX_ELEMENTS = 12
# PostgreSQL keeps at most 256 positions per lexeme and positions up to 16383.
MAX_POSITIONS_PER_LEXEME = 256
MAX_POSITION = 16383

_CJK = (
    "\u3400-\u4dbf"  # Extension A
    "\u4e00-\u9fff"  # Unified Ideographs
    "\uf900-\ufaff"  # Compatibility Ideographs
    "\U00020000-\U0003134f"  # Extensions B-G
)
CJK_RUN = re.compile(f"[{_CJK}]+")
# A run of Chinese characters, or a run of other letters and digits (Latin, kana, ...).
TOKEN_RUN = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<alnum>[^\\W_{_CJK}]+)")
_QUERY_PART = re.compile(r'(-?)"([^"]*)"|(\S+)')


@lru_cache(maxsize=4096)
def _normalize_char(char: str) -> str:
    # One character to one wherever NFKC keeps it one: fold_char never changes a length.
    return "".join(map(fold_char, unicodedata.normalize("NFKC", char).lower()))


class _FoldTable(dict):
    """str.translate's table: each code point to its folded text, computed on first use."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _normalize_char(chr(code))
        return folded


_FOLD = _FoldTable()


def normalize(text: str) -> str:
    """Return text folded for matching: NFKC, lower case, simplified; one character at a time."""
    return text.translate(_FOLD)


def normalize_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Return the normalized text and, for each of its characters, the raw index it came from."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):
        # No code point folds to nothing (checked over all of Unicode), so equal lengths
        # mean one character for one.
        return folded, range(len(text))
    out: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        folded = _normalize_char(char)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


def is_cjk(text: str) -> bool:
    return bool(text) and CJK_RUN.fullmatch(text) is not None


# -- Documents -----------------------------------------------------------------------------


def long_words(run: str) -> tuple[tuple[str, int], ...]:
    """Return the (word, offset) pairs of 3+ characters rjieba cuts from a Chinese run.

    Search mode gives the sub-words too (数字 + 数字化); one- and two-character words are
    already indexed as unigrams and bigrams.
    """
    if len(run) < 3:
        return ()
    if len(run) > MAX_CACHED_RUN:
        return _cut_long_words(run)
    return _cached_long_words(run)


# Runs up to this long are cut once a process (most are clauses of a few characters).
MAX_CACHED_RUN = 64


def _cut_long_words(run: str) -> tuple[tuple[str, int], ...]:
    return tuple(
        (word, start)
        for word, start, end in rjieba.tokenize(run, mode="search", hmm=False)
        if end - start >= 3
    )


# Pure, so cached by run: a document indexed again (a lead once a later batch joins its part,
# a rebuild) and text an archive repeats (bylines, standing headings) are cut once. Bounded:
# 16,384 runs of at most MAX_CACHED_RUN characters.
_cached_long_words = lru_cache(maxsize=16384)(_cut_long_words)


def document_tokens(text: str) -> list[tuple[str, int]]:
    """Return the (lexeme, offset) pairs indexed for an already normalized text.

    Offsets are character offsets, so two bigrams of a substring sit at consecutive
    positions and PostgreSQL's phrase operator finds the substring exactly.
    """
    tokens: list[tuple[str, int]] = []
    for match in TOKEN_RUN.finditer(text):
        start, run = match.start(), match.group()
        if match.lastgroup == "cjk":
            tokens.extend((char, start + i) for i, char in enumerate(run))
            tokens.extend((run[i : i + 2], start + i) for i in range(len(run) - 1))
            tokens.extend((word, start + offset) for word, offset in long_words(run))
        else:
            tokens.append((run, start))
    return tokens


def document_lexemes(text: str) -> list[str]:
    """Return the distinct lexemes of a normalized text, for the SQLite word table."""
    return list(dict.fromkeys(lexeme for lexeme, _offset in document_tokens(text)))


# -- Queries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Element:
    """One thing a document must (or must not) contain: a word of a term, or a phrase.

    ``tokens`` are the lexemes with their offsets inside ``text``; an element without
    tokens (only punctuation, emoji, ...) is meaningless and dropped.
    """

    text: str
    is_phrase: bool
    tokens: tuple[tuple[str, int], ...]

    @property
    def is_single_token(self) -> bool:
        return len(self.tokens) == 1 and self.tokens[0][0] == self.text


def _phrase_tokens(text: str) -> tuple[tuple[str, int], ...]:
    """Return the lexemes that spell a text: its bigrams (or lone characters) and Latin runs."""
    tokens: list[tuple[str, int]] = []
    for match in TOKEN_RUN.finditer(text):
        run, start = match.group(), match.start()
        if match.group("cjk"):
            if len(run) == 1:
                tokens.append((run, start))
            else:
                tokens.extend((run[i : i + 2], start + i) for i in range(len(run) - 1))
        else:
            tokens.append((run, start))
    return tuple(tokens)


def _term_words(term: str) -> list[str]:
    """Return the words a query term is cut into.

    Runs of single characters are joined back together: with the HMM off, rjieba cuts a
    word it does not know (a reporter's name, an OCR slip) into single characters, and
    阮向民 must match 阮向民, not every article with 阮, 向 and 民 somewhere.
    """
    words: list[str] = []
    for match in TOKEN_RUN.finditer(term):
        run = match.group()
        if not match.group("cjk"):
            words.append(run)
            continue
        singles: list[str] = []
        for word in rjieba.cut(run, hmm=False):
            if len(word) == 1:
                singles.append(word)
                continue
            if singles:
                words.append("".join(singles))
                singles = []
            words.append(word)
        if singles:
            words.append("".join(singles))
    return words


@dataclass(frozen=True)
class ParsedQuery:
    """A search query: words that must all occur, exact phrases, and excluded words."""

    terms: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    required: tuple[Element, ...] = field(default=(), repr=False)
    forbidden: tuple[Element, ...] = field(default=(), repr=False)

    @property
    def is_empty(self) -> bool:
        """Return whether the query can match nothing useful (no required element)."""
        return not self.required

    @cached_property
    def marks(self) -> tuple[str, ...]:
        """The normalized strings to mark in a text, longest first (computed once per query:
        a results page highlights every paragraph of 20 articles).

        Whole terms come before the words they were cut into, so 系统化建设 is marked as one
        span where it occurs and as 系统化 and 建设 elsewhere. Excluded words are never marked.
        """
        strings = {normalize(t) for t in self.terms} | {e.text for e in self.required}
        strings = {s for s in strings if s.strip()}
        return tuple(sorted(strings, key=lambda s: (-len(s), s)))


def _element(text: str, *, is_phrase: bool) -> Element | None:
    tokens = _phrase_tokens(text)
    if not tokens:
        return None
    return Element(text=text, is_phrase=is_phrase, tokens=tokens)


def parse_query(text: str) -> ParsedQuery:
    """Return the parsed form of what a reader typed; never raise.

    Several words must all occur; "a quoted phrase" must occur exactly (a missing closing
    quote runs to the end); a word or phrase after ``-`` must not occur. Input is cut to
    MAX_QUERY_CHARS characters and MAX_ELEMENTS elements.
    """
    if not isinstance(text, str):
        return ParsedQuery()
    text = normalize(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
    if text.count('"') % 2:
        text += '"'
    terms: list[str] = []
    phrases: list[str] = []
    excluded: list[str] = []
    required: list[Element] = []
    forbidden: list[Element] = []
    for match in _QUERY_PART.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            phrase = " ".join(quoted.split())
            element = _element(phrase, is_phrase=True)
            if element is None:
                continue
            if negated:
                excluded.append(phrase)
                forbidden.append(element)
            else:
                phrases.append(phrase)
                required.append(element)
            continue
        if bare.startswith("-") and len(bare) > 1:
            word = bare.lstrip("-")
            element = _element(word, is_phrase=True)
            if element is not None:
                excluded.append(word)
                forbidden.append(element)
            continue
        elements = [_element(w, is_phrase=False) for w in _term_words(bare)]
        elements = [e for e in elements if e is not None]
        if elements:
            terms.append(bare)
            required.extend(elements)
    required = list(dict.fromkeys(required))[:MAX_ELEMENTS]
    forbidden = list(dict.fromkeys(forbidden))[:MAX_ELEMENTS]
    return ParsedQuery(
        terms=tuple(terms),
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        required=tuple(required),
        forbidden=tuple(forbidden),
    )


def as_parsed(query: str | ParsedQuery) -> ParsedQuery:
    return query if isinstance(query, ParsedQuery) else parse_query(query)


# -- Highlighting ---------------------------------------------------------------------------


def find_spans(text: str, query: str | ParsedQuery) -> list[tuple[int, int]]:
    """Return the sorted, non-overlapping (start, end) raw-text spans that match the query."""
    marks = as_parsed(query).marks
    if not marks or not text:
        return []
    folded, index = normalize_with_map(text)
    pattern = _marks_pattern(marks)
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start, end = index[match.start()], index[match.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


@lru_cache(maxsize=256)
def _marks_pattern(marks: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(m) for m in marks))


def _window(text: str, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    if len(text) <= max_chars:
        return 0, len(text)
    if not spans:
        return 0, max_chars
    first_start, first_end = spans[0]
    # Show a little context before the first match and the rest after it.
    lead = min(first_start, max(0, (max_chars - (first_end - first_start)) // 4))
    start = first_start - lead
    end = min(len(text), start + max_chars)
    start = max(0, end - max_chars)
    return start, end


def highlight(text: str, query: str | ParsedQuery, *, max_chars: int | None = None) -> SafeString:
    """Return the text HTML-escaped with every match wrapped in <mark>.

    With max_chars, return only a window of that many characters around the first match,
    with … where the text was cut. Excluded words are not marked.
    """
    text = text or ""
    spans = find_spans(text, query)
    start, end = 0, len(text)
    if max_chars is not None:
        text = " ".join(text.split())  # a snippet is one line
        spans = find_spans(text, query)
        start, end = _window(text, spans, max(1, max_chars))
    parts: list[str] = ["…"] if start > 0 else []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[cursor:span_start]))
        parts.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # every piece of text above is escaped
