"""Service targets on SQLite and PostgreSQL: a new request is promised its first answer
and its resolution in business time, warned about and escalated once each, by exactly one
of two simultaneous watchers; its service times are kept in business time too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from conversations import schema
from conversations.business_hours import Calendar
from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender
from conversations.routing import Routing
from conversations.sla_watch import SlaWatch
from conversations.store import Database
from conversations.terms import Actor, SlaTarget

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

    targets = {SlaTarget.FIRST_RESPONSE: target}
    watchers = [SlaWatch(db, clock, OFFICE, targets, 0.8) for _ in range(2)]
    clock.set(datetime(2026, 12, 7, 9, 10, tzinfo=ROME).astimezone(UTC))  # 10 min left
    assert await watchers[0].due_warnings() == []
    clock.set(datetime(2026, 12, 7, 9, 15, tzinfo=ROME).astimezone(UTC))  # 5 min left
    results = await asyncio.gather(*(w.due_warnings() for w in watchers))
    warned = [w for found in results for w in found]
    assert [w.request.id for w in warned] == [opened.request.id]
    assert warned[0].left_seconds == 5 * 60
    assert await watchers[1].due_warnings() == []
    clock.set(datetime(2026, 12, 7, 9, 21, tzinfo=ROME).astimezone(UTC))  # broken
    results = await asyncio.gather(*(w.breaches() for w in watchers))
    assert [a.request.id for found in results for a in found] == [opened.request.id]
    assert await watchers[0].breaches() == []


async def test_resolution_target_and_business_times(db: Database, clock: FrozenClock) -> None:
    targets = {SlaTarget.RESOLUTION: timedelta(hours=2)}
    policy = HelpDeskPolicy(
        Routing.single(-100), resolution_target=targets[SlaTarget.RESOLUTION], calendar=OFFICE
    )
    desk = HelpDesk(db, clock, policy)
    watch = SlaWatch(db, clock, OFFICE, targets, 0.8)
    clock.set(datetime(2026, 12, 4, 17, 0, tzinfo=ROME).astimezone(UTC))  # Friday 17:00
    opened = await desk.customer_message(Incoming(MARIA.user_id, 1, MARIA, "text", "aiuto"))
    assert opened.request.promised_by is None  # no first-response target set
    assert opened.request.resolution_due == datetime(2026, 12, 7, 10, 0, tzinfo=ROME)
    clock.set(datetime(2026, 12, 7, 9, 10, tzinfo=ROME).astimezone(UTC))  # 50 min left
    assert await watch.due_warnings() == []
    clock.set(datetime(2026, 12, 7, 9, 40, tzinfo=ROME).astimezone(UTC))  # 20 min left
    (warning,) = await watch.due_warnings()
    assert (warning.target, warning.left_seconds) == (SlaTarget.RESOLUTION, 20 * 60)
    assert await watch.breaches() == []
    await desk.resolve(opened.request.id, Actor.STAFF, 7)
    clock.set(datetime(2026, 12, 7, 10, 5, tzinfo=ROME).astimezone(UTC))
    assert await watch.breaches() == []  # resolved in time: nothing to escalate

    r = schema.requests.c
    async with db.read() as repo:
        found = select(r.resolution_business_seconds, r.resolution_seconds)
        row = (await repo.conn.execute(found.where(r.id == opened.request.id))).one()
    # A weekend between: 1 h 40 min of business time, 64 h 40 min on the wall clock.
    assert tuple(row) == (100 * 60, (64 * 60 + 40) * 60)
