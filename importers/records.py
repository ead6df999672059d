"""What the parser reads off one OCR'd page: frozen records, no Django.

The parser (importers/parser.py) produces these; the loader (importers/loader.py)
maps them to models; ``--format json`` prints them through ``as_json()``.
Line numbers are 1-based lines of the source file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsroom.lib.blocks import Block

# Contributor roles: the one list is newsroom.lib.roles; the names stay importable from here
# for the parser (which should import them from newsroom.lib.roles; then drop this line).
from newsroom.lib.roles import (  # noqa: F401
    CORRESPONDENT,
    INTERN,
    PHOTOGRAPHER,
    REPORTER,
    SPECIAL_CORRESPONDENT,
    TRAINEE_REPORTER,
)

ARTICLE = "article"
PHOTO_NEWS = "photo"


class ParseError(Exception):
    """Input the parser cannot read; names the file and the line, and says how to fix it."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source = source
        self.line = line
        self.message = message
        where = f"{source} line {line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ContributorRecord:
    name: str
    role: str

    def as_json(self) -> dict:
        return {"name": self.name, "role": self.role}


@dataclass(frozen=True)
class FlagRecord:
    """Something the parser repaired or doubted, for an editor to review.

    For a repair of the body text, ``after`` is a substring of the article's final
    body (as rendered by newsroom.lib.blocks.render_body) that occurs exactly once,
    and ``before`` is the text that undoing the repair puts back in its place.
    Flags that are doubts, not repairs (truncated_article, masthead_mismatch, ...)
    leave both empty. ``original`` holds the verbatim source lines concerned.
    """

    code: str
    message: str
    lines: tuple[int, int]
    original: str = ""
    before: str = ""
    after: str = ""
    # The values the message is made of, by name ((name, value), ...): the editorial desk
    # words the message in the reader's language from the code and these.
    params: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "params": dict(self.params),
            "lines": list(self.lines),
            "original": self.original,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True)
class PhotoRecord:
    caption: str
    contributors: tuple[ContributorRecord, ...]
    lines: tuple[int, int]
    original_text: str
    position: int  # order of the photo on the page, from 1

    def as_json(self) -> dict:
        return {
            "caption": self.caption,
            "contributors": [c.as_json() for c in self.contributors],
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class ArticleRecord:
    heading: str  # as printed; kicker + headline + subheadline give it back
    kicker: str
    headline: str
    subheadline: str
    kind: str  # ARTICLE or PHOTO_NEWS
    dateline: str
    contributors: tuple[ContributorRecord, ...]
    blocks: tuple[Block, ...]
    photos: tuple[PhotoRecord, ...]
    truncated: bool
    flags: tuple[FlagRecord, ...]
    lines: tuple[int, int]
    original_text: str  # the verbatim lines of the article's span
    position: int  # order of the article on the page, from 1
    page: int = 1

    def as_json(self) -> dict:
        return {
            "heading": self.heading,
            "kicker": self.kicker,
            "headline": self.headline,
            "subheadline": self.subheadline,
            "kind": self.kind,
            "dateline": self.dateline,
            "contributors": [c.as_json() for c in self.contributors],
            "blocks": [b.as_dict() for b in self.blocks],
            "photos": [p.as_json() for p in self.photos],
            "truncated": self.truncated,
            "flags": [f.as_json() for f in self.flags],
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class AdvertisementRecord:
    advertiser: str
    text: str  # as printed, lines joined by "\n", bold marks removed
    phone: str
    website: str
    lines: tuple[int, int]
    original_text: str
    position: int  # order of the advertisement on the page, from 1
    page: int = 1

    def as_json(self) -> dict:
        return {
            "advertiser": self.advertiser,
            "text": self.text,
            "phone": self.phone,
            "website": self.website,
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class IssueRecord:
    publication: str  # the paper's name, from the "#" line
    date: dt.date
    lunar_date: str  # as printed, e.g. 辛丑年二月初七
    weekday: str  # as printed, e.g. 星期五
    number: int | None  # 总第N号
    cn_number: str  # as printed, e.g. CN33-0018
    postal_code: str  # 邮发代号, e.g. 31-2
    website: str  # as printed
    email: str  # as printed
    slogan: str = ""
    address: str = ""  # 社址
    postcode: str = ""  # 邮编

    def as_json(self) -> dict:
        return {
            "publication": self.publication,
            "date": self.date.isoformat(),
            "lunar_date": self.lunar_date,
            "weekday": self.weekday,
            "number": self.number,
            "cn_number": self.cn_number,
            "postal_code": self.postal_code,
            "website": self.website,
            "email": self.email,
            "slogan": self.slogan,
            "address": self.address,
            "postcode": self.postcode,
        }


@dataclass(frozen=True)
class PageRecord:
    source: str  # file name as given
    sha256: str  # of the raw bytes
    encoding: str  # "utf-8", or the encoding the text was decoded from
    issue: IssueRecord
    articles: tuple[ArticleRecord, ...]
    advertisements: tuple[AdvertisementRecord, ...]
    flags: tuple[FlagRecord, ...] = field(default=())  # page-level: masthead, encoding, ...
    page: int = 1

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "issue": self.issue.as_json(),
            "articles": [a.as_json() for a in self.articles],
            "advertisements": [a.as_json() for a in self.advertisements],
            "flags": [f.as_json() for f in self.flags],
        }
