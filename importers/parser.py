"""Read one OCR'd front page (Markdown) into records: masthead, articles, photos, ads.

Pure: the standard library and ``lunar_python`` only, no Django. The input is a page
of a Chinese daily that an OCR tool turned into Markdown:

* the masthead is everything before the first ``## `` line: dates, identifiers,
  the ``# `` paper name and its slogan (anything else there, such as QR-code
  captions, is ignored);
* each ``## `` line starts an article; a bold block (``**...**`` and the lines
  directly under it) is an advertisement and ends the article before it;
* inside an article, a run of two or more blank lines (or a ``![](...)`` line) is
  an empty image slot; a bold or ``### `` line of its own is a crosshead by markup.

The rules are general (punctuation, line shape, patterns), never keyed on one page:

Headings
    OCR joins the printed lines of a heading with single spaces. A heading is cut
    at those spaces into segments; a segment that opens with a conjunction or a
    particle (和, 与, 的, ...) or a closing mark continues the one before it. The
    first segment is a kicker (引题) when it ends in a reporting verb (…强调,
    …指出) or a time span (…近一年, …5个月, …以来). Otherwise type size decides:
    kickers and subheadlines are set smaller than the headline, so their printed
    lines hold more characters. A trailing segment of 10+ characters and 1.25
    times the longest headline segment is the subheadline; leading segments of
    that shape are the kicker. When unsure the whole heading is the headline.
    Joining kicker, headline and subheadline with single spaces gives the heading back.

Bylines
    The first paragraph may open with a dateline (本报讯, 本报杭州3月18日电,
    新华社北京3月18日电) and credits ending in 报道 (记者甲 见习记者乙报道,
    记者丙摄影报道) or in brackets (本报讯(记者甲 通讯员乙)). They are removed
    from the body.

Photos
    The paragraph after an empty image slot, or any paragraph carrying a ``摄``
    credit (at its end, on a hard-broken last line, or as the next paragraph), is
    a photo caption, not body text. An uncredited caption in an article whose
    byline says 摄影 is credited to that photographer (flag photo_credit_inferred).
    An item without a 报道 byline, short, whose last paragraph is its only ``摄``
    credit, is photo news (图片新闻): its text is both the body and the caption.

Column-break repairs (each one a FlagRecord an editor can undo)
    removed_furniture   phone numbers and page furniture (新闻服务热线, 本版编辑, 下转第2版)
    removed_stray_line  a short unfinished fragment that repeats text found elsewhere
                        in the article (of two equal copies, the one interrupting an
                        unfinished paragraph goes, else the first)
    joined_paragraphs   a paragraph not ending in sentence-final punctuation runs on
                        into the next body paragraph (no space between: Chinese)
    crosshead_detected  a short line without punctuation after a finished paragraph,
                        followed by a paragraph, that does not read as an unfinished
                        sentence (no comma, no reporting verb, no dangling particle)
    truncated_article   the last paragraph still ends mid-sentence (a doubt, no undo)

    ``after`` is the smallest window around the repair that occurs once in the final
    body; ``before`` is that window with the repair undone. A line removed where two
    halves of a paragraph were joined sits between them, so its undo restores the
    paragraph break as well (undo the flags in the order given: removals come first).

Other doubts: unattached_credit (a 摄 credit under no caption), unassigned_text (page
text after an advertisement and before the next heading).
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from functools import lru_cache

from lunar_python import Lunar, LunarYear
from lunar_python.util import LunarUtil

from importers.publications import KNOWN_PUBLICATIONS, masthead_mismatches
from importers.records import (
    ARTICLE,
    CORRESPONDENT,
    INTERN,
    PHOTO_NEWS,
    PHOTOGRAPHER,
    REPORTER,
    SPECIAL_CORRESPONDENT,
    TRAINEE_REPORTER,
    AdvertisementRecord,
    ArticleRecord,
    ContributorRecord,
    FlagRecord,
    IssueRecord,
    PageRecord,
    ParseError,
    PhotoRecord,
)
from newsroom.lib.blocks import BLOCK_SEPARATOR, CROSSHEAD, CROSSHEAD_MARK, PARAGRAPH, Block
from newsroom.lib.bounds import ISSUE_NUMBERS, POSITIONS, YEARS, range_text

MAX_PAGE_BYTES = 5 * 1024 * 1024
# The before/after text all the repairs of one article may quote: 200 characters a repair on
# average, or 1,000,000 in all (real articles quote a few thousand). Only an article repeating
# one passage over and over needs more, and would need space quadratic in its length.
REPAIR_CONTEXT_PER_REPAIR = 200
REPAIR_CONTEXT_AT_LEAST = 1_000_000

# Flag codes.
DECODED_ENCODING = "decoded_encoding"
WEEKDAY_MISMATCH = "weekday_mismatch"
LUNAR_DATE_MISMATCH = "lunar_date_mismatch"
UNASSIGNED_TEXT = "unassigned_text"
JOINED_PARAGRAPHS = "joined_paragraphs"
REMOVED_STRAY_LINE = "removed_stray_line"
REMOVED_FURNITURE = "removed_furniture"
CROSSHEAD_DETECTED = "crosshead_detected"
TRUNCATED_ARTICLE = "truncated_article"
PHOTO_CREDIT_INFERRED = "photo_credit_inferred"
UNATTACHED_CREDIT = "unattached_credit"

# ---------------------------------------------------------------- punctuation and patterns

SENTENCE_FINAL = "。！？!?…：:"
CLOSING_MARKS = "”’」』）)》〉】\"'"
INNER_PUNCTUATION = ",，、;；:：。.!！?？"
# Characters a finished phrase does not end on: a line ending on one runs on.
DANGLING_ENDINGS = "的地得和与及或在以对把被将向从为于是要让使由而并且但等之其这那每各该"
REPORTING_VERBS = (
    "强调", "指出", "希望", "表示", "认为", "要求", "介绍", "告诉", "透露", "提出",
    "坦言", "感慨", "直言", "说道", "寄语", "勉励", "号召", "称赞", "宣布", "呼吁",
)  # fmt: skip
CONTINUING_OPENERS = "和与及并而或的之”’」』）)》、,，。"
CJK = r"\u3400-\u9fff"
NAME = rf"[{CJK}·•]{{2,6}}"
ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("特约记者", SPECIAL_CORRESPONDENT),
    ("见习记者", TRAINEE_REPORTER),
    ("摄影记者", PHOTOGRAPHER),
    ("本报记者", REPORTER),
    ("记者", REPORTER),
    ("通讯员", CORRESPONDENT),
    ("实习生", INTERN),
)
ROLE = "|".join(word for word, _ in ROLE_WORDS)
ROLE_OF = dict(ROLE_WORDS)
# A role may name its newsroom first: 新华社记者, 人民网记者.
CREDIT_ROLE = rf"(?:[{CJK}]{{1,5}}?(?:社|报|网|台))?(?:{ROLE})"
CREDIT_ROLE_RE = re.compile(rf"(?:[{CJK}]{{1,5}}?(?:社|报|网|台))?({ROLE})")

DATELINE = (
    rf"(?:本报|[{CJK}]{{1,6}}?(?:社|网|台|报))[{CJK}]{{0,8}}?"
    rf"(?:\d{{1,2}}月\d{{1,2}}日)?(?:电|讯)"
)
BYLINE_RE = re.compile(
    rf"^(?P<dateline>{DATELINE})?\s*"
    rf"(?:[(（](?P<bracketed>{CREDIT_ROLE}[^)）]{{1,60}})[)）]"
    rf"|(?P<credits>{CREDIT_ROLE}[^。，,；;！？!?]{{1,60}}?)(?P<photo>摄影)?报道)\s*"
)
DATELINE_ONLY_RE = re.compile(rf"^(?P<dateline>{DATELINE})\s+")
CREDIT_LINE_RE = re.compile(
    rf"^(?:(?P<role>{CREDIT_ROLE})\s*(?P<names>{NAME}(?:[\s、]+{NAME})*)\s*"
    rf"|(?P<bare>{NAME}(?:[\s、]+{NAME})*)\s+)(?:摄影|摄)$"
)
INLINE_CREDIT_RE = re.compile(
    rf"(?<=[{re.escape(SENTENCE_FINAL + CLOSING_MARKS)}])\s*"
    rf"(?P<credit>{CREDIT_ROLE}\s*{NAME}(?:[\s、]+{NAME})*\s*(?:摄影|摄))$"
)
TIME_SPAN_END_RE = re.compile(
    r"(?:以来|之际|期间|前夕|[0-9零〇一二两三四五六七八九十百]+(?:个月|周年|年|天|周))$"
)
PHONE_ONLY_RE = re.compile(r"[\d\s\-－—()（）+/]+")
PAGE_MARK_RE = re.compile(r"第?[A-Z]?\d{1,2}版")
# A jump line: (下转第2版), 上接第1版, 更多内容见第5版.
JUMP_LINE_RE = re.compile(r"(?:转|接|见)第?[A-Z]?\d{1,2}版")
FURNITURE_PHRASES = (
    "新闻服务热线", "新闻热线", "服务热线", "读者热线", "广告热线", "订阅热线", "发行热线",
    "举报电话", "投稿邮箱", "投稿信箱", "本版编辑", "责任编辑", "美术编辑", "版式设计",
    "版面设计", "责任校对", "值班编辑", "本版责编", "责编", "美编", "校对",
)  # fmt: skip

HEADING_RE = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
CROSSHEAD_LINE_RE = re.compile(r"^#{3,6}\s+(?P<text>.+?)\s*#*$")
IMAGE_LINE_RE = re.compile(r"^(?:!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>)$", re.I)
NAME_LINE_RE = re.compile(r"^#(?!#)\s*(.+?)\s*#*\s*$")
BOLD_LINE_RE = re.compile(r"^\*\*(?P<text>[^*].*?)\*\*\s*$")

GREGORIAN_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
LUNAR_RE = re.compile(
    r"([甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥])年\s*"
    r"(闰?(?:十[一二]|[正一二三四五六七八九十冬腊]))月\s*"
    r"(初[一二三四五六七八九十]|十[一二三四五六七八九]|二十|廿[一二三四五六七八九]|三十|卅)"
)
WEEKDAY_RE = re.compile(r"(?:星期|礼拜)([一二三四五六日天])")
MASTHEAD_FIELDS: dict[str, re.Pattern[str]] = {
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
AD_PHONE_RE = re.compile(
    r"(?:电话银行|客户服务热线|客服热线|服务热线|热线|客服电话|服务电话|咨询电话|电话)"
    r"\s*[:：]?\s*(\d[\d\-－]{3,}\d)"
)
WEBSITE_RE = re.compile(
    r"(?<![@A-Za-z0-9.\-])(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|info)(?:\.cn)?\b(?![@.])",
    re.I,
)
LEADING_LATIN_RE = re.compile(rf"^[A-Za-z0-9&.'\- ]+\s+(?=[{CJK}])")
WEEKDAYS = "一二三四五六日"
MONTH_ALIASES = {"十一": "冬", "十二": "腊", "一": "正"}
DAY_ALIASES = {"卅": "三十"}

# ------------------------------------------------------------------------------ reading bytes


GB18030 = "gb18030"
# Byte-order marks and the encodings they name; UTF-32 LE's mark starts like UTF-16 LE's.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Text in these encodings, read without a mark, has NUL bytes in every ASCII character
# (newlines, digits, '#': 7% of a seed page's bytes in UTF-16); read as any other of them
# it has no newline or a NUL character. A stray NUL or two in a UTF-8 file is not that.
UNMARKED_WIDE_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
WIDE_TEXT_NUL_SHARE = 0.01


def read_page(data: bytes, source: str) -> PageRecord:
    """Decode a page file's bytes and parse it; refuse empty, binary and oversized files."""
    if not data:
        raise ParseError(
            source, None, "empty file (0 bytes); export the page from the OCR tool again"
        )
    if len(data) > MAX_PAGE_BYTES:
        raise ParseError(
            source,
            None,
            f"file is {len(data):,} bytes, over the {MAX_PAGE_BYTES:,}-byte (5 MB) limit for "
            "one page; check it is a single page's Markdown",
        )
    text, encoding = decode_page(data, source)
    page = parse_page(text, source, sha256=hashlib.sha256(data).hexdigest(), encoding=encoding)
    if encoding != GB18030:
        return page  # UTF-8, or an encoding its byte-order mark names: no guess to review
    note = FlagRecord(
        code=DECODED_ENCODING,
        message=f"file is not UTF-8; decoded it as {encoding.upper()} (GBK/GB2312 are subsets)",
        lines=(0, 0),
        params=(("encoding", encoding.upper()),),
    )
    return replace(page, flags=(note, *page.flags))


