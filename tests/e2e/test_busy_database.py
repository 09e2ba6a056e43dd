"""A busy database delays customers' messages; it never loses one."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.e2e.harness import HelpDeskWorld

BUSY_TIMEOUT = 5.0  # conversations.db sets PRAGMA busy_timeout=5000


async def test_messages_written_while_another_process_holds_the_lock_all_arrive(
    plain: HelpDeskWorld,
) -> None:
    tg = plain.tg
    users = [tg.add_user(f"Cliente{i}", language_code="it") for i in range(6)]
    texts = {u.id: [f"{u.first_name} msg {n}" for n in range(3)] for u in users}

    def copies() -> list[str]:
        return [m.text or "" for m in tg.bot_messages(plain.staff) if " msg " in (m.text or "")]

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
