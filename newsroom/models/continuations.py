"""Articles continued across pages: one article read from its parts (下转第3版 … 上接第1版).

An article cut at the foot of a page ends with a jump line and goes on on a later page. Each
part is an Article row at its own page and position, so a re-import of either page merges its
part as any other article (an editor's corrections of either part are kept), and the original
OCR of every part stays with it. The part that continues another points at it (``continues``);
the first part is the article readers see, and its text is its own followed by its parts':

* ``parts()`` is the article and the parts continuing it, in reading order;
* ``joined_body`` their bodies joined: with no break where the cut fell mid-sentence (as a
  column break is joined), with a paragraph break where it fell between sentences;
* ``pages`` every page the article runs on, in order (第1、3版).

``Article.objects.public()`` leaves the parts out: readers, search, feeds and the API meet a
continued article once. The importer joins parts (importers/load/joins.py) and records each
join as a review flag; undoing it splits the part off again (newsroom/editorial/flags.py).
"""

from __future__ import annotations

from itertools import pairwise

from django.db.models import Q

from newsroom.lib.blocks import BLOCK_SEPARATOR

# A chain of parts longer than this is an editor's mistake or a loop: it is not followed further.
MAX_PARTS = 8
# How far queries follow a chain in SQL (an article on up to four pages): see continuing().
QUERY_DEPTH = 3


class ContinuedArticle:
    """Article's side of continuation: its parts, their joined text and the pages they stand on."""

    @property
    def has_continuation(self) -> bool:
        """Return whether the article jumps to a part that continues it (no query without a jump)."""
        return self.jump_to is not None and self._next_part() is not None

    def _next_part(self):
        """Return the part continuing this one (prefetched ``continuations`` are used as they are)."""
        if self.pk is None or self.jump_to is None:
            return None
        candidates = [part for part in self.continuations.all() if part.pk != self.pk]
        return min(candidates, key=lambda part: (part.page, part.position), default=None)

    def parts(self) -> list:
        """Return the article and the parts that continue it, in reading order."""
        parts, seen = [self], {self.pk}
        while len(parts) < MAX_PARTS:
            following = parts[-1]._next_part()
            if following is None or following.pk in seen:
                break
            parts.append(following)
            seen.add(following.pk)
        return parts

    @property
    def joined_body(self) -> str:
        """Return the bodies of the article's parts joined as one text (see the module's doc)."""
        parts = self.parts()
        text = parts[0].body
        for before, part in pairwise(parts):
            if not part.body:
                continue
            glue = "" if before.jump_mid_sentence and text else BLOCK_SEPARATOR if text else ""
            text = f"{text}{glue}{part.body}"
        return text

    @property
    def pages(self) -> list[int]:
        """Return every page the article runs on, in order, each once (the first is ``page``)."""
        return list(dict.fromkeys(part.page for part in self.parts()))

    def first_part(self):
        """Return the part readers meet (this one unless it continues another), following ``continues``."""
        part, seen = self, {self.pk}
        while part.continues_id is not None and part.continues_id not in seen and len(seen) < MAX_PARTS:
            part = part.continues
            seen.add(part.pk)
        return part


def continuing(article) -> Q:
    """Return the condition that a row is a part continuing ``article`` (an id, or an
    OuterRef to one), directly or through up to QUERY_DEPTH - 1 parts before it."""
    condition = Q()
    for depth in range(1, QUERY_DEPTH + 1):
        condition |= Q(**{"__".join(["continues"] * depth): article})
    return condition


def continuing_ids(model, article_ids) -> set[int]:
    """Return the ids of every part continuing these articles, however far the chain goes
    (one query a link of the chain, at most MAX_PARTS)."""
    found: set[int] = set()
    frontier = set(article_ids)
    for _ in range(MAX_PARTS):
        following = set(model.objects.filter(continues__in=frontier).values_list("pk", flat=True)) - found
        if not following:
            break
        found |= following
        frontier = following
    return found
