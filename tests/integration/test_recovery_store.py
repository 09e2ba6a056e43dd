"""Recoveries on SQLite and PostgreSQL: each step happens once, whoever presses first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from analytics.periods import iso_week
from analytics.recovery import build_recovery
from analytics.render_recovery import recovery_block
from conversations import schema
from conversations.clock import FrozenClock
from conversations.recovery import ReaskOutcome, Recoveries
from conversations.store import Database
from tests.integration.test_report_queries import Rows

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def test_each_step_happens_once(db: Database, clock: FrozenClock) -> None:
    clock.set(NOW)
    async with db.engine.begin() as conn:
        rows = Rows(conn)
        customer = await rows.customer()
        request = await rows.request(customer, resolved_at=NOW - timedelta(hours=1))
    recoveries = Recoveries(db, clock, timedelta(days=7), timedelta(hours=72))
    opened = await recoveries.open(request, customer, 3, None)
    assert opened is not None and opened.owner_id is None
    assert await recoveries.open(request, customer, 3, None) is None  # a repeat

    taken = await asyncio.gather(*(recoveries.take(request, by) for by in (7, 8, 9)))
    assert taken.count(True) == 1
    tries = await asyncio.gather(*(recoveries.attempted(request, 7) for _ in range(3)))
    assert tries.count(True) == 1

    assert await recoveries.due_reasks() == []
    clock.set(NOW + timedelta(days=7))
    asked = await asyncio.gather(recoveries.due_reasks(), recoveries.due_reasks())
    assert sum(len(found) for found in asked) == 1  # two sweepers: asked once
    assert (await recoveries.answer(request, 11)) is None  # not a score
    answers = await asyncio.gather(recoveries.answer(request, 9), recoveries.answer(request, 2))
    assert [a.changed for a in answers if a is not None].count(True) == 1
    final = await recoveries.get(request)
    assert final is not None and final.reask_outcome == ReaskOutcome.ANSWERED
    assert final.reask_score in (9, 2)
    clock.set(NOW + timedelta(days=30))
    assert await recoveries.expire_due() == []  # answered: nothing to expire


async def test_an_escalation_opens_one_and_waits_for_the_resolution(
    db: Database, clock: FrozenClock
) -> None:
    clock.set(NOW)
    async with db.engine.begin() as conn:
        rows = Rows(conn)
        customer = await rows.customer()
        request = await rows.request(customer, status="open", resolved_at=None)
    recoveries = Recoveries(db, clock, timedelta(days=7), timedelta(hours=72))
    opened = await recoveries.escalate(request, customer, "anger,repeat", None)
    assert opened is not None and opened.trigger == "escalation" and opened.score is None
    assert opened.reason == "anger,repeat"
    assert await recoveries.escalate(request, customer, "anger", None) is None  # once
    assert await recoveries.open(request, customer, 2, None) is None  # a later detractor...
    assert await recoveries.add_score(request, 2)  # ...is added to it, once
    assert not await recoveries.add_score(request, 1)
    assert await recoveries.attempted(request, 7)
    clock.set(NOW + timedelta(days=8))
    assert await recoveries.due_reasks() == []  # still open: not asked mid-conversation
    async with db.engine.begin() as conn:
        await conn.execute(
            schema.requests.update()
            .where(schema.requests.c.id == request)
            .values(status="resolved", resolved_at=NOW + timedelta(days=8))
        )
    assert await recoveries.due_reasks() == []  # not right after the resolution either
    clock.set(NOW + timedelta(days=15))
    found = await recoveries.due_reasks()
    assert [r.request_id for r, _ in found] == [request]
    assert found[0][0].score == 2


async def test_recovery_figures_of_a_period(db: Database) -> None:
    week = iso_week("2026-W50", ZoneInfo("Europe/Rome"))
    at = week.start + timedelta(days=1)
    async with db.engine.begin() as conn:
        rows = Rows(conn)
        customer = await rows.customer()
        cases: list[dict[str, Any]] = [
            # worked by 7: attempt after 2 h, won back with 8
            {"owner_id": 7, "root_cause": "billing", "attempted_at": at + timedelta(hours=2),
             "reask_outcome": "answered", "reask_score": 8},
            # worked by 7: attempt after 4 h, answered 5 (not won back)
            {"owner_id": 7, "root_cause": "billing", "attempted_at": at + timedelta(hours=4),
             "reask_outcome": "answered", "reask_score": 5},
            # worked by 8: attempt, re-ask expired
            {"owner_id": 8, "root_cause": "delivery", "attempted_at": at + timedelta(hours=6),
             "reask_outcome": "expired"},
            {"trigger": "escalation", "score": None, "reason": "anger"},  # nobody took it
            {"opened_at": week.start - timedelta(days=1)},  # the week before: not counted
        ]  # fmt: skip
        for case in cases:
            request = await rows.request(customer)
            row = {"request_id": request, "customer_id": customer, "score": 3, "opened_at": at}
            await conn.execute(insert(schema.recoveries).values(row | case))
        section = await build_recovery(conn, week)
    t = section.total
    assert (t.opened, t.attempted, t.asked, t.answered, t.won) == (4, 3, 3, 2, 1)
    assert t.escalations == 1
    assert t.attempt_median == 4 * 3600
    assert (t.attempt_share, t.recovery_rate) == (0.75, 0.5)
    assert section.causes == [("billing", 2), ("delivery", 1)]
    staff = {owner: (f.opened, f.won) for owner, f in section.by_staff}
    assert staff == {7: (2, 1), 8: (1, 0), None: (1, 0)}
    lines = recovery_block(section, "en", {7: "Carla"})
    assert lines[1] == (
        "Recoveries 4 (1 from escalations) · attempted 3 (75%), median 4 h after"
        " · asked again 3, answers 2 (67%) · won back 1 (50% of answers)"
    )
    assert lines[2] == "Causes: Billing 2 · Delivery 1"
    assert "• Carla: recoveries 2 · attempts 2 · won back 1 of 2" in lines
