"""An article body as blocks: paragraphs and crossheads (小标题).

The body is stored as plain text that an editor can correct in a textarea:
blocks are separated by one blank line, and a crosshead is a block that starts
with ``### ``. This module is the one place that knows that format.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PARAGRAPH = "paragraph"
CROSSHEAD = "crosshead"
CROSSHEAD_MARK = "### "
BLOCK_SEPARATOR = "\n\n"

BlockType = Literal["paragraph", "crosshead"]


@dataclass(frozen=True)
class Block:
    type: BlockType
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "text": self.text}


def parse_body(body: str) -> list[Block]:
    """Return the blocks of a stored body text, skipping empty ones."""
    blocks: list[Block] = []
    normalized = body.replace("\r\n", "\n").replace("\r", "\n")
    for chunk in normalized.split("\n\n"):
        text = chunk.strip()
        if not text:
            continue
        if text.startswith(CROSSHEAD_MARK.strip()) and text.lstrip("#").startswith(" "):
            blocks.append(Block(CROSSHEAD, text.lstrip("#").strip()))
        else:
            # A single newline inside a block is a soft break left by an editor: fold it.
            blocks.append(Block(PARAGRAPH, " ".join(line.strip() for line in text.split("\n"))))
    return blocks


def render_body(blocks: list[Block] | tuple[Block, ...]) -> str:
    """Return the stored text for a list of blocks (the inverse of parse_body)."""
    parts = []
    for block in blocks:
        if block.type == CROSSHEAD:
            parts.append(CROSSHEAD_MARK + block.text)
        else:
            parts.append(block.text)
    return BLOCK_SEPARATOR.join(parts)


def plain_text(body: str) -> str:
    """Return the body's words without markup, one block per line (for search and snippets)."""
    return "\n".join(block.text for block in parse_body(body))
