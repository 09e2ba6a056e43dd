"""Business hours: parsing, opening times and business-time arithmetic across weekends,
holidays, DST changes, ranges past midnight and empty calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conversations.business_hours import Calendar, CalendarError

ROME = ZoneInfo("Europe/Rome")
OFFICE = Calendar.parse(ROME, "mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00", "2026-12-25")
NIGHT = Calendar.parse(ROME, "fri 22:00-02:00; sat 10:00-11:00")


def rome(*args: int) -> datetime:
    return datetime(*args, tzinfo=ROME)  # type: ignore[misc]


def test_open_and_next_opening() -> None:
    assert OFFICE.is_open(rome(2026, 12, 1, 10, 0))  # a Tuesday morning
    assert not OFFICE.is_open(rome(2026, 12, 1, 13, 30))  # lunch
    assert OFFICE.next_open(rome(2026, 12, 1, 13, 30)) == rome(2026, 12, 1, 14, 0)
    # Saturday noon: back on Monday at 09:00.
    assert OFFICE.next_open(rome(2026, 12, 5, 12, 0)) == rome(2026, 12, 7, 9, 0)
    # Christmas is a Friday: closed all day, Saturday morning open.
    assert not OFFICE.is_open(rome(2026, 12, 25, 10, 0))
    assert OFFICE.next_open(rome(2026, 12, 24, 18, 30)) == rome(2026, 12, 26, 9, 0)


def test_italian_day_names_read_the_same() -> None:
    italian = Calendar.parse(ROME, "lun-ven 09:00-13:00 14:00-18:00; SAB 09:00-12:00", "2026-12-25")
    assert italian == OFFICE
    # A range may wrap the week: Friday to Monday.
    weekend = Calendar.parse(ROME, "ven-lun 10:00-12:00")
    assert [weekend.is_open(rome(2026, 12, d, 11, 0)) for d in range(1, 8)] == [
        False, False, False, True, True, True, True,
    ]  # fmt: skip


def test_business_time_skips_nights_weekends_and_holidays() -> None:
    friday_5pm, monday_10am = rome(2026, 12, 4, 17, 0), rome(2026, 12, 7, 10, 0)
    # Friday 17-18, Saturday 9-12, Monday 9-10: five hours.
    assert OFFICE.business_seconds(friday_5pm, monday_10am) == 5 * 3600
    # Thirty business minutes from Saturday 11:45: 15 on Saturday, 15 on Monday.
    assert OFFICE.add_business(rome(2026, 12, 5, 11, 45), 30 * 60) == rome(2026, 12, 7, 9, 15)
    # From the night before Christmas: Saturday 26th opens at 09:00.
    assert OFFICE.add_business(rome(2026, 12, 24, 20, 0), 60) == rome(2026, 12, 26, 9, 1)


def test_a_range_past_midnight_belongs_to_its_day() -> None:
    assert NIGHT.is_open(rome(2026, 12, 5, 1, 0))  # Saturday 01:00: Friday's shift
    assert not NIGHT.is_open(rome(2026, 12, 5, 3, 0))
    assert NIGHT.business_seconds(rome(2026, 12, 4, 21, 0), rome(2026, 12, 5, 10, 30)) == (
        4.5 * 3600
    )


def test_dst_changes_follow_the_wall_clock() -> None:
    always_night = Calendar.parse(ROME, "sun 00:00-24:00")
    # 29 March 2026: Rome skips 02:00-03:00, so that Sunday has 23 hours.
    spring = rome(2026, 3, 29, 0, 0)
    assert always_night.business_seconds(spring, spring + timedelta(days=1)) == 23 * 3600
    # 25 October 2026: 25 hours.
    autumn = rome(2026, 10, 25, 0, 0)
    assert always_night.business_seconds(autumn, autumn + timedelta(days=1)) == 25 * 3600


def test_an_empty_calendar_is_always_open() -> None:
    always = Calendar.parse(ROME)
    a = rome(2026, 12, 5, 3, 0)
    assert always.is_open(a) and always.next_open(a) == a
    assert always.business_seconds(a, a + timedelta(hours=7)) == 7 * 3600
    assert always.add_business(a, 60) == a + timedelta(minutes=1)


def test_holidays_everywhere_never_open() -> None:
    dates = ",".join(str(datetime(2026, 1, 1).date() + timedelta(days=i)) for i in range(400))
    closed = Calendar.parse(ROME, "mon-sun 09:00-10:00", dates)
    assert closed.next_open(rome(2026, 1, 1, 0, 0)) is None
    assert closed.add_business(rome(2026, 1, 1, 0, 0), 60) is None


@pytest.mark.parametrize(
    ("hours", "fragment"),
    [
        ("mon-fri", "has no hours"),
        ("mo 09:00-18:00", "unknown day"),
        ("mon 9-18", "not a range"),
        ("mon 25:00-26:00", "not a time of day"),
        ("mon 09:00-12:00 11:00-13:00", "overlap on mon"),
        ("mon 20:00-03:00; tue 02:00-05:00", "overlap between mon and tue"),
    ],
)
def test_malformed_hours_say_why(hours: str, fragment: str) -> None:
    with pytest.raises(CalendarError, match=fragment):
        Calendar.parse(ROME, hours)


def test_malformed_holidays_say_why() -> None:
    with pytest.raises(CalendarError, match="not a date"):
        Calendar.parse(ROME, "", "2026-13-01")


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
calendars = st.sampled_from([OFFICE, NIGHT, Calendar.parse(ROME)])


@settings(max_examples=200, deadline=None)
@given(calendars, instants, instants, instants)
def test_business_time_is_never_negative_and_adds_up(
    calendar: Calendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    ab, bc = calendar.business_seconds(a, b), calendar.business_seconds(b, c)
    assert ab >= 0 and bc >= 0
    assert calendar.business_seconds(b, a) == 0
    assert abs(calendar.business_seconds(a, c) - (ab + bc)) < 1e-6


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(min_value=0, max_value=30 * 24 * 3600))
def test_adding_business_time_lands_where_it_counts(
    calendar: Calendar, start: datetime, seconds: int
) -> None:
    end = calendar.add_business(start, seconds)
    assert end is not None and end >= start
    assert abs(calendar.business_seconds(start, end) - seconds) < 1e-6
    opened = calendar.next_open(start)
    assert opened is not None and calendar.is_open(opened) and opened >= start
