"""Undo windows (importers/parse/windows.py): unique passages found without searching long bodies.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importers.parse.windows import UniqueWindows

# ------------------------------------------------------------------ huge articles stay linear


def places_of(text: str, piece: str) -> list[int]:
    """Return every place ``piece`` starts in ``text``, overlapping ones included."""
    found, at = [], text.find(piece)
    while at != -1:
        found.append(at)
        at = text.find(piece, at + 1)
    return found


def test_undo_windows_in_a_long_body_come_from_its_index_without_one_search_of_the_body():
    parts = [f"第{i}行的一些文字内容" for i in range(2000)]
    body = "".join(parts)
    joins = [sum(len(part) for part in parts[: i + 1]) for i in range(len(parts) - 1)]
    windows = UniqueWindows(body, repairs=len(joins))
    for at in joins:
        low, high = windows.around(at, at)
        assert places_of(body, body[low:high]) == [low]
        reach = at - low
        if reach > 3 and high < len(body):  # one step smaller would not be unique
            assert len(places_of(body, body[low + 2 : high - 2])) > 1
    assert windows.searches == 0


@given(
    body=st.text(alphabet="ab。\n", min_size=1, max_size=60),
    where=st.floats(min_value=0, max_value=1),
    length=st.sampled_from([0, 1, 4]),
)
def test_the_index_finds_the_same_undo_windows_as_searching_the_body(body, where, length):
    at = int(where * len(body))
    end = min(len(body), at + length)
    searched = UniqueWindows(body, repairs=0)
    indexed = UniqueWindows(body, repairs=10**9)
    few_places = UniqueWindows(body, repairs=10**9)
    few_places.many_places = 1  # compare at one place, then search: both paths in one window
    assert searched.places is None and indexed.places is not None
    expected = searched.around(at, end)
    assert indexed.around(at, end) == few_places.around(at, end) == expected
    low, high = expected
    assert places_of(body, body[low:high]) == [low] or (low, high) == (0, len(body))
