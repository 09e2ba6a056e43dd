"""The staff group's outbox: customer messages wait here for the group's message budget.

Telegram lets a bot post about 20 messages a minute into one group. A customer's update
stores its message (pending, so nothing is lost on a crash) and queues it here, then
returns: its processing slot, the customer's acknowledgement and every other chat never
wait for the group. One worker relays the queue in arrival order, a request at a time; the
texts a request gathered while it waited go out folded into one message (Relay.
to_staff_folded), so a burst costs the group one message per request, not one per text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from bot.relay import Relay
from conversations.models import CustomerMessageOutcome, PendingRelay

log = logging.getLogger(__name__)

# Called after a queued message reached staff (the close-the-loop alert runs here).
AfterRelay = Callable[[PendingRelay], Awaitable[None]]


class StaffOutbox:
    """A queue of customer messages for the staff group, relayed by one worker."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.after: list[AfterRelay] = []
        self._queue: dict[int, list[PendingRelay]] = {}  # request id → messages, FIFO
        self._since: dict[int, float] = {}  # request id → when its oldest was queued
        self._current: tuple[int, int, float] | None = None  # on its way: request, n, since
        self._held: set[int] = set()  # message rows queued or being relayed
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        self._settled.set()
        self._task: asyncio.Task[None] | None = None

    def put(self, item: PendingRelay) -> bool:
        """Queue a stored customer message; False when it is already queued or on its way."""
        if item.row_id in self._held:
            return False
        self._held.add(item.row_id)
        request_id = item.outcome.request.id
        self._queue.setdefault(request_id, []).append(item)
        self._since.setdefault(request_id, time.monotonic())
        self._settled.clear()
        self._wake.set()
        return True

    def waiting(self) -> dict[int, tuple[int, float]]:
        """Per request: how many of its messages wait for the staff group, and for how
        many seconds the oldest has (for /open)."""
        now = time.monotonic()
        found = {
            request_id: (len(items), now - self._since.get(request_id, now))
            for request_id, items in self._queue.items()
        }
        if self._current is not None:  # on its way, perhaps waiting for the group's window
            request_id, n, since = self._current
            queued, _ = found.get(request_id, (0, 0.0))
            found[request_id] = (n + queued, now - since)
        return found

    def start(self) -> None:
        """Start the worker (in the running event loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="staff-outbox")

    async def stop(self, grace: float = 5.0) -> None:
        """Relay what is queued for up to `grace` seconds, then stop the worker. What is
        left stays pending in the database: the next start's sweep queues it again."""
        if self._task is None:
            return
        try:
            await asyncio.wait_for(self._settled.wait(), grace)
        except TimeoutError:
            log.warning("stopping with %s messages still queued for staff", len(self._held))
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def settled(self) -> None:
        """Wait until the queue is empty and nothing is on its way."""
        await self._settled.wait()

    async def sweep(self) -> int:
        """Queue the customer messages whose relay did not complete (a flood limit, the
        network, a crash), relay the staff answers that did not, and wait for the queue.
        Returns how many messages were taken up."""
        taken = 0
        for item in await self.relay.helpdesk.pending_relays():
            if isinstance(item.outcome, CustomerMessageOutcome):
                taken += self.put(item)
                continue
            try:
                await self.relay.to_customer(item.outcome, item.chat_id, item.message_id)
                taken += 1
            except TelegramError as exc:
                log.warning("relay of message row %s failed again: %s", item.row_id, exc)
        await self.settled()
        return taken

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                request_id = next(iter(self._queue))
                items = self._queue.pop(request_id)
                since = self._since.pop(request_id, time.monotonic())
                self._current = (request_id, len(items), since)
                try:
                    await self._relay(items)
                finally:
                    self._current = None
            if not self._queue:
                self._settled.set()

    async def _relay(self, items: list[PendingRelay]) -> None:
        request_id = items[0].outcome.request.id
        try:
            await self.relay.to_staff_folded(items)
        except TelegramError as exc:
            # They stay pending: a later message of the request or the sweep relays them.
            log.warning("relay to staff of request #%s failed: %s", request_id, exc)
            return
        except Exception:
            log.exception("relay to staff of request #%s failed", request_id)
            return
        finally:
            self._held.difference_update(item.row_id for item in items)
        for item in items:
            for hook in self.after:
                try:
                    await hook(item)
                except Exception:  # an alert must not stop the queue
                    log.exception("after relaying message row %s", item.row_id)
