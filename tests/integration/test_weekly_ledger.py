"""The weekly-summary ledger: a manager gets each week's summary once (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from conversations.clock import FrozenClock
from conversations.store import Database
from conversations.weekly import WeeklySummaries, last_full_week

ROME = ZoneInfo("Europe/Rome")


def test_last_full_week_is_the_monday_before_this_week() -> None:
    # Monday 23 Nov 2026, 08:00 UTC: the last full week is 16–22 Nov.
    assert last_full_week(datetime(2026, 11, 23, 8, tzinfo=UTC), ROME) == date(2026, 11, 16)
    # Sunday 22 Nov 23:30 UTC is already Monday in Rome.
    assert last_full_week(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), ROME) == date(2026, 11, 16)
    assert last_full_week(datetime(2026, 11, 22, 22, 30, tzinfo=UTC), ROME) == date(2026, 11, 9)


async def test_a_week_is_claimed_once_per_manager(db: Database, clock: FrozenClock) -> None:
    ledger = WeeklySummaries(db, clock)
    week = date(2026, 11, 16)
    assert await ledger.claim(week, 11)
    assert not await ledger.claim(week, 11)
    assert await ledger.claim(week, 22)  # another manager
    await ledger.mark(week, 11)
    assert await ledger.status(week, 11) == "sent"
    assert not await ledger.claim(week, 11)
    assert await ledger.claim(date(2026, 11, 23), 11)  # next week


async def test_a_failed_send_may_be_retried(db: Database, clock: FrozenClock) -> None:
    ledger = WeeklySummaries(db, clock)
    week = date(2026, 11, 16)
    assert await ledger.claim(week, 11)
    await ledger.mark(week, 11, error="Forbidden: bot was blocked by the user")
    assert await ledger.status(week, 11) == "failed"
    assert await ledger.claim(week, 11)
    assert await ledger.status(week, 11) == "claimed"


async def test_concurrent_claims_let_one_through(db: Database, clock: FrozenClock) -> None:
    ledger = WeeklySummaries(db, clock)
    results = await asyncio.gather(*(ledger.claim(date(2026, 11, 16), 11) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]
