"""Suggesting contributors who may be one person (names one OCR slip apart, shared aliases, flags)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from newsroom.lib.names import pairs_one_edit_apart
from newsroom.models import (
    Credit,
    Person,
    PersonAlias,
    ReviewFlag,
)


@dataclass(frozen=True)
class DuplicateSuggestion:
    """Two people who may be one contributor, and why we think so."""

    first: Person
    second: Person
    reasons: tuple[str, ...]
    shared_roles: tuple[str, ...] = ()
    flags: tuple[ReviewFlag, ...] = field(default=())


def suggested_duplicates() -> list[DuplicateSuggestion]:
    """Return pairs of people who may be one contributor, sorted by name.

    A pair is suggested when their names are one edit apart (one character replaced, inserted
    or deleted, the usual OCR slips) and they share a role, or when an open
    possible_duplicate_contributor flag names them both.
    """
    people = {p.pk: p for p in Person.objects.all()}
    by_name = {p.name: p for p in people.values()}
    roles: dict[int, set[str]] = defaultdict(set)
    for person_id, role in Credit.objects.values_list("person_id", "role").distinct():
        roles[person_id].add(role)

    found: dict[tuple[int, int], dict] = {}

    def note(a: Person, b: Person, reason: str, shared: set[str], flag: ReviewFlag | None = None):
        key = tuple(sorted((a.pk, b.pk)))
        entry = found.setdefault(key, {"reasons": [], "roles": set(), "flags": []})
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)
        entry["roles"] |= shared
        if flag is not None:
            entry["flags"].append(flag)

    for a_name, b_name in pairs_one_edit_apart(by_name):
        a, b = by_name[a_name], by_name[b_name]
        shared = roles[a.pk] & roles[b.pk]
        if shared:
            note(a, b, str(_("姓名仅差一字")), shared)

    flags = ReviewFlag.objects.open().filter(
        code=ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR
    ).select_related("person")
    alias_owner = dict(PersonAlias.objects.values_list("name", "person_id"))
    for flag in flags:
        mentioned = _people_mentioned(flag, by_name, alias_owner, people)
        for i, a in enumerate(mentioned):
            for b in mentioned[i + 1 :]:
                note(a, b, str(_("导入时标记为疑似重复")), roles[a.pk] & roles[b.pk], flag)

    suggestions = []
    for (a_pk, b_pk), entry in found.items():
        a, b = sorted((people[a_pk], people[b_pk]), key=lambda p: p.name)
        suggestions.append(
            DuplicateSuggestion(
                first=a,
                second=b,
                reasons=tuple(entry["reasons"]),
                shared_roles=tuple(sorted(entry["roles"])),
                flags=tuple(entry["flags"]),
            )
        )
    suggestions.sort(key=lambda s: (s.first.name, s.second.name))
    return suggestions


def _people_mentioned(flag, by_name, alias_owner, people) -> list[Person]:
    """Return the people a duplicate-contributor flag is about: its person and the names it quotes."""
    found: dict[int, Person] = {}
    if flag.person_id is not None:
        found[flag.person_id] = flag.person
    text = "\n".join((flag.before, flag.after, flag.original, flag.message))
    for name, person in by_name.items():
        if name and name in text:
            found.setdefault(person.pk, person)
    for name, person_id in alias_owner.items():
        if name and name in text and person_id in people:
            found.setdefault(person_id, people[person_id])
    return sorted(found.values(), key=lambda p: p.name)
