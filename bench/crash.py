"""`carebot run` killed with SIGKILL three times under load: is anything lost or sent twice?

50 customers write 1,000 texts (20 each, in order) while the bot runs as a subprocess
against the fake Bot API; when a quarter, half and three quarters of them have reached
staff, the process is killed (no clean shutdown) and started again at once. Then staff
resolve every request, with one more kill in the middle, so every customer is surveyed.
Measured: texts lost (not visible to staff at the end), texts relayed twice, customers
asked the NPS question twice, customers whose texts staff saw out of order.

    .venv/bin/python bench/crash.py [--customers 50] [--messages 20] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.throughput import TOKEN, bot_process
from bot.fake_bot_api import Chat, FakeTelegram, User

_TAGS = re.compile(r"<[^>]+>")


def _relayed(tg: FakeTelegram, staff: Chat) -> list[str]:
    """The customer texts staff can read: copied, or folded one per line."""
    lines = []
    for m in tg.bot_messages(staff):
        for line in _TAGS.sub("", m.text or "").split("\n"):
            if line.startswith("crash "):
                lines.append(line.strip())
    return lines


async def one_run(customers_n: int, per_customer: int, tmp: Path) -> dict[str, int]:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    tg.latency = 0.01
    try:
        staff = tg.add_group("Support", forum=True)
        agent = tg.add_user("Bob", "Staff", language_code="en", username="bob")
        customers = [tg.add_user(f"C{i}", language_code="en") for i in range(customers_n)]
        texts = [f"crash {c.first_name} {n}" for n in range(per_customer) for c in customers]
        url = f"sqlite+aiosqlite:///{tmp / 'crash.db'}"
        kills = 0

        async def writer() -> None:
            for n in range(per_customer):
                for c in customers:
                    await tg.send_text(c, f"crash {c.first_name} {n}")

        async def run_until(share: float) -> None:
            nonlocal kills
            async with bot_process("carebot", tg, staff, url) as proc:
                await tg.wait_for(
                    lambda: len(set(_relayed(tg, staff))) >= share * len(texts),
                    timeout=300,
                    what=f"{share:.0%} relayed",
                )
                proc.kill()
                await proc.wait()
                kills += 1

        sending = asyncio.create_task(writer())
        for share in (0.25, 0.5, 0.75):
            await run_until(share)
        await sending
        async with bot_process("carebot", tg, staff, url):
            await tg.wait_for(
                lambda: set(_relayed(tg, staff)) >= set(texts), timeout=300, what="all relayed"
            )
            # Every request resolved by staff: each customer is surveyed once.
            for topic in tg.topics(staff):
                await tg.send_text(agent, "/resolve", chat=staff, thread_id=topic.thread_id)
        async with bot_process("carebot", tg, staff, url) as proc:
            await asyncio.sleep(1.0)
            proc.kill()  # mid-way through the resolutions' surveys
            await proc.wait()
            kills += 1
        async with bot_process("carebot", tg, staff, url):
            await asyncio.sleep(15)  # the survey sweeper catches up

            def asked(c: User) -> int:
                return sum("How likely" in (m.text or "") for m in tg.bot_messages(c))

            await tg.wait_for(
                lambda: all(asked(c) >= 1 for c in customers), timeout=120, what="surveys"
            )
        got = _relayed(tg, staff)
        counts = Counter(got)
        # Staff messages that only repeat texts already shown (a copy or a folded batch
        # sent again because the kill came between Telegram's answer and its record).
        seen: set[str] = set()
        repeats = 0
        for m in sorted(tg.bot_messages(staff), key=lambda m: m.seq):
            lines = {
                line.strip()
                for line in _TAGS.sub("", m.text or "").split("\n")
                if line.startswith("crash ")
            }
            if lines and lines <= seen:
                repeats += 1
            seen |= lines
        out_of_order = 0
        for c in customers:
            mine = list(dict.fromkeys(t for t in got if t.startswith(f"crash {c.first_name} ")))
            if mine != [f"crash {c.first_name} {n}" for n in range(per_customer)]:
                out_of_order += 1
        return {
            "texts": len(texts),
            "kills": kills,
            "lost": len(set(texts) - set(got)),
            "relayed twice": sum(n - 1 for n in counts.values() if n > 1),
            "messages repeated": repeats,
            "asked twice": sum(1 for c in customers if asked(c) > 1),
            "out of order": out_of_order,
        }
    finally:
        await tg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20, help="texts per customer")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(
        "| run | texts | kills | lost | texts relayed twice | staff messages repeated "
        "| asked twice | customers out of order |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            r = await one_run(args.customers, args.messages, Path(tmp))
        print(
            f"| {run} | {r['texts']} | {r['kills']} | {r['lost']} | {r['relayed twice']} "
            f"| {r['messages repeated']} | {r['asked twice']} | {r['out of order']} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
