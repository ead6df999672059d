"""Undoing the importer's repairs one at a time, in any order (newsroom/lib/repairs.py). No database."""

from itertools import permutations

from importers.parse.windows import UniqueWindows
from newsroom.lib import repairs

# The printed paragraphs, and the body the importer made of them:
#   join    "前半句说到" + "后半句。" (a column break cut the paragraph)
#   removed "热线88851111" and "本版编辑：张三" where it was cut (two runs of furniture)
#   removed "下转第2版" between two paragraphs, "广告词" after the last
#   crosshead "小标题" right after that removal (its undo drops the mark)
#   join    "又说" + "一句。" two characters after a crosshead: their windows overlap
PRINTED = (
    "前半句说到\n\n热线88851111\n\n本版编辑：张三\n\n后半句。\n\n下转第2版\n\n小标题\n\n"
    "又说\n\n一句。\n\n广告词"
)
IMPORTED = "前半句说到后半句。\n\n### 小标题\n\n又说一句。"
JOIN = IMPORTED.index("后半句")
CROSSHEAD = IMPORTED.index("### ")
# key: (where, characters the repair put there, what undoing puts back, first line)
MADE = {
    "join": (JOIN, 0, "\n\n", 1),
    "hotline": (JOIN, 0, "\n\n热线88851111\n\n", 2),
    "editor": (JOIN, 0, "\n\n本版编辑：张三\n\n", 3),
    "turn": (CROSSHEAD, 0, "下转第2版\n\n", 5),
    "crosshead": (CROSSHEAD, 4, "", 6),
    "join2": (IMPORTED.index("一句"), 0, "\n\n", 7),
    "ad": (len(IMPORTED), 0, "\n\n广告词", 9),
}


def flag(key: str) -> tuple[str, str]:
    """Return (before, after) for a repair, windowed the way the parser windows them."""
    at, length, undo, _line = MADE[key]
    low, high = UniqueWindows(IMPORTED, repairs=len(MADE)).around(at, at + length)
    return IMPORTED[low:at] + undo + IMPORTED[at + length:high], IMPORTED[low:high]


def placed() -> list[repairs.Repair]:
    found = []
    for key in MADE:
        before, after = flag(key)
        found.append(repairs.place(IMPORTED, key, before=before, after=after, line=MADE[key][3]))
    return found


def undo(current: str, every: list[repairs.Repair], undone: set, key: str) -> str | None:
    """Undo one repair as newsroom.editorial.undo_flag does; None when it must wait."""
    if repairs.blocker(every, key, undone) is not None:
        return None
    return repairs.replace_passage(
        current, repairs.render(IMPORTED, every, undone), repairs.render(IMPORTED, every, undone | {key})
    )


def test_each_repair_is_placed_where_the_parser_made_it():
    for repair in placed():
        at, length, undo_text, _line = MADE[repair.key]
        assert (repair.at, repair.length, repair.undo) == (at, length, undo_text), repair.key


def test_a_removal_where_text_was_removed_before_a_block_is_placed_at_the_block():
    # "下转第2版\n\n" could as well be "\n\n下转第2版" two characters earlier: the parser puts
    # a removed line back before the block that follows it.
    before, after = flag("turn")
    assert repairs.place(IMPORTED, "turn", before=before, after=after).at == CROSSHEAD


def test_a_flag_from_another_version_of_the_text_is_not_placed():
    assert repairs.place("别的正文。", "join", before="说到\n\n后半", after="说到后半") is None


def test_a_line_removed_at_a_join_waits_for_the_join_and_names_it():
    every = placed()
    assert repairs.blocker(every, "hotline", set()).key == "join"
    assert repairs.blocker(every, "hotline", {"join"}) is None
    assert repairs.blocker(every, "join", set()) is None


def test_undoing_every_repair_in_any_order_gives_back_the_printed_text():
    every = placed()
    for order in permutations(MADE):
        current, undone, waiting = IMPORTED, set(), list(order)
        while waiting:
            for key in waiting:
                changed = undo(current, every, undone, key)
                if changed is not None:
                    break
            else:
                raise AssertionError(f"nothing can be undone of {waiting} ({order})")
            assert changed == repairs.render(IMPORTED, every, undone | {key})
            current = changed
            undone.add(key)
            waiting.remove(key)
        assert current == PRINTED, order


def test_each_undo_changes_only_its_own_passage():
    every = placed()
    for first, second in permutations(MADE, 2):
        current = undo(IMPORTED, every, set(), first) or IMPORTED
        undone = {first} if current != IMPORTED else set()
        after_both = undo(current, every, undone, second)
        if after_both is None:
            assert (second, repairs.blocker(every, second, undone).key) in {
                ("hotline", "join"), ("editor", "join")
            }
            continue
        # The other repair is still undone (or still in place): only `second` changed.
        assert after_both == repairs.render(IMPORTED, every, undone | {second})


def test_an_editors_correction_elsewhere_is_kept():
    every = placed()
    corrected = IMPORTED.replace("又说", "还说")
    result = undo(corrected, every, set(), "crosshead")
    assert result == corrected.replace("### 小标题", "小标题")


def test_a_passage_an_editor_rewrote_is_not_found():
    every = placed()
    rewritten = IMPORTED.replace("说到后半句", "说后半")
    assert undo(rewritten, every, set(), "join") is None


def test_a_window_that_occurs_twice_grows_until_it_is_unique():
    body = "甲乙。\n\n甲乙。\n\n丙甲乙。"
    expected, wanted = body, "甲乙。\n\n甲乙。\n\n丙甲\n\n乙。"
    twice = "丙甲乙。" + body
    assert repairs.replace_passage(twice, expected, wanted) == "丙甲乙。" + wanted
