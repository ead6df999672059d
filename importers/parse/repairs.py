"""Repair column breaks in an article body, each repair a flag an editor can undo."""

from __future__ import annotations

from dataclasses import replace

from importers.parse.drafts import Anchor, Draft, Entry
from importers.parse.lines import looks_like_crosshead
from importers.parse.strays import mark_stray_copies
from importers.parse.windows import UniqueWindows
from importers.records import FlagRecord
from newsroom.lib.blocks import BLOCK_SEPARATOR, CROSSHEAD, CROSSHEAD_MARK, PARAGRAPH, Block
from newsroom.lib.flagcodes import (
    CROSSHEAD_DETECTED,
    JOINED_PARAGRAPHS,
    JUMP_LINE,
    REMOVED_FURNITURE,
    REMOVED_STRAY_LINE,
)

# The before/after text all the repairs of one article may quote: 200 characters a repair on
# average, or 1,000,000 in all (real articles quote a few thousand). Only an article repeating
# one passage over and over needs more, and would need space quadratic in its length.
REPAIR_CONTEXT_PER_REPAIR = 200
REPAIR_CONTEXT_AT_LEAST = 1_000_000


def repair_body(entries: list[Entry], lines: list[str]) -> tuple[list[Block], list[FlagRecord]]:
    """Repair column breaks in an article's body and return its blocks and repair flags."""
    mark_stray_copies(entries)
    drafts: list[Draft] = []
    pending: list[list[Entry]] = []
    kept = [e for e in entries if not e.removed]
    for entry in entries:
        if entry.removed:
            add_removed(pending, entry)
            continue
        previous = drafts[-1] if drafts else None
        removed = merged_runs(pending) if pending else []
        if entry.marked:
            drafts.append(new_draft(CROSSHEAD, entry, removed))
        elif previous and previous.type == PARAGRAPH and not previous.finished:
            join_entry(previous, entry, removed)
        elif is_crosshead(entry, previous, has_next=entry is not kept[-1]):
            drafts.append(new_draft(CROSSHEAD, entry, removed))
            drafts[-1].anchors.append(crosshead_anchor(entry))
        else:
            drafts.append(new_draft(PARAGRAPH, entry, removed))
        pending = []
    removed = merged_runs(pending)
    if removed and drafts:
        offset = drafts[-1].rendered_length
        drafts[-1].anchors += [removal_anchor(e, offset, glue_of(e) + e.text) for e in removed]
        removed = []
    return blocks_and_flags(drafts, removed, lines)


def glue_of(entry: Entry) -> str:
    """Return what goes back between the body and a removed entry at its end on undo."""
    return "\n\n" if entry.glue is None else entry.glue


def add_removed(pending: list[list[Entry]], entry: Entry) -> None:
    """Queue a removed entry, in one run with the removals of the same kind right before it."""
    if pending and pending[-1][-1].removed == entry.removed:
        pending[-1].append(entry)
    else:
        pending.append([entry])


def merged_runs(pending: list[list[Entry]]) -> list[Entry]:
    """Return each queued run of removals as one entry (the texts joined, the first's reason)."""
    return [
        replace(run[0], text=BLOCK_SEPARATOR.join(e.text for e in run), last=run[-1].last)
        for run in pending
    ]


def is_crosshead(entry: Entry, previous: Draft | None, *, has_next: bool) -> bool:
    """Tell whether an entry is a crosshead: a title-like line between finished paragraphs."""
    return (
        previous is not None and previous.finished and has_next and looks_like_crosshead(entry.text)
    )


def new_draft(kind: str, entry: Entry, removed: list[Entry]) -> Draft:
    """Start a block with an entry, recording the lines removed just before it."""
    draft = Draft(kind, entry.last)
    draft.add(entry.text)
    draft.anchors += [removal_anchor(gone, 0, gone.text + "\n\n") for gone in removed]
    return draft


def join_entry(draft: Draft, entry: Entry, removed: list[Entry]) -> None:
    """Run an entry on into the unfinished paragraph before it, recording the repairs.

    A line removed at the join point sits between the two halves, so undoing its
    removal puts back both the line and the paragraph break around it.
    """
    offset = draft.rendered_length
    draft.anchors += [removal_anchor(gone, offset, "\n\n" + gone.text + "\n\n") for gone in removed]
    draft.anchors.append(
        Anchor(
            code=JOINED_PARAGRAPHS,
            message=f"joined a paragraph cut mid-sentence ('…{draft.tail(8)}') with its "
            f"continuation at line {entry.first} ('{entry.text[:8]}…')",
            params=(
                ("tail", draft.tail(8)), ("line", str(entry.first)), ("head", entry.text[:8])
            ),
            lines=(draft.last, entry.last),
            offset=offset,
            length=0,
            undo="\n\n",
        )
    )
    draft.add(entry.text)
    draft.last = entry.last


