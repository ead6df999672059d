"""What a reader's search counts: its matches by month and by page name, and the facets made of them.

One pass over the matches gives a count for every (month, page name) pair (newsroom/search/
results.py); every number the results page shows comes from those counts, without another
pass: the total under the reader's filters, and the facets by year, by month (within the
chosen year) and by page name (版名). Each facet counts under the other facets' filters but
not its own, so a reader can always pick another year, month or page. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# (YYYYMM month, page name) -> matches; "" is a page without a printed name.
Groups = Mapping[tuple[int, str], float]


@dataclass(frozen=True)
class Choice:
    """The facet filters a reader picked (None: any)."""

    year: int | None = None
    month: int | None = None  # 1-12, within the year
    page_name: str | None = None

    def admits(self, month_key: int, page_name: str, *, ignore: str = "") -> bool:
        """Return whether a (YYYYMM, page name) group passes every filter but ``ignore``'s."""
        year, month = divmod(month_key, 100)
        if ignore != "year" and self.year is not None and year != self.year:
            return False
        if ignore not in ("year", "month") and self.month is not None and month != self.month:
            return False
        return ignore == "page_name" or self.page_name is None or page_name == self.page_name


@dataclass(frozen=True)
class Totals:
    """How many articles match, by (month, page name), and whether the counts are exact.

    Where they are estimates (a phrase over many candidates, newsroom/search/results.py),
    each group holds its scaled share; numbers are rounded when shown.
    """

    groups: dict[tuple[int, str], float] = field(default_factory=dict)
    exact: bool = True

    def _sum(self, choice: Choice, *, ignore: str = "", key=None) -> dict:
        sums: dict = {}
        for (month_key, page_name), count in self.groups.items():
            if choice.admits(month_key, page_name, ignore=ignore):
                k = key(month_key, page_name) if key else None
                sums[k] = sums.get(k, 0) + count
        return sums

    def count(self, choice: Choice = Choice()) -> int:
        """Return the number of matches under the reader's filters."""
        return round(self._sum(choice).get(None, 0))

    @property
    def total(self) -> int:
        return self.count()

    @property
    def years(self) -> list[tuple[int, int]]:
        """Return (year, matches) of every year, newest first."""
        return self.year_facets(Choice())

    def year_facets(self, choice: Choice) -> list[tuple[int, int]]:
        """Return (year, matches) newest first, under the page-name filter."""
        sums = self._sum(choice, ignore="year", key=lambda month, _name: month // 100)
        return _nonzero(sorted(sums.items(), reverse=True))

    def month_facets(self, choice: Choice) -> list[tuple[int, int]]:
        """Return (month 1-12, matches) of the chosen year in calendar order; none without a year."""
        if choice.year is None:
            return []
        sums = self._sum(choice, ignore="month", key=lambda month, _name: month % 100)
        return _nonzero(sorted(sums.items()))

    def page_name_facets(self, choice: Choice, *, limit: int = 20) -> list[tuple[str, int]]:
        """Return (page name, matches), most first, under the year and month filters."""
        sums = self._sum(choice, ignore="page_name", key=lambda _month, name: name)
        sums.pop("", None)
        ranked = sorted(sums.items(), key=lambda item: (-item[1], item[0]))
        return _nonzero(ranked)[:limit]


def _nonzero(items) -> list:
    rounded = [(key, round(count)) for key, count in items]
    return [(key, count) for key, count in rounded if count]
