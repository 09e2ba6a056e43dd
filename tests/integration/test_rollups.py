"""Daily roll-ups stay exactly what adding up the source rows gives, whatever is written.

The triggers run on every engine; each test writes through real paths (the seeder, the
survey store) and by hand (updates that move a row to another day, key or bin, deletes,
reopens), then compares the tables with a rebuild from scratch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

from analytics.queries.split import Split, connect, rolled_up
from conversations import histograms, rollups
from conversations import schema as tables
from conversations.db import downgrade, migrate
from conversations.seed import seed
from conversations.store import Database
from tests.conftest import START

TABLES = (
    tables.daily_nps,
    tables.daily_surveys,
    tables.daily_pillar_answers,
    tables.daily_mentions,
    tables.daily_requests,
    tables.daily_service_bins,
    tables.daily_owners,
    tables.daily_owner_bins,
)


async def _snapshot(db: Database) -> dict[str, dict[tuple[Any, ...], int | float]]:
    """Return every roll-up table as {key columns: sum columns}, zero rows dropped."""
    found: dict[str, dict[tuple[Any, ...], int | float]] = {}
    async with db.engine.connect() as conn:
        for table in TABLES:
            keys = [c for c in table.columns if c.primary_key]
            sums = [c for c in table.columns if not c.primary_key]
            table_rows: dict[tuple[Any, ...], Any] = {}
            for row in (await conn.execute(select(*keys, *sums))).all():
                values = tuple(round(v, 6) if isinstance(v, float) else v for v in row[len(keys) :])
                if any(values):
                    table_rows[tuple(row[: len(keys)])] = values
            found[table.name] = table_rows
    return found


async def _rebuilt(db: Database) -> dict[str, dict[tuple[Any, ...], int | float]]:
    async with db.engine.begin() as conn:
        await conn.run_sync(rollups.rebuild)
    return await _snapshot(db)


async def _exec(db: Database, sql: str, **params: Any) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(sql), params)


async def test_seeded_data_is_rolled_up_on_write(db: Database) -> None:
    await seed(db.engine, customers=40, requests=400, responses=300, now=START)
    kept = await _snapshot(db)
    assert sum(n for (n,) in kept["daily_nps"].values()) == 300 - sum(
        s - a for s, a in kept["daily_surveys"].values()
    )  # every scored survey is an NPS answer
    assert sum(values[0] for values in kept["daily_requests"].values()) == 400
    assert kept == await _rebuilt(db)


async def test_updates_and_deletes_move_shares_between_days_and_keys(db: Database) -> None:
    await seed(db.engine, customers=30, requests=300, responses=200, now=START)
    # Rescore, move to another day, another staff member, another language.
    await _exec(db, "UPDATE surveys SET score = 10 - score WHERE score IS NOT NULL AND id % 3 = 0")
    await _exec(
        db,
        "UPDATE surveys SET scored_at = :at, resolved_by = 4242 WHERE id % 5 = 0",
        at=START - timedelta(days=3, hours=5),
    )
    await _exec(db, "UPDATE surveys SET language = 'en' WHERE id % 7 = 0")
    await _exec(db, "UPDATE surveys SET score = NULL, scored_at = NULL WHERE id % 11 = 0")
    await _exec(
        db, "UPDATE surveys SET pillar_score = 1 WHERE pillar_score IS NOT NULL AND id % 2 = 0"
    )
    # Reopen some resolved requests, change durations (other bins), resolve again.
    await _exec(
        db,
        "UPDATE requests SET status = 'open', reopen_count = reopen_count + 1 "
        "WHERE status = 'resolved' AND id % 4 = 0",
    )
    await _exec(
        db,
        "UPDATE requests SET first_response_seconds = first_response_seconds * 13 + 7 "
        "WHERE first_response_seconds IS NOT NULL AND id % 3 = 0",
    )
    await _exec(
        db,
        "UPDATE requests SET status = 'resolved', resolution_source = 'auto', "
        "resolution_seconds = 123456, resolved_at = :at WHERE status = 'open' AND id % 8 = 0",
        at=START - timedelta(hours=30),
    )
    # Claimed by someone else, unassigned, resolved by the customer: the owner moves.
    await _exec(db, "UPDATE requests SET assignee_id = 4242 WHERE id % 6 = 0")
    await _exec(db, "UPDATE requests SET assignee_id = NULL WHERE id % 10 = 0")
    await _exec(db, "UPDATE requests SET resolution_source = 'customer' WHERE id % 9 = 0")
    await _exec(db, "UPDATE pillar_mentions SET polarity = -0.5 WHERE id % 2 = 1")
    await _exec(db, "DELETE FROM pillar_mentions WHERE id % 3 = 0")
    await _exec(db, "DELETE FROM pillar_mentions WHERE survey_id % 13 = 0")
    await _exec(db, "DELETE FROM surveys WHERE id % 13 = 0")
    assert await _snapshot(db) == await _rebuilt(db)


async def test_live_survey_answers_are_rolled_up(db: Database) -> None:
    await seed(db.engine, customers=10, requests=60, responses=0, now=START)
    async with db.engine.connect() as conn:
        resolved = (
            await conn.execute(
                select(tables.requests.c.id, tables.requests.c.customer_id).where(
                    tables.requests.c.status == "resolved"
                )
            )
        ).all()
    assert resolved
    for request_id, customer_id in resolved[:5]:
        await _exec(
            db,
            "INSERT INTO surveys (request_id, customer_id, user_id, language, status, step, "
            "sent_at, expires_at) VALUES (:r, :c, 1, 'it', 'sent', 'score', :sent, :exp)",
            r=request_id,
            c=customer_id,
            sent=START,
            exp=START + timedelta(hours=48),
        )
    before = await _snapshot(db)
    assert before["daily_surveys"][(START.date(),)] == (5, 0)
    await _exec(db, "UPDATE surveys SET score = 9, scored_at = :at", at=START + timedelta(hours=1))
    await _exec(
        db,
        "UPDATE surveys SET pillar = 'empathy', pillar_score = 4, pillar_at = :at",
        at=START + timedelta(hours=1),
    )
    after = await _snapshot(db)
    assert after["daily_surveys"][(START.date(),)] == (5, 5)
    assert after["daily_pillar_answers"][(START.date(), "empathy", 4, 9)] == (5,)
    assert after == await _rebuilt(db)


@pytest.mark.parametrize(
    ("seconds", "bounds"),
    [(0, (0, 1)), (7, (7, 8)), (99, (99, 100)), (100, (100, 110)), (1299, (1200, 1300))],
)
def test_a_service_bin_holds_its_values(seconds: int, bounds: tuple[int, int]) -> None:
    assert histograms.bin_bounds(histograms.bin_of(seconds)) == bounds


async def test_the_database_bins_like_python(db: Database) -> None:
    values = [0, 1, 9, 10, 55, 99, 100, 101, 999, 1000, 12_345, 86_399, 3_600_000, 2**31 - 1]
    async with db.engine.connect() as conn:
        for seconds in values:
            sql = f"SELECT {histograms.bin_sql(str(seconds))}"
            assert (await conn.execute(text(sql))).scalar_one() == histograms.bin_of(seconds)


async def test_upgrading_a_populated_database_backfills_the_roll_ups(db: Database) -> None:
    await seed(db.engine, customers=20, requests=200, responses=150, now=START)
    kept = await _snapshot(db)
    await downgrade(db.engine, "0007")
    async with db.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    assert "daily_nps" not in names
    await migrate(db.engine)  # 0008 adds up what is already there, then triggers take over
    assert await _snapshot(db) == kept
    await _exec(db, "UPDATE surveys SET score = 0 WHERE score = 10")
    assert await _snapshot(db) == await _rebuilt(db)


async def test_the_database_runs_the_triggers_the_specs_describe(db: Database) -> None:
    # Migration 0008 carries the SQL it ran; a roll-up spec changed since without a new
    # migration that recreates the triggers would leave the database on the old rules.
    async with db.engine.connect() as conn:
        dialect = conn.dialect.name
        if dialect == "sqlite":
            q = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollup_%'"
            found = sorted((await conn.execute(text(q))).scalars())
        else:
            q = "SELECT prosrc FROM pg_proc WHERE proname LIKE 'rollup\\_%'"
            found = sorted(f"$${body}$$" for body in (await conn.execute(text(q))).scalars())
    expected: list[str] = []
    for source, specs in rollups._sources().items():
        if dialect == "sqlite":
            expected += rollups._sqlite_triggers(source, specs)
        else:
            functions = rollups._postgres_triggers(source, specs)[0::2]
            expected += [f[f.index("$$") :] for f in functions]
    assert found == sorted(expected)


@pytest.mark.parametrize("table", sorted({spec.table for spec in rollups.ROLLUPS}))
async def test_each_spec_reads_a_day_from_its_rows_as_its_trigger_wrote_it(
    db: Database, table: str
) -> None:
    # A report reads whole days from the roll-up and partial days through the specs' edge
    # readers; for any day both must give every figure alike, or reports would jump at
    # midnight.
    await seed(db.engine, customers=30, requests=300, responses=200, now=START)
    async with connect(db.engine) as conn:
        rows = (await conn.execute(text(f"SELECT DISTINCT day FROM {table}"))).scalars().all()
        days = sorted({d if isinstance(d, date) else date.fromisoformat(d) for d in rows})
        assert days, "the seed wrote nothing to compare"
        for day in days[:: max(1, len(days) // 12)]:
            start = datetime.combine(day, time(0), tzinfo=UTC)
            whole = Split(days=(day, day + timedelta(days=1)), edges=())
            from_rows = Split(days=None, edges=((start, start + timedelta(days=1)),))
            rolled = await rolled_up(conn, table, whole)
            read = await rolled_up(conn, table, from_rows)
            assert _nonzero(read) == _nonzero(rolled), (table, day)


def _nonzero(sums: dict[tuple[Any, ...], list[Any]]) -> dict[tuple[Any, ...], list[float]]:
    """Figures compared as numbers, empty groups left out (a trigger's zero-sum rows)."""
    return {
        key: [round(float(v), 9) for v in values]
        for key, values in sums.items()
        if any(float(v) for v in values)
    }
