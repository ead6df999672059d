"""Compile every gettext catalog (.po) of the project into the .mo file Django reads.

Django's own `compilemessages` needs GNU gettext's msgfmt on the machine; Babel does the same
in pure Python, so `make` works on a machine with only Python. The .mo files are build output
and are not committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "var", "node_modules", ".git"}


def catalogs(root: Path):
    """Yield the project's .po files, leaving out the virtualenv and data folders."""
    for po in sorted(root.rglob("*.po")):
        if not SKIP.intersection(po.relative_to(root).parts):
            yield po


def compile_catalog(po: Path) -> Path:
    """Write the .mo beside the .po (skipping fuzzy entries, as msgfmt does) and return its path."""
    with po.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    return mo


def main() -> int:
    for po in catalogs(ROOT):
        try:
            mo = compile_catalog(po)
        except Exception as error:  # a broken catalog must stop the build with its name
            print(f"{po.relative_to(ROOT)}: {error}", file=sys.stderr)
            return 1
        print(f"compiled {mo.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
