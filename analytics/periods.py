"""Report periods: parse what staff type after /report into half-open UTC intervals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, model_validator

__all__ = [
    "FORMS",
    "MAX_DAYS",
    "Period",
    "PeriodError",
    "iso_week",
    "iso_week_of",
    "parse_period",
    "previous",
    "weeks_back",
]

# Five calendar years including two leap days: 2020-01-01..2024-12-31 is allowed.
MAX_DAYS = 5 * 365 + 2

FORMS = "7d, 30d, 90d, 365d, Nd, YYYY-MM, YYYY-MM-DD..YYYY-MM-DD, today or week"

# ASCII: \d would otherwise accept digits such as "٧" that date parsing rejects.
_DAYS = re.compile(r"(\d+)d", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})", re.ASCII)


class PeriodError(ValueError):
    """A period the user typed that cannot be reported on; str() is the user-facing message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        # A stable code lets the bot translate the message without parsing English.
        self.code = code
        self.message = message


class Period(BaseModel):
    """A half-open interval [start, end) in UTC with a short language-neutral label."""

    model_config = ConfigDict(frozen=True)

    start: AwareDatetime
    end: AwareDatetime
    label: str

    @model_validator(mode="after")
    def _utc_and_ordered(self) -> Period:
        """Reject non-UTC or empty intervals so every query compares like with like."""
        for value in (self.start, self.end):
            if value.utcoffset() != timedelta(0):
                raise ValueError("period bounds must be UTC datetimes")
        if self.end <= self.start:
            raise ValueError("period end must be after its start")
        return self

    @property
    def duration(self) -> timedelta:
        """Return the length of the period."""
        return self.end - self.start

    def __contains__(self, moment: object) -> bool:
        """Return whether an aware datetime falls in [start, end)."""
        return isinstance(moment, datetime) and self.start <= moment < self.end


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    """Return local midnight of `day` in `tz` as UTC (DST days are 23 or 25 hours long)."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _days(first: date, last: date, tz: ZoneInfo, label: str) -> Period:
    """Return the local calendar days first..last inclusive."""
    return Period(
        start=_midnight(first, tz), end=_midnight(last + timedelta(days=1), tz), label=label
    )


def _iso_week_label(monday: date) -> str:
    """Return an ISO week label such as 2026-W09."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _week_of(day: date, tz: ZoneInfo) -> Period:
    """Return the Monday-start local week that contains `day`."""
    monday = day - timedelta(days=day.weekday())
    return _days(monday, monday + timedelta(days=6), tz, _iso_week_label(monday))


_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})", re.ASCII)


def iso_week(text: str, tz: ZoneInfo) -> Period:
    """The local Monday–Sunday week an ISO label names ("2026-W47")."""
    found = _ISO_WEEK.fullmatch(text.strip().upper())
    if found is None:
        raise PeriodError("bad_week", f"{text!r} is not an ISO week such as 2026-W47.")
    try:
        monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise PeriodError("bad_week", f"{text!r} has no such week.") from None
    return _week_of(_in_range(monday), tz)


def iso_week_of(day: date, tz: ZoneInfo) -> Period:
    """The local Monday–Sunday week that holds `day`, labelled like "2026-W47"."""
    return _week_of(day, tz)


def _too_long() -> PeriodError:
    """Return the error for a period longer than MAX_DAYS."""
    return PeriodError("too_long", "A period can span at most 5 years.")


def _in_range(day: date) -> date:
    """Reject the first and last representable years, where UTC conversion overflows."""
    if not date.min.year < day.year < date.max.year:
        raise PeriodError("bad_date", f"{day.isoformat()} is out of range.")
    return day


def _parse_date(text: str) -> date:
    """Parse YYYY-MM-DD or raise a PeriodError naming the bad date."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise PeriodError("bad_date", f"{text} is not a valid date (YYYY-MM-DD).") from None
    return _in_range(day)


def _parse(text: str, now: datetime, tz: ZoneInfo) -> tuple[Period, int]:
    """Return the period and its length in local calendar days."""
    today = now.astimezone(tz).date()
    if text == "today":
        return _days(today, today, tz, today.isoformat()), 1
    if text == "week":
        return _week_of(today, tz), 7
    if match := _DAYS.fullmatch(text):
        n = int(match.group(1))
        if n < 1:
            raise PeriodError("zero_days", "A period must span at least 1 day.")
        if n > MAX_DAYS:  # checked before timedelta() so a huge N cannot overflow
            raise _too_long()
        start = now.astimezone(UTC) - timedelta(days=n)
        return Period(start=start, end=now.astimezone(UTC), label=text), n
    if match := _MONTH.fullmatch(text):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise PeriodError("bad_month", f"Month {month:02d} does not exist: use 01 to 12.")
        if not date.min.year < year < date.max.year:
            raise PeriodError("bad_date", f"{text} is out of range.")
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        days = (following - first).days
        return _days(first, following - timedelta(days=1), tz, text), days
    if match := _RANGE.fullmatch(text):
        first, last = _parse_date(match.group(1)), _parse_date(match.group(2))
        if last < first:
            raise PeriodError(
                "end_before_start", f"The end date {last} comes before the start date {first}."
            )
        label = f"{first.isoformat()}..{last.isoformat()}"
        return _days(first, last, tz, label), (last - first).days + 1
    shown = text if len(text) <= 40 else text[:39] + "…"  # echo, but not a whole paragraph
    raise PeriodError("unknown_form", f"Unknown period “{shown}”. Use {FORMS}.")


def parse_period(text: str, *, now: datetime, tz: ZoneInfo) -> Period:
    """Parse a period typed by staff; raise PeriodError with a user-facing message."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")  # a programming error, not user input
    cleaned = " ".join(text.split()).lower()
    if not cleaned:
        raise PeriodError("empty", f"Say which period: {FORMS}.")
    period, days = _parse(cleaned, now, tz)
    if days > MAX_DAYS:
        raise _too_long()
    if period.start > now:
        raise PeriodError("future_start", f"The period {period.label} starts in the future.")
    return period


def previous(period: Period) -> Period:
    """Return the period of equal length that ends where `period` starts."""
    # Equal length, not "previous calendar month": comparisons then weigh like with like.
    return Period(
        start=period.start - period.duration, end=period.start, label=f"before {period.label}"
    )


def weeks_back(
    now: datetime, tz: ZoneInfo, n: int = 12, *, include_current: bool = False
) -> list[Period]:
    """Return the last `n` Monday-start weeks in `tz`, oldest first."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # Complete weeks by default: a trend whose last point is a half-week misleads.
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    last = this_monday if include_current else this_monday - timedelta(days=7)
    return [_week_of(last - timedelta(days=7 * k), tz) for k in range(n - 1, -1, -1)]
