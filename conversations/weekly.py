"""Which manager received which weekly summary: claim before sending, so it goes out once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from conversations import schema as tables
from conversations.clock import Clock
from conversations.store import Database


def last_full_week(now: datetime, tz: ZoneInfo) -> date:
    """The Monday (local) of the last complete Monday–Sunday week before `now`."""
    today = now.astimezone(tz).date()
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(days=7)


class WeeklySummaries:
    """The ledger of weekly summaries sent to managers."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def claim(self, week_start: date, manager_id: int) -> bool:
        """Take the right to send this week's summary to a manager; False if taken or sent.

        A summary whose send failed may be claimed again; one claimed by a process that
        died mid-send is not (at most once: a duplicate would be worse than a gap).
        """
        now = self.clock.now()
        w = tables.weekly_summaries.c
        async with self.db.transaction() as repo:
            conn = repo.conn
            try:
                async with conn.begin_nested():
                    await conn.execute(
                        insert(tables.weekly_summaries).values(
                            week_start=week_start,
                            manager_id=manager_id,
                            status="claimed",
                            claimed_at=now,
                        )
                    )
                return True
            except IntegrityError:
                retried = await conn.execute(
                    update(tables.weekly_summaries)
                    .where(
                        and_(
                            w.week_start == week_start,
                            w.manager_id == manager_id,
                            w.status == "failed",
                        )
                    )
                    .values(status="claimed", claimed_at=now, error=None)
                )
                return bool(retried.rowcount)

    async def mark(self, week_start: date, manager_id: int, error: str | None = None) -> None:
        """Record the outcome of a claimed send."""
        w = tables.weekly_summaries.c
        values = (
            {"status": "failed", "error": error[:500]}
            if error is not None
            else {"status": "sent", "sent_at": self.clock.now()}
        )
        async with self.db.transaction() as repo:
            await repo.conn.execute(
                update(tables.weekly_summaries)
                .where(and_(w.week_start == week_start, w.manager_id == manager_id))
                .values(values)
            )

    async def status(self, week_start: date, manager_id: int) -> str | None:
        """Where a manager's summary for a week stands (None: not claimed)."""
        w = tables.weekly_summaries.c
        async with self.db.transaction() as repo:
            q = select(w.status).where(and_(w.week_start == week_start, w.manager_id == manager_id))
            value: str | None = (await repo.conn.execute(q)).scalar_one_or_none()
            return value
