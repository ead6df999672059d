"""An article as a citation sees it (newsroom/lib/citations.py writes it in each format)."""

from __future__ import annotations

import datetime as dt

from newsroom.lib.citations import Work
from newsroom.lib.roles import PHOTOGRAPHER


def cite(article, *, parts: list, credits: list, tags: list, url: str, accessed: dt.date) -> Work:
    """Return the citation record of a (first part of an) article.

    ``credits``: the byline of its parts in order (archive.queries.credits_of_parts); its
    authors are those credited for the text, each once, photographers only when nobody else
    is (photo news).
    """
    writers = [c for c in credits if c.role != PHOTOGRAPHER] or list(credits)
    authors = tuple(dict.fromkeys(credit.person.name for credit in writers))
    issue = article.issue
    return Work(
        key=f"{issue.publication.slug}-{issue.date.isoformat()}-{article.pk}",
        title=article.headline,
        subtitle=article.subheadline,
        authors=authors,
        newspaper=issue.publication.name,
        date=issue.date,
        pages=tuple(dict.fromkeys(part.page for part in parts)),
        url=url,
        accessed=accessed,
        tags=tuple(tag.name for tag in tags),
    )
