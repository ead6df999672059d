"""Tell which encoding a page file is in; refuse binary data and encodings to convert first."""

from __future__ import annotations

import codecs

from importers.parse.patterns import GREGORIAN_RE
from importers.records import ParseError

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
