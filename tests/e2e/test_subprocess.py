"""`carebot run` as a real process: it serves over HTTP, and survives kill -9 mid-burst."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.fake_bot_api import Chat, FakeTelegram
from bot.staff_outbox import StaffOutbox
from tests.e2e.harness import TOKEN

pytestmark = pytest.mark.slow


@asynccontextmanager
async def carebot_process(
    tg: FakeTelegram, staff: Chat, db: Path, log: Path | None = None, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`carebot run` against the fake server; its stderr goes to `log` when given."""
    environment = {
        **os.environ,
        "CAREBOT_BOT_TOKEN": TOKEN,
        "CAREBOT_STAFF_CHAT_ID": str(staff.id),
        "CAREBOT_TELEGRAM_API_URL": tg.api_root,
        "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        "CAREBOT_LOG_LEVEL": "WARNING",
        **env,
    }
    with contextlib.ExitStack() as files:
        err = files.enter_context(log.open("wb")) if log is not None else None
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stderr=err,
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
        customers = [tg.add_user(f"C{i}", language_code="en") for i in range(10)]
        db = tmp_path / "bot.db"
        texts = [f"burst {c.first_name} {n}" for n in range(8) for c in customers]

        def relayed() -> list[str]:  # the texts staff can read: copied, or folded one per line
            texts = [re.sub(r"<[^>]+>", "", m.text or "") for m in tg.bot_messages(staff)]
            return [line for text in texts for line in text.split("\n") if line.startswith("burst")]

        # Not the flood limits' test: ten new requests would wait a minute for the group.
        fast = {"CAREBOT_FLOOD_LIMITS": "false"}
        async with carebot_process(tg, staff, db, **fast) as proc:
            for n in range(8):
                for c in customers:
                    await tg.send_text(c, f"burst {c.first_name} {n}")
            await tg.wait_for(lambda: len(relayed()) >= 12, timeout=30, what="some relays")
            proc.kill()  # SIGKILL: no clean shutdown, no confirmation of the batch
            await proc.wait()
        assert len(relayed()) < len(texts), "the kill came too late to test anything"

        async with carebot_process(tg, staff, db, **fast):
            # The updates confirmed before the kill come from the database, at start-up.
            await tg.wait_for(lambda: set(relayed()) >= set(texts), timeout=20, what="all")
            await asyncio.sleep(1.5)  # let any duplicate show up
        got = relayed()
        assert set(got) == set(texts)  # nothing lost
        # Telegram has no idempotency key: a message sent but not yet recorded when the
        # process died is sent again. Each outbox worker has at most one request's texts
        # (a copy, or texts folded together) on its way at the kill.
        duplicated = len(got) - len(texts)
        assert duplicated <= StaffOutbox.WORKERS * len(texts) // len(customers)
        for c in customers:  # and in order within each customer's topic
            mine = [t for t in got if t.startswith(f"burst {c.first_name} ")]
            assert list(dict.fromkeys(mine)) == [f"burst {c.first_name} {n}" for n in range(8)]
            # Every customer was told their request was received, once (twice at most for
            # the one whose answer was on its way at the kill).
            acks = [m for m in tg.bot_messages(c) if "We received" in (m.text or "")]
            assert 1 <= len(acks) <= 2, (c.first_name, len(acks))
    finally:
        await tg.stop()


async def test_sigterm_mid_burst_finishes_the_work_and_exits_within_ten_seconds(
    tmp_path: Path,
) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    tg.latency = 0.02
    try:
        staff = tg.add_group("Support", forum=True)
        customers = [tg.add_user(f"T{i}", language_code="en") for i in range(10)]
        db = tmp_path / "bot.db"
        texts = [f"burst {c.first_name} {n}" for n in range(6) for c in customers]

        def relayed() -> list[str]:
            texts = [re.sub(r"<[^>]+>", "", m.text or "") for m in tg.bot_messages(staff)]
            return [line for text in texts for line in text.split("\n") if line.startswith("burst")]

        fast = {"CAREBOT_FLOOD_LIMITS": "false"}
        async with carebot_process(tg, staff, db, **fast) as proc:
            for n in range(6):
                for c in customers:
                    await tg.send_text(c, f"burst {c.first_name} {n}")
            await tg.wait_for(lambda: len(relayed()) >= 6, timeout=30, what="some relays")
            mid = len(relayed())
            asked = asyncio.get_running_loop().time()
            proc.send_signal(signal.SIGTERM)  # a supervisor's stop (systemd, docker stop)
            code = await asyncio.wait_for(proc.wait(), 15)
            took = asyncio.get_running_loop().time() - asked
        assert code == 0 and took < 10, (code, took)
        # What it had taken reached staff before it went; what Telegram still holds comes
        # with the next start, so nothing is lost and nothing is sent twice.
        assert len(relayed()) >= mid
        async with carebot_process(tg, staff, db, **fast):
            await tg.wait_for(lambda: set(relayed()) >= set(texts), timeout=20, what="all")
            await asyncio.sleep(1.0)
        assert sorted(relayed()) == sorted(texts)  # each once
    finally:
        await tg.stop()


