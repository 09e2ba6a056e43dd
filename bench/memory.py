"""Memory of `carebot run` with a large database: idle, and after a busy spell.

A SQLite database is seeded with `--customers` customers (their requests, surveys and
messages from conversations.seed), kept in `--db` and reused while its counts match. Then
`carebot run` runs on a fresh copy of it, as a subprocess against the fake Bot API on
127.0.0.1 (flood limits off, as in bench/throughput.py). Its resident memory (VmRSS from
/proc) is read once it has started and been idle for `--idle` seconds (the background
churn-risk scoring of every customer included), then after `--texts` customer texts from
`--writers` customers reached staff and a staff member asked for `/report 30d` (text and
dashboard). The peak (VmHWM) is the most it ever held.

    .venv/bin/python bench/memory.py [--customers 100000] [--texts 2000]
    ... --db /tmp/carebot_memory.db   # the seeded file (copied for each run), kept
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from throughput import ROOT, TEMPLATES, TOKEN, Seen, bot_process

from bot.fake_bot_api import FakeTelegram


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def seeded(db: Path, customers: int) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(db) as conn:
            (n,) = conn.execute("SELECT count(*) FROM customers").fetchone()
    except sqlite3.Error:
        return False
    return bool(n == customers)


def seed(db: Path, customers: int) -> None:
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):  # a stale WAL breaks a new file
        path.unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "seed",
            "--customers",
            str(customers),
            "--requests",
            str(customers * 2),
            "--responses",
            str(customers),
            "--database-url",
            f"sqlite+aiosqlite:///{db}",
        ],
        cwd=ROOT,
        check=True,
    )
    print(f"seeded {customers:,} customers in {time.monotonic() - started:.0f} s", flush=True)


async def measure(db: Path, args: argparse.Namespace) -> tuple[int, int, int]:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        agent = tg.add_user("Agent", language_code="it")
        staff = tg.add_group("staff", forum=True, members=[agent])
        async with bot_process("carebot", tg, staff, f"sqlite+aiosqlite:///{db}") as proc:
            await tg.wait_for(lambda: tg.call_count("getupdates") > 0, timeout=120, what="start")
            await asyncio.sleep(args.idle)
            idle = kib(proc.pid, "VmRSS")
            users = [tg.add_user(f"Cliente{i}", language_code="it") for i in range(args.writers)]
            seen = Seen(tg, [staff])
            keys = []
            for k in range(args.texts):
                i, n = k % args.writers, k // args.writers
                text = TEMPLATES[(i + n) % len(TEMPLATES)].format(m=f"c{i}m{n}")
                await tg.send_text(users[i], text)
                keys.append((i, n))
            await seen.wait(keys, timeout=900)
            await tg.send_text(agent, "/report 30d", chat=staff)
            await tg.wait_for_bot_message(staff, kind="photo", timeout=300)
            await asyncio.sleep(2)
            return idle, kib(proc.pid, "VmRSS"), kib(proc.pid, "VmHWM")
    finally:
        await tg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--texts", type=int, default=2_000)
    parser.add_argument("--writers", type=int, default=200, help="customers who write")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds idle before reading")
    parser.add_argument("--db", type=Path, default=Path("/tmp/carebot_memory.db"))
    args = parser.parse_args()
    if not seeded(args.db, args.customers):
        seed(args.db, args.customers)
    # Each run starts from the seeded file as it was: the fake Bot API numbers messages
    # from 1 again, and the bot rightly takes a message id it stored before for a repeat.
    run = Path(f"{args.db}.run")
    for path in (run, Path(f"{run}-wal"), Path(f"{run}-shm")):
        path.unlink(missing_ok=True)
    shutil.copyfile(args.db, run)
    idle, after, peak = await measure(run, args)
    print(f"\n{args.customers:,} customers in SQLite; carebot run against the fake Bot API\n")
    print("| figure | MB |")
    print("|---|---:|")
    print(f"| RSS idle, {args.idle:g} s after start | {idle / 1024:.0f} |")
    print(
        f"| RSS after {args.texts:,} texts from {args.writers} customers and /report 30d "
        f"| {after / 1024:.0f} |"
    )
    print(f"| peak RSS (VmHWM) | {peak / 1024:.0f} |")
    return 0 if peak <= 150 * 1024 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
