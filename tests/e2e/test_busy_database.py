"""A busy database delays customers' messages; it never loses one."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from aiohttp import ClientSession

from bot.services import get_services
from bot.webhook import SECRET_HEADER
from conversations.clock import FrozenClock
from tests.e2e.harness import WEBHOOK_SECRET, HelpDeskWorld, helpdesk_world

BUSY_TIMEOUT = 5.0  # conversations.db sets PRAGMA busy_timeout=5000


async def test_messages_written_while_another_process_holds_the_lock_all_arrive(
    plain: HelpDeskWorld,
) -> None:
    tg = plain.tg
    users = [tg.add_user(f"Cliente{i}", language_code="it") for i in range(6)]
    texts = {u.id: [f"{u.first_name} msg {n}" for n in range(3)] for u in users}

    def copies() -> list[str]:  # customer texts staff can read, copied or folded
        return [line for line in plain.staff_lines() if " msg " in line]

    async with plain.bot_running():
        await plain.customer_writes(users[0], "hello")  # migrated, and the bot is listening
        await plain.customer_sees(users[0], "Abbiamo ricevuto la tua richiesta")
        await tg.wait_for(lambda: tg.pending_updates() == 0, what="hello confirmed")
        path = Path(plain.settings.database_url.split("///", 1)[1])
        holder = sqlite3.connect(path, timeout=0, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another process takes the write lock
        try:
            for n in range(3):
                for user in users:
                    await tg.send_text(user, texts[user.id][n])
            # Longer than SQLite's busy timeout: the first attempt at each message fails.
            await asyncio.sleep(BUSY_TIMEOUT + 2)
            assert copies() == []
        finally:
            holder.execute("COMMIT")
            holder.close()
        every = [t for ts in texts.values() for t in ts]
        await tg.wait_for(lambda: len(copies()) >= len(every), timeout=30, what="every copy")
        await asyncio.sleep(0.5)  # room for a duplicate to show up
    seen = copies()
    assert sorted(seen) == sorted(every)  # none lost, none doubled
    for user in users:  # and each customer's in the order written
        assert [t for t in seen if t.startswith(f"{user.first_name} ")] == texts[user.id]
    assert tg.pending_updates() == 0


async def test_webhook_keeps_a_chats_order_while_the_database_is_away(
    tmp_path: Path, clock: FrozenClock
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    async with helpdesk_world(tmp_path, clock, forum=False, db_url=url) as world:
        maria = world.tg.add_user("Maria", language_code="it")
        headers = {SECRET_HEADER: WEBHOOK_SECRET}
        async with world.bot_on_webhook() as (_, hook), ClientSession() as http:

            async def post(update: dict[str, Any]) -> int:
                async with http.post(hook.url, json=update, headers=headers) as response:
                    return response.status

            await world.customer_writes(maria, "first, before the outage")
            await world.customer_sees(maria, "Abbiamo ricevuto la tua richiesta")
            await world.staff_sees("first, before the outage")
            await get_services(world.apps[-1]).outbox.settled()
            await asyncio.sleep(0.2)  # its handler's last step done, the webhook answered
            first = world.tg.prepare_text(maria, "second")
            second = world.tg.prepare_text(maria, "third")
            folder.rename(tmp_path / "away")  # the database cannot be opened for now …
            await get_services(world.apps[-1]).db.engine.dispose()  # … nor its pool reused
            try:
                assert await post(first) == 503  # tried a few times, then left to Telegram
                assert await post(second) == 503  # waits for the one before it
            finally:
                (tmp_path / "away").rename(folder)
            assert await post(second) == 503  # still waits: "second" has not come back yet
            assert await post(first) == 200
            assert await post(second) == 200
            wanted = ("second", "third")

            def copies() -> list[str]:  # copied or folded
                return [line for line in world.staff_lines() if line in wanted]

            await world.tg.wait_for(lambda: len(copies()) >= 2, what="both copies")
            await get_services(world.apps[-1]).outbox.settled()
            assert copies() == ["second", "third"]
