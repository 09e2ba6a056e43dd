"""The report's SLA figures on SQLite and PostgreSQL: targets met when they fell due,
overall, per staff member and per staff group, the change on the period before, and the
service times in business hours."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import previous
from analytics.render_sla import sla_block
from analytics.sla import build_sla
from conversations.store import Database
from tests.integration.test_report_queries import (
    ANNA,
    BOB,
    NOW,
    STAFF_CHAT,
    Rows,
    last_30_days,
)

OTHER_GROUP = -1009999


@pytest.fixture
async def conn(db: Database) -> AsyncIterator[AsyncConnection]:
    async with db.engine.begin() as connection:
        yield connection


@pytest.fixture
def rows(conn: AsyncConnection) -> Rows:
    return Rows(conn)


async def test_resolution_target_met_counts_resolutions_still_standing_by_the_deadline(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    due = NOW - timedelta(days=2)
    on_time = {"resolved_at": due - timedelta(hours=1), "resolution_source": "staff"}
    await rows.request(customer, resolution_due=due, assignee_id=BOB, **on_time)  # met
    await rows.request(customer, resolution_due=due, resolved_at=due, assignee_id=BOB)  # just
    late = {"resolved_at": due + timedelta(minutes=1)}
    await rows.request(customer, resolution_due=due, assignee_id=ANNA, **late)  # missed
    # Resolved in time, then reopened: the customer's problem was not solved by then.
    await rows.request(customer, status="open", resolution_due=due, reopen_count=1)
    await rows.request(customer, status="open", resolution_due=NOW + timedelta(hours=2))  # ahead
    await rows.request(customer, resolution_due=NOW - timedelta(days=40), **late)  # before

    sla = await build_sla(conn, last_30_days(), now=NOW)
    r = sla.resolution
    assert (r.due, r.met) == (4, 2)
    assert sla.previous_resolution.due == 1 and sla.previous_resolution.met == 0
    staff = {b.key: (b.resolution.due, b.resolution.met) for b in sla.by_staff}
    assert staff == {str(BOB): (2, 2), str(ANNA): (1, 0), "": (1, 0)}
    assert [b.key for b in sla.by_staff] == [str(BOB), str(ANNA), ""]  # nobody's last
    assert sla.by_group == []  # one staff group: no breakdown

    text = "\n".join(sla_block(sla, "en", {BOB: "Bob", ANNA: "Anna"}))
    assert "Resolution within target: 50% (2 of 4), +50 points on the period before (0%)" in text
    assert "• Bob: 1st response — · resolution 100% (2 of 2)" in text
    assert "• nobody: 1st response — · resolution 0% (0 of 1)" in text


async def test_first_response_target_per_group_and_change_on_the_week_before(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    week = last_30_days()
    due = NOW - timedelta(days=1)
    answered = {"first_response_at": due - timedelta(minutes=3)}
    await rows.request(customer, promised_by=due, **answered)
    await rows.request(customer, promised_by=due, staff_chat_id=OTHER_GROUP, **answered)
    await rows.request(customer, promised_by=due, staff_chat_id=OTHER_GROUP)  # never answered
    before = previous(week).start + timedelta(days=1)
    await rows.request(customer, promised_by=before, first_response_at=before)
    await rows.request(customer, promised_by=before)

    sla = await build_sla(conn, week, now=NOW)
    assert (sla.first_response.due, sla.first_response.met) == (3, 2)
    assert (sla.previous_first_response.due, sla.previous_first_response.met) == (2, 1)
    groups = {b.key: (b.first_response.due, b.first_response.met) for b in sla.by_group}
    assert groups == {str(OTHER_GROUP): (2, 1), str(STAFF_CHAT): (1, 1)}

    text = "\n".join(sla_block(sla, "it", {OTHER_GROUP: "Fatture <b>"}))
    assert "Prima risposta entro l'obiettivo: 67% (2 su 3), +17 punti sul periodo prima (50%)" in (
        text
    )
    assert "Per gruppo:\n• Fatture &lt;b&gt;: 1ª risposta 50% (1 su 2)" in text


async def test_business_times_are_shown_only_when_the_team_keeps_hours(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    at = NOW - timedelta(days=2)
    for minutes in (10, 20, 30, 600):
        await rows.request(
            customer,
            first_response_at=at,
            first_response_seconds=minutes * 60 + 50_000,  # a night in between
            first_response_business_seconds=minutes * 60,
            resolved_at=at,
            resolution_seconds=7200 + 50_000,
            resolution_business_seconds=7200,
        )
    plain = await build_sla(conn, last_30_days(), now=NOW)
    assert plain.business is None and sla_block(plain, "en", {}) == []

    sla = await build_sla(conn, last_30_days(), now=NOW, business_hours=True)
    assert sla.business is not None
    assert (sla.business.first_response_n, sla.business.first_response_median) == (4, 1500)
    (title, line) = sla_block(sla, "en", {})
    assert title.startswith("<b>SLA</b>")
    assert line == (
        "In business hours: 1st response median 25 min (p90 7 h 9 min, n=4)"
        " · resolution median 2 h (p90 2 h, n=4)"
    )
