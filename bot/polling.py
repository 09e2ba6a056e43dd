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
import time
from collections.abc import Coroutine, Sequence
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

from bot.raw_updates import Skipped, UpdatesRequest
from bot.updates import Outcome, UpdateRunner

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# Pauses after failed getUpdates calls: short first, so a one-off fault costs a moment.
BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
# A 409 or 400 still there after this many calls in a row (about 5 minutes) will not heal.
GIVE_UP_AFTER = 15
# A batch still running after this long stops holding up polling.
SLOW = 1.0
# While updates run, getUpdates returns them again at once: ask at most this often then.
IDLE = 0.2
# On stop, updates still running get this long; the rest are delivered again next start.
STOP_GRACE = 5.0
# An update still running after this long stops holding back the offset: getUpdates
# returns at most `limit` updates from the offset on, so one that waits (a notice for a
# staff group whose budget is spent, a year's export) would otherwise hide the newer
# ones. Its effect is stored by then; a crash loses what it had left to send.
LONG_RUNNER = 10.0


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
        self._seen = -1  # the newest update id taken up
        self._running: dict[int, float] = {}  # update id being processed → since when
        self._finished: set[int] = set()  # done, but below an update still running
        self._retry_at: dict[int, float] = {}  # held update id → when to take it again
        self._holds: dict[int, int] = {}  # held update id → how many times in a row

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop` is set; raise PollingFailed when Telegram's answer cannot heal.

        A batch of updates normally finishes within a moment, and the next long poll
        follows. A batch still running after SLOW seconds (a notice waiting for a staff
        group's budget, a year's export) no longer holds polling up: the bot goes on
        hearing everyone else. Telegram forgets every update below the offset it is
        given, so the offset stays at the oldest update still running or held; getUpdates
        then returns the ones already done too, and they are passed over."""
        failures = 0  # getUpdates calls failed in a row
        tasks: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                busy = bool(self._running)
                try:
                    call = self.app.bot.get_updates(
                        offset=self._floor(),
                        timeout=0 if busy else self.poll_timeout,
                        limit=self.limit,
                        allowed_updates=Update.ALL_TYPES,
                    )
                    updates = await _unless_stopped(stop, call)
                    if updates is None:
                        break
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
                now = time.monotonic()
                fresh = [u for u in updates if self._due(u.update_id, now)]
                bad = [b for b in self.request.take_skipped() if self._due(b.update_id, now)]
                if fresh or bad:
                    ids = [u.update_id for u in fresh] + [b.update_id for b in bad]
                    self._running.update(dict.fromkeys(ids, now))
                    task = asyncio.create_task(self._batch(fresh, bad, ids))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    await _first_of(stop, {task}, SLOW)  # usually the whole batch
                elif updates or busy or self._retry_at:
                    # Nothing new, only what is running or held: wait for one to finish
                    # or a moment, instead of asking Telegram again at once.
                    await _first_of(stop, tasks, IDLE)
        finally:
            if tasks:  # let what runs finish briefly; what does not is delivered again
                await asyncio.wait(tasks, timeout=STOP_GRACE)
                for task in tasks:
                    task.cancel()
        await self._confirm()

    async def _batch(
        self, updates: Sequence[Update], bad: Sequence[Skipped], ids: list[int]
    ) -> None:
        try:
            await self.runner.run_batch(updates, bad, on_done=self._done)
        except Exception:  # never expected: leave them to Telegram to deliver again
            log.exception("a batch of updates failed")
        for update_id in ids:  # any the runner did not report: held, to be taken again
            if update_id in self._running:
                self._done(update_id, Outcome.HELD)

    def _done(self, update_id: int, outcome: Outcome) -> None:
        """Book one update the runner is done with."""
        self._running.pop(update_id, None)
        self._seen = max(self._seen, update_id)
        if update_id < self.offset:  # a long runner, confirmed while it ran
            if outcome == Outcome.HELD:
                log.warning("update %s held after it was confirmed; not retried", update_id)
            return
        if outcome == Outcome.HELD:
            # Taken up again when Telegram delivers it after a pause that grows.
            holds = self._holds.get(update_id, 0) + 1
            self._holds[update_id] = holds
            self._retry_at[update_id] = time.monotonic() + _pause(holds, self.backoff)
        else:
            self._holds.pop(update_id, None)
            self._retry_at.pop(update_id, None)
            self._finished.add(update_id)

    def _due(self, update_id: int, now: float) -> bool:
        """The update is neither running nor done, nor held and waiting for its pause."""
        if update_id in self._running or update_id in self._finished:
            return False
        return self._retry_at.get(update_id, 0.0) <= now

    def _floor(self) -> int:
        """The offset to give Telegram: the oldest update held or running (not for long),
        else the one after the newest done."""
        recent = time.monotonic() - LONG_RUNNER
        waiting = {i for i, since in self._running.items() if since > recent}
        waiting |= self._retry_at.keys()
        newest = max([self._seen, *self._running]) + 1
        self.offset = min(waiting) if waiting else max(self.offset, newest)
        self._finished = {i for i in self._finished if i >= self.offset}
        return self.offset

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
        """Confirm what is done, so a clean stop leaves nothing to deliver again."""
        offset = self._floor()
        if not offset:
            return
        try:
            await self.app.bot.get_updates(offset=offset, timeout=0, limit=1)
            self.request.take_skipped()
        except Exception:  # best effort: the worst case is a harmless re-delivery
            log.debug("could not confirm the last batch", exc_info=True)


async def _first_of(stop: asyncio.Event, tasks: set[asyncio.Task[None]], seconds: float) -> None:
    """Wait until a task finishes, `stop` is set, or `seconds` pass."""
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({stopping, *tasks}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()


async def _unless_stopped(
    stop: asyncio.Event, call: Coroutine[Any, Any, tuple[Update, ...]]
) -> tuple[Update, ...] | None:
    """The answer to a getUpdates call, or None when `stop` is set first. An idle bot's
    long poll lasts up to poll_timeout (30 s with carebot run): a supervisor stopping it
    (docker stop waits 10 s) must not wait for that. A poll cut short confirms nothing,
    so whatever it would have returned is delivered again at the next start."""
    task = asyncio.ensure_future(call)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        return None
    return task.result()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
