"""The roles a page is credited to (版面人员): one list for the parser, the models and the API.

A page prints its staff above or below its articles (责任编辑:张三 版式:李四). They are
credits of the page, not of any article. The parser maps each printed label to one of these
codes and keeps the label as printed beside it; ``STAFF_ROLE_LABELS`` is the name a page
view shows for each code.
"""

from __future__ import annotations

EDITOR = "editor"  # 责任编辑 (本版编辑, 责编)
LAYOUT = "layout"  # 版式 (版式设计, 版面设计)
ART_EDITOR = "art_editor"  # 美术编辑 (美编)
PROOFREADER = "proofreader"  # 校对 (责任校对)

STAFF_ROLES = (EDITOR, LAYOUT, ART_EDITOR, PROOFREADER)

# The canonical printed label of each role.
STAFF_ROLE_LABELS = {
    EDITOR: "责任编辑",
    LAYOUT: "版式",
    ART_EDITOR: "美术编辑",
    PROOFREADER: "校对",
}

# Every label a page prints, longest first (so that 本版编辑 is read before 编辑), and its role.
STAFF_LABELS: tuple[tuple[str, str], ...] = (
    ("本版责编", EDITOR),
    ("责任编辑", EDITOR),
    ("本版编辑", EDITOR),
    ("版式设计", LAYOUT),
    ("版面设计", LAYOUT),
    ("美术编辑", ART_EDITOR),
    ("责任校对", PROOFREADER),
    ("本版校对", PROOFREADER),
    ("责编", EDITOR),
    ("编辑", EDITOR),
    ("版式", LAYOUT),
    ("美编", ART_EDITOR),
    ("校对", PROOFREADER),
)
STAFF_ROLE_OF = dict(STAFF_LABELS)
