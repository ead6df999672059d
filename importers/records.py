"""What the parser reads off one OCR'd page: frozen records, no Django.

The parser (importers/parse/) produces these; the loader (importers/load/)
maps them to models; ``--format json`` prints them through ``as_json()``.
Line numbers are 1-based lines of the source file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsroom.lib.blocks import Block

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
    role: str  # one of newsroom.lib.roles.ALL_ROLES

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
class StaffRecord:
    """A credit of the page, not of any article: 责任编辑:张三 gives ("张三", "editor", "责任编辑")."""

    name: str
    role: str  # one of newsroom.lib.pagestaff.STAFF_ROLES
    label: str  # the label as printed: 本版编辑, 责编, 版式设计, ...

    def as_json(self) -> dict:
        return {"name": self.name, "role": self.role, "label": self.label}


@dataclass(frozen=True)
class JumpRecord:
    """The jump line that ends an article cut at the foot of a page: (下转第3版).

    ``line`` is the source line the jump stands on, ``text`` the jump as printed. The jump
    left the body (a ``jump_line`` flag can put it back). ``mid_sentence`` says the body
    before it does not end a sentence: the continuation joins it with no space and no
    paragraph break (as a column break is joined); otherwise it starts a new paragraph.
    """

    to_page: int
    line: int
    text: str
    mid_sentence: bool

    def as_json(self) -> dict:
        return {
            "to_page": self.to_page,
            "line": self.line,
            "text": self.text,
            "mid_sentence": self.mid_sentence,
        }


@dataclass(frozen=True)
class ContinuationRecord:
    """How the rest of an article from an earlier page opens: (上接第1版).

    ``from_page`` is the page the marker names (None if it names none: (上接)), ``line``
    the source line of the marker and ``text`` the marker as printed; it is no part of the
    headline or the body. ``repeated_headline`` is the heading printed over the part
    without the marker (whole or shortened; "" when the heading is the marker alone): the
    loader matches it against the headlines of the page named.
    """

    from_page: int | None
    line: int
    text: str
    repeated_headline: str

    def as_json(self) -> dict:
        return {
            "from_page": self.from_page,
            "line": self.line,
            "text": self.text,
            "repeated_headline": self.repeated_headline,
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
    page: int = 1  # the number of the page it stands on
    # The article goes on on another page: the jump line that ends this part.
    jump: JumpRecord | None = None
    # This item is the rest of an article from another page: the marker that opens it.
    continued_from: ContinuationRecord | None = None

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
            "page": self.page,
            "jump": self.jump.as_json() if self.jump else None,
            "continued_from": self.continued_from.as_json() if self.continued_from else None,
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
            "page": self.page,
        }


@dataclass(frozen=True)
class IssueRecord:
    """The issue a page belongs to, as far as the page prints it.

    A front page (with a masthead) gives every field it prints. An inside page prints only
    the date, maybe the weekday and the paper's name: ``publication`` is "" when it does not
    print the name (the loader takes the paper of the same day's front page), and the
    other fields are empty or None.
    """

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
    page: int = 1  # 第N版; a front page without a page line is page 1
    page_name: str = ""  # 版名 as printed (要闻, 综合), "" if none
    staff: tuple[StaffRecord, ...] = ()  # the page's credits (责任编辑, 版式, ...), in print order
    front: bool = True  # the page has a masthead (an inside page has only a page header)

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "page": self.page,
            "page_name": self.page_name,
            "staff": [s.as_json() for s in self.staff],
            "front": self.front,
            "issue": self.issue.as_json(),
            "articles": [a.as_json() for a in self.articles],
            "advertisements": [a.as_json() for a in self.advertisements],
            "flags": [f.as_json() for f in self.flags],
        }
