"""Updates of one chat run in arrival order; other chats are not held up by a busy one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update, User

from bot.processor import PerChatUpdateProcessor

USER = User(1, "U", is_bot=False)


def update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    message = Message(update_id, datetime.now(UTC), chat, from_user=USER, text=str(update_id))
    return Update(update_id, message=message)


async def test_same_chat_in_order_other_chats_in_parallel() -> None:
    processor = PerChatUpdateProcessor(4)
    log: list[tuple[int, int]] = []
    slow_started = asyncio.Event()

    async def handle(chat: int, n: int, delay: float) -> None:
        if delay:
            slow_started.set()
        await asyncio.sleep(delay)
        log.append((chat, n))

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 10), handle(10, 1, 0.2))),
        asyncio.create_task(processor.process_update(update(2, 10), handle(10, 2, 0))),
        asyncio.create_task(processor.process_update(update(3, 10), handle(10, 3, 0))),
    ]
    await slow_started.wait()
    other = asyncio.create_task(processor.process_update(update(4, 20), handle(20, 1, 0)))
    await asyncio.gather(*tasks, other)
    assert log[0] == (20, 1)  # chat 20 did not wait behind chat 10's slow update
    assert [n for chat, n in log if chat == 10] == [1, 2, 3]
    assert processor._locks == {}  # idle chats are forgotten
