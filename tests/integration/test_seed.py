"""The synthetic data seeder, on SQLite and PostgreSQL: counts, determinism, consistency."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bot.cli import main
from conversations import schema as tables
from conversations.db import create_engine
from conversations.models import Sender
from conversations.seed import seed
from conversations.store import Database
from tests.conftest import START

TABLES = (
    tables.customers,
    tables.requests,
    tables.request_events,
    tables.messages,
    tables.surveys,
    tables.pillar_mentions,
)


async def _count(db: Database, table: Any) -> int:
    async with db.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def _scalar(db: Database, sql: str) -> Any:
    async with db.engine.connect() as conn:
        return (await conn.execute(text(sql))).scalar_one()


async def _dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    async with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(r) for r in (await conn.execute(select(table).order_by(table.c.id))).all()
            ]
            for table in TABLES
        }


async def test_counts_match_the_arguments(db: Database) -> None:
    counts = await seed(db.engine, customers=60, requests=500, responses=350, now=START)
    assert (counts.customers, counts.requests, counts.surveys) == (60, 500, 350)
    assert await _count(db, tables.customers) == 60
    assert await _count(db, tables.requests) == 500
    assert await _count(db, tables.surveys) == 350
    assert await _count(db, tables.request_events) == counts.request_events
    assert await _count(db, tables.messages) == counts.messages
    assert 4 * 500 <= counts.messages <= 6 * 500  # about 5 per request by default
    assert await _scalar(db, "SELECT COUNT(score) FROM surveys") == counts.scored


async def test_messages_per_request_is_a_mean(db: Database) -> None:
    counts = await seed(
        db.engine, customers=40, requests=400, responses=0, now=START, messages_per_request=8
    )
    assert 7 * 400 <= counts.messages <= 9 * 400
    assert counts.surveys == 0


async def test_same_seed_same_data_other_seed_other_data(db: Database) -> None:
    await seed(db.engine, customers=30, requests=200, responses=150, seed=7, now=START)
    first = await _dump(db)
    async with db.engine.begin() as conn:
        for table in reversed(TABLES):
            await conn.execute(table.delete())
    await seed(db.engine, customers=30, requests=200, responses=150, seed=7, now=START)
    assert await _dump(db) == first
    async with db.engine.begin() as conn:
        for table in reversed(TABLES):
            await conn.execute(table.delete())
    await seed(db.engine, customers=30, requests=200, responses=150, seed=8, now=START)
    assert await _dump(db) != first


async def test_data_is_consistent(db: Database) -> None:
    await seed(db.engine, customers=80, requests=800, responses=600, now=START)
    async with db.engine.connect() as conn:
        c = (await conn.execute(select(tables.customers))).mappings().all()
        r = (await conn.execute(select(tables.requests))).mappings().all()
        m = (await conn.execute(select(tables.messages))).mappings().all()
        s = (await conn.execute(select(tables.surveys))).mappings().all()
        e = (await conn.execute(select(tables.request_events))).mappings().all()

    # customers: both languages, unique Telegram ids, created at their first message
    assert {x["language"] for x in c} == {"it", "en"}
    assert len({x["telegram_user_id"] for x in c}) == 80
    created = {x["id"]: x["created_at"] for x in c}
    for req in r:
        assert req["opened_at"] >= created[req["customer_id"]]
    churned = [x for x in c if x["churned_at"] is not None]
    assert all(x["churn_source"] for x in churned)
    assert all(x["created_at"] <= START for x in c)

    # requests: statuses and times agree
    statuses = [x["status"] for x in r]
    assert statuses.count("resolved") > 0.8 * len(r)
    for req in r:
        assert req["opened_at"] <= START
        if req["status"] == "resolved":
            assert req["resolved_at"] is not None
            assert req["opened_at"] <= req["resolved_at"] <= START
            assert req["resolution_seconds"] == int(
                (req["resolved_at"] - req["opened_at"]).total_seconds()
            )
            assert req["resolution_source"] in ("staff", "customer", "auto")
            assert (req["resolved_by"] is not None) == (req["resolution_source"] == "staff")
        else:
            assert req["resolved_at"] is None
        if req["first_response_at"] is not None:
            assert req["first_response_seconds"] == int(
                (req["first_response_at"] - req["opened_at"]).total_seconds()
            )
        if req["status"] == "open" and req["reopen_count"] == 0:
            assert req["first_response_at"] is None
    open_per_customer: dict[int, int] = {}
    for req in r:
        if req["status"] != "resolved":
            open_per_customer[req["customer_id"]] = open_per_customer.get(req["customer_id"], 0) + 1
    assert all(n == 1 for n in open_per_customer.values())
    kinds = {x["kind"] for x in e}
    assert kinds <= {"opened", "answered", "resolved", "reopened"}
    assert sum(1 for x in e if x["kind"] == "opened") == len(r)

    # messages: every request starts with the customer's message; sentiment only on theirs
    first: dict[int, Any] = {}
    for msg in sorted(m, key=lambda x: x["id"]):
        first.setdefault(msg["request_id"], msg)
        assert msg["created_at"] <= START
        if msg["direction"] == "in" and msg["text"]:
            assert msg["language"] in ("it", "en")
            assert -1 <= msg["polarity"] <= 1
            label = msg["sentiment_label"]
            assert label == (
                "positive"
                if msg["polarity"] >= 0.1
                else "negative"
                if msg["polarity"] <= -0.1
                else "neutral"
            )
            assert msg["pillar_tags"].startswith("[")
        else:
            assert msg["polarity"] is None
    assert len(first) == len(r)
    opened = {x["id"]: x["opened_at"] for x in r}
    for rid, msg in first.items():
        assert msg["direction"] == "in"
        assert msg["created_at"] == opened[rid]
    assert {x["language"] for x in m if x["language"]} == {"it", "en"}
    sources = [(x["source_chat_id"], x["source_message_id"]) for x in m]
    assert len(set(sources)) == len(sources)

    # surveys: scores, bands, pillars
    assert len({x["request_id"] for x in s}) == len(s)
    scored = [x for x in s if x["score"] is not None]
    assert len(scored) > 0.7 * len(s)
    for sv in s:
        assert sv["status"] in ("completed", "expired", "sent")
        if sv["score"] is None:
            assert sv["band"] is None
            continue
        assert 0 <= sv["score"] <= 10
        band = "detractor" if sv["score"] <= 6 else "passive" if sv["score"] <= 8 else "promoter"
        assert sv["band"] == band
        assert sv["sent_at"] <= sv["scored_at"] <= START
        if sv["pillar_score"] is not None:
            assert 1 <= sv["pillar_score"] <= 5
            assert sv["pillar"] is not None
        if sv["status"] == "completed":
            assert sv["step"] == "done" and sv["answered_at"] is not None
        if sv["reason_text"] is not None:
            assert sv["reason_label"] in ("positive", "neutral", "negative")
    promoters = sum(1 for x in scored if x["score"] >= 9) / len(scored)
    detractors = sum(1 for x in scored if x["score"] <= 6) / len(scored)
    assert 0.3 < promoters < 0.65
    assert 0.1 < detractors < 0.4
    assert {x["language"] for x in s} == {"it", "en"}
    assert len({x["pillar"] for x in s if x["pillar"]}) == 6


async def test_responses_may_equal_requests(db: Database) -> None:
    counts = await seed(db.engine, customers=20, requests=150, responses=150, now=START)
    assert counts.surveys == 150
    async with db.engine.connect() as conn:
        unresolved = (
            await conn.execute(
                text(
                    "SELECT r.reopen_count FROM requests r JOIN surveys s ON s.request_id = r.id "
                    "WHERE r.status <> 'resolved'"
                )
            )
        ).all()
    assert all(row[0] >= 1 for row in unresolved)  # surveyed, then reopened


async def test_the_bot_can_write_after_a_seed(db: Database) -> None:
    await seed(db.engine, customers=10, requests=50, responses=20, now=START)
    async with db.transaction() as repo:
        customer = await repo.upsert_customer(Sender(1, "New", None, None), "it", START)
        request = await repo.open_request(customer.id, -100, START)
    assert customer.id == 11
    assert request.id == 51


async def test_refuses_bad_arguments_and_a_database_with_data(db: Database) -> None:
    with pytest.raises(ValueError, match="responses"):
        await seed(db.engine, customers=5, requests=10, responses=11, now=START)
    await seed(db.engine, customers=5, requests=10, responses=5, now=START)
    with pytest.raises(ValueError, match="empty"):
        await seed(db.engine, customers=5, requests=10, responses=5, now=START)


def test_cli_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'seed.db'}"
    args = ["seed", "--customers", "20", "--requests", "100", "--responses", "80"]
    assert main([*args, "--database-url", url]) == 0
    out = capsys.readouterr()
    assert "customers=20, requests=100" in out.out
    assert "requests" in out.err and "100%" in out.err
    assert main([*args, "--database-url", url]) == 1
    assert "empty" in capsys.readouterr().err


async def test_the_seeds_sqlite_time_text_is_what_sqlalchemy_stores(tmp_path: Path) -> None:
    # The writer builds SQLite's datetime text itself (for speed); reading and comparing
    # depend on it being exactly the text SQLAlchemy writes for UtcDateTime.
    from sqlalchemy.dialects import sqlite

    from conversations.schema import UtcDateTime
    from conversations.seed.writer import Writer

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ts.db'}")
    try:
        async with engine.connect() as conn:
            writer = Writer(conn, 1_700_000_000, 1_800_000_000)
            bind = UtcDateTime().dialect_impl(sqlite.dialect()).bind_processor(sqlite.dialect())
            assert bind is not None
            for second in (1_700_000_000, 1_734_567_891, 1_799_999_999):
                assert writer.ts(second) == bind(datetime.fromtimestamp(second, UTC))
    finally:
        await engine.dispose()
