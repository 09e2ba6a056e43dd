"""`carebot run` as a real process: it serves over HTTP, and survives kill -9 mid-burst."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.fake_bot_api import Chat, FakeTelegram
from tests.e2e.harness import TOKEN

pytestmark = pytest.mark.slow


@asynccontextmanager
async def carebot_process(
    tg: FakeTelegram, staff: Chat, db: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    env = {
        **os.environ,
        "CAREBOT_BOT_TOKEN": TOKEN,
        "CAREBOT_STAFF_CHAT_ID": str(staff.id),
        "CAREBOT_TELEGRAM_API_URL": tg.api_root,
        "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "CAREBOT_LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 15)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def test_kill_9_mid_burst_loses_nothing_and_relays_once(tmp_path: Path) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    tg.latency = 0.02  # every call takes a little while, so the kill lands mid-work
    try:
        staff = tg.add_group("Support", forum=True)
        customers = [tg.add_user(f"C{i}", language_code="en") for i in range(4)]
        db = tmp_path / "bot.db"
        texts = [f"burst {c.first_name} {n}" for n in range(8) for c in customers]

        def relayed() -> list[str]:
            return [
                m.text or "" for m in tg.bot_messages(staff) if (m.text or "").startswith("burst")
            ]

        async with carebot_process(tg, staff, db) as proc:
            for n in range(8):
                for c in customers:
                    await tg.send_text(c, f"burst {c.first_name} {n}")
            await tg.wait_for(lambda: len(relayed()) >= 6, timeout=30, what="some relays")
            proc.kill()  # SIGKILL: no clean shutdown, no confirmation of the batch
            await proc.wait()
        assert len(relayed()) < len(texts), "the kill came too late to test anything"

        async with carebot_process(tg, staff, db):
            await tg.wait_for(lambda: len(relayed()) >= len(texts), timeout=60, what="all relays")
            await asyncio.sleep(1.5)  # let any duplicate show up
        got = relayed()
        assert set(got) == set(texts)  # nothing lost
        # Telegram has no idempotency key: a copy sent but not yet recorded when the process
        # died is sent again. At most one such copy per chat can be in flight at the kill.
        assert len(got) - len(texts) <= len(customers)
        for c in customers:  # and in order within each customer's topic
            mine = [t for t in got if t.startswith(f"burst {c.first_name} ")]
            assert list(dict.fromkeys(mine)) == [f"burst {c.first_name} {n}" for n in range(8)]
    finally:
        await tg.stop()


async def test_bad_settings_stop_the_process_naming_the_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREBOT_")}
    env["CAREBOT_STAFF_CHAT_ID"] = "42"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    text = err.decode()
    assert "CAREBOT_BOT_TOKEN: is required" in text
    assert "CAREBOT_STAFF_CHAT_ID: must be a group id" in text
