"""pillar_mentions: written with every tagged customer text, backfilled by migration 0006."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, insert, select

from conversations import schema
from conversations.clock import FrozenClock
from conversations.db import _alembic_config, migrate
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender
from conversations.routing import Routing
from conversations.seed import seed
from conversations.store import Database
from conversations.surveys import SurveyPolicy, Surveys
from conversations.terms import Actor, Direction
from tests.conftest import START

STAFF = -1001234567890
MARIA = Sender(111, "Maria", "Rossi", "mariar", "it")
BOB = Sender(900, "Bob", "Staff")


def tagging(text: str, language: str | None) -> dict[str, Any]:
    """Tag 'slow' as time_and_effort and 'kind' as empathy, each with its own polarity."""
    tags = []
    if "slow" in text:
        tags.append({"pillar": "time_and_effort", "polarity": -0.5, "matched": "slow"})
    if "kind" in text:
        tags.append({"pillar": "empathy", "polarity": 0.75, "matched": "kind"})
    return {
        "polarity": 0.0,
        "subjectivity": 0.5,
        "label": "neutral",
        "language": language,
        "tags": tags,
    }


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)), tagging)


async def mentions(db: Database) -> list[tuple[Any, ...]]:
    pm = schema.pillar_mentions
    columns = (pm.c.message_id, pm.c.survey_id, pm.c.customer_id, pm.c.at, pm.c.pillar)
    q = select(*columns, pm.c.polarity).order_by(pm.c.id)
    async with db.transaction() as repo:
        return [tuple(row) for row in (await repo.conn.execute(q)).all()]


def incoming(who: Sender, message_id: int, text: str) -> Incoming:
    return Incoming(chat_id=who.user_id, message_id=message_id, sender=who, kind="text", text=text)


async def test_customer_messages_write_one_mention_per_tag(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    first = await desk.customer_message(incoming(MARIA, 1, "slow but kind"))
    customer = first.request.customer_id
    await desk.customer_message(incoming(MARIA, 2, "nothing to tag"))
    assert await mentions(db) == [
        (first.message_row_id, None, customer, START, "time_and_effort", -0.5),
        (first.message_row_id, None, customer, START, "empathy", 0.75),
    ]
    # An edit replaces the message's mentions; the date stays the message's.
    clock.advance(minutes=3)
    await desk.edited_message(incoming(MARIA, 1, "so kind"), clock.now())
    assert await mentions(db) == [(first.message_row_id, None, customer, START, "empathy", 0.75)]
    clock.advance(minutes=1)
    await desk.edited_message(incoming(MARIA, 1, "fine"), clock.now())
    assert await mentions(db) == []


async def test_staff_texts_write_no_mentions(desk: HelpDesk, db: Database) -> None:
    opened = await desk.customer_message(incoming(MARIA, 1, "hello"))
    async with db.transaction() as repo:
        await repo.add_message(
            request_id=opened.request.id,
            direction=Direction.OUT,
            sender=BOB,
            kind="text",
            text="sorry, slow",
            chat_id=STAFF,
            message_id=51,
            now=START,
            sentiment=tagging("slow", "en"),
        )
    assert await mentions(db) == []


async def test_a_scored_reason_writes_mentions_dated_at_its_score(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    outcome = await desk.customer_message(incoming(MARIA, 1, "hi"))
    change = await desk.resolve(outcome.request.id, Actor.STAFF, BOB.user_id)
    surveys = Surveys(db, clock, SurveyPolicy(), tagging, random.Random(7))
    started = await surveys.start(change.events[0])
    assert started is not None
    clock.advance(minutes=2)
    await surveys.record_score(started.survey_id, MARIA.user_id, 5)
    scored_at = clock.now()
    clock.advance(minutes=5)
    result = await surveys.record_reason(MARIA.user_id, "too slow", message_id=9)
    assert result is not None
    customer = outcome.request.customer_id
    assert await mentions(db) == [
        (None, started.survey_id, customer, scored_at, "time_and_effort", -0.5)
    ]


async def test_migration_0006_backfills_mentions_from_the_json_tags(db: Database) -> None:
    def downgrade(sync: Connection) -> None:
        command.downgrade(_alembic_config(sync), "0005")

    async with db.engine.begin() as conn:
        await conn.run_sync(downgrade)
    now = START
    slow = {"pillar": "time_and_effort", "polarity": -0.5, "matched": "slow"}
    kind = {"pillar": "empathy", "polarity": 0.25, "matched": "kind"}
    async with db.engine.begin() as conn:
        customer = (
            await conn.execute(
                insert(schema.customers)
                .values(first_name="A", language="it", created_at=now)
                .returning(schema.customers.c.id)
            )
        ).scalar_one()
        request = (
            await conn.execute(
                insert(schema.requests)
                .values(customer_id=customer, status="resolved", opened_at=now, staff_chat_id=1)
                .returning(schema.requests.c.id)
            )
        ).scalar_one()
        message_ids = []
        for n, (direction, tags) in enumerate(
            [("in", [slow, kind]), ("in", []), ("out", [slow]), ("in", None), ("in", [{}])]
        ):
            row = {
                "request_id": request,
                "direction": direction,
                "sender_user_id": 1,
                "kind": "text",
                "source_chat_id": 1,
                "source_message_id": n,
                "delivery": "delivered",
                "created_at": now + timedelta(minutes=n),
                "pillar_tags": None if tags is None else json.dumps(tags),
            }
            result = await conn.execute(
                insert(schema.messages).values(row).returning(schema.messages.c.id)
            )
            message_ids.append(result.scalar_one())
        survey_ids = []
        for n, scored in enumerate((True, False)):
            row = {
                "request_id": request,
                "customer_id": customer,
                "user_id": 1,
                "language": "it",
                "status": "completed",
                "step": "done",
                "sent_at": now,
                "expires_at": now + timedelta(days=3),
                "score": 3 if scored else None,
                "scored_at": now + timedelta(hours=1) if scored else None,
                "reason_tags": json.dumps([slow]),
            }
            if n:  # one survey per request
                row["request_id"] = (
                    await conn.execute(
                        insert(schema.requests)
                        .values(
                            customer_id=customer, status="resolved", opened_at=now, staff_chat_id=1
                        )
                        .returning(schema.requests.c.id)
                    )
                ).scalar_one()
            result = await conn.execute(
                insert(schema.surveys).values(row).returning(schema.surveys.c.id)
            )
            survey_ids.append(result.scalar_one())
    await migrate(db.engine)
    assert await mentions(db) == [
        (message_ids[0], None, customer, now, "time_and_effort", -0.5),
        (message_ids[0], None, customer, now, "empathy", 0.25),
        (None, survey_ids[0], customer, now + timedelta(hours=1), "time_and_effort", -0.5),
    ]


async def test_seed_writes_the_mentions_its_tags_hold(db: Database) -> None:
    await seed(db.engine, customers=40, requests=300, responses=200, now=START)
    m, r, s = schema.messages, schema.requests, schema.surveys
    expected: Counter[tuple[Any, ...]] = Counter()
    async with db.transaction() as repo:
        q = (
            select(m.c.id, r.c.customer_id, m.c.created_at, m.c.pillar_tags)
            .select_from(m.join(r, r.c.id == m.c.request_id))
            .where(m.c.direction == "in", m.c.pillar_tags.is_not(None))
        )
        for mid, cid, at, tags in (await repo.conn.execute(q)).all():
            for tag in json.loads(tags):
                expected[(mid, None, cid, at, tag["pillar"], tag["polarity"])] += 1
        q = select(s.c.id, s.c.customer_id, s.c.scored_at, s.c.reason_tags).where(
            s.c.scored_at.is_not(None), s.c.reason_tags.is_not(None)
        )
        for sid, cid, at, tags in (await repo.conn.execute(q)).all():
            for tag in json.loads(tags):
                expected[(None, sid, cid, at, tag["pillar"], tag["polarity"])] += 1
    found = await mentions(db)
    assert expected and Counter(found) == expected
