"""Business hours: when the team is in, and time counted only while it is.

`CAREBOT_BUSINESS_HOURS` lists opening ranges per weekday in the local time zone, e.g.
`mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00`; a range may run past midnight
(`fri 22:00-02:00` belongs to Friday). `CAREBOT_HOLIDAYS` lists dates the team is out
(a holiday closes the ranges that start on it). An empty calendar is always open.

Ranges are local wall times: on a DST change an hour is added or lost from the day as the
clock on the wall says. All arithmetic is on aware datetimes; results are in UTC.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# The same days as an Italian team writes them (lun-ven 09:00-18:00).
ITALIAN_DAYS = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
_DAY_NUMBERS = {name: i for names in (DAYS, ITALIAN_DAYS) for i, name in enumerate(names)}
MINUTES_PER_DAY = 24 * 60
_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_SEARCH_DAYS = 370  # a calendar open at all opens within a year (holidays included)


class CalendarError(ValueError):
    """A business-hours or holidays value that cannot be read (the message says why)."""


@dataclass(frozen=True, slots=True)
class Opening:
    """One opening range of a weekday, in minutes after its local midnight (end may pass
    midnight: up to 48 h)."""

    start: int
    end: int


def _days(spec: str) -> list[int]:
    found: list[int] = []
    for part in spec.split(","):
        ends = part.strip().split("-")
        if not 1 <= len(ends) <= 2 or any(e not in _DAY_NUMBERS for e in ends):
            raise CalendarError(
                f"unknown day {part.strip()!r}: use {', '.join(DAYS)} "
                f"(or {', '.join(ITALIAN_DAYS)})"
            )
        first, last = _DAY_NUMBERS[ends[0]], _DAY_NUMBERS[ends[-1]]
        span = (last - first) % 7
        found += [(first + i) % 7 for i in range(span + 1)]
    return found


def _range(text: str) -> Opening:
    parsed = _RANGE.match(text)
    if parsed is None:
        raise CalendarError(f"{text!r} is not a range like 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in parsed.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise CalendarError(f"{text!r} is not a time of day")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:  # runs past midnight
        end += MINUTES_PER_DAY
    return Opening(start, end)


def parse_hours(text: str) -> dict[int, tuple[Opening, ...]]:
    """Weekday (0 = Monday) → its opening ranges; {} for an empty text (always open)."""
    hours: dict[int, list[Opening]] = {}
    for clause in (c.strip().lower() for c in text.split(";")):
        if not clause:
            continue
        spec, *ranges = clause.split()
        if not ranges:
            raise CalendarError(f"{clause!r} has no hours: e.g. 'mon-fri 09:00-18:00'")
        for day in _days(spec):
            hours.setdefault(day, []).extend(_range(r) for r in ranges)
    for day, openings in hours.items():
        openings.sort(key=lambda o: o.start)
        for a, b in itertools.pairwise(openings):
            if b.start < a.end:
                raise CalendarError(f"ranges overlap on {DAYS[day]}")
    for day, openings in hours.items():  # a range past midnight runs into the next day's
        spill = max(o.end for o in openings) - MINUTES_PER_DAY
        later = hours.get((day + 1) % 7, [])
        if spill > 0 and later and later[0].start < spill:
            raise CalendarError(f"ranges overlap between {DAYS[day]} and {DAYS[(day + 1) % 7]}")
    return {day: tuple(o) for day, o in hours.items()}


def parse_holidays(text: str) -> frozenset[date]:
    """Dates like 2026-12-25, comma-separated."""
    found = set()
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                found.add(date.fromisoformat(part))
            except ValueError:
                raise CalendarError(f"{part!r} is not a date like 2026-12-25") from None
    return frozenset(found)


@dataclass(frozen=True)
class Calendar:
    """When the team is in."""

    tz: ZoneInfo
    hours: dict[int, tuple[Opening, ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @classmethod
    def parse(cls, tz: ZoneInfo, hours: str = "", holidays: str = "") -> Calendar:
        """A calendar from the settings' texts (CalendarError when malformed)."""
        return cls(tz, parse_hours(hours), parse_holidays(holidays))

    @property
    def always_open(self) -> bool:
        """No hours configured: every moment is business time."""
        return not self.hours

    def _intervals(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The opening intervals that start on a local day, in UTC."""
        if day in self.holidays:
            return
        midnight = datetime.combine(day, time(), tzinfo=self.tz)
        for o in self.hours.get(day.weekday(), ()):
            yield self._at(midnight, o.start), self._at(midnight, o.end)

    def _at(self, midnight: datetime, minutes: int) -> datetime:
        """Local wall time `minutes` after a local midnight, as UTC."""
        days, rest = divmod(minutes, MINUTES_PER_DAY)
        day = midnight.date() + timedelta(days=days)
        local = datetime.combine(day, time(rest // 60, rest % 60), tzinfo=self.tz)
        return local.astimezone(UTC)

    def _from(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals that end after `at`, in order (starting the day before, for
        ranges that run past midnight)."""
        day = at.astimezone(self.tz).date() - timedelta(days=1)
        idle = 0  # days in a row without an opening: a year of them means never again
        while idle < _SEARCH_DAYS:
            found = False
            for start, end in self._intervals(day):
                found = True
                if end > at:
                    yield start, end
            idle = 0 if found else idle + 1
            day += timedelta(days=1)

    def is_open(self, at: datetime) -> bool:
        """Whether `at` falls inside business hours."""
        if self.always_open:
            return True
        return any(start <= at for start, _ in self._first(at))

    def _first(self, at: datetime) -> Iterator[tuple[datetime, datetime]]:
        for interval in self._from(at):
            yield interval
            return

    def next_open(self, at: datetime) -> datetime | None:
        """`at` if open, else when the team is next in; None if it never is."""
        if self.always_open:
            return at
        for start, _ in self._first(at):
            return max(start, at)
        return None

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Business time between two instants (0 if end is not after start)."""
        if end <= start:
            return 0.0
        if self.always_open:
            return (end - start).total_seconds()
        total = 0.0
        for a, b in self._from(start):
            if a >= end:
                break
            total += (min(b, end) - max(a, start)).total_seconds()
        return total

    def add_business(self, start: datetime, seconds: float) -> datetime | None:
        """The instant `seconds` of business time after `start`; None if never reached."""
        if self.always_open:
            return start + timedelta(seconds=seconds)
        left = seconds
        for a, b in self._from(start):
            begin = max(a, start)
            span = (b - begin).total_seconds()
            if left <= span:
                return begin + timedelta(seconds=left)
            left -= span
        return None
