"""URL converters for the archive's date-shaped addresses."""

from __future__ import annotations

import datetime as dt


class IsoDateConverter:
    """Match an ISO date (2021-03-19) and hand the view a datetime.date.

    A well-shaped but impossible date (2021-02-30) raises ValueError in to_python,
    which Django treats as "no match", so the reader gets a 404, not a 500.
    """

    regex = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

    def to_python(self, value: str) -> dt.date:
        return dt.date.fromisoformat(value)

    def to_url(self, value: dt.date | str) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        return self.to_python(value).isoformat()


class YearConverter:
    regex = r"[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise ValueError(value)
        return year

    def to_url(self, value: int | str) -> str:
        return f"{int(value):04d}"


class MonthConverter:
    regex = r"[0-9]{2}"

    def to_python(self, value: str) -> int:
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError(value)
        return month

    def to_url(self, value: int | str) -> str:
        return f"{int(value):02d}"
