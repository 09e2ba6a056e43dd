"""Period parsing: every form, bad input, DST days in Europe/Rome."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from analytics.periods import (
    FORMS,
    MAX_DAYS,
    Period,
    PeriodError,
    parse_period,
    previous,
    weeks_back,
)

ROME = ZoneInfo("Europe/Rome")
# Sunday 29 March 2026, 12:00 in Rome: clocks went forward at 02:00 that morning.
NOW = datetime(2026, 3, 29, 10, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def parse(text: str, now: datetime = NOW) -> Period:
    return parse_period(text, now=now, tz=ROME)


@pytest.mark.parametrize("n", [7, 30, 90, 365, 12, 1, MAX_DAYS])
def test_n_days_end_now(n: int) -> None:
    period = parse(f"{n}d")
    assert period.end == NOW
    assert period.start == NOW - timedelta(days=n)
    assert period.label == f"{n}d"


def test_month_in_rome_starts_and_ends_at_local_midnight() -> None:
    # 1 Feb 00:00 CET = 31 Jan 23:00 UTC; 1 Mar 00:00 CET = 28 Feb 23:00 UTC.
    period = parse("2026-02")
    assert (period.start, period.end) == (utc(2026, 1, 31, 23), utc(2026, 2, 28, 23))
    assert period.label == "2026-02"


def test_month_with_spring_forward_is_an_hour_short() -> None:
    # March 2026 starts in CET (+1) and ends in CEST (+2).
    period = parse("2026-03")
    assert (period.start, period.end) == (utc(2026, 2, 28, 23), utc(2026, 3, 31, 22))
    assert period.duration == timedelta(days=31, hours=-1)


def test_month_with_fall_back_is_an_hour_long() -> None:
    # DST ended on 26 October 2025.
    period = parse("2025-10")
    assert (period.start, period.end) == (utc(2025, 9, 30, 22), utc(2025, 10, 31, 23))
    assert period.duration == timedelta(days=31, hours=1)


def test_december_rolls_into_the_next_year() -> None:
    period = parse("2025-12")
    assert (period.start, period.end) == (utc(2025, 11, 30, 23), utc(2025, 12, 31, 23))


def test_today_on_the_dst_day_has_23_hours() -> None:
    period = parse("today")
    assert (period.start, period.end) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    assert period.duration == timedelta(hours=23)
    assert period.label == "2026-03-29"


def test_today_uses_the_local_date_not_the_utc_date() -> None:
    # 23:30 UTC on 28 March is already 29 March 00:30 in Rome.
    period = parse("today", now=utc(2026, 3, 28, 23, 30))
    assert period.start == utc(2026, 3, 28, 23)


def test_week_is_monday_to_sunday_in_rome() -> None:
    # NOW is Sunday; the week began Monday 23 March (ISO week 13) at 00:00 CET.
    period = parse("week")
    assert (period.start, period.end) == (utc(2026, 3, 22, 23), utc(2026, 3, 29, 22))
    assert period.label == "2026-W13"


def test_date_range_includes_both_days() -> None:
    period = parse("2026-03-01..2026-03-10")
    assert (period.start, period.end) == (utc(2026, 2, 28, 23), utc(2026, 3, 10, 23))
    assert period.label == "2026-03-01..2026-03-10"


def test_single_day_range_equals_today() -> None:
    one_day = parse("2026-03-29..2026-03-29")
    today = parse("today")
    assert (one_day.start, one_day.end) == (today.start, today.end)


@pytest.mark.parametrize("text", ["  TODAY ", "Week", "2026-03-01 .. 2026-03-10", "7D"])
def test_case_and_spaces_do_not_matter(text: str) -> None:
    parse(text)


def test_five_calendar_years_are_allowed() -> None:
    period = parse("2020-01-01..2024-12-31")
    assert period.duration == timedelta(days=MAX_DAYS)


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "yesterday",
            "unknown_form",
            "Unknown period “yesterday”. Use 7d, 30d, 90d, 365d, Nd, YYYY-MM, "
            "YYYY-MM-DD..YYYY-MM-DD, today or week.",
        ),
        (
            "",
            "empty",
            "Say which period: 7d, 30d, 90d, 365d, Nd, YYYY-MM, "
            "YYYY-MM-DD..YYYY-MM-DD, today or week.",
        ),
        ("2026-13", "bad_month", "Month 13 does not exist: use 01 to 12."),
        ("2026-00", "bad_month", "Month 00 does not exist: use 01 to 12."),
        ("0000-01", "bad_date", "0000-01 is out of range."),
        (
            "2026-03-10..2026-03-01",
            "end_before_start",
            "The end date 2026-03-01 comes before the start date 2026-03-10.",
        ),
        ("2026-02-30..2026-03-01", "bad_date", "2026-02-30 is not a valid date (YYYY-MM-DD)."),
        ("9999-12-31..9999-12-31", "bad_date", "9999-12-31 is out of range."),
        ("0d", "zero_days", "A period must span at least 1 day."),
        (f"{MAX_DAYS + 1}d", "too_long", "A period can span at most 5 years."),
        ("99999999999d", "too_long", "A period can span at most 5 years."),
        ("2020-01-01..2025-01-01", "too_long", "A period can span at most 5 years."),
        ("2026-04", "future_start", "The period 2026-04 starts in the future."),
        (
            "2026-03-30..2026-04-02",
            "future_start",
            "The period 2026-03-30..2026-04-02 starts in the future.",
        ),
        ("-7d", "unknown_form", None),
        ("٧d", "unknown_form", None),  # non-ASCII digits
        ("x" * 50, "unknown_form", f"Unknown period “{'x' * 39}…”. Use {FORMS}."),
        ("7 d", "unknown_form", None),
        ("2026-3", "unknown_form", None),
    ],
)
def test_bad_input_says_what_is_wrong(text: str, code: str, message: str | None) -> None:
    with pytest.raises(PeriodError) as caught:
        parse(text)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    if message is not None:
        assert str(caught.value) == message == caught.value.message


def test_naive_now_is_a_programming_error_not_a_user_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware") as caught:
        parse_period("7d", now=datetime(2026, 3, 29), tz=ROME)
    assert not isinstance(caught.value, PeriodError)


def test_period_rejects_non_utc_or_empty_bounds() -> None:
    with pytest.raises(ValidationError, match="UTC"):
        Period(start=datetime(2026, 1, 1, tzinfo=ROME), end=utc(2026, 1, 2), label="x")
    with pytest.raises(ValidationError, match="after its start"):
        Period(start=utc(2026, 1, 2), end=utc(2026, 1, 2), label="x")


def test_period_is_half_open() -> None:
    period = parse("2026-02")
    assert period.start in period
    assert period.end not in period
    assert period.end - timedelta(microseconds=1) in period
    assert "2026-02-10" not in period


def test_previous_has_equal_length_and_ends_at_start() -> None:
    week = parse("7d")
    before = previous(week)
    assert (before.start, before.end) == (NOW - timedelta(days=14), NOW - timedelta(days=7))
    assert before.label == "before 7d"
    march = parse("2026-03")
    assert previous(march).duration == march.duration
    assert previous(march).end == march.start


def test_weeks_back_are_complete_contiguous_mondays() -> None:
    weeks = weeks_back(NOW, ROME, 3)
    assert [w.label for w in weeks] == ["2026-W10", "2026-W11", "2026-W12"]
    assert weeks[0].start == utc(2026, 3, 1, 23)  # Monday 2 March 00:00 CET
    assert weeks[-1].end == utc(2026, 3, 22, 23)  # the current week is not included
    for earlier, later in pairwise(weeks):
        assert earlier.end == later.start


def test_weeks_back_can_include_the_current_week_across_dst() -> None:
    weeks = weeks_back(NOW, ROME, 2, include_current=True)
    assert weeks[-1].label == "2026-W13"
    assert weeks[-1].duration == timedelta(days=7, hours=-1)
    assert weeks[0].duration == timedelta(days=7)


def test_weeks_back_default_is_twelve_and_rejects_zero() -> None:
    assert len(weeks_back(NOW, ROME)) == 12
    with pytest.raises(ValueError, match="at least 1"):
        weeks_back(NOW, ROME, 0)


ZONES = st.sampled_from(
    [ZoneInfo(name) for name in ("Europe/Rome", "UTC", "America/New_York", "Asia/Kolkata")]
)


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 3, 28)), tz=ZONES)
def test_a_past_day_runs_from_local_midnight_to_local_midnight(day: date, tz: ZoneInfo) -> None:
    period = parse_period(f"{day}..{day}", now=NOW, tz=tz)
    start, end = period.start.astimezone(tz), period.end.astimezone(tz)
    assert (start.date(), start.hour, start.minute) == (day, 0, 0)
    assert (end.date(), end.hour, end.minute) == (day + timedelta(days=1), 0, 0)
    assert timedelta(hours=23) <= period.duration <= timedelta(hours=25)


@given(n=st.integers(min_value=1, max_value=MAX_DAYS), tz=ZONES)
def test_n_days_is_exactly_n_times_24_hours(n: int, tz: ZoneInfo) -> None:
    period = parse_period(f"{n}d", now=NOW, tz=tz)
    assert period.duration == timedelta(days=n)
    assert period.end == NOW