def decode_page(data: bytes, source: str) -> tuple[str, str]:
    """Return the text and the name of the encoding it was read from.

    A byte-order mark names the encoding (UTF-8, UTF-16 or UTF-32); otherwise the text
    is UTF-8, else GB18030 (GBK and GB2312 are subsets). A file that reads as Big5 but
    not as GB18030, or as UTF-16/32 without a mark, is refused naming that encoding.
    """
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            text = decode_as(data, len(mark), encoding, source)
            if encoding == "utf-8" and "\x00" not in text:
                return text, encoding
            break
    else:
        if b"\x00" in data:
            raise unmarked_or_binary(data, source)
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        encoding = GB18030
        text = decode_as(data, 0, GB18030, source)
        if not GREGORIAN_RE.search(text) and reads_as_big5(data):
            raise ParseError(
                source,
                None,
                "looks like Big5 (traditional Chinese) encoding: it has a masthead date read "
                "as Big5 and none read as GB18030; convert it to UTF-8, e.g. "
                "`iconv -f BIG5 -t UTF-8`",
            )
    # Binary data decodes as UTF-16 or GB18030 more often than as UTF-8: look at what it gave.
    # It has no lines to name: these errors name the file only.
    if "\x00" in text:
        raise ParseError(source, None, "binary data (NUL characters), not a text page")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise ParseError(source, None, "binary data (control characters), not a text page")
    return text, encoding


def decode_as(data: bytes, start: int, encoding: str, source: str) -> str:
    """Decode data[start:] or refuse it, naming the line of the first undecodable bytes."""
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as error:
        offset = start + error.start
        line = data[start:offset].decode(encoding, errors="replace").count("\n") + 1
        if start:
            why = f"the byte-order mark says {encoding.upper()}, but the text is not"
        else:
            why = "neither UTF-8 nor GB18030"
        raise ParseError(
            source,
            line,
            f"undecodable bytes at offset {offset:,}: {why}; re-save the page as UTF-8",
        ) from None


def unmarked_or_binary(data: bytes, source: str) -> ParseError:
    """Return the error for a file with NUL bytes: UTF-16/32 text without a mark, or binary."""
    for encoding in UNMARKED_WIDE_ENCODINGS:
        if data.count(0) < WIDE_TEXT_NUL_SHARE * len(data):
            break
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\n" in text and "\x00" not in text:
            name = encoding.upper().replace("-LE", "LE").replace("-BE", "BE")
            return ParseError(
                source,
                None,
                f"looks like {encoding.upper()} text without a byte-order mark; convert it to "
                f"UTF-8, e.g. `iconv -f {name} -t UTF-8`",
            )
    return ParseError(
        source, None, "binary data (NUL bytes), not a text page; give the .md/.txt export"
    )


