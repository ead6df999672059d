"""Read the dateline and the credits at the start of an article (本报讯 记者甲 通讯员乙报道)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from importers.parse.patterns import CJK, CREDIT_ROLE, CREDIT_ROLE_RE, NAME, ROLE_OF
from importers.records import ContributorRecord
from newsroom.lib.roles import PHOTOGRAPHER

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
