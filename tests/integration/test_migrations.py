"""Migrations build exactly the schema the code declares, on both engines, and re-run safely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, select

from conversations import schema
from conversations.db import current_revision, migrate
from conversations.search import SEARCH_OBJECTS
from conversations.store import Database

# The search index lives outside the declared tables (an FTS5 table, an expression index).
OPTS = {"include_name": lambda name, kind, parent: not SEARCH_OBJECTS.match(name or "")}


async def test_migrated_schema_matches_declared_tables(db: Database) -> None:
    async with db.engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts=OPTS), schema.metadata
            )
        )
    assert diff == []


async def test_migrate_twice_is_harmless(db: Database) -> None:
    before = await current_revision(db.engine)
    await migrate(db.engine)
    assert before is not None and await current_revision(db.engine) == before


async def test_datetimes_come_back_aware_utc(db: Database) -> None:
    rome_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    async with db.transaction() as repo:
        await repo.conn.execute(
            insert(schema.customers).values(first_name="A", language="it", created_at=rome_noon)
        )
        stored = (await repo.conn.execute(select(schema.customers.c.created_at))).scalar_one()
    assert stored == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
