"""/find at scale: search latency over millions of messages, and what the index costs a write.

Search: seeds (or reuses) the report benchmark's data set (100k customers, 1M requests,
about 5M messages; bench/report_scale.py) and times `conversations.search.find_messages`
as /find calls it (the 11 newest matches, connection opened per call): a cold call, then
the median of 7, for words picked by frequency in a sample of the stored texts (the most
common word, a mid-frequency one, a rare one, two common words together, a prefix, and a
word found nowhere).

Write cost: on a fresh database, stores messages one transaction each (as the bot stores
a customer message) at migration 0015 (no search index) and then at head (0016: FTS5
triggers on SQLite, the GIN index on PostgreSQL), and compares the medians.

    .venv/bin/python bench/find_scale.py --engine sqlite [--path /tmp/carebot_find.db]
    .venv/bin/python bench/find_scale.py --engine postgres [--database-url URL]
    .venv/bin/python bench/find_scale.py --engine sqlite --write-cost

Prints Markdown tables. Target: every search ≤ 200 ms (median) on both engines.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from report_scale import (  # type: ignore[import-not-found]
    PG_DEFAULT,
    Wanted,
    postgres_engine,
    sqlite_engine,
)
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from conversations import schema as tables
from conversations.db import create_engine, migrate
from conversations.models import Sender
from conversations.search import find_messages, fts_match, pg_matches, words
from conversations.store import Database
from conversations.terms import Direction

RUNS = 7
SHOWN = 11  # what /find asks for: ten, and one to know there are more


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def _timed(engine: AsyncEngine, query: str) -> tuple[float, int]:
    started = time.perf_counter()
    async with engine.connect() as conn:
        hits = await find_messages(conn, query, SHOWN)
    return (time.perf_counter() - started) * 1000, len(hits)


async def _queries(engine: AsyncEngine) -> list[tuple[str, str]]:
    """(label, query): words by how often they occur in a sample of stored texts."""
    async with engine.connect() as conn:
        sample = (
            await conn.execute(text("SELECT text FROM messages WHERE id % 97 = 0 LIMIT 50000"))
        ).scalars()
        texts = [sorted({w for w in words(t) if len(w) >= 4}) for t in sample if t]
    counts = Counter(w for ws in texts for w in ws)
    pairs = Counter(p for ws in texts for p in itertools.combinations(ws, 2))
    ranked = [w for w, _ in counts.most_common()]
    together = " ".join(pairs.most_common(1)[0][0])
    common, second = ranked[0], ranked[1]
    middle = ranked[len(ranked) // 2]
    rare = ranked[-1]
    return [
        ("most common word", common),
        ("mid-frequency word", middle),
        ("rarest word in the sample", rare),
        ("two words found together", together),
        ("two common words", f"{common} {second}"),
        ("prefix of a common word", common[:4]),
        ("no match", "zqxwvy"),
    ]


async def _count(engine: AsyncEngine, query: str) -> int:
    """How many messages match (for the table; not timed)."""
    terms = words(query)
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            q = text("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH :m")
            return int((await conn.execute(q, {"m": fts_match(terms)})).scalar_one())
        counted = select(func.count()).select_from(tables.messages).where(pg_matches(terms))
        return int((await conn.execute(counted)).scalar_one())


async def search(engine: AsyncEngine, label: str, messages: int) -> None:
    queries = await _queries(engine)
    print(f"\n{label}, {messages:,} messages\n")
    print("| query | words | matches | cold ms | median ms (min–max, 7 runs) | ≤ 200 ms |")
    print("|---|---|---:|---:|---:|---|")
    for what, query in queries:
        cold, _ = await _timed(engine, query)
        runs = [(await _timed(engine, query))[0] for _ in range(RUNS)]
        median = statistics.median(runs)
        matches = await _count(engine, query)
        print(
            f"| {what} | `{query}` | {matches:,} | {cold:,.0f} | {median:,.1f} "
            f"({min(runs):,.1f}–{max(runs):,.1f}) | {'yes' if median <= 200 else 'no'} |",
            flush=True,
        )


async def _store(db: Database, texts: list[str], start: int) -> list[float]:
    """Store each text in its own transaction; the milliseconds each took."""
    who = Sender(1, "Bench")
    times = []
    for i, body in enumerate(texts):
        started = time.perf_counter()
        async with db.transaction() as repo:
            await repo.add_message(
                request_id=1,
                direction=Direction.IN,
                sender=who,
                kind="text",
                text=body,
                chat_id=1,
                message_id=start + i,
                now=datetime.now(UTC),
            )
        times.append((time.perf_counter() - started) * 1000)
    return times


async def write_cost(engine: AsyncEngine, label: str, n: int) -> None:
    rows = (Path(__file__).parent / "escalation_texts.tsv").read_text(encoding="utf-8")
    texts = [line.split("\t", 3)[3] for line in rows.splitlines()[1:] if line.count("\t") >= 3]
    sample = [texts[i % len(texts)] for i in range(n)]
    await migrate(engine, "0015")
    db = Database(engine)
    async with engine.begin() as conn:
        now = datetime.now(UTC)
        await conn.execute(
            insert(tables.customers).values(
                id=1, telegram_user_id=1, first_name="Bench", language="it", created_at=now
            )
        )
        await conn.execute(
            insert(tables.requests).values(
                id=1, customer_id=1, status="open", opened_at=now, staff_chat_id=-1
            )
        )
    await _store(db, sample[:200], 0)  # warm-up
    without = await _store(db, sample, 1_000)
    await migrate(engine)
    with_index = await _store(db, sample, 1_000_000)
    a, b = statistics.median(without), statistics.median(with_index)
    print(f"\n{label}: one message per transaction, {n:,} each\n")
    print("| schema | median ms per stored message | p90 ms |")
    print("|---|---:|---:|")
    for name, times in (("0015, no search index", without), ("0016, search index", with_index)):
        p90 = statistics.quantiles(times, n=10)[-1]
        print(f"| {name} | {statistics.median(times):.2f} | {p90:.2f} |")
    print(f"\nThe index adds {b - a:+.2f} ms per message ({b / a:.2f}×).")


async def main_async(args: argparse.Namespace) -> None:
    if args.write_cost:
        if args.engine == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'write.db'}")
                await write_cost(engine, "SQLite", args.writes)
                await engine.dispose()
        else:
            url = args.database_url.rsplit("/", 1)[0] + "/carebot_find_write"
            admin = await asyncpg.connect(host="127.0.0.1", user="postgres", database="postgres")
            await admin.execute("DROP DATABASE IF EXISTS carebot_find_write WITH (FORCE)")
            await admin.execute("CREATE DATABASE carebot_find_write")
            engine = create_engine(url)
            try:
                await write_cost(engine, "PostgreSQL", args.writes)
            finally:
                await engine.dispose()
                await admin.execute("DROP DATABASE carebot_find_write WITH (FORCE)")
                await admin.close()
        return
    wanted = Wanted(args.customers, args.requests, args.responses)
    if args.engine == "sqlite":
        engine, meta = await sqlite_engine(Path(args.path), wanted)
    else:
        engine, meta = await postgres_engine(args.database_url, wanted)
    try:
        version = (await _version(engine)) or args.engine
        await search(engine, version, int(meta["counts"]["messages"]))
    finally:
        await engine.dispose()


async def _version(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            v = (await conn.execute(text("SELECT sqlite_version()"))).scalar_one()
            return f"SQLite {v}"
        v = (await conn.execute(text("SHOW server_version"))).scalar_one()
        return f"PostgreSQL {str(v).split()[0]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--path", default="/tmp/carebot_find.db", help="SQLite only")
    parser.add_argument(
        "--database-url", default=PG_DEFAULT.replace("carebot_bench", "carebot_find")
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--write-cost", action="store_true")
    parser.add_argument("--writes", type=int, default=3_000)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
