"""Read the masthead: date, issue number, identifiers, paper name and slogan; check the weekday
and the lunar date against the date."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from importers.parse.lunar import lunar_date_of, normalize_lunar
from importers.parse.pagenumbers import read_page_line
from importers.parse.patterns import GREGORIAN_RE, LUNAR_RE, NAME_LINE_RE
from importers.parse.staff import is_staff_line
from importers.records import FlagRecord, IssueRecord, ParseError
from newsroom.lib.bounds import ISSUE_NUMBERS, YEARS, range_text
from newsroom.lib.flagcodes import LUNAR_DATE_MISMATCH, WEEKDAY_MISMATCH
from newsroom.lib.weekdays import PRINTED_WEEKDAY_RE, WEEKDAY_DIGITS, printed_weekday_matches

# The identifiers a masthead prints: the pattern of each label and its value.
MASTHEAD_PATTERNS: dict[str, re.Pattern[str]] = {
    "website": re.compile(r"(?:电子版|网址|网站|网络版)\s*[:：]\s*(\S+)"),
    "email": re.compile(r"(?:电子邮件|电子信箱|电子邮箱|E-?mail)\s*[:：]\s*(\S+)", re.I),
    "cn_number": re.compile(
        r"(?:国内统一刊号|国内统一连续出版物号|统一刊号)\s*[:：]\s*((?:CN\s*)?\S+)"
    ),
    "postal_code": re.compile(r"邮发代号\s*[:：]\s*(\S+)"),
    "address": re.compile(r"(?:社址|地址)\s*[:：]\s*(\S+)"),
    "postcode": re.compile(r"邮编\s*[:：]\s*(\d{6})"),
    "number": re.compile(r"总第\s*(\d+)\s*[号期]"),
}


def read_masthead(
    lines: list[str], source: str
) -> tuple[IssueRecord, dict[str, tuple[int, str]], list[FlagRecord]]:
    """Read the masthead lines: dates, identifiers, name, slogan; check the dates agree."""
    found = masthead_fields(lines)

    def printed(name: str) -> str:
        return found.get(name, ("", 0))[0]

    publication, slogan = paper_name_and_slogan(lines)
    issue = IssueRecord(
        publication=publication,
        date=masthead_date(found, lines, source),
        lunar_date=printed("lunar_date"),
        weekday=printed("weekday"),
        number=masthead_number(found, source),
        cn_number=printed("cn_number"),
        postal_code=printed("postal_code"),
        website=printed("website"),
        email=printed("email"),
        slogan=slogan,
        address=printed("address"),
        postcode=printed("postcode"),
    )
    where = {name: (line, lines[line - 1]) for name, (_, line) in found.items()}
    return issue, where, weekday_flags(issue, where) + lunar_flags(issue, where)


def masthead_fields(lines: list[str]) -> dict[str, tuple[str, int]]:
    """Find each masthead field's first printed value and the line it stands on."""
    patterns = {"date": GREGORIAN_RE, "lunar_date": LUNAR_RE, "weekday": PRINTED_WEEKDAY_RE}
    found: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(lines, start=1):
        for name, pattern in (*patterns.items(), *MASTHEAD_PATTERNS.items()):
            match = pattern.search(raw.strip())
            if match and name not in found:
                found[name] = (match.group(0 if name in patterns else 1), number)
    return found


