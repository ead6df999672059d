"""Group an item's source lines into paragraphs, keeping hard-broken lines apart."""

from __future__ import annotations

from dataclasses import dataclass

from importers.parse.patterns import IMAGE_LINE_RE


@dataclass
class Paragraph:
    """Consecutive non-blank source lines (hard breaks kept as separate lines)."""

    numbers: list[int]  # 1-based line numbers
    texts: list[str]  # the lines without Markdown hard breaks
    blank_before: int  # blank lines right above it

    @property
    def first(self) -> int:
        return self.numbers[0]

    @property
    def last(self) -> int:
        return self.numbers[-1]

    @property
    def text(self) -> str:
        return join_lines(self.texts)


def clean_line(line: str) -> str:
    """Return a line without its Markdown hard break (two trailing spaces or a backslash)."""
    line = line.rstrip()
    return line[:-1].rstrip() if line.endswith("\\") else line


def join_lines(texts: list[str]) -> str:
    """Join hard-broken lines: nothing between Chinese characters, a space between Latin words."""
    joined = ""
    for text in texts:
        if joined and (joined[-1].isascii() and joined[-1].isalnum()) and text[:1].isascii():
            joined += " "
        joined += text
    return joined


IMAGE_SLOT_BLANKS = 2  # an image reference line counts as the blank run of an empty slot


def paragraphs_of(lines: list[str], start: int, end: int) -> list[Paragraph]:
    """Group the lines of a span (0-based, end exclusive) into paragraphs.

    A Markdown image line (``![](...)``) counts as an empty image slot.
    """
    found: list[Paragraph] = []
    blanks = 0
    current: Paragraph | None = None
    for index in range(start, end):
        text = clean_line(lines[index]).strip()
        if not text or IMAGE_LINE_RE.match(text):
            blanks += 1 if not text else IMAGE_SLOT_BLANKS
            current = None
            continue
        if current is None:
            current = Paragraph([], [], blanks)
            found.append(current)
        current.numbers.append(index + 1)
        current.texts.append(text)
        blanks = 0
    return found
