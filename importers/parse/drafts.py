"""Hold an article body while it is repaired: entries (paragraphs, or lines removed) and drafts of blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.parse.patterns import CLOSING_MARKS, SENTENCE_FINAL
from newsroom.lib.blocks import CROSSHEAD, CROSSHEAD_MARK
from newsroom.lib.flagcodes import JUMP_LINE, REMOVED_FURNITURE, REMOVED_STRAY_LINE


@dataclass
class Entry:
    """A body paragraph on its way into blocks, or a line the repairs removed."""

    text: str
    first: int
    last: int
    removed: str = ""  # "" (kept), REMOVED_FURNITURE, REMOVED_STRAY_LINE or JUMP_LINE
    copy_of: int = 0  # for a stray copy: the line of the text it copies
    marked: bool = False  # a bold or '### ' line of its own: a crosshead by markup
    # A removed jump cut off the end of a paragraph: what stood between the text and it (its
    # undo puts it back there, not after a paragraph break). None for a line of its own.
    glue: str | None = None
    jump_to: int = 0  # a jump line: the page it names

    def remove_as_copy_of(self, copy: Entry) -> None:
        """Mark this entry removed as a stray copy of text that also stands in ``copy``."""
        self.removed = REMOVED_STRAY_LINE
        self.copy_of = copy.first

    @property
    def why(self) -> str:
        """Say why the entry was removed (for its flag's message)."""
        if self.removed == REMOVED_STRAY_LINE:
            return f"stray copy of text that also stands at line {self.copy_of}"
        if self.removed == REMOVED_FURNITURE:
            return "page furniture (hotline, phone number, editor or jump line) inside the article"
        if self.removed == JUMP_LINE:
            return f"jump line: the article goes on on page {self.jump_to}"
        return ""


@dataclass
class Anchor:
    """Where a repair sits in a block, and what undoing it puts back."""

    code: str
    message: str
    lines: tuple[int, int]
    offset: int  # in the rendered block
    length: int  # characters of the rendered block the repair produced
    undo: str  # the text that replaces them on undo
    params: tuple[tuple[str, str], ...] = ()


@dataclass
class Draft:
    """A block being assembled from entries, with the repairs made inside it.

    A paragraph may be joined from thousands of entries, so its text is kept as pieces
    (joined once, at the end) with its length and sentence end updated as pieces come.
    """

    type: str
    last: int  # the last source line its text came from
    anchors: list[Anchor] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    finished: bool = False  # ends_sentence(text)
    # What ends_sentence(text) would say without stripping trailing whitespace first: the
    # answer when the next piece is only closing marks (and spaces).
    finished_unstripped: bool = False

    def add(self, piece: str) -> None:
        """Append a piece of text, keeping the length and the sentence end up to date."""
        stripped = piece.rstrip()
        core = stripped.rstrip(CLOSING_MARKS)
        unstripped_core = piece.rstrip(CLOSING_MARKS)
        if core:
            self.finished = core[-1] in SENTENCE_FINAL
        elif stripped:  # only closing marks before the trailing spaces: look past them
            self.finished = self.finished_unstripped
        if unstripped_core:
            self.finished_unstripped = unstripped_core[-1] in SENTENCE_FINAL
        self.pieces.append(piece)
        self.length += len(piece)

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def rendered(self) -> str:
        return CROSSHEAD_MARK + self.text if self.type == CROSSHEAD else self.text

    @property
    def rendered_length(self) -> int:
        return self.length + (len(CROSSHEAD_MARK) if self.type == CROSSHEAD else 0)

    def tail(self, count: int) -> str:
        """Return the last ``count`` characters of the text, joining only the last pieces."""
        pieces: list[str] = []
        size = 0
        for piece in reversed(self.pieces):
            pieces.append(piece)
            size += len(piece)
            if size >= count:
                break
        return "".join(reversed(pieces))[-count:]
