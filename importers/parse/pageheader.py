"""Read what stands above a page's first heading: a front page's masthead or an inside page's header.

A front page has a masthead (importers/parse/masthead.py); it may also print a page line
(第1版 要闻) and page staff among its masthead lines, and without a page line it is page 1.
An inside page has no masthead, only a few short lines in any order: the date and weekday
(on one line or two), the page number with the page name (版名) on the same line or the next,
the paper's name (``# 浙江工人日报`` or a plain line), the page staff and the web address.
Its date and page number are required, and a line it cannot read is refused.

A header is a front page's when it prints an identifier only a masthead prints (lunar date,
总第N号, 国内统一刊号, 邮发代号, e-mail, 社址/邮编), when its page line says 第1版, or when
it has no page line and no page staff (the seeds' shape: a masthead without a page line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from importers.parse.masthead import (
    MASTHEAD_PATTERNS,
    masthead_date,
    masthead_fields,
    read_masthead,
    weekday_flags,
)
from importers.parse.pagenumbers import is_page_name, read_page_line
from importers.parse.paragraphs import clean_line
from importers.parse.patterns import CJK, GREGORIAN_RE, NAME_LINE_RE
from importers.parse.staff import StaffLineError, is_staff_line, read_staff_line
from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import FlagRecord, IssueRecord, ParseError, StaffRecord
from newsroom.lib.bounds import PAGES, range_text
from newsroom.lib.weekdays import PRINTED_WEEKDAY_RE

# The fields only a masthead prints: a header with one of them is a front page's.
MASTHEAD_ONLY = ("lunar_date", "number", "cn_number", "postal_code", "email", "address", "postcode")
# A page name printed alone stands on the line after the page line, or after one blank line.
PAGE_NAME_DISTANCE = 2
# The paper's name as a plain line: a few Chinese characters ending in 报 (浙江工人日报).
PAPER_NAME_RE = re.compile(rf"^[{CJK}]{{2,12}}报$")
WEBSITE_LINE_RE = re.compile(MASTHEAD_PATTERNS["website"].pattern)
SEPARATORS = " \t\u3000·•・|｜/-—–_,，"


@dataclass(frozen=True)
class PageHeader:
    """What a page prints above its first heading."""

    issue: IssueRecord
    where: dict[str, tuple[int, str]]  # field name -> (line, verbatim line)
    flags: list[FlagRecord]
    page: int
    page_name: str
    staff: tuple[StaffRecord, ...]
    front: bool


@dataclass
class PageLine:
    number: int
    name: str
    line: int  # 1-based


def read_page_header(lines: list[str], source: str) -> PageHeader:
    """Read the lines above the first heading as a front page's masthead or an inside header."""
    page_line = find_page_line(lines)
    found = masthead_fields(lines)
    has_staff = bool(front_staff(lines))
    if (
        any(name in found for name in MASTHEAD_ONLY)
        or (page_line is not None and page_line.number == 1)
        or (page_line is None and not has_staff)
    ):
        return read_front_header(lines, source, page_line)
    return read_inside_header(lines, source)


def without_date(text: str) -> str:
    """Return a header line without its date and weekday (2021年3月19日 星期五 第2版 → 第2版)."""
    text = GREGORIAN_RE.sub(" ", text, count=1)
    text = PRINTED_WEEKDAY_RE.sub(" ", text, count=1)
    return text.strip(SEPARATORS)


def find_page_line(lines: list[str]) -> PageLine | None:
    """Return the first page line (第2版 要闻), with a page name printed alone under it."""
    for index, raw in enumerate(lines):
        read = read_page_line(without_date(clean_line(raw).strip()))
        if read is None:
            continue
        page_line = PageLine(read[0], read[1], index + 1)
        if not page_line.name:
            page_line.name = page_name_under(lines, index)
        return page_line
    return None


def page_name_under(lines: list[str], index: int) -> str:
    """Return the page name printed alone under the page line at ``index``, or ""."""
    for raw in lines[index + 1 : index + 1 + PAGE_NAME_DISTANCE]:
        text = clean_line(raw).strip()
        if not text:
            continue
        if is_page_name(text) and not is_paper_name(text) and not is_staff_line(text):
            return text
        return ""
    return ""


def is_paper_name(text: str) -> bool:
    """Tell whether a plain line is a paper's name (浙江工人日报)."""
    return text in KNOWN_PUBLICATIONS or bool(PAPER_NAME_RE.match(text))


def check_page_number(page_line: PageLine, lines: list[str], source: str) -> None:
    """Refuse a page number no page can have."""
    if page_line.number not in PAGES:
        raise ParseError(
            source,
            page_line.line,
            f"page number {page_line.number} in '{lines[page_line.line - 1].strip()}' is out of "
            f"range: pages are numbered within {range_text(PAGES)}; correct the page line",
        )


def front_staff(lines: list[str]) -> tuple[StaffRecord, ...]:
    """Return the page staff a masthead credits, in print order.

    A masthead line that opens with a staff label but names no one (编辑部电话:...) is
    passed over, as the masthead passes over every line it does not know.
    """
    staff: list[StaffRecord] = []
    for raw in lines:
        text = without_date(clean_line(raw).strip())
        if is_staff_line(text):
            try:
                staff += read_staff_line(text)
            except StaffLineError:
                continue
    return tuple(staff)


def staff_line(text: str, number: int, source: str) -> list[StaffRecord]:
    """Read one staff line, or refuse it naming its line."""
    try:
        return read_staff_line(text)
    except StaffLineError as error:
        raise ParseError(
            source,
            number,
            f"cannot read the page staff in '{text}': {error}; write e.g. 责任编辑:张三 版式:李四",
        ) from None


