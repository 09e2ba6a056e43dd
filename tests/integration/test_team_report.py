"""The report's team figures on SQLite and PostgreSQL: per staff member (by owner, else
resolver) and per saved reply (uses, NPS, reopened after, the customer's next message)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.render_csv import export_csv
from analytics.render_sla import promise_lines
from analytics.render_tag import render_tag_report
from analytics.render_team import team_blocks
from analytics.sla import build_sla
from analytics.tag_report import build_tag_report
from analytics.team import build_team
from conversations import schema
from conversations.store import Database
from tests.integration.test_report_queries import ANNA, BOB, NOW, ROME, Rows, last_30_days


@pytest.fixture
async def conn(db: Database) -> AsyncIterator[AsyncConnection]:
    async with db.engine.begin() as connection:
        yield connection


@pytest.fixture
def rows(conn: AsyncConnection) -> Rows:
    return Rows(conn)


async def _survey(
    conn: AsyncConnection, request_id: int, customer_id: int, score: int, owner: int | None = None
) -> None:
    at = NOW - timedelta(days=2)
    await conn.execute(
        insert(schema.surveys).values(
            request_id=request_id,
            customer_id=customer_id,
            resolved_by=owner,  # whom the answer counts for, as Surveys.start records it
            user_id=1,
            language="it",
            status="completed",
            step="done",
            sent_at=at,
            expires_at=at + timedelta(days=3),
            score=score,
            scored_at=at,
        )
    )


async def _event(conn: AsyncConnection, request_id: int, kind: str, at: datetime, **v: Any) -> None:
    await conn.execute(
        insert(schema.request_events).values(
            request_id=request_id, kind=kind, at=at, actor="staff", **v
        )
    )


async def test_staff_figures_count_each_resolution_for_its_owner(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    resolved = NOW - timedelta(days=2)
    bob_scores = [10, 10, 9, 8, 3, None]
    for i, score in enumerate(bob_scores):
        request_id = await rows.request(
            customer,
            assignee_id=BOB,
            resolved_by=ANNA if i == 0 else BOB,  # Bob's although Anna closed it
            resolution_source="staff",
            resolved_at=resolved,
            first_response_at=resolved - timedelta(hours=1),
            first_response_seconds=60 * (i + 1),
            resolution_seconds=3600 * (i + 1),
            reopen_count=1 if i == 5 else 0,
        )
        if score is not None:
            await _survey(conn, request_id, customer, score, BOB)
    for score in (10, 0):
        request_id = await rows.request(
            customer, resolved_by=ANNA, resolved_at=resolved, resolution_source="staff"
        )
        await _survey(conn, request_id, customer, score, ANNA)
    # The customer pressed Solved: resolved_by is their own id, the request nobody's.
    await rows.request(
        customer, resolved_by=1234, resolved_at=resolved, resolution_source="customer"
    )
    await rows.request(customer, assignee_id=BOB, resolved_at=NOW - timedelta(days=40))
    # Still open, answered in the period: its first response counts, as in service times.
    await rows.request(
        customer,
        assignee_id=BOB,
        status="open",
        first_response_at=resolved,
        first_response_seconds=3600,
    )

    team = await build_team(conn, last_30_days(), min_answers=5)
    # Every request tagged: the tag report reads the rows, and must say the same.
    async with conn.begin_nested():
        ids = (await conn.execute(schema.requests.select())).all()
        await conn.execute(
            insert(schema.request_tags),
            [{"request_id": row.id, "tag": "all"} for row in ids],
        )
    assert await build_team(conn, last_30_days(), min_answers=5, tag="all") == team
    bob, anna, nobody = team.staff
    assert (bob.user_id, bob.handled, anna.user_id, anna.handled) == (BOB, 6, ANNA, 2)
    assert (nobody.user_id, nobody.handled) == (None, 1)
    assert bob.first_response_median == 240 and bob.resolution_median == 3.5 * 3600
    assert bob.reopen_rate == 1 / 6
    assert (bob.nps.n, bob.nps.score) == (5, 40)  # 3 promoters, 1 passive, 1 detractor

    (staff_block,) = team_blocks(team, "en", {BOB: "Bob <Boss>", ANNA: "Anna"})
    assert staff_block[1].startswith("• Bob &lt;Boss&gt;: 6 requests · 1st response 4 min")
    assert "reopened 17%" in staff_block[1] and "NPS +40 ±" in staff_block[1]
    assert staff_block[2].endswith("NPS hidden (fewer than 5 answers)")  # Anna: 2 answers
    assert staff_block[3].startswith("• nobody: 1 request ·")


async def test_saved_reply_outcomes(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    t0 = NOW - timedelta(days=3)
    first = await rows.request(customer, resolved_at=NOW - timedelta(days=1))
    second = await rows.request(customer, resolved_at=NOW - timedelta(days=1))
    await _survey(conn, first, customer, 9)
    await _survey(conn, second, customer, 4)
    await _event(conn, first, "saved_reply", t0, detail="refund", actor_id=BOB)
    await rows.message(first, created_at=t0 + timedelta(minutes=1), polarity=0.6)
    await rows.message(first, created_at=t0 + timedelta(minutes=2), polarity=-0.9)  # not next
    await _event(conn, first, "reopened", t0 + timedelta(hours=1))
    await _event(conn, second, "reopened", t0 - timedelta(hours=1))  # before: not after it
    await _event(conn, second, "saved_reply", t0, detail="refund", actor_id=BOB)
    await rows.message(second, created_at=t0 + timedelta(minutes=5), polarity=-0.2)
    await _event(conn, second, "saved_reply", t0 + timedelta(hours=2), detail="refund")
    await _event(conn, second, "saved_reply", t0, detail="sorry")
    await _event(conn, second, "saved_reply", NOW - timedelta(days=60), detail="old")

    team = await build_team(conn, last_30_days(), min_answers=2)
    refund, sorry = team.saved_replies
    assert (refund.key, refund.uses, refund.requests) == ("refund", 3, 2)
    assert refund.reopen_rate == 0.5
    assert refund.next_n == 2 and abs((refund.next_polarity or 0) - 0.2) < 1e-9
    assert (refund.nps.n, refund.nps.score) == (2, 0)  # a promoter and a detractor
    assert (sorry.uses, sorry.requests, sorry.reopen_rate) == (1, 1, 0)

    blocks = team_blocks(team, "it", {})
    lines = blocks[-1]
    assert lines[1].startswith("• «refund»: 3 usi in 2 richieste · NPS 0 ±")
    assert "riaperte dopo 50%" in lines[1] and "sentiment +0,20 (n=2)" in lines[1]
    assert "NPS nascosto" in lines[2]  # one answer, fewer than 2


async def test_the_requests_export_lists_tags_and_owner(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    tagged = await rows.request(customer, assignee_id=BOB, category="billing")
    await rows.request(customer)
    for tag in ("refund", "billing"):
        await conn.execute(insert(schema.request_tags).values(request_id=tagged, tag=tag))
    data = await export_csv(conn, "requests", last_30_days())
    found = {r["id"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8")))}
    assert found[str(tagged)]["tags"] == "billing refund"
    assert found[str(tagged)]["assignee_id"] == str(BOB)
    assert found[str(tagged)]["category"] == "billing"
    assert [r["tags"] for k, r in found.items() if k != str(tagged)] == [""]


async def test_tag_report_reads_only_tagged_requests(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    resolved = NOW - timedelta(days=2)
    for i, (score, tag) in enumerate([(10, "billing"), (3, "billing"), (9, "shipping")]):
        request_id = await rows.request(
            customer,
            assignee_id=BOB,
            opened_at=resolved - timedelta(hours=5),
            first_response_at=resolved - timedelta(hours=4),
            first_response_seconds=3600 * (i + 1),
            resolved_at=resolved,
            resolution_seconds=3600 * 5,
            reopen_count=i % 2,
            resolution_source="auto" if i == 0 else "staff",
        )
        await _survey(conn, request_id, customer, score, BOB)
        await conn.execute(insert(schema.request_tags).values(request_id=request_id, tag=tag))
    waiting = await rows.request(customer, status="open", opened_at=NOW - timedelta(days=1))
    await conn.execute(insert(schema.request_tags).values(request_id=waiting, tag="billing"))

    found = await build_tag_report(
        conn, last_30_days(), "billing", now=NOW, tz=ROME, lang="it", min_answers=1
    )
    assert (found.nps.n, found.nps.score) == (2, 0)  # 10 and 3: the shipping 9 is not in it
    s = found.service
    assert (s.opened, s.resolved, s.backlog) == (3, 2, 1)
    assert (s.first_response_n, s.first_response_median) == (2, 1.5 * 3600)
    assert (s.reopen_rate, s.auto_resolved_share) == (0.5, 0.5)
    (bob,) = found.team.staff
    assert (bob.user_id, bob.handled) == (BOB, 2)
    text = "\n".join(render_tag_report(found, {BOB: "Bob"}))
    assert "tag #billing" in text and "• Bob: 2 richieste" in text


async def test_promises_kept_count_the_promises_that_came_due(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    due = NOW - timedelta(days=2)
    answered = {"first_response_at": due - timedelta(minutes=5)}
    await rows.request(customer, promised_by=due, **answered)  # kept
    await rows.request(customer, promised_by=due, first_response_at=due)  # kept, just
    late = {"first_response_at": due + timedelta(minutes=1)}
    await rows.request(customer, promised_by=due, **late)  # broken
    await rows.request(customer, status="open", promised_by=due)  # broken: never answered
    await rows.request(customer, status="open", promised_by=NOW + timedelta(hours=1))  # not due
    await rows.request(customer, promised_by=NOW - timedelta(days=60), **answered)  # before
    await rows.request(customer)  # no promise

    figures = await build_sla(conn, last_30_days(), now=NOW)
    first = figures.first_response
    assert (first.due, first.met, first.share) == (4, 2, 0.5)
    (line,) = promise_lines(figures, "it")
    assert "Promesse mantenute" in line and "50% (2 su 4)" in line
    assert (
        promise_lines(await build_sla(conn, last_30_days(), now=NOW - timedelta(days=40)), "it")
        == []
    )