def reads_as_big5(data: bytes) -> bool:
    """Tell whether data decodes as Big5 (Microsoft's cp950) and then holds a masthead date."""
    try:
        return bool(GREGORIAN_RE.search(data.decode("cp950")))
    except UnicodeDecodeError:
        return False


# ------------------------------------------------------------------------------- the page


def parse_page(text: str, source: str, *, sha256: str = "", encoding: str = "utf-8") -> PageRecord:
    """Parse a page's Markdown into a PageRecord; raise ParseError for what cannot be read."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    first_heading = next((i for i, line in enumerate(lines) if HEADING_RE.match(line)), len(lines))
    issue, where, page_flags = read_masthead(lines[:first_heading], source)
    if issue.publication in KNOWN_PUBLICATIONS:
        page_flags += masthead_mismatches(issue, KNOWN_PUBLICATIONS[issue.publication], where)
    articles, ads, loose = read_columns(lines, first_heading, source)
    if not articles:
        raise ParseError(
            source,
            None,
            "no articles: found no '## ' heading after the masthead; "
            "each article must start with a line '## headline'",
        )
    page_flags += loose
    return PageRecord(
        source=source,
        sha256=sha256,
        encoding=encoding,
        issue=issue,
        articles=tuple(articles),
        advertisements=tuple(ads),
        flags=tuple(page_flags),
    )


# ---------------------------------------------------------------------------- the masthead


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
    patterns = {"date": GREGORIAN_RE, "lunar_date": LUNAR_RE, "weekday": WEEKDAY_RE}
    found: dict[str, tuple[str, int]] = {}
    for number, raw in enumerate(lines, start=1):
        for name, pattern in (*patterns.items(), *MASTHEAD_FIELDS.items()):
            match = pattern.search(raw.strip())
            if match and name not in found:
                found[name] = (match.group(0 if name in patterns else 1), number)
    return found


def masthead_date(found: dict[str, tuple[str, int]], lines: list[str], source: str) -> dt.date:
    """Return the masthead's Gregorian date, or refuse a missing or impossible one."""
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
            f"impossible date {printed} in the masthead: the year must be within "
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
            source, line, f"impossible date {printed} in the masthead: {why}; correct the date"
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
    """Tell whether a masthead line carries a date or an identifier."""
    patterns = (GREGORIAN_RE, LUNAR_RE, WEEKDAY_RE, *MASTHEAD_FIELDS.values())
    return any(pattern.search(line) for pattern in patterns)


def weekday_flags(issue: IssueRecord, where: dict[str, tuple[int, str]]) -> list[FlagRecord]:
    """Flag a printed weekday that does not fall on the printed date."""
    if not issue.weekday:
        return []
    printed = WEEKDAY_RE.match(issue.weekday).group(1).replace("天", "日")
    expected = WEEKDAYS[issue.date.weekday()]
    if printed == expected:
        return []
    line, original = where["weekday"]
    return [
        FlagRecord(
            code=WEEKDAY_MISMATCH,
            message=f"masthead prints {issue.weekday} but {issue.date.isoformat()} "
            f"is a 星期{expected}",
            lines=(line, line),
            original=original,
            params=(
                ("printed", issue.weekday), ("date", issue.date.isoformat()), ("expected", expected)
            ),
        )
    ]


# lunar_python's Julian day numbers of month starts, less the day's date.toordinal().
_JULIAN_DAY_OF_ORDINAL_ZERO = 1721425


def lunar_date_of(date: dt.date) -> str:
    """Return the lunar date of a day as a paper prints it, e.g. 辛丑年二月初七 (闰 for leap months)."""
    starts, months = _lunar_months(date.year)
    ordinal = date.toordinal()
    month = bisect_right(starts, ordinal) - 1
    return months[month] + LunarUtil.DAY[ordinal - starts[month] + 1]


@lru_cache(maxsize=16)
def _lunar_months(year: int) -> tuple[list[int], list[str]]:
    """Return the first days (as ordinals) and names (辛丑年二月) of the lunar months of a year.

    lunar_python's lunar year *year* runs from the 冬月 before it (which starts by the
    winter solstice) to the 正月 after it, so it covers every day of the Gregorian year.
    Looking a day up here is a bisection; converting each day on its own cost about half
    the time of parsing a page.
    """
    starts, names = [], []
    for month in LunarYear.fromYear(year).getMonths():
        first = Lunar.fromYmd(month.getYear(), month.getMonth(), 1)
        starts.append(month.getFirstJulianDay() - _JULIAN_DAY_OF_ORDINAL_ZERO)
        names.append(f"{first.getYearInGanZhi()}年{first.getMonthInChinese()}月")
    return starts, names


def normalize_lunar(printed: str) -> str:
    """Return a printed lunar date in lunar_python's spelling (十一月 = 冬月, 一月 = 正月, 卅 = 三十)."""
    match = LUNAR_RE.search(printed)
    if not match:
        return printed
    year, month, day = match.groups()
    leap = "闰" if month.startswith("闰") else ""
    month = month.removeprefix("闰")
    return f"{year}年{leap}{MONTH_ALIASES.get(month, month)}月{DAY_ALIASES.get(day, day)}"


def lunar_flags(issue: IssueRecord, where: dict[str, tuple[int, str]]) -> list[FlagRecord]:
    """Flag a printed lunar date that is not the lunar date of the printed Gregorian date."""
    if not issue.lunar_date:
        return []
    expected = lunar_date_of(issue.date)
    if normalize_lunar(issue.lunar_date) == expected:
        return []
    line, original = where["lunar_date"]
    return [
        FlagRecord(
            code=LUNAR_DATE_MISMATCH,
            message=f"masthead prints lunar date {issue.lunar_date} but "
            f"{issue.date.isoformat()} is {expected}",
            lines=(line, line),
            original=original,
            params=(
                ("printed", issue.lunar_date), ("date", issue.date.isoformat()),
                ("expected", expected),
            ),
        )
    ]


# --------------------------------------------------------------------- columns: spans of items


@dataclass
class Span:
    """A run of source lines (0-based, end exclusive) that makes one item of the page."""

    kind: str  # "article", "ad" or "loose"
    start: int
    end: int


def find_spans(lines: list[str], start: int) -> list[Span]:
    """Cut the page after the masthead into articles, advertisements and loose lines."""
    spans: list[Span] = []
    index = start
    while index < len(lines):
        if HEADING_RE.match(lines[index]):
            spans.append(Span("article", index, index + 1))
        elif is_ad_start(lines, index, spans):
            end = index + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            spans.append(Span("ad", index, end))
            index = end
            continue
        elif spans and spans[-1].kind != "ad":
            spans[-1].end = index + 1
        else:
            spans.append(Span("loose", index, index + 1))
        index += 1
    return spans


def is_ad_start(lines: list[str], index: int, spans: list[Span]) -> bool:
    """Tell whether a bold line opens an advertisement.

    A bold line with more lines directly under it is an ad block; a bold line on its own
    is an ad only outside an article (inside one it is a bold crosshead).
    """
    if not BOLD_LINE_RE.match(lines[index].strip()):
        return False
    followed = index + 1 < len(lines) and bool(lines[index + 1].strip())
    return followed or not (spans and spans[-1].kind == "article")


