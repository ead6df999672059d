"""The people a page credits: found by name or alias, created once, flagged when one slip apart."""

from __future__ import annotations

from django.db.models.functions import Length

from importers.load.flags import fingerprint
from importers.load.reports import CREATED, UNCHANGED
from importers.load.writes import save_unless_taken
from newsroom.lib.names import one_edit_apart, pairs_one_edit_apart
from newsroom.models import Credit, ImportRun, Person, ReviewFlag

POSSIBLE_DUPLICATE = ReviewFlag.Code.POSSIBLE_DUPLICATE_CONTRIBUTOR


def possible_duplicate(name: str, other: str, role: str) -> dict:
    """Return the fields of the flag saying two people in one role may be one contributor."""
    return {
        "code": POSSIBLE_DUPLICATE,
        "message": (
            f"{name} may be the same contributor as {other} (both credited as {role}); "
            "merge them if so"
        ),
        "fingerprint": fingerprint(POSSIBLE_DUPLICATE, name, other),
        "message_key": POSSIBLE_DUPLICATE,
        "message_params": {"name": name, "other": other, "role": role},
    }


def similar_people(name: str, role: str):
    """Return the people credited in this role whose name could be one edit from ``name``
    (its length differs by at most one), by name; ``one_edit_apart`` tells which are."""
    return (
        Person.objects.filter(credits__role=role)
        .annotate(name_length=Length("name"))
        .filter(name_length__gte=len(name) - 1, name_length__lte=len(name) + 1)
        .distinct()
        .order_by("name")
    )


class PeopleMixin:
    """The people part of the page loader (importers/load/page.py, ``PageLoader``).

    Uses the loader's ``people`` (found by this page), ``known_people`` (the run's),
    ``credits`` (those stored on the page), ``bulk``, ``collected``, ``concurrent``,
    ``reason``, ``report``, ``add_flag`` and ``shown_changed``.
    """

    def person(self, name: str, role: str, **target) -> Person:
        """Return the person with this name or alias, creating (and maybe flagging) a new one."""
        if name in self.people:
            return self.people[name]
        person = self.known_people.get(name) or Person.objects.named(name).first()
        if person is None:
            similar = self.similar_person(name, role)
            person = self.create_person(name)
            if person is None:
                # Another import process created this person a moment ago: use theirs.
                person = Person.objects.named(name).get()
            else:
                self.report.count("people", CREATED)
                if similar is not None:
                    self.add_flag(**possible_duplicate(name, similar.name, role), person=person, **target)
        self.people[name] = person
        return person

    def create_person(self, name: str) -> Person | None:
        """Save a new person; return None if a concurrent import saved the name first."""
        person = Person(name=name)
        person._change_reason = self.reason
        if not self.concurrent:
            person.save()
            return person
        return person if save_unless_taken(person) else None

    def similar_person(self, name: str, role: str) -> Person | None:
        """Return a person credited in the same role whose name is one edit away, if any."""
        for candidate in similar_people(name, role):
            if one_edit_apart(name, candidate.name):
                return candidate
        # Credits collected for a new issue are not in the database yet, but count as well.
        for credit in self.collected.get(Credit, ()):
            if credit.role == role and one_edit_apart(name, credit.person.name):
                return credit.person
        return None

    def credit(self, name: str, role: str, order: int, *, article=None, photo=None) -> None:
        """Credit the named person in this role on an article or a photo, unless already."""
        if article is not None:
            person = self.person(name, role, article=article)
        else:
            person = self.person(name, role, photo=photo, article=photo.article)
        on = article if article is not None else photo
        # Rows collected for a new issue have no key yet: tell them apart by identity.
        key = (on._meta.model_name, on.pk if on.pk is not None else id(on), person.pk, role)
        if key in self.credits:
            self.report.count("credits", UNCHANGED)
            return
        credit = Credit(
            person=person, role=role, order=order, article=article, photo=photo, printed_name=name
        )
        credit._change_reason = self.reason
        if self.bulk:
            self.collected[Credit].append(credit)
        else:
            credit.save()
        self.credits.add(key)
        self.report.count("credits", CREATED)
        self.shown_changed(article.pk if article is not None else photo.article_id)


def flag_missed_duplicates(run: ImportRun) -> int:
    """Flag new people one edit from a person in the same role; return how many were flagged.

    Worker processes of a parallel run do not see each other's uncommitted credits, so two
    similar names first credited at the same moment would be flagged by neither page. This
    check after the run flags each such pair not yet flagged, on the newer person's first
    credit in that role. The new people's roles and the people of each of those roles are
    read once each (the run's processes have finished: nothing is waited for meanwhile).
    """
    known = set(
        ReviewFlag.objects.filter(code=POSSIBLE_DUPLICATE).values_list("fingerprint", flat=True)
    )
    new_roles = list(
        Credit.objects.filter(person__created_at__gte=run.started_at)
        .values_list("person_id", "role").distinct().order_by("person_id", "role")
    )
    if not new_roles:
        return 0
    new_people = Person.objects.in_bulk({pk for pk, _role in new_roles})
    # Everyone credited in those roles: the pairs one edit apart, found in time linear in
    # the names (not every new person against every name).
    named: dict[str, dict[str, int]] = {}
    for role, pk, name in (
        Credit.objects.filter(role__in={role for _pk, role in new_roles})
        .values_list("role", "person_id", "person__name").order_by().distinct()
    ):
        named.setdefault(role, {})[name] = pk
    close: dict[str, dict[str, set[str]]] = {}
    for role, people in named.items():
        close[role] = {}
        for a, b in pairs_one_edit_apart(people):
            close[role].setdefault(a, set()).add(b)
            close[role].setdefault(b, set()).add(a)
    count = 0
    for pk, role in new_roles:
        person = new_people[pk]
        for other_name in sorted(close[role].get(person.name, ())):
            prints = {fingerprint(POSSIBLE_DUPLICATE, person.name, other_name),
                      fingerprint(POSSIBLE_DUPLICATE, other_name, person.name)}
            if prints & known:
                continue
            _flag_first_credit(person, Person(pk=named[role][other_name], name=other_name), role)
            known |= prints
            count += 1
    return count


def _flag_first_credit(person: Person, other: Person, role: str) -> None:
    """Flag a person's first credit in this role as possibly the other person's."""
    credit = (
        person.credits.filter(role=role).select_related("article", "photo__article")
        .order_by("pk").first()
    )
    article = credit.article or credit.photo.article
    ReviewFlag.objects.create(
        issue_id=article.issue_id,
        **possible_duplicate(person.name, other.name, role),
        person=person,
        article=article,
        photo=credit.photo,
    )