async def test_sigterm_while_idle_ends_the_long_poll_and_exits_within_ten_seconds(
    tmp_path: Path,
) -> None:
    """An idle bot waits in a long poll of 30 s; a supervisor's stop must not wait for it
    (docker stop kills after 10 s), and what came meanwhile comes with the next start."""
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        staff = tg.add_group("Support", forum=True)
        ada = tg.add_user("Ada", language_code="en")
        db = tmp_path / "bot.db"
        async with carebot_process(tg, staff, db) as proc:
            await tg.send_text(ada, "first")
            await tg.wait_for_bot_message(staff, contains="first", timeout=30)
            await asyncio.sleep(1.0)  # the outbox is idle, polling waits in a long poll
            polls = tg.call_count("getupdates")
            await tg.wait_for(lambda: tg.call_count("getupdates") == polls, timeout=5)
            asked = asyncio.get_running_loop().time()
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 15)
            took = asyncio.get_running_loop().time() - asked
        assert code == 0 and took < 10, (code, took)
        await tg.send_text(ada, "second")
        async with carebot_process(tg, staff, db):
            await tg.wait_for_bot_message(staff, contains="second", timeout=30)
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


async def test_a_token_rejected_mid_run_ends_the_process_saying_so_without_the_token(
    tmp_path: Path,
) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    log = tmp_path / "stderr.log"
    try:
        staff = tg.add_group("Support", forum=True)
        customer = tg.add_user("Zorblax", language_code="en")
        async with carebot_process(
            tg, staff, tmp_path / "bot.db", log, CAREBOT_LOG_LEVEL="DEBUG"
        ) as proc:
            await tg.send_text(customer, "hello there")
            await tg.wait_for_bot_message(staff, contains="hello there", timeout=30)
            tg.inject_fault("getUpdates", 401, "Unauthorized")  # the token was revoked
            # The long poll under way ends with the next update; the call after it fails.
            await tg.send_text(customer, "still there?")
            assert await asyncio.wait_for(proc.wait(), 30) == 1
    finally:
        await tg.stop()
    text = log.read_text()
    assert "Calling Bot API endpoint" in text  # DEBUG was on: PTB logged its calls and URLs
    secret = TOKEN.split(":", 1)[1]
    assert TOKEN not in text and secret not in text
    last = text.strip().splitlines()[-1]
    assert last == (
        "carebot: stopping: Telegram rejected the bot token (Unauthorized): check CAREBOT_BOT_TOKEN"
    )


async def test_a_token_rejected_at_start_is_named_not_printed(tmp_path: Path) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    log = tmp_path / "stderr.log"
    wrong = "123456:WRONG-token-from-a-typo"
    try:
        staff = tg.add_group("Support", forum=True)
        async with carebot_process(
            tg, staff, tmp_path / "bot.db", log, CAREBOT_BOT_TOKEN=wrong, CAREBOT_LOG_LEVEL="DEBUG"
        ) as proc:
            assert await asyncio.wait_for(proc.wait(), 30) == 1
    finally:
        await tg.stop()
    text = log.read_text()
    assert wrong not in text and "WRONG-token-from-a-typo" not in text
    assert text.strip().splitlines()[-1].startswith("carebot: stopping: Telegram rejected")


async def test_customer_text_and_names_stay_out_of_logs_above_debug(tmp_path: Path) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    log = tmp_path / "stderr.log"
    try:
        staff = tg.add_group("Support", forum=True)
        agent = tg.add_user("Agentname", language_code="it")
        customer = tg.add_user("Zorblax", "Quimby", language_code="en", username="zq_user")
        async with carebot_process(tg, staff, tmp_path / "bot.db", log, CAREBOT_LOG_LEVEL="INFO"):
            first = await tg.send_text(customer, "secret-order-4242 is late")
            copy = await tg.wait_for_bot_message(staff, contains="secret-order", timeout=30)
            assert copy.thread_id is not None
            # Failures on the way: a refused copy, a dropped send, an unparsable update.
            tg.inject_fault("copyMessage", 400, "Bad Request: message to copy not found")
            await tg.send_text(agent, "answer-7777 for you", chat=staff, thread_id=copy.thread_id)
            await tg.wait_for_bot_message(staff, contains="Messaggio non consegnato", timeout=15)
            tg.inject_disconnect("sendMessage")
            await tg.send_text(customer, "/start")
            await tg.push_raw_update({"poll": {"id": "p", "question": "poll-text-9999"}})
            await tg.edit_text(customer, first, "secret-order-4242 edited-5555")
            await tg.wait_for_bot_message(staff, contains="edited-5555", timeout=15)
            await tg.send_text(customer, "done-3333")
            await tg.wait_for_bot_message(staff, contains="done-3333", timeout=15)
    finally:
        await tg.stop()
    text = log.read_text()
    assert "INFO" in text  # the level was really INFO
    for private in (
        "secret-order",
        "answer-7777",
        "poll-text-9999",
        "edited-5555",
        "Zorblax",
        "Quimby",
        "zq_user",
        "Agentname",
    ):
        assert private not in text, private