def read_columns(
    lines: list[str], start: int, source: str
) -> tuple[list[ArticleRecord], list[AdvertisementRecord], list[FlagRecord]]:
    """Read every article and advertisement after the masthead, numbered in page order."""
    articles: list[ArticleRecord] = []
    ads: list[AdvertisementRecord] = []
    loose: list[FlagRecord] = []
    photo_count = 0
    for span in find_spans(lines, start):
        if span.kind == "article":
            check_position("article", len(articles) + 1, span.start + 1, source)
            article = read_article(lines, span, len(articles) + 1, photo_count, source)
            for photo in article.photos:
                check_position("photo", photo.position, photo.lines[0], source)
            photo_count += len(article.photos)
            articles.append(article)
        elif span.kind == "ad":
            check_position("advertisement", len(ads) + 1, span.start + 1, source)
            ads.append(read_advertisement(lines, span, len(ads) + 1))
        elif any(line.strip() for line in lines[span.start : span.end]):
            loose.append(
                FlagRecord(
                    code=UNASSIGNED_TEXT,
                    message="text after an advertisement belongs to no article; "
                    "give it a '## ' heading or delete it",
                    lines=(span.start + 1, span.end),
                    original="\n".join(lines[span.start : span.end]),
                )
            )
    return articles, ads, loose


def check_position(what: str, position: int, line: int, source: str) -> None:
    """Refuse an article, photo or advertisement numbered beyond what a page holds."""
    if position not in POSITIONS:
        raise ParseError(
            source,
            line,
            f"{what} number {position:,} on the page is out of range: positions must be within "
            f"{range_text(POSITIONS)}; split the file into pages",
        )


# ------------------------------------------------------------------------------ advertisements


def read_advertisement(lines: list[str], span: Span, position: int) -> AdvertisementRecord:
    """Read a bold ad block: advertiser, text as printed, service phone and website."""
    printed = [clean_line(line).replace("**", "").strip() for line in lines[span.start : span.end]]
    text = "\n".join(printed)
    return AdvertisementRecord(
        advertiser=advertiser_name(printed[0]),
        text=text,
        phone=(match.group(1) if (match := AD_PHONE_RE.search(text)) else ""),
        website=(match.group(0) if (match := WEBSITE_RE.search(text)) else ""),
        lines=(span.start + 1, span.end),
        original_text="\n".join(lines[span.start : span.end]),
        position=position,
    )


def advertiser_name(bold: str) -> str:
    """Return the advertiser from an ad's bold line, without a leading Latin brand (ICBC)."""
    return LEADING_LATIN_RE.sub("", bold).strip()


# ------------------------------------------------------------------------------ paragraphs


@dataclass
class Paragraph:
    """Consecutive non-blank source lines (hard breaks kept as separate lines)."""

    numbers: list[int]  # 1-based line numbers
    texts: list[str]  # the lines without Markdown hard breaks
    blank_before: int  # blank lines right above it

    @property
    def first(self) -> int:
        return self.numbers[0]

    @property
    def last(self) -> int:
        return self.numbers[-1]

    @property
    def text(self) -> str:
        return join_lines(self.texts)


def clean_line(line: str) -> str:
    """Return a line without its Markdown hard break (two trailing spaces or a backslash)."""
    line = line.rstrip()
    return line[:-1].rstrip() if line.endswith("\\") else line


def join_lines(texts: list[str]) -> str:
    """Join hard-broken lines: nothing between Chinese characters, a space between Latin words."""
    joined = ""
    for text in texts:
        if joined and (joined[-1].isascii() and joined[-1].isalnum()) and text[:1].isascii():
            joined += " "
        joined += text
    return joined


IMAGE_SLOT_BLANKS = 2  # an image reference line counts as the blank run of an empty slot


def paragraphs_of(lines: list[str], start: int, end: int) -> list[Paragraph]:
    """Group the lines of a span (0-based, end exclusive) into paragraphs.

    A Markdown image line (``![](...)``) counts as an empty image slot.
    """
    found: list[Paragraph] = []
    blanks = 0
    current: Paragraph | None = None
    for index in range(start, end):
        text = clean_line(lines[index]).strip()
        if not text or IMAGE_LINE_RE.match(text):
            blanks += 1 if not text else IMAGE_SLOT_BLANKS
            current = None
            continue
        if current is None:
            current = Paragraph([], [], blanks)
            found.append(current)
        current.numbers.append(index + 1)
        current.texts.append(text)
        blanks = 0
    return found


# ------------------------------------------------------------------------- sentences and lines


def ends_sentence(text: str) -> bool:
    """Tell whether text ends a sentence (。！？…: possibly inside closing quotes)."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in CLOSING_MARKS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def reads_unfinished(text: str) -> bool:
    """Tell whether a short line reads as the start of a sentence cut off, not as a title."""
    return (
        any(mark in text for mark in INNER_PUNCTUATION)
        or text[-1] in DANGLING_ENDINGS
        or any(verb in text for verb in REPORTING_VERBS)
    )


def looks_like_crosshead(text: str) -> bool:
    """Tell whether a line has a crosshead's shape: short, unpunctuated, complete."""
    return 2 <= len(text) <= 20 and not ends_sentence(text) and not reads_unfinished(text)


def is_furniture(text: str) -> bool:
    """Tell whether a paragraph is page furniture: a phone number, hotline, editor or jump line."""
    if PHONE_ONLY_RE.fullmatch(text) and sum(char.isdigit() for char in text) >= 5:
        return True
    if PAGE_MARK_RE.fullmatch(text):
        return True
    unpunctuated = not any(mark in text for mark in "。，,！？!?")
    if len(text) <= 20 and unpunctuated and JUMP_LINE_RE.search(text):
        return True
    return len(text) <= 30 and unpunctuated and any(phrase in text for phrase in FURNITURE_PHRASES)


def credit_names(credit: str) -> list[str]:
    """Return the names in a photo credit such as 记者邹伟锋 摄 or 通讯员甲、乙 摄."""
    body = re.sub(r"\s*(?:摄影|摄)$", "", credit)
    body = re.sub(rf"^{CREDIT_ROLE}", "", body)
    return [name for name in re.split(r"[\s、]+", body) if name]


def photo_credit_line(text: str) -> list[str] | None:
    """Return the photographers when a line is only a credit (记者邹伟锋 摄), else None."""
    match = CREDIT_LINE_RE.match(text)
    return credit_names(text) if match else None


def split_inline_credit(text: str) -> tuple[str, list[str]] | None:
    """Split 'caption。记者甲 摄' into the caption and the photographers, or return None."""
    match = INLINE_CREDIT_RE.search(text)
    if not match or match.start("credit") == 0:
        return None
    return text[: match.start()].rstrip(), credit_names(match.group("credit"))


# ----------------------------------------------------------------------------- bylines


@dataclass
class Byline:
    dateline: str
    contributors: list[ContributorRecord]
    photographer_byline: bool  # 摄影报道: the reporter also took the photos
    rest: str  # the paragraph's text after the byline


def read_byline(text: str) -> Byline | None:
    """Read a dateline and credits at the start of a paragraph, or return None."""
    match = BYLINE_RE.match(text)
    if match:
        credits = match.group("bracketed") or match.group("credits")
        contributors = parse_credits(credits)
        if contributors:
            photo = bool(match.group("photo"))
            if photo:
                contributors += photographers_of_last_group(credits, contributors)
            return Byline(match.group("dateline") or "", contributors, photo, text[match.end() :])
    match = DATELINE_ONLY_RE.match(text)
    if match:
        return Byline(match.group("dateline"), [], False, text[match.end() :])
    return None


def parse_credits(credits: str) -> list[ContributorRecord]:
    """Return the people named in a credit string (记者甲 见习记者乙、丙); [] if it is not one."""
    people: list[ContributorRecord] = []
    role = ""
    for token in re.split(r"[\s、,，]+", credits.strip()):
        if not token:
            continue
        named = CREDIT_ROLE_RE.match(token)
        if named:
            role, token = ROLE_OF[named.group(1)], token[named.end() :]
        if not token:
            continue
        if not role or not re.fullmatch(NAME, token):
            return []
        people.append(ContributorRecord(token, role))
    return people


