"""The staff group's general topic hears of alerts at most once a minute.

Each alert is posted where its request lives (the topic, or a reply to the card); the line
for everyone in the general topic is a second message from the group's budget of about 20
a minute. On a bad morning those lines would crowd out the customers' own messages, so
they are gathered: the first goes at once, the ones that follow within a minute go
together in one digest message when the minute is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from analytics.html_split import split_html
from bot.i18n import t

log = logging.getLogger(__name__)

EVERY = 60.0  # seconds between two digest messages


class AlertDigest:
    """Each staff group's queue of general-topic alert lines, posted by one worker at most
    every `every` seconds per group."""

    def __init__(self, post: Callable[[int, str], Awaitable[None]], lang: str) -> None:
        self.post = post  # (chat id, text)
        self.lang = lang
        self.every = EVERY
        self._lines: dict[int, list[str]] = {}  # chat id → lines not posted yet
        self._last: dict[int, float] = {}  # chat id → monotonic time of its last digest
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def add(self, chat_id: int, line: str) -> None:
        """Queue one alert line for a staff group's general topic."""
        self._lines.setdefault(chat_id, []).append(line)
        self._wake.set()

    def start(self) -> None:
        """Start the worker (in the running event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="alerts")

    async def stop(self) -> None:
        """Post what is queued now, then stop the worker."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for chat_id in list(self._lines):
            with contextlib.suppress(TelegramError):
                await self._send(chat_id)

    def _due(self, chat_id: int) -> float:
        return self._last.get(chat_id, -self.every) + self.every

    async def _run(self) -> None:
        while True:
            waiting = [chat_id for chat_id, lines in self._lines.items() if lines]
            self._wake.clear()
            if not waiting:
                await self._wake.wait()
                continue
            chat_id = min(waiting, key=self._due)
            wait = self._due(chat_id) - time.monotonic()
            if wait > 0:  # lines that come meanwhile join this digest; a new group's go first
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            with contextlib.suppress(TelegramError):  # kept, and tried after `every`
                await self._send(chat_id)

    async def _send(self, chat_id: int) -> None:
        lines = self._lines.pop(chat_id, [])
        if not lines:
            return
        self._last[chat_id] = time.monotonic()
        text = (
            lines[0]
            if len(lines) == 1
            else "\n".join([t(self.lang, "staff.alert.digest", n=len(lines)), *lines])
        )
        try:
            for part in split_html(text):
                await self.post(chat_id, part)
        except TelegramError as exc:
            log.warning("alert digest not posted, will try again: %s", exc)
            self._lines[chat_id] = lines + self._lines.get(chat_id, [])
            raise
