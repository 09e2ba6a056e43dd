"""How long a fault keeps a customer's message from the staff group.

For each kind of getUpdates fault (and a database write lock held past SQLite's busy
timeout), the real bot runs against the fake Bot API on 127.0.0.1: the fault is injected,
a customer writes at once, and the time until the copy shows in the staff group is taken.
Prints a Markdown table of medians; every message must arrive (none lost, none doubled).

    .venv/bin/python bench/fault_recovery.py [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bot.app import build_application
from bot.fake_bot_api import FakeTelegram
from bot.lifecycle import running
from bot.settings import load_settings

TOKEN = "1:BENCH-fault-recovery"

FAULTS: list[tuple[str, dict[str, object]]] = [
    ("none (baseline)", {}),
    ("429 retry_after=1", {"error_code": 429, "retry_after": 1}),
    ("500", {"error_code": 500, "description": "Internal Server Error"}),
    ("502", {"error_code": 502, "description": "Bad Gateway"}),
    ("409 Conflict", {"error_code": 409, "description": "Conflict: terminated by other"}),
    ("400", {"error_code": 400, "description": "Bad Request: odd"}),
    ("dropped connection", {"drop": True}),
    ("unparsable update", {"raw": True}),
    ("write lock held 7 s", {"lock": 7.0}),
]


async def one_run(fault: dict[str, object], db: Path) -> float:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        staff = tg.add_group("staff", forum=False)
        env = {
            "CAREBOT_BOT_TOKEN": TOKEN,
            "CAREBOT_STAFF_CHAT_ID": str(staff.id),
            "CAREBOT_TELEGRAM_API_URL": tg.api_root,
            "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        }
        app = build_application(load_settings(env), job_intervals=False)
        async with running(app, poll_timeout=1):
            warm = tg.add_user("Warm", language_code="en")
            await tg.send_text(warm, "warm up")
            await tg.wait_for_bot_message(staff, contains="warm up", timeout=30)
            await tg.wait_for_bot_message(warm, contains="request", timeout=30)
            await tg.wait_for(lambda: tg.pending_updates() == 0, timeout=30)
            customer = tg.add_user("Customer", language_code="en")
            holder = None
            if "lock" in fault:
                holder = sqlite3.connect(db, timeout=0, isolation_level=None)
                holder.execute("BEGIN IMMEDIATE")
            elif "drop" in fault:
                tg.inject_disconnect("getUpdates")
            elif "raw" in fault:
                await tg.push_raw_update({"poll": {"id": "p", "question": "?"}})
            elif fault:
                tg.inject_fault("getUpdates", **fault)  # type: ignore[arg-type]
            started = time.perf_counter()
            await tg.send_text(customer, "the message")
            if holder is not None:
                await asyncio.sleep(float(fault["lock"]))  # type: ignore[arg-type]
                holder.execute("COMMIT")
                holder.close()
            await tg.wait_for_bot_message(staff, contains="the message", timeout=60)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(0.3)
            copies = [m for m in tg.bot_messages(staff) if m.text == "the message"]
            assert len(copies) == 1, f"{len(copies)} copies"
            return elapsed
    finally:
        await tg.stop()


async def main(runs: int) -> None:
    logging.disable(logging.CRITICAL)  # the faults are meant: their log lines are noise here
    print("| fault on getUpdates (or the database) | seen by staff after, median s | min–max |")
    print("|---|---:|---:|")
    for name, fault in FAULTS:
        times = []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                times.append(await one_run(fault, Path(tmp) / "bench.db"))
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f}–{max(times):.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args().runs))