def photographers_of_last_group(
    credits: str, contributors: list[ContributorRecord]
) -> list[ContributorRecord]:
    """Return the people of the last role group in a 摄影报道 byline, credited as photographers."""
    last_role = contributors[-1].role
    group: list[ContributorRecord] = []
    for person in reversed(contributors):
        if person.role != last_role:
            break
        group.insert(0, ContributorRecord(person.name, PHOTOGRAPHER))
    return group


# --------------------------------------------------------------------------------- headings


def split_heading(heading: str) -> tuple[str, str, str]:
    """Split a printed heading into kicker, headline and subheadline (see the module docstring).

    Joining the non-empty parts with single spaces always gives ``heading`` back.
    """
    if (
        not heading
        or heading != heading.strip()
        or re.search(r"\s{2,}|[\t\n]", heading)
        or heading.count(" ") > 60
    ):  # no heading prints 60 lines; splitting more is quadratic
        return "", heading, ""
    units = heading_units(heading.split(" "))
    if len(units) < 2:
        return "", heading, ""
    kicker: list[str] = []
    if opens_with_kicker(units[0]):
        kicker, units = [units[0]], units[1:]
    subheadline = ""
    sizes = [printed_length(unit) for unit in units]
    if len(units) >= 2 and is_smaller_type(sizes[-1], max(sizes[:-1])):
        subheadline, units, sizes = units[-1], units[:-1], sizes[:-1]
    if not kicker:
        for cut in range(1, len(units)):
            if is_smaller_type(min(sizes[:cut]), max(sizes[cut:])):
                kicker, units = units[:cut], units[cut:]
                break
    return " ".join(kicker), " ".join(units), subheadline


def heading_units(segments: list[str]) -> list[str]:
    """Merge heading segments that continue the one before (和…, 的…, a closing mark)."""
    units: list[str] = []
    for segment in segments:
        continues = segment[0] in CONTINUING_OPENERS or (units and units[-1][-1] in "“‘「《(（、")
        if units and continues:
            units[-1] += " " + segment
        else:
            units.append(segment)
    return units


def opens_with_kicker(unit: str) -> bool:
    """Tell whether a heading's first segment is a kicker: it reports speech or sets the time."""
    return unit.endswith(REPORTING_VERBS) or bool(TIME_SPAN_END_RE.search(unit))


def printed_length(unit: str) -> int:
    """Return how many characters a heading segment prints, spaces excluded."""
    return len(unit.replace(" ", ""))


def is_smaller_type(length: int, headline_length: int) -> bool:
    """Tell whether a heading line of this length is set smaller than the headline's lines."""
    return length >= 10 and length >= 1.25 * headline_length


# --------------------------------------------------------------------------------- articles


@dataclass
class Entry:
    """A body paragraph on its way into blocks, or a line the repairs removed."""

    text: str
    first: int
    last: int
    removed: str = ""  # "" (kept), REMOVED_FURNITURE or REMOVED_STRAY_LINE
    copy_of: int = 0  # for a stray copy: the line of the text it copies
    marked: bool = False  # a bold or '### ' line of its own: a crosshead by markup

    def remove_as_copy_of(self, copy: Entry) -> None:
        """Mark this entry removed as a stray copy of text that also stands in ``copy``."""
        self.removed = REMOVED_STRAY_LINE
        self.copy_of = copy.first

    @property
    def why(self) -> str:
        """Say why the entry was removed (for its flag's message)."""
        if self.removed == REMOVED_STRAY_LINE:
            return f"stray copy of text that also stands at line {self.copy_of}"
        if self.removed == REMOVED_FURNITURE:
            return "page furniture (hotline, phone number, editor or jump line) inside the article"
        return ""


@dataclass
class Anchor:
    """Where a repair sits in a block, and what undoing it puts back."""

    code: str
    message: str
    lines: tuple[int, int]
    offset: int  # in the rendered block
    length: int  # characters of the rendered block the repair produced
    undo: str  # the text that replaces them on undo
    params: tuple[tuple[str, str], ...] = ()


@dataclass
class Draft:
    """A block being assembled from entries, with the repairs made inside it.

    A paragraph may be joined from thousands of entries, so its text is kept as pieces
    (joined once, at the end) with its length and sentence end updated as pieces come.
    """

    type: str
    last: int  # the last source line its text came from
    anchors: list[Anchor] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    length: int = 0
    finished: bool = False  # ends_sentence(text)
    # What ends_sentence(text) would say without stripping trailing whitespace first: the
    # answer when the next piece is only closing marks (and spaces).
    finished_unstripped: bool = False

    def add(self, piece: str) -> None:
        """Append a piece of text, keeping the length and the sentence end up to date."""
        stripped = piece.rstrip()
        core = stripped.rstrip(CLOSING_MARKS)
        unstripped_core = piece.rstrip(CLOSING_MARKS)
        if core:
            self.finished = core[-1] in SENTENCE_FINAL
        elif stripped:  # only closing marks before the trailing spaces: look past them
            self.finished = self.finished_unstripped
        if unstripped_core:
            self.finished_unstripped = unstripped_core[-1] in SENTENCE_FINAL
        self.pieces.append(piece)
        self.length += len(piece)

    @property
    def text(self) -> str:
        return "".join(self.pieces)

    @property
    def rendered(self) -> str:
        return CROSSHEAD_MARK + self.text if self.type == CROSSHEAD else self.text

    @property
    def rendered_length(self) -> int:
        return self.length + (len(CROSSHEAD_MARK) if self.type == CROSSHEAD else 0)

    def tail(self, count: int) -> str:
        """Return the last ``count`` characters of the text, joining only the last pieces."""
        pieces: list[str] = []
        size = 0
        for piece in reversed(self.pieces):
            pieces.append(piece)
            size += len(piece)
            if size >= count:
                break
        return "".join(reversed(pieces))[-count:]


@dataclass
class Caption:
    paragraph: Paragraph
    text: str
    photographers: list[str]
    last: int  # last line, the credit's when it stands apart


def read_article(
    lines: list[str], span: Span, position: int, photos_before: int, source: str
) -> ArticleRecord:
    """Read one article span: heading, byline, photos, repaired body, flags."""
    heading = HEADING_RE.match(lines[span.start]).group(1).strip()
    if not heading:
        raise ParseError(
            source, span.start + 1, "empty '## ' heading; type the headline or delete the line"
        )
    kicker, headline, subheadline = split_heading(heading)
    paragraphs = paragraphs_of(lines, span.start + 1, span.end)
    common = dict(
        heading=heading,
        kicker=kicker,
        headline=headline,
        subheadline=subheadline,
        lines=(span.start + 1, span.end),
        original_text="\n".join(lines[span.start : span.end]),
        position=position,
    )
    try:
        if is_photo_news(paragraphs):
            return read_photo_news(lines, paragraphs, photos_before, common)
        return read_story(lines, paragraphs, photos_before, common)
    except RepeatedText as error:
        raise ParseError(
            source,
            span.start + 1,
            f"the article repeats the same text so often that its {error.repairs:,} "
            "column-break repairs cannot be told apart (each repair's before/after would have "
            "to quote most of the article); delete the repeated lines",
        ) from None


def is_photo_news(paragraphs: list[Paragraph]) -> bool:
    """Tell whether an item is photo news: short, no 报道 byline, one closing 摄 credit."""
    texts = [p for p in paragraphs if not is_furniture(p.text)]
    if not texts:
        return False
    credits = [p for p in texts if closing_credit(p) is not None]
    has_report_byline = any(
        (byline := read_byline(p.text)) is not None and byline.contributors for p in texts
    )
    length = sum(len(p.text) for p in texts)
    return not has_report_byline and len(credits) == 1 and credits[0] is texts[-1] and length <= 600