def masthead_date(
    found: dict[str, tuple[str, int]], lines: list[str], source: str, part: str = "masthead"
) -> dt.date:
    """Return the masthead's (or page header's: ``part``) Gregorian date, or refuse a missing
    or impossible one."""
    if "date" not in found:
        first = next((i for i, line in enumerate(lines, start=1) if line.strip()), 1)
        raise ParseError(
            source,
            first,
            "no Gregorian date in the masthead (expected e.g. 2021年3月19日 "
            "before the first '## ' heading)",
        )
    printed, line = found["date"]
    year, month, day = (int(part) for part in GREGORIAN_RE.match(printed).groups())
    if year not in YEARS:
        raise ParseError(
            source,
            line,
            f"impossible date {printed} in the {part}: the year must be within "
            f"{range_text(YEARS)}; correct the date",
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = f"there is no month {month}"
        else:
            why = f"{year}年{month}月 has {calendar.monthrange(year, month)[1]} days"
        raise ParseError(
            source, line, f"impossible date {printed} in the {part}: {why}; correct the date"
        ) from None


# Longer digit strings are out of range without being converted (int() refuses 4,300 digits).
NUMBER_DIGITS_READ = 40


def masthead_number(found: dict[str, tuple[str, int]], source: str) -> int | None:
    """Return the issue number (总第N号), None if none is printed; refuse one out of range."""
    if "number" not in found:
        return None
    digits, line = found["number"]
    if len(digits) <= NUMBER_DIGITS_READ and (number := int(digits)) in ISSUE_NUMBERS:
        return number
    shown = digits if len(digits) <= 20 else f"{digits[:20]}… ({len(digits):,} digits)"
    raise ParseError(
        source,
        line,
        f"issue number 总第{shown}号 is out of range: it must be within "
        f"{range_text(ISSUE_NUMBERS)}; correct the number in the masthead",
    )


def paper_name_and_slogan(lines: list[str]) -> tuple[str, str]:
    """Return the '# ' paper name and the slogan printed on the next non-blank line."""
    for index, raw in enumerate(lines):
        match = NAME_LINE_RE.match(raw.strip())
        if not match:
            continue
        following = (line.strip() for line in lines[index + 1 :])
        slogan = next((line for line in following if line), "")
        if is_masthead_field(slogan):
            slogan = ""
        return match.group(1), slogan
    return "", ""


def is_masthead_field(line: str) -> bool:
    """Tell whether a masthead line carries a date, an identifier, a page line or page staff."""
    patterns = (GREGORIAN_RE, LUNAR_RE, PRINTED_WEEKDAY_RE, *MASTHEAD_PATTERNS.values())
    return (
        any(pattern.search(line) for pattern in patterns)
        or read_page_line(line) is not None
        or is_staff_line(line)
    )


def weekday_flags(issue: IssueRecord, where: dict[str, tuple[int, str]]) -> list[FlagRecord]:
    """Flag a printed weekday that does not fall on the printed date."""
    if printed_weekday_matches(issue.date, issue.weekday):
        return []  # printed on the right day, or not printed at all
    expected = WEEKDAY_DIGITS[issue.date.weekday()]
    message = f"masthead prints {issue.weekday} but {issue.date.isoformat()} is a 星期{expected}"
    return [
        date_mismatch_flag(
            WEEKDAY_MISMATCH, message, where["weekday"], issue.weekday, issue.date, expected
        )
    ]


def lunar_flags(issue: IssueRecord, where: dict[str, tuple[int, str]]) -> list[FlagRecord]:
    """Flag a printed lunar date that is not the lunar date of the printed Gregorian date."""
    if not issue.lunar_date:
        return []
    expected = lunar_date_of(issue.date)
    if normalize_lunar(issue.lunar_date) == expected:
        return []
    message = (
        f"masthead prints lunar date {issue.lunar_date} but {issue.date.isoformat()} is {expected}"
    )
    return [
        date_mismatch_flag(
            LUNAR_DATE_MISMATCH,
            message,
            where["lunar_date"],
            issue.lunar_date,
            issue.date,
            expected,
        )
    ]


def date_mismatch_flag(
    code: str, message: str, where: tuple[int, str], printed: str, date: dt.date, expected: str
) -> FlagRecord:
    """Return the flag of a weekday or lunar date printed at ``where`` (its line and text) that
    is not the ``expected`` one of the Gregorian date."""
    line, original = where
    return FlagRecord(
        code=code,
        message=message,
        lines=(line, line),
        original=original,
        params=(("printed", printed), ("date", date.isoformat()), ("expected", expected)),
    )
