"""The stable identity of a review flag: the importer and the desk compute it the same way.

Pure: the standard library only (the parser's side of the project imports it).
"""

from __future__ import annotations

import hashlib
import json


def fingerprint(*parts) -> str:
    """Return the stable identity of a review flag: a SHA-256 of its description."""
    description = json.dumps(parts, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(description.encode("utf-8")).hexdigest()