def read_front_header(lines: list[str], source: str, page_line: PageLine | None) -> PageHeader:
    """Read a front page's masthead, with the page line and staff it may print."""
    issue, where, flags = read_masthead(lines, source)
    if page_line is not None:
        check_page_number(page_line, lines, source)
    return PageHeader(
        issue=issue,
        where=where,
        flags=flags,
        page=page_line.number if page_line else 1,
        page_name=page_line.name if page_line else "",
        staff=front_staff(lines),
        front=True,
    )


@dataclass
class InsideFields:
    """What an inside page's header lines gave so far: field name -> (value, line)."""

    found: dict[str, tuple[str, int]] = field(default_factory=dict)
    page_line: PageLine | None = None
    staff: list[StaffRecord] = field(default_factory=list)

    def take(self, name: str, value: str, number: int) -> None:
        self.found.setdefault(name, (value, number))


def read_inside_header(lines: list[str], source: str) -> PageHeader:
    """Read an inside page's header: every line must be one of its fields."""
    fields = InsideFields()
    for number, raw in enumerate(lines, start=1):
        text = clean_line(raw).strip()
        if text and not read_inside_line(fields, text, number, lines, source):
            raise ParseError(
                source,
                number,
                f"cannot read '{text[:40]}' in the header of an inside page (a page without a "
                "masthead): expected the date (2021年3月19日 星期五), the page number "
                "(第2版 要闻), the paper's name (# 浙江工人日报), page staff (责任编辑:张三) or "
                "the web address (电子版:www.zjgrrb.com); correct or delete the line",
            )
    return inside_header(fields, lines, source)


def read_inside_line(
    fields: InsideFields, text: str, number: int, lines: list[str], source: str
) -> bool:
    """Take one non-blank line of an inside page's header; return False if it reads as nothing."""
    if date := GREGORIAN_RE.search(text):
        fields.take("date", date.group(0), number)
    if weekday := PRINTED_WEEKDAY_RE.search(text):
        fields.take("weekday", weekday.group(0), number)
    rest = without_date(text)
    if not rest:
        return True
    if name := NAME_LINE_RE.match(rest):
        fields.take("publication", name.group(1), number)
    elif WEBSITE_LINE_RE.fullmatch(rest):
        fields.take("website", WEBSITE_LINE_RE.fullmatch(rest).group(1), number)
    elif is_staff_line(rest):
        fields.staff += staff_line(rest, number, source)
    elif (read := read_page_line(rest)) is not None:
        take_page_line(fields, PageLine(read[0], read[1], number), lines, source)
    elif is_paper_name(rest):
        fields.take("publication", rest, number)
    else:
        return is_name_under_page_line(fields, rest, number)
    return True


def take_page_line(fields: InsideFields, page_line: PageLine, lines: list[str], source: str) -> None:
    """Take the page line; refuse a second one naming another page."""
    check_page_number(page_line, lines, source)
    first = fields.page_line
    if first is None:
        fields.page_line = page_line
    elif first.number != page_line.number:
        raise ParseError(
            source,
            page_line.line,
            f"the header prints two page numbers, 第{first.number}版 (line {first.line}) and "
            f"第{page_line.number}版; keep the right one",
        )


def is_name_under_page_line(fields: InsideFields, text: str, number: int) -> bool:
    """Take a line as the page name if it stands alone right under a page line without one."""
    page_line = fields.page_line
    if (
        page_line is None
        or page_line.name
        or not 0 < number - page_line.line <= PAGE_NAME_DISTANCE
        or not is_page_name(text)
    ):
        return False
    page_line.name = text
    return True


def inside_header(fields: InsideFields, lines: list[str], source: str) -> PageHeader:
    """Build an inside page's header from its fields; refuse one without a date or page number."""
    first = next((i for i, line in enumerate(lines, start=1) if line.strip()), 1)
    if fields.page_line is None:
        raise ParseError(
            source,
            first,
            "no page number in the header of a page without a masthead (expected e.g. 第2版 "
            "before the first '## ' heading); add the page line",
        )
    if "date" not in fields.found:
        raise ParseError(
            source,
            first,
            f"no date in the header of page {fields.page_line.number} (expected e.g. "
            "2021年3月19日 before the first '## ' heading); add the date",
        )

    def printed(name: str) -> str:
        return fields.found.get(name, ("", 0))[0]

    issue = IssueRecord(
        publication=printed("publication"),
        date=masthead_date(fields.found, lines, source, part="page header"),
        lunar_date="",
        weekday=printed("weekday"),
        number=None,
        cn_number="",
        postal_code="",
        website="",
        email="",
    )
    where = {name: (line, lines[line - 1]) for name, (_, line) in fields.found.items()}
    return PageHeader(
        issue=issue,
        where=where,
        flags=weekday_flags(issue, where) + website_flags(issue, printed("website"), where),
        page=fields.page_line.number,
        page_name=fields.page_line.name,
        staff=tuple(fields.staff),
        front=False,
    )


def website_flags(
    issue: IssueRecord, website: str, where: dict[str, tuple[int, str]]
) -> list[FlagRecord]:
    """Flag an inside page's web address printed differently from its paper's (if known)."""
    known = KNOWN_PUBLICATIONS.get(issue.publication)
    if not website or known is None:
        return []
    return masthead_mismatches(replace(issue, website=website), known, where)