def crosshead_anchor(entry: Entry) -> Anchor:
    """Record a line made a crosshead; undoing it drops the crosshead mark."""
    return Anchor(
        code=CROSSHEAD_DETECTED,
        message=f"'{entry.text}' stands alone between finished paragraphs and has no "
        "punctuation: made it a crosshead (小标题)",
        params=(("text", entry.text),),
        lines=(entry.first, entry.last),
        offset=0,
        length=len(CROSSHEAD_MARK),
        undo="",
    )


def removal_anchor(entry: Entry, offset: int, undo: str) -> Anchor:
    """Record a removed line (furniture or stray copy) at a place in a block."""
    return Anchor(
        code=entry.removed,
        message=removal_message(entry),
        params=removal_params(entry),
        lines=(entry.first, entry.last),
        offset=offset,
        length=0,
        undo=undo,
    )


REPAIR_ORDER = {
    REMOVED_FURNITURE: 0,
    JUMP_LINE: 0,
    REMOVED_STRAY_LINE: 1,
    JOINED_PARAGRAPHS: 2,
    CROSSHEAD_DETECTED: 3,
}


def blocks_and_flags(
    drafts: list[Draft], unplaced: list[Entry], lines: list[str]
) -> tuple[list[Block], list[FlagRecord]]:
    """Turn drafts into blocks, and anchors into flags whose before/after undo each repair.

    Flags come in the order the repairs were made (removals, joins, crossheads), so that
    undoing them in that order restores the printed paragraphs.
    """
    blocks = [Block(d.type, d.text) for d in drafts]
    body = BLOCK_SEPARATOR.join(
        CROSSHEAD_MARK + block.text if block.type == CROSSHEAD else block.text for block in blocks
    )
    placed: list[tuple[int, Anchor]] = []
    start = 0
    for draft in drafts:
        placed += [(start + anchor.offset, anchor) for anchor in draft.anchors]
        start += draft.rendered_length + len(BLOCK_SEPARATOR)
    placed.sort(key=lambda item: (REPAIR_ORDER[item[1].code], item[1].lines))
    windows = UniqueWindows(body, repairs=len(placed))
    allowed = max(REPAIR_CONTEXT_AT_LEAST, REPAIR_CONTEXT_PER_REPAIR * len(placed))
    flags: list[FlagRecord] = []
    for at, anchor in placed:
        flags.append(undoable_flag(windows, at, anchor, lines))
        allowed -= len(flags[-1].before) + len(flags[-1].after)
        if allowed < 0:
            raise RepeatedText(len(placed))
    flags += [
        FlagRecord(
            code=e.removed,
            message=removal_message(e),
            lines=(e.first, e.last),
            original=source_lines(lines, e.first, e.last),
            params=removal_params(e),
        )
        for e in unplaced
    ]
    return blocks, flags


class RepeatedText(Exception):
    """An article's repairs would quote more text than REPAIR_CONTEXT_* allow (read_article
    turns this into a ParseError naming the article's heading line)."""

    def __init__(self, repairs: int) -> None:
        super().__init__(repairs)
        self.repairs = repairs


def quoted_run(entry: Entry) -> str:
    """Return the text of a removed entry (or run) quoted for a message."""
    return " / ".join(f"'{text}'" for text in entry.text.split(BLOCK_SEPARATOR))


def removal_message(entry: Entry) -> str:
    """Return the (English) message of a removed entry's flag."""
    where = "line" if entry.first == entry.last else "lines"
    return f"removed {quoted_run(entry)} at {where} {_span(entry)}: {entry.why}"


def removal_params(entry: Entry) -> tuple[tuple[str, str], ...]:
    """Return the values of a removal's message: the text, its lines, and (a stray copy) the
    line of the text it copies."""
    params = [("text", quoted_run(entry)), ("lines", _span(entry))]
    if entry.copy_of:
        params.append(("copy", str(entry.copy_of)))
    if entry.jump_to:
        params.append(("page", str(entry.jump_to)))
    return tuple(params)


def _span(entry: Entry) -> str:
    """Return "N" or "N-M": the lines an entry stands on."""
    return str(entry.first) if entry.first == entry.last else f"{entry.first}-{entry.last}"


def source_lines(lines: list[str], first: int, last: int) -> str:
    """Return the verbatim source lines first..last (1-based, inclusive)."""
    return "\n".join(lines[first - 1 : last])


def undoable_flag(windows: UniqueWindows, at: int, anchor: Anchor, lines: list[str]) -> FlagRecord:
    """Make a repair flag whose ``after`` occurs once in the body and ``before`` undoes it."""
    end = at + anchor.length
    low, high = windows.around(at, end)
    body = windows.body
    return FlagRecord(
        code=anchor.code,
        message=anchor.message,
        params=anchor.params,
        lines=anchor.lines,
        original=source_lines(lines, *anchor.lines),
        before=body[low:at] + anchor.undo + body[end:high],
        after=body[low:high],
    )
