"""Read an advertisement: advertiser, text as printed, service phone and website."""

from __future__ import annotations

import re

from importers.parse.columns import Span
from importers.parse.paragraphs import clean_line
from importers.parse.patterns import CJK
from importers.records import AdvertisementRecord

AD_PHONE_RE = re.compile(
    r"(?:电话银行|客户服务热线|客服热线|服务热线|热线|客服电话|服务电话|咨询电话|电话)"
    r"\s*[:：]?\s*(\d[\d\-－]{3,}\d)"
)
WEBSITE_RE = re.compile(
    r"(?<![@A-Za-z0-9.\-])(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|cn|net|org|gov|edu|info)(?:\.cn)?\b(?![@.])",
    re.I,
)
LEADING_LATIN_RE = re.compile(rf"^[A-Za-z0-9&.'\- ]+\s+(?=[{CJK}])")


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
