"""Calendar arithmetic on dates of a given precision (year, month or day).

A :class:`Ref` is what relative expressions are resolved against: an article's publication
date, which may be known only to the month or the year. Arithmetic never invents precision:
shifting a month-precision reference by days gives a month-precision answer.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

SEASONS = ("SP", "SU", "FA", "WI")
_SEASON_MONTH = {"SP": 4, "SU": 7, "FA": 10, "WI": 1}


@dataclass(frozen=True)
class Ref:
    """A reference date: ``year`` always, ``month`` and ``day`` when known.

    >>> Ref.parse("2023-11").granularity, Ref.parse("2023-09-13").shift_days(-1).value
    ('month', '2023-09-12')
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> Ref | None:
        if not value:
            return None
        m = _ISO.match(value)
        if not m:
            return None
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if mo is None:
            return cls(y)
        if not 1 <= int(mo) <= 12:
            return None
        if d is None:
            return cls(y, int(mo))
        if not 1 <= int(d) <= calendar.monthrange(y, int(mo))[1]:
            return None
        return cls(y, int(mo), int(d))

    @classmethod
    def of(cls, d: dt.date) -> Ref:
        return cls(d.year, d.month, d.day)

    @property
    def granularity(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def value(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def date(self) -> dt.date | None:
        return dt.date(self.year, self.month, self.day) if self.day and self.month else None

    def shift_days(self, n: int) -> Ref:
        """``n`` days later (earlier if negative); a coarser reference stays as it is."""
        d = self.date
        return Ref.of(d + dt.timedelta(days=n)) if d else self

    def shift_months(self, n: int) -> Ref:
        if self.month is None:
            return self
        y, m = add_months(self.year, self.month, n)
        if self.day:
            return Ref(y, m, min(self.day, calendar.monthrange(y, m)[1]))
        return Ref(y, m)

    def month_only(self) -> Ref:
        return Ref(self.year, self.month)

    def week(self) -> str | None:
        d = self.date
        if d is None:
            return None
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def valid_day(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def season_year_month(season: str) -> int:
    """A representative month of a (northern) season, to compare it with a date."""
    return _SEASON_MONTH[season]


def weekday_near(ref: dt.date, weekday: int, direction: str) -> dt.date:
    """The date of ``weekday`` (1 = Monday) near ``ref``.

    ``past``: the latest such day on or before ``ref``; ``future``: the first on or after;
    ``strict_past`` / ``strict_future`` exclude ``ref`` itself; ``week``: the one in ref's ISO
    week; ``near``: the closest (past on a tie).
    """
    delta = weekday - ref.isoweekday()
    if direction == "week":
        return ref + dt.timedelta(days=delta)
    back = (ref.isoweekday() - weekday) % 7
    fwd = (weekday - ref.isoweekday()) % 7
    if direction == "past":
        return ref - dt.timedelta(days=back)
    if direction == "strict_past":
        return ref - dt.timedelta(days=back or 7)
    if direction == "future":
        return ref + dt.timedelta(days=fwd)
    if direction == "strict_future":
        return ref + dt.timedelta(days=fwd or 7)
    return ref - dt.timedelta(days=back) if back <= fwd else ref + dt.timedelta(days=fwd)
