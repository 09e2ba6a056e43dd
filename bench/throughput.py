"""How fast carebot relays customer messages to staff, beside a bare PTB echo bot.

`carebot run` (and bench/echo_bot.py, PTB with default settings) run as subprocesses
against the fake Bot API on 127.0.0.1, with no flood limits on either side, at 0 ms and
at `--latency` ms per Bot API call. `--customers` customers each open a request first;
then, per setting:

* saturation: `--messages` texts pushed as fast as the fake takes them; relayed per
  second (first send to last text visible) and, at 0 ms, CPU seconds of the bot process
  per relayed message;
* offered load: `--rate` texts a second for `--seconds`; p50/p95 from a customer's send
  to the text being visible (to staff for carebot, in the customer's chat for the echo).

Every customer's texts must reach staff in the order they were sent (checked).

    .venv/bin/python bench/throughput.py [--customers 40] [--messages 400] [--rate 100]
    ... --postgres postgresql+asyncpg://postgres@127.0.0.1/carebot_bench   # once on PG
    CAREBOT_BENCH_PROFILE=/tmp/bot.prof ...   # cProfile of the bot's event-loop thread
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from bot.fake_bot_api import Chat, FakeTelegram, User

TOKEN = "1:BENCH-throughput"
ROOT = Path(__file__).resolve().parents[1]
PROFILE = os.environ.get("CAREBOT_BENCH_PROFILE")
MARK = re.compile(r"\bc(\d+)m(\d+)\b")
# Customer-care texts of ordinary length, so sentiment and language detection cost what
# they cost on a real day.
TEMPLATES = (
    "{m} il mio ordine non è ancora arrivato, potete controllare per favore?",
    "{m} I was charged twice for my subscription this month",
    "{m} grazie, ora funziona tutto!",
    "{m} the app crashes every time I open the settings page",
    "{m} ho cambiato indirizzo, come lo aggiorno sul mio profilo?",
    "{m} any news on my refund? It has been a week",
)


@dataclass(frozen=True)
class Figures:
    relayed_per_s: float
    cpu_ms_per_msg: float
    p50_ms: float
    p95_ms: float
    in_order: bool


class Seen:
    """Which marked texts are visible where the bot puts them, and since when."""

    def __init__(self, tg: FakeTelegram, chats: list[Chat]) -> None:
        self.tg = tg
        self.chats = chats
        self.at: dict[tuple[int, int], float] = {}  # (customer, n) → first visible
        self.order: dict[int, list[int]] = {}  # customer → n in the order staff see them
        self._scanned: dict[int, int] = {}

    def scan(self) -> int:
        for chat in self.chats:
            messages = self.tg.world.messages.get(chat.id, [])
            start = self._scanned.get(chat.id, 0)
            for msg in messages[start:]:
                if not msg.by_bot:
                    continue
                for c, n in MARK.findall(msg.text or ""):
                    key = (int(c), int(n))
                    if key not in self.at:
                        self.at[key] = msg.at
                        self.order.setdefault(key[0], []).append(key[1])
            self._scanned[chat.id] = len(messages)
        return len(self.at)

    async def wait(self, keys: list[tuple[int, int]], timeout: float) -> None:
        wanted = set(keys)
        await self.tg.wait_for(
            lambda: self.scan() and wanted <= self.at.keys(), timeout=timeout, what="relays"
        )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.asynccontextmanager
async def bot_process(
    kind: str, tg: FakeTelegram, staff: Chat, db_url: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    if kind == "echo":
        argv = [sys.executable, str(ROOT / "bench" / "echo_bot.py"), TOKEN, tg.api_root]
        env = dict(os.environ)
    else:
        argv = [sys.executable, "-m", "bot", "run"]
        if PROFILE:  # cProfile of the bot's event loop thread, written when it stops
            code = (  # written on the way out, also when the bot leaves by sys.exit
                "import cProfile,runpy,sys; sys.argv=['bot','run']; p=cProfile.Profile()\n"
                "try:\n p.enable(); runpy.run_module('bot', run_name='__main__')\n"
                f"finally:\n p.disable(); p.dump_stats({PROFILE!r})"
            )
            argv = [sys.executable, "-c", code]
        env = {
            **os.environ,
            "CAREBOT_BOT_TOKEN": TOKEN,
            "CAREBOT_STAFF_CHAT_ID": str(staff.id),
            "CAREBOT_TELEGRAM_API_URL": tg.api_root,
            "CAREBOT_DATABASE_URL": db_url,
            "CAREBOT_FLOOD_LIMITS": "false",
            # 40 customers offering 100 texts a second write 150 a minute each: per-customer
            # flood control would hold them (as it should), which is not what is measured.
            "CAREBOT_CUSTOMER_RATE": "0",
            "CAREBOT_LOG_LEVEL": os.environ.get("CAREBOT_LOG_LEVEL", "WARNING"),
        }
    proc = await asyncio.create_subprocess_exec(
        *argv, env=env, cwd=ROOT, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()
                await proc.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def one_setting(kind: str, db_url: str, latency: float, args: argparse.Namespace) -> Figures:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        staff = tg.add_group("staff", forum=True, members=[tg.add_user("Agent")])
        users: list[User] = [
            tg.add_user(f"Cliente{i}", language_code="it") for i in range(args.customers)
        ]
        where = [staff] if kind == "carebot" else [tg.world.private_chat(u) for u in users]
        seen = Seen(tg, where)
        counter = {i: 0 for i in range(args.customers)}

        async def send(i: int) -> tuple[int, int]:
            n = counter[i]
            counter[i] += 1
            text = TEMPLATES[(i + n) % len(TEMPLATES)].format(m=f"c{i}m{n}")
            await tg.send_text(users[i], text)
            return (i, n)

        async with bot_process(kind, tg, staff, db_url) as proc:
            tg.latency = 0.0
            opened = [await send(i) for i in range(args.customers)]  # each opens a request
            await seen.wait(opened, timeout=180)
            tg.latency = latency

            cpu0, started = cpu_seconds(proc.pid), time.monotonic()
            keys = [await send(k % args.customers) for k in range(args.messages)]
            await seen.wait(keys, timeout=600)
            last = max(seen.at[k] for k in keys)
            cpu = cpu_seconds(proc.pid) - cpu0
            rate = len(keys) / (last - started)

            sent_at: dict[tuple[int, int], float] = {}
            gap = 1.0 / args.rate
            t0 = time.monotonic()
            for k in range(int(args.rate * args.seconds)):
                await asyncio.sleep(max(0.0, t0 + k * gap - time.monotonic()))
                key = await send(k % args.customers)
                sent_at[key] = time.monotonic()
            await seen.wait(list(sent_at), timeout=600)
            waits = [(seen.at[k] - s) * 1000 for k, s in sent_at.items()]
        in_order = all(order == sorted(order) for order in seen.order.values())
        return Figures(
            relayed_per_s=rate,
            cpu_ms_per_msg=cpu * 1000 / len(keys),
            p50_ms=statistics.median(waits),
            p95_ms=percentile(waits, 0.95),
            in_order=in_order,
        )
    finally:
        await tg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--rate", type=float, default=100.0, help="offered texts per second")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=50.0, help="ms per Bot API call")
    parser.add_argument("--postgres", help="also run carebot once on this PostgreSQL URL")
    parser.add_argument("--only", choices=("echo", "carebot"), help="measure one bot only")
    args = parser.parse_args()
    rows: list[tuple[str, float, Figures]] = []
    with TemporaryDirectory() as tmp:
        settings: list[tuple[str, str]] = [
            ("echo", ""),
            ("carebot", f"sqlite+aiosqlite:///{tmp}/t0.db"),
        ]
        if args.only:
            settings = [s for s in settings if s[0] == args.only]
        for round_no, latency in enumerate((0.0, args.latency / 1000)):
            for kind, url in settings:
                # A new file per round: the fake Bot API numbers messages from 1 again,
                # and the bot rightly takes a message id it stored before for a repeat.
                url = url.replace("t0", f"t{round_no}")
                rows.append(
                    (
                        f"{kind} (SQLite)" if url else kind,
                        latency,
                        await one_setting(kind, url, latency, args),
                    )
                )
            if args.postgres and latency:
                await reset_postgres(args.postgres)
                rows.append(
                    (
                        "carebot (PostgreSQL)",
                        latency,
                        await one_setting("carebot", args.postgres, latency, args),
                    )
                )
    print(
        f"{args.customers} customers; saturation: {args.messages} texts; offered: "
        f"{args.rate:g}/s for {args.seconds:g} s; flood limits off\n"
    )
    print("| bot | ms per API call | relayed/s | CPU ms per message | p50 ms | p95 ms | order |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, latency, f in rows:
        print(
            f"| {name} | {latency * 1000:.0f} | {f.relayed_per_s:.0f} | {f.cpu_ms_per_msg:.2f} "
            f"| {f.p50_ms:.0f} | {f.p95_ms:.0f} | {'kept' if f.in_order else 'BROKEN'} |"
        )
    for latency in sorted({r[1] for r in rows}):
        echo = [f for n, lat, f in rows if n == "echo" and lat == latency]
        ours = [f for n, lat, f in rows if n.startswith("carebot (SQLite") and lat == latency]
        if echo and ours:
            ratio = ours[0].relayed_per_s / echo[0].relayed_per_s
            print(f"\nat {latency * 1000:.0f} ms: carebot relays {ratio:.2f}× the echo bot's rate")
    return 0 if all(f.in_order for _, _, f in rows) else 1


async def reset_postgres(url: str) -> None:
    """Drop and create the benchmark's database, so each run starts empty."""
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database="postgres"
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{u.database}"')
    finally:
        await conn.close()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