def closing_credit(paragraph: Paragraph) -> tuple[str, list[str]] | None:
    """Return (text before, photographers) when a paragraph ends in a 摄 credit, else None."""
    whole = photo_credit_line(paragraph.text)
    if whole:
        return "", whole
    last_line = photo_credit_line(paragraph.texts[-1]) if len(paragraph.texts) > 1 else None
    if last_line:
        return join_lines(paragraph.texts[:-1]), last_line
    return split_inline_credit(paragraph.text)


def read_photo_news(
    lines: list[str], paragraphs: list[Paragraph], photos_before: int, common: dict
) -> ArticleRecord:
    """Read a photo-news item: its text is the body and the one photo's caption."""
    credit_paragraph = next(p for p in reversed(paragraphs) if closing_credit(p) is not None)
    before, names = closing_credit(credit_paragraph)
    entries = [entry_of(p, before if p is credit_paragraph else p.text) for p in paragraphs]
    entries = [e for e in entries if e.text or e.removed]
    blocks, flags = repair_body(entries, lines)
    contributors = tuple(ContributorRecord(name, PHOTOGRAPHER) for name in names)
    first_line = paragraphs[0].first
    photo = PhotoRecord(
        caption="\n".join(block.text for block in blocks),
        contributors=contributors,
        lines=(first_line, credit_paragraph.last),
        original_text="\n".join(lines[first_line - 1 : credit_paragraph.last]),
        position=photos_before + 1,
    )
    flags += truncation_flags(blocks, common["lines"])
    return ArticleRecord(
        kind=PHOTO_NEWS,
        dateline="",
        contributors=contributors,
        blocks=tuple(blocks),
        photos=(photo,),
        truncated=any(f.code == TRUNCATED_ARTICLE for f in flags),
        flags=tuple(flags),
        **common,
    )


def read_story(
    lines: list[str], paragraphs: list[Paragraph], photos_before: int, common: dict
) -> ArticleRecord:
    """Read a reported article: byline, photo captions, body with column-break repairs."""
    captions, credits_left, body = sort_paragraphs(paragraphs)
    flags: list[FlagRecord] = [unattached_credit_flag(p) for p in credits_left]
    entries = [entry_of(p, p.text) for p in body]
    byline = None
    kept = [e for e in entries if not e.removed]
    if kept:
        byline = read_byline(kept[0].text)
        if byline:
            kept[0].text = byline.rest.strip()
    entries = [e for e in entries if e.text or e.removed]
    blocks, repair_flags = repair_body(entries, lines)
    photographer = (
        next((c.name for c in byline.contributors if c.role == PHOTOGRAPHER), "")
        if byline and byline.photographer_byline
        else ""
    )
    photos, photo_flags = photos_of(lines, captions, photographer, photos_before)
    flags += photo_flags + repair_flags + truncation_flags(blocks, common["lines"])
    return ArticleRecord(
        kind=ARTICLE,
        dateline=byline.dateline if byline else "",
        contributors=tuple(byline.contributors) if byline else (),
        blocks=tuple(blocks),
        photos=tuple(photos),
        truncated=any(f.code == TRUNCATED_ARTICLE for f in flags),
        flags=tuple(flags),
        **common,
    )


def sort_paragraphs(
    paragraphs: list[Paragraph],
) -> tuple[list[Caption], list[Paragraph], list[Paragraph]]:
    """Sort an article's paragraphs into photo captions, stray credits and body paragraphs."""
    captions: list[Caption] = []
    stray_credits: list[Paragraph] = []
    body: list[Paragraph] = []
    skip = set()
    for index, paragraph in enumerate(paragraphs):
        if index in skip:
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        own = closing_credit(paragraph)
        if own is not None and own[0] == "":
            stray_credits.append(paragraph)
        elif own is not None:
            captions.append(Caption(paragraph, own[0], own[1], paragraph.last))
        elif following is not None and photo_credit_line(following.text):
            names = photo_credit_line(following.text)
            captions.append(Caption(paragraph, paragraph.text, names, following.last))
            skip.add(index + 1)
        elif (
            paragraph.blank_before >= 2
            and len(paragraph.text) <= 40
            and ends_sentence(paragraph.text)
        ):
            captions.append(Caption(paragraph, paragraph.text, [], paragraph.last))
        else:
            body.append(paragraph)
    return captions, stray_credits, body


def unattached_credit_flag(paragraph: Paragraph) -> FlagRecord:
    """Flag a 摄 credit that follows no caption (left out of the body)."""
    return FlagRecord(
        code=UNATTACHED_CREDIT,
        message=f"photo credit '{paragraph.text}' follows no caption; left out of the body",
        lines=(paragraph.first, paragraph.last),
        original="\n".join(paragraph.texts),
        params=(("credit", paragraph.text),),
    )


def photos_of(
    lines: list[str], captions: list[Caption], photographer: str, photos_before: int
) -> tuple[list[PhotoRecord], list[FlagRecord]]:
    """Make the photo records of an article's captions, inferring a missing credit from 摄影."""
    photos: list[PhotoRecord] = []
    flags: list[FlagRecord] = []
    for caption in captions:
        names = caption.photographers
        first = caption.paragraph.first
        original = "\n".join(lines[first - 1 : caption.last])
        if not names and photographer:
            names = [photographer]
            flags.append(
                FlagRecord(
                    code=PHOTO_CREDIT_INFERRED,
                    message=f"caption '{caption.text}' carries no credit; credited to "
                    f"{photographer}, whose byline says 摄影 (took the photos)",
                    lines=(first, caption.last),
                    original=original,
                    params=(("caption", caption.text), ("photographer", photographer)),
                )
            )
        photos.append(
            PhotoRecord(
                caption=caption.text,
                contributors=tuple(ContributorRecord(name, PHOTOGRAPHER) for name in names),
                lines=(first, caption.last),
                original_text=original,
                position=photos_before + len(photos) + 1,
            )
        )
    return photos, flags


def entry_of(paragraph: Paragraph, text: str) -> Entry:
    """Make a body entry of a paragraph: furniture is marked removed, markup crossheads kept."""
    entry = Entry(text, paragraph.first, paragraph.last)
    single = len(paragraph.texts) == 1
    markup = (BOLD_LINE_RE.match(text) or CROSSHEAD_LINE_RE.match(text)) if single else None
    if markup:
        entry.text, entry.marked = markup.group("text").strip(), True
    elif is_furniture(paragraph.text):
        entry.removed = REMOVED_FURNITURE
    return entry


def truncation_flags(blocks: list[Block], span: tuple[int, int]) -> list[FlagRecord]:
    """Flag an article whose last paragraph stops mid-sentence."""
    if not blocks or blocks[-1].type != PARAGRAPH or ends_sentence(blocks[-1].text):
        return []
    tail = blocks[-1].text[-12:]
    return [
        FlagRecord(
            code=TRUNCATED_ARTICLE,
            message=f"the article ends mid-sentence ('…{tail}'); the rest is probably "
            "on another page or lost in OCR",
            lines=span,
            params=(("tail", tail),),
        )
    ]


# ----------------------------------------------------------------------------------- repairs


