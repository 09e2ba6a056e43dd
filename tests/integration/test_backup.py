"""`carebot backup` copies a SQLite database consistently while something writes to it, and
`carebot restore` puts a copy back, keeping the database it replaces."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.cli import main
from conversations.db import create_engine, migrate
from conversations.seed import seed
from tests.conftest import START


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def _seeded(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await migrate(engine)
    await seed(engine, customers=50, requests=400, responses=300, now=START)
    await engine.dispose()
    return url


async def test_a_backup_taken_while_writing_is_whole_and_restores(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = workdir / "bot.db"
    url = await _seeded(live)
    before = _count(live, "messages")
    stop = threading.Event()

    def keep_writing() -> None:  # another process's writes, as the bot's would be
        conn = sqlite3.connect(live, timeout=30)
        n = 0
        while not stop.is_set():
            with conn:
                conn.execute(
                    "INSERT INTO customers (telegram_user_id, first_name, language, created_at, "
                    "banned) VALUES (?, 'W', 'it', '2026-11-23 09:00:00.000000', 0)",
                    (9_000_000 + n,),
                )
            n += 1
        conn.close()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copy = workdir / "copy.db"
        assert await asyncio.to_thread(main, ["backup", str(copy), "--database-url", url]) == 0
    finally:
        stop.set()
        writer.join()
    assert "backup written to" in capsys.readouterr().out
    assert _count(copy, "messages") == before  # nothing lost, nothing half-written
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = await asyncio.to_thread(main, ["backup", str(copy), "--database-url", url])
    assert again == 2 and "a backup never overwrites" in capsys.readouterr().err

    # Restore over a database that has moved on: the copy comes back, the other is kept.
    grown = _count(live, "customers")
    assert grown > _count(copy, "customers")
    assert await asyncio.to_thread(main, ["restore", str(copy), "--database-url", url]) == 0
    out = capsys.readouterr().out
    assert _count(live, "customers") == _count(copy, "customers")
    (kept,) = await asyncio.to_thread(lambda: list(workdir.glob("bot.db.before-restore-*")))
    assert f"kept in {kept}" in out and _count(kept, "customers") == grown


async def test_restore_refuses_what_is_not_a_carebot_backup(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = workdir / "bot.db"
    url = await _seeded(live)
    text = workdir / "notes.txt"
    text.write_text("not a database")
    other = workdir / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for bad, reason in ((text, "is not a SQLite database"), (other, "not a carebot database")):
        code = await asyncio.to_thread(main, ["restore", str(bad), "--database-url", url])
        assert code == 2 and reason in capsys.readouterr().err
    assert _count(live, "requests") == 400  # untouched
    pg = "postgresql+asyncpg://postgres@127.0.0.1:5432/carebot"
    assert await asyncio.to_thread(main, ["backup", "x.dump", "--database-url", pg]) == 2
    assert "pg_dump -Fc" in capsys.readouterr().err
