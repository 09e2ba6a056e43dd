"""Updates of one chat are processed in order; different chats run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def _chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Serialise updates per chat (FIFO) while chats proceed in parallel.

    PTB's own semaphore (final process_update) is made wide; the real limit is taken after
    the chat lock, so a burst from one chat queues on its own lock without holding the slots
    that other chats need.
    """

    # PTB caps its semaphore only to bound tasks in flight; queued updates wait on chat locks.
    _OUTER_LIMIT = 4096

    def __init__(self, max_concurrent_updates: int = 16) -> None:
        super().__init__(self._OUTER_LIMIT)
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for earlier updates of the same chat and for a free slot, then run."""
        key = _chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats so the map stays small
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