def repair_body(entries: list[Entry], lines: list[str]) -> tuple[list[Block], list[FlagRecord]]:
    """Repair column breaks in an article's body and return its blocks and repair flags."""
    mark_stray_copies(entries)
    drafts: list[Draft] = []
    pending: list[list[Entry]] = []
    kept = [e for e in entries if not e.removed]
    for entry in entries:
        if entry.removed:
            add_removed(pending, entry)
            continue
        previous = drafts[-1] if drafts else None
        removed = merged_runs(pending) if pending else []
        if entry.marked:
            drafts.append(new_draft(CROSSHEAD, entry, removed))
        elif previous and previous.type == PARAGRAPH and not previous.finished:
            join_entry(previous, entry, removed)
        elif is_crosshead(entry, previous, has_next=entry is not kept[-1]):
            drafts.append(new_draft(CROSSHEAD, entry, removed))
            drafts[-1].anchors.append(crosshead_anchor(entry))
        else:
            drafts.append(new_draft(PARAGRAPH, entry, removed))
        pending = []
    removed = merged_runs(pending)
    if removed and drafts:
        offset = drafts[-1].rendered_length
        drafts[-1].anchors += [removal_anchor(e, offset, "\n\n" + e.text) for e in removed]
        removed = []
    return blocks_and_flags(drafts, removed, lines)


def add_removed(pending: list[list[Entry]], entry: Entry) -> None:
    """Queue a removed entry, in one run with the removals of the same kind right before it."""
    if pending and pending[-1][-1].removed == entry.removed:
        pending[-1].append(entry)
    else:
        pending.append([entry])


def merged_runs(pending: list[list[Entry]]) -> list[Entry]:
    """Return each queued run of removals as one entry (the texts joined, the first's reason)."""
    return [
        replace(run[0], text=BLOCK_SEPARATOR.join(e.text for e in run), last=run[-1].last)
        for run in pending
    ]


def is_crosshead(entry: Entry, previous: Draft | None, *, has_next: bool) -> bool:
    """Tell whether an entry is a crosshead: a title-like line between finished paragraphs."""
    return (
        previous is not None and previous.finished and has_next and looks_like_crosshead(entry.text)
    )


STRAY_LENGTHS = range(6, 31)  # a stray fragment is a short line: 6 to 30 characters
STRAY_KEY = STRAY_LENGTHS[0]  # fragments are looked up by their first 6 characters
# Up to this many characters searched (fragments x article), searching at C speed beats indexing.
STRAY_SEARCH_LIMIT = 2_000_000


def is_stray_candidate(entry: Entry) -> bool:
    """Tell whether an entry could be a stray fragment: kept, short and unfinished."""
    return not entry.removed and len(entry.text) in STRAY_LENGTHS and not ends_sentence(entry.text)


def mark_stray_copies(entries: list[Entry], *, search_limit: int | None = None) -> None:
    """Mark short unfinished fragments that repeat text found elsewhere in the article.

    Entries are taken in order; a fragment is compared with the entries not removed so far:
    the first one containing it is the copy it repeats, unless an equal one (its twin) stands.
    The fragments are indexed by their text, so the work grows with the article's length,
    not with the number of pairs of entries (``search_limit``: see entries_containing).
    """
    kept = [e for e in entries if not e.removed]
    fragments = {e.text for e in kept if is_stray_candidate(e)}
    if not fragments:
        return
    containing = entries_containing(kept, fragments, search_limit=search_limit)
    equal = {fragment: Standing(kept) for fragment in fragments}
    for index, entry in enumerate(kept):
        if entry.text in equal:
            equal[entry.text].indexes.append(index)
    for index, entry in enumerate(kept):
        if not is_stray_candidate(entry):
            continue
        other = containing[entry.text].first(skip=index)
        if other is None:
            continue
        twin = equal[entry.text].first(skip=index)
        stray = index if twin is None else pick_stray(kept, index, twin)
        copy = index if stray == twin else (other if twin is None else twin)
        kept[stray].remove_as_copy_of(kept[copy])


@dataclass
class Standing:
    """The entries (indexes into kept, ascending) that hold a fragment; some may be removed.

    Removal is permanent, so ``head`` moves past removed entries once and for all: asking
    for the first entry still standing costs, over all the asks, about the list's length.
    """

    kept: list[Entry]
    indexes: list[int] = field(default_factory=list)
    head: int = 0

    def first(self, *, skip: int) -> int | None:
        """Return the first index other than ``skip`` whose entry is not removed, or None."""
        while self.head < len(self.indexes) and self.kept[self.indexes[self.head]].removed:
            self.head += 1
        at = self.head
        while at < len(self.indexes) and (
            self.indexes[at] == skip or self.kept[self.indexes[at]].removed
        ):
            at += 1
        return self.indexes[at] if at < len(self.indexes) else None


def entries_containing(
    kept: list[Entry], fragments: set[str], *, search_limit: int | None = None
) -> dict[str, Standing]:
    """Return, for each fragment, the entries whose text contains it (the fragment's own too).

    A usual article has a handful of fragments, each searched for in every entry (up to
    ``search_limit`` characters searched in all). A long one is read once, character by
    character: at each place, the fragments that start with the next 6 characters (at most
    one per length) are looked up in a dict.
    """
    containing = {fragment: Standing(kept) for fragment in fragments}
    limit = STRAY_SEARCH_LIMIT if search_limit is None else search_limit
    if len(fragments) * sum(len(e.text) for e in kept) <= limit:
        for fragment, holders in containing.items():
            holders.indexes = [index for index, e in enumerate(kept) if fragment in e.text]
        return containing
    lengths: dict[str, set[int]] = {}
    for fragment in fragments:
        lengths.setdefault(fragment[:STRAY_KEY], set()).add(len(fragment))
    for index, entry in enumerate(kept):
        text = entry.text
        for start in range(len(text) - STRAY_KEY + 1):
            for length in lengths.get(text[start : start + STRAY_KEY], ()):
                holders = containing.get(text[start : start + length])
                if holders is not None and (not holders.indexes or holders.indexes[-1] != index):
                    holders.indexes.append(index)
    return containing


def pick_stray(kept: list[Entry], one: int, other: int) -> int:
    """Return which of two equal fragments (indexes into kept) is the stray: the one cutting into a sentence."""

    def interrupts(index: int) -> bool:
        return index > 0 and not ends_sentence(kept[index - 1].text)

    if interrupts(other) and not interrupts(one):
        return other
    return one


def new_draft(kind: str, entry: Entry, removed: list[Entry]) -> Draft:
    """Start a block with an entry, recording the lines removed just before it."""
    draft = Draft(kind, entry.last)
    draft.add(entry.text)
    draft.anchors += [removal_anchor(gone, 0, gone.text + "\n\n") for gone in removed]
    return draft


def join_entry(draft: Draft, entry: Entry, removed: list[Entry]) -> None:
    """Run an entry on into the unfinished paragraph before it, recording the repairs.

    A line removed at the join point sits between the two halves, so undoing its
    removal puts back both the line and the paragraph break around it.
    """
    offset = draft.rendered_length
    draft.anchors += [removal_anchor(gone, offset, "\n\n" + gone.text + "\n\n") for gone in removed]
    draft.anchors.append(
        Anchor(
            code=JOINED_PARAGRAPHS,
            message=f"joined a paragraph cut mid-sentence ('…{draft.tail(8)}') with its "
            f"continuation at line {entry.first} ('{entry.text[:8]}…')",
            params=(
                ("tail", draft.tail(8)), ("line", str(entry.first)), ("head", entry.text[:8])
            ),
            lines=(draft.last, entry.last),
            offset=offset,
            length=0,
            undo="\n\n",
        )
    )
    draft.add(entry.text)
    draft.last = entry.last


def crosshead_anchor(entry: Entry) -> Anchor:
    """Record a line made a crosshead; undoing it drops the crosshead mark."""
    return Anchor(
        code=CROSSHEAD_DETECTED,
        message=f"'{entry.text}' stands alone between finished paragraphs and has no "
        "punctuation: made it a crosshead (小标题)",
        params=(("text", entry.text),),
        lines=(entry.first, entry.last),
        offset=0,
        length=len(CROSSHEAD_MARK),
        undo="",
    )


