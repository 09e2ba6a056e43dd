"""Bot start time and memory: a fresh process imports, builds and starts the real bot.

Each run is a new interpreter (imports are not cached): it starts the fake Bot API server,
builds the Application, runs start-up (migrations on a new SQLite file, getChat, commands),
analyses one text (lexicons and language models load lazily) and reports the time to ready
and the peak resident memory. Prints a Markdown table of medians.

    .venv/bin/python bench/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = r"""
import asyncio, json, resource, sys, tempfile, time
t0 = time.perf_counter()
from bot.app import build_application
from bot.lifecycle import running
from bot.services import get_services
from bot.fake_bot_api import FakeTelegram
from bot.settings import load_settings
t_import = time.perf_counter() - t0

async def main() -> dict[str, float]:
    tg = FakeTelegram("1:BENCH")
    await tg.start()
    staff = tg.add_group("staff", forum=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({
            "CAREBOT_BOT_TOKEN": "1:BENCH",
            "CAREBOT_STAFF_CHAT_ID": str(staff.id),
            "CAREBOT_TELEGRAM_API_URL": tg.api_root,
            "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/bench.db",
        })
        app = build_application(settings, job_intervals=False)
        async with running(app, poll_timeout=1):
            t_ready = time.perf_counter() - t0
            analyze = get_services(app).helpdesk._analyze
            assert analyze is not None
            analyze("Aspetto il rimborso da tre settimane", None)
            t_first = time.perf_counter() - t0
    await tg.stop()
    return {"import": t_import, "ready": t_ready, "first_text": t_first}

result = asyncio.run(main())
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"| measure (median of {args.runs} fresh processes) | value |")
    print("|---|---|")
    print(f"| import bot.app (PTB, SQLAlchemy, pydantic) | {med('import') * 1000:,.0f} ms |")
    print(f"| ready: migrated, getChat, commands, polling | {med('ready') * 1000:,.0f} ms |")
    print(f"| first text analysed (lexicons, lingua) | {med('first_text') * 1000:,.0f} ms |")
    print(f"| peak RSS after the first text | {med('max_rss_mb'):,.0f} MB |")


if __name__ == "__main__":
    main()
