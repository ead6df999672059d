"""The ranges of the numbers a page prints, the one home the parser and the models share.

Pure: no Django (the parser imports it). The database enforces the same ranges with
CheckConstraints (newsroom.models), so SQLite, which stores any 64-bit integer, holds
nothing that PostgreSQL could not restore:

* an issue number (总第N号) is a PostgreSQL ``integer``: 1..2,147,483,647;
* a page (版) and a position on it are PostgreSQL ``smallint``: 1..32,767;
* a masthead year is one Python's dates hold, 1..9999: lunar_python converts every one
  of them, both databases store them, and the archive's URLs accept them. A plausible
  but wrong year (OCR reading 2021 as 2071) is an editor's matter, not an import error.
"""

from __future__ import annotations

import datetime as dt

ISSUE_NUMBERS = range(1, 2_147_483_647 + 1)
PAGES = range(1, 32_767 + 1)
POSITIONS = range(1, 32_767 + 1)
YEARS = range(dt.MINYEAR, dt.MAXYEAR + 1)


def range_text(allowed: range) -> str:
    """Return a range as a message shows it: "1..2,147,483,647"."""
    return f"{allowed.start:,}..{allowed.stop - 1:,}"