def removal_anchor(entry: Entry, offset: int, undo: str) -> Anchor:
    """Record a removed line (furniture or stray copy) at a place in a block."""
    return Anchor(
        code=entry.removed,
        message=removal_message(entry),
        params=removal_params(entry),
        lines=(entry.first, entry.last),
        offset=offset,
        length=0,
        undo=undo,
    )


REPAIR_ORDER = {
    REMOVED_FURNITURE: 0,
    REMOVED_STRAY_LINE: 1,
    JOINED_PARAGRAPHS: 2,
    CROSSHEAD_DETECTED: 3,
}


def blocks_and_flags(
    drafts: list[Draft], unplaced: list[Entry], lines: list[str]
) -> tuple[list[Block], list[FlagRecord]]:
    """Turn drafts into blocks, and anchors into flags whose before/after undo each repair.

    Flags come in the order the repairs were made (removals, joins, crossheads), so that
    undoing them in that order restores the printed paragraphs.
    """
    blocks = [Block(d.type, d.text) for d in drafts]
    body = BLOCK_SEPARATOR.join(
        CROSSHEAD_MARK + block.text if block.type == CROSSHEAD else block.text for block in blocks
    )
    placed: list[tuple[int, Anchor]] = []
    start = 0
    for draft in drafts:
        placed += [(start + anchor.offset, anchor) for anchor in draft.anchors]
        start += draft.rendered_length + len(BLOCK_SEPARATOR)
    placed.sort(key=lambda item: (REPAIR_ORDER[item[1].code], item[1].lines))
    windows = UniqueWindows(body, repairs=len(placed))
    allowed = max(REPAIR_CONTEXT_AT_LEAST, REPAIR_CONTEXT_PER_REPAIR * len(placed))
    flags: list[FlagRecord] = []
    for at, anchor in placed:
        flags.append(undoable_flag(windows, at, anchor, lines))
        allowed -= len(flags[-1].before) + len(flags[-1].after)
        if allowed < 0:
            raise RepeatedText(len(placed))
    flags += [
        FlagRecord(
            code=e.removed,
            message=removal_message(e),
            lines=(e.first, e.last),
            original=source_lines(lines, e.first, e.last),
            params=removal_params(e),
        )
        for e in unplaced
    ]
    return blocks, flags


class RepeatedText(Exception):
    """An article's repairs would quote more text than REPAIR_CONTEXT_* allow (read_article
    turns this into a ParseError naming the article's heading line)."""

    def __init__(self, repairs: int) -> None:
        super().__init__(repairs)
        self.repairs = repairs


def quoted_run(entry: Entry) -> str:
    """Return the text of a removed entry (or run) quoted for a message."""
    return " / ".join(f"'{text}'" for text in entry.text.split(BLOCK_SEPARATOR))


def removal_message(entry: Entry) -> str:
    """Return the (English) message of a removed entry's flag."""
    where = "line" if entry.first == entry.last else "lines"
    return f"removed {quoted_run(entry)} at {where} {_span(entry)}: {entry.why}"


def removal_params(entry: Entry) -> tuple[tuple[str, str], ...]:
    """Return the values of a removal's message: the text, its lines, and (a stray copy) the
    line of the text it copies."""
    params = [("text", quoted_run(entry)), ("lines", _span(entry))]
    if entry.copy_of:
        params.append(("copy", str(entry.copy_of)))
    return tuple(params)


def _span(entry: Entry) -> str:
    """Return "N" or "N-M": the lines an entry stands on."""
    return str(entry.first) if entry.first == entry.last else f"{entry.first}-{entry.last}"


def source_lines(lines: list[str], first: int, last: int) -> str:
    """Return the verbatim source lines first..last (1-based, inclusive)."""
    return "\n".join(lines[first - 1 : last])


def undoable_flag(windows: UniqueWindows, at: int, anchor: Anchor, lines: list[str]) -> FlagRecord:
    """Make a repair flag whose ``after`` occurs once in the body and ``before`` undoes it."""
    end = at + anchor.length
    low, high = windows.around(at, end)
    body = windows.body
    return FlagRecord(
        code=anchor.code,
        message=anchor.message,
        params=anchor.params,
        lines=anchor.lines,
        original=source_lines(lines, *anchor.lines),
        before=body[low:at] + anchor.undo + body[end:high],
        after=body[low:high],
    )


class UniqueWindows:
    """Find, around each repair, the smallest window of the body that occurs there only once.

    A window starts 3 characters either side of the repair and grows by 2 a side until it
    occurs once (or is the whole body). A short body is simply searched for each window.
    A long body with many repairs would be searched thousands of times over, so it is
    indexed once instead: the places where each run of ``GRAM`` characters starts. Every
    other occurrence of a window holds each run of the window at the same distance from its
    start, so the window is compared only at the other places of its rarest run; a common
    window is told apart at its first few places, and when a run has too many the body is
    searched.
    """

    GRAM = 6
    INDEX_ABOVE = 1_000_000  # characters searched (body length x repairs) before indexing
    # A search runs through the body at C speed; comparing a window at one place costs about
    # as much as searching 100 characters, so that many places are compared at most.
    CHARACTERS_PER_PLACE = 100

    def __init__(self, body: str, *, repairs: int) -> None:
        self.body = body
        self.places: dict[str, list[int]] | None = None
        self.many_places = max(64, len(body) // self.CHARACTERS_PER_PLACE)
        self.searches = 0  # windows looked for by searching the whole body (for tests)
        if len(body) * repairs > self.INDEX_ABOVE:
            self.places = {}
            for start in range(len(body) - self.GRAM + 1):
                self.places.setdefault(body[start : start + self.GRAM], []).append(start)

    def around(self, at: int, end: int) -> tuple[int, int]:
        """Return the bounds (low, high) of the smallest unique window around body[at:end].

        A window that occurs once still does when it grows, so the smallest one is found by
        doubling the growth steps until a window is unique, then halving back: a long repeated
        passage costs a few dozen checks, not one per two characters.
        """
        if self.settled(at, end, 0):
            return self.bounds(at, end, 0)
        too_few, enough = 0, 1
        while not self.settled(at, end, enough):
            too_few, enough = enough, enough * 2
        while enough - too_few > 1:
            middle = (too_few + enough) // 2
            if self.settled(at, end, middle):
                enough = middle
            else:
                too_few = middle
        return self.bounds(at, end, enough)

    def bounds(self, at: int, end: int, steps: int) -> tuple[int, int]:
        """Return the window grown ``steps`` times: 3 + 2 x steps characters either side."""
        reach = 3 + 2 * steps
        return max(0, at - reach), min(len(self.body), end + reach)

    def settled(self, at: int, end: int, steps: int) -> bool:
        """Tell whether the window grown ``steps`` times occurs once or is the whole body."""
        low, high = self.bounds(at, end, steps)
        return (low == 0 and high == len(self.body)) or self.occurs_once(low, high)

    def occurs_once(self, low: int, high: int) -> bool:
        """Tell whether body[low:high] occurs nowhere in the body but at ``low``.

        Any run of the window will do to find its other occurrences; the rarest of the (at
        most 64) runs around its middle is taken.
        """
        body = self.body
        window = body[low:high]
        if self.places is not None and high - low >= self.GRAM:
            middle = (low + high) // 2
            starts = range(max(low, middle - 32), min(high - self.GRAM + 1, middle + 32))
            start = min(starts, key=lambda at: len(self.places[body[at : at + self.GRAM]]))
            shift = start - low
            places = self.places[body[start : start + self.GRAM]]
            for checked, place in enumerate(places):
                if checked == self.many_places:
                    break  # a common window: a search of the body is cheaper from here
                if place != start and place >= shift and body.startswith(window, place - shift):
                    return False
            else:
                return True
        self.searches += 1
        return body.find(window) == low and body.find(window, low + 1) == -1
