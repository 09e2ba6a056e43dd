"""Long polling that confirms updates only once they took effect, and never goes deaf.

PTB's Updater confirms updates (next getUpdates offset) as soon as they are queued, so a
crash mid-processing loses them. Here the offset moves past an update only once the
update runner is done with it (bot/updates.py); after a crash Telegram delivers the batch
again and the runner recognises what already took effect.

Every answer Telegram may give to getUpdates is handled: a flood limit is waited out;
network errors and 5xx are retried with growing pauses for as long as they last; a
conflict (409) or a refused request (400) that persists, and a rejected token (401),
stop polling with PollingFailed, so that `carebot run` exits non-zero with that reason and
a supervisor can restart it. Polling never ends silently while the process lives on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot.raw_updates import UpdatesRequest
from bot.updates import UpdateRunner

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# Pauses after failed getUpdates calls: short first, so a one-off fault costs a moment.
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
# A 409 or 400 still there after this many calls in a row (about 5 minutes) will not heal.
GIVE_UP_AFTER = 15


class PollingFailed(Exception):
    """Polling cannot go on; str() is the one-line reason to print before exiting."""


def _pause(failures: int, backoff: Sequence[float] = BACKOFF) -> float:
    return backoff[min(failures, len(backoff)) - 1] if failures else 0.0


def _seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())


class Poller:
    """Fetch, process, then confirm, until stopped or until Telegram's answers cannot heal."""

    def __init__(
        self,
        app: App,
        runner: UpdateRunner,
        request: UpdatesRequest,
        *,
        poll_timeout: int = 30,
        limit: int = 100,
        backoff: Sequence[float] = BACKOFF,
        give_up_after: int = GIVE_UP_AFTER,
    ) -> None:
        self.app = app
        self.runner = runner
        self.request = request
        self.poll_timeout = poll_timeout
        self.limit = limit
        self.backoff = tuple(backoff)
        self.give_up_after = give_up_after
        self.offset = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; raise PollingFailed when Telegram's answer cannot heal."""
        failures = 0  # getUpdates calls failed in a row
        held = 0  # batches in a row that left an update unconfirmed
        while not stop.is_set():
            try:
                updates = await self.app.bot.get_updates(
                    offset=self.offset,
                    timeout=self.poll_timeout,
                    limit=self.limit,
                    allowed_updates=Update.ALL_TYPES,
                )
            except RetryAfter as exc:
                log.warning("getUpdates: flood limit; waiting %ss", _seconds(exc))
                await _sleep_or_stop(stop, _seconds(exc))
                continue
            except Exception as exc:
                failures += 1
                self._judge(exc, failures)
                await _sleep_or_stop(stop, _pause(failures, self.backoff))
                continue
            if failures:
                log.info("getUpdates works again after %s failed calls", failures)
            failures = 0
            skipped = self.request.take_skipped()
            if not updates and not skipped:
                continue
            batch = await self.runner.run_batch(updates, skipped)
            self.offset = max(self.offset, batch.next_offset)
            held = held + 1 if batch.held else 0
            if held:  # give the database a moment before Telegram delivers them again
                await _sleep_or_stop(stop, _pause(held, self.backoff))
        await self._confirm()

    def _judge(self, exc: Exception, failures: int) -> None:
        """Log a failed getUpdates call; raise PollingFailed for what will not heal."""
        if isinstance(exc, InvalidToken):  # its message is Telegram's: no token in it
            raise PollingFailed(
                f"Telegram rejected the bot token ({exc.message}): check CAREBOT_BOT_TOKEN"
            ) from exc
        if isinstance(exc, Conflict):
            reason = (
                "another process is receiving this bot's updates (409 Conflict): "
                "a second carebot with the same token, or a webhook set elsewhere"
            )
        elif isinstance(exc, BadRequest | Forbidden):
            reason = f"Telegram refuses getUpdates: {exc}"
        elif isinstance(exc, NetworkError):  # timeouts, 5xx, connection errors: wait it out
            log.warning(
                "getUpdates failed (%s); retrying in %ss", exc, _pause(failures, self.backoff)
            )
            return
        elif isinstance(exc, TelegramError):
            reason = f"getUpdates failed: {exc}"
        else:
            reason = f"getUpdates failed: {type(exc).__name__}: {exc}"
        if failures >= self.give_up_after:
            raise PollingFailed(f"{reason}; still failing after {failures} attempts") from exc
        log.error("%s; retrying in %ss", reason, _pause(failures, self.backoff))

    async def _confirm(self) -> None:
        """Confirm the last batch, so a clean stop leaves nothing to deliver again."""
        if not self.offset:
            return
        try:
            await self.app.bot.get_updates(offset=self.offset, timeout=0, limit=1)
            self.request.take_skipped()
        except Exception:  # best effort: the worst case is a harmless re-delivery
            log.debug("could not confirm the last batch", exc_info=True)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
