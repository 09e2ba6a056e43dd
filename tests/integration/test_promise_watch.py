"""Promises on SQLite and PostgreSQL: a new request is promised its first answer in
business time, and warned about once, by exactly one of two simultaneous watchers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from conversations.business_hours import Calendar
from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender
from conversations.promise_watch import PromiseWatch
from conversations.routing import Routing
from conversations.store import Database

ROME = ZoneInfo("Europe/Rome")
OFFICE = Calendar.parse(ROME, "mon-fri 09:00-18:00")
MARIA = Sender(111, "Maria", language_code="it")


async def test_promise_stored_and_warned_once(db: Database, clock: FrozenClock) -> None:
    target = timedelta(minutes=30)
    policy = HelpDeskPolicy(Routing.single(-100), first_response_target=target, calendar=OFFICE)
    desk = HelpDesk(db, clock, policy)
    clock.set(datetime(2026, 12, 4, 17, 50, tzinfo=ROME).astimezone(UTC))  # Friday 17:50
    opened = await desk.customer_message(Incoming(MARIA.user_id, 1, MARIA, "text", "aiuto"))
    # Ten minutes on Friday, twenty on Monday morning.
    assert opened.request.promised_by == datetime(2026, 12, 7, 9, 20, tzinfo=ROME)

    watchers = [PromiseWatch(db, clock, OFFICE, target, 0.8) for _ in range(2)]
    clock.set(datetime(2026, 12, 7, 9, 10, tzinfo=ROME).astimezone(UTC))  # 10 min left
    assert await watchers[0].due_warnings() == []
    clock.set(datetime(2026, 12, 7, 9, 15, tzinfo=ROME).astimezone(UTC))  # 5 min left
    results = await asyncio.gather(*(w.due_warnings() for w in watchers))
    warned = [w for found in results for w in found]
    assert [w.request.id for w in warned] == [opened.request.id]
    assert warned[0].left_seconds == 5 * 60
    assert await watchers[1].due_warnings() == []
