"""Drafts of blocks (importers/parse/drafts.py): a paragraph joined from pieces.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from importers.parse.drafts import Draft
from importers.parse.lines import ends_sentence
from newsroom.lib.blocks import PARAGRAPH


@given(
    st.lists(
        st.one_of(
            st.sampled_from(["文", "。", "。 ", "”", "” ", "）”", " ", "\u3000", "，", "文。”"]),
            st.text(alphabet="文 。”）,", max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_paragraph_joined_from_pieces_knows_whether_it_ends_a_sentence(pieces):
    draft = Draft(PARAGRAPH, last=1)
    for piece in pieces:
        draft.add(piece)
    text = "".join(pieces)
    assert draft.finished == ends_sentence(text)
    assert draft.tail(8) == text[-8:]
    assert draft.text == text
