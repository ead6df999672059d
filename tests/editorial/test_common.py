"""What the editorial operations share (newsroom/editorial/common.py)."""

import pytest

from newsroom.editorial import char_diff

pytestmark = pytest.mark.django_db


# diff -----------------------------------------------------------------------------------------


def test_the_diff_works_on_characters_not_words():
    assert char_diff("杭州市总工会", "杭州市总公会") == [
        ("equal", "杭州市总"), ("delete", "工"), ("insert", "公"), ("equal", "会"),
    ]
