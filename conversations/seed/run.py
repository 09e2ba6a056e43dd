"""seed(): fill an empty database with a year of synthetic history."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from conversations.seed.generator import Generator
from conversations.seed.pools import _analysed_pools
from conversations.seed.shape import (
    BATCHES_PER_TRANSACTION,
    DAY,
    REQUESTS_PER_BATCH,
    SURVEY_EXPIRY,
    YEAR,
    History,
)
from conversations.seed.writer import _SEQUENCED, Writer

# (stage, done, total): stages are "customers", "requests", "finishing".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class SeedCounts:
    """How many rows `seed` wrote."""

    customers: int
    requests: int
    request_events: int
    messages: int
    surveys: int  # = responses: one survey row per surveyed request
    scored: int  # surveys with an NPS score


async def seed(
    engine: AsyncEngine,
    *,
    customers: int,
    requests: int,
    responses: int,
    seed: int = 0,
    now: datetime,
    progress: Progress | None = None,
    messages_per_request: float | None = None,
    history: History | None = None,
) -> SeedCounts:
    """Fill a migrated, empty database with a year of synthetic help-desk history before `now`.

    `responses` survey rows are written (at most one per request, so responses ≤ requests);
    most are completed, some expired or still waiting. `messages_per_request` is a mean
    (default 5; below about 3, the question-answer-closing minimum, it has no effect); the
    exact message count is in the returned SeedCounts. Raises ValueError on a database
    that already holds customers, requests, events, messages or surveys.
    """
    if customers < 1 and requests > 0:
        raise ValueError("requests need at least one customer")
    if min(customers, requests, responses) < 0:
        raise ValueError("counts cannot be negative")
    if responses > requests:
        raise ValueError("responses cannot exceed requests (one survey per request)")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    mean_messages = 5.0 if messages_per_request is None else messages_per_request
    if mean_messages < 1:
        raise ValueError("messages_per_request must be at least 1")
    pools = _analysed_pools()
    report = progress or (lambda _stage, _done, _total: None)
    rng = random.Random(seed)
    now_s = int(now.timestamp())
    start_s = now_s - YEAR

    async with engine.connect() as conn:
        for table in _SEQUENCED:
            if (await conn.exec_driver_sql(f"SELECT 1 FROM {table.name} LIMIT 1")).first():
                raise ValueError(f"the database already holds {table.name}: seed an empty one")
        writer = Writer(conn, start_s - DAY, now_s + SURVEY_EXPIRY + 2 * DAY)
        if writer.sqlite:
            await conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for the indexes
        gen = Generator(rng, writer, pools, now_s, start_s, mean_messages, history or History())
        report("customers", 0, customers)
        cust = await gen.customers(customers, requests, responses)
        await conn.commit()
        report("customers", customers, customers)
        report("requests", 0, requests)
        # Pipeline: build batch n+1 in a worker thread while batch n is being written
        # (SQLite releases the GIL while it works, asyncpg runs on the event loop).
        writing: asyncio.Task[None] | None = None
        done = 0
        try:
            for batch, lo in enumerate(range(0, requests, REQUESTS_PER_BATCH), start=1):
                hi = min(lo + REQUESTS_PER_BATCH, requests)
                rows = await asyncio.to_thread(gen.build, cust, lo, hi)
                if writing is not None:
                    await writing
                    report("requests", done, requests)
                if batch % BATCHES_PER_TRANSACTION == 1 and batch > 1:
                    await conn.commit()
                writing = asyncio.create_task(gen.write(rows))
                done = hi
        finally:
            if writing is not None:
                # let a write in flight finish (or fail) before the connection closes
                await asyncio.gather(writing, return_exceptions=True)
        failed = writing.exception() if writing is not None else None
        if failed is not None:
            raise failed
        report("requests", requests, requests)
        report("finishing", 0, 1)
        await writer.set_last_contact(
            [(writer.ts(sec), ci + 1) for ci, sec in enumerate(cust.last_in) if sec]
        )
        if not writer.sqlite:
            # ids were given explicitly: move each id sequence past them
            for table in _SEQUENCED:
                await conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
        await conn.commit()
        report("finishing", 1, 1)
    return SeedCounts(
        customers=customers,
        requests=requests,
        request_events=gen.event_id,
        messages=gen.message_id,
        surveys=gen.survey_id,
        scored=gen.scored,
    )
