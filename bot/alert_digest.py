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
    """A queue of general-topic alert lines, posted by one worker at most every `every` s."""

    def __init__(self, post: Callable[[str], Awaitable[None]], lang: str) -> None:
        self.post = post
        self.lang = lang
        self.every = EVERY
        self._lines: list[str] = []
        self._last = -EVERY  # monotonic time of the last digest (none yet)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def add(self, line: str) -> None:
        """Queue one alert line for the general topic."""
        self._lines.append(line)
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
        await self._send()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            wait = self._last + self.every - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)  # lines that come meanwhile join this digest
            with contextlib.suppress(TelegramError):
                await self._send()
            if self._lines:  # not sent: try again after the next interval
                self._wake.set()

    async def _send(self) -> None:
        lines, self._lines = self._lines, []
        if not lines:
            return
        self._last = time.monotonic()
        text = (
            lines[0]
            if len(lines) == 1
            else "\n".join([t(self.lang, "staff.alert.digest", n=len(lines)), *lines])
        )
        try:
            for part in split_html(text):
                await self.post(part)
        except TelegramError as exc:
            log.warning("alert digest not posted, will try again: %s", exc)
            self._lines = lines + self._lines
            raise
