"""The staff group's outbox: customer messages wait here for the group's message budget.

Telegram lets a bot post about 20 messages a minute into one group. A customer's update
stores its message (pending, so nothing is lost on a crash) and queues it here, then
returns: its processing slot, the customer's acknowledgement and every other chat never
wait for the group. The workers relay the queue in arrival order, a request at a time; the
texts a request gathered while it waited go out folded into one message (Relay.
to_staff_folded), so a burst costs the group one message per request, not one per text.
A few workers relay different requests at once, so one slow Bot API call does not hold
up the rest; carebot's flood limiter still paces them all to the group's budget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from telegram.error import TelegramError

from bot.relay import Relay
from conversations.customer_rate import Pace
from conversations.models import CustomerMessageOutcome, PendingRelay

log = logging.getLogger(__name__)

# Called after a queued message reached staff (the close-the-loop alert runs here).
AfterRelay = Callable[[PendingRelay], Awaitable[None]]
# Waits until a staff group has room for a message and keeps it (bot.flood).
Reserve = Callable[[int], Awaitable[None]]


class StaffOutbox:
    """A queue of customer messages for the staff groups, relayed by a few workers each."""

    WORKERS = 4  # requests of one staff group relayed at once (each its own Bot API call)

    def __init__(
        self, relay: Relay, workers: int = WORKERS, reserve: Reserve | None = None
    ) -> None:
        self.relay = relay
        self.reserve = reserve
        self.after: list[AfterRelay] = []
        self.per_group = workers
        # Enough workers for every group, and at most per_group on one group's requests:
        # a group whose budget ran out never holds up another's.
        self.workers = workers * len(relay.routing.groups)
        self._group: dict[int, int] = {}  # request id → its staff group's chat id
        self._queue: dict[int, list[PendingRelay]] = {}  # request id → messages, FIFO
        self._since: dict[int, float] = {}  # request id → when its oldest was queued
        self._current: dict[int, tuple[int, float]] = {}  # on their way: request → n, since
        self._hold_until: dict[int, float] = {}  # fast writers' requests wait until then
        self._held: set[int] = set()  # message rows queued or being relayed
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        self._settled.set()
        self._tasks: list[asyncio.Task[None]] = []

    def put(self, item: PendingRelay, pace: Pace | None = None, hold: float = 0.0) -> bool:
        """Queue a stored customer message; False when it is already queued or on its way.

        A `pace` over the customer's rate (conversations.customer_rate) holds their request
        a few seconds, so the messages that follow fold into one staff message; `hold`
        holds it that many seconds (a new request waiting for its category) unless
        released sooner."""
        if item.row_id in self._held:
            return False
        self._held.add(item.row_id)
        request = item.outcome.request
        self._queue.setdefault(request.id, []).append(item)
        self._group.setdefault(request.id, request.staff_chat_id)
        now = time.monotonic()
        since = self._since.setdefault(request.id, now)
        until = self._hold_until.get(request.id, 0.0)
        if pace is not None and pace.over:
            until = max(until, min(now + pace.hold, since + pace.max_hold))
        if hold > 0:
            until = max(until, now + hold)
        if until > now:
            self._hold_until[request.id] = until
        self._settled.clear()
        self._wake.set()
        return True

    def release(self, request_id: int, staff_chat_id: int) -> None:
        """Let a held request go now, to the staff group it was routed to meanwhile."""
        self._hold_until.pop(request_id, None)
        if request_id in self._group:
            self._group[request_id] = staff_chat_id
        self._wake.set()

    def waiting(self) -> dict[int, tuple[int, float]]:
        """Per request: how many of its messages wait for the staff group, and for how
        many seconds the oldest has (for /open)."""
        now = time.monotonic()
        found = {
            request_id: (len(items), now - self._since.get(request_id, now))
            for request_id, items in self._queue.items()
        }
        for request_id, (n, since) in self._current.items():  # perhaps waiting for the window
            queued, _ = found.get(request_id, (0, 0.0))
            found[request_id] = (n + queued, now - since)
        return found

    def start(self) -> None:
        """Start the workers (in the running event loop)."""
        self._tasks = [t for t in self._tasks if not t.done()]
        loop = asyncio.get_running_loop()
        for n in range(len(self._tasks), self.workers):
            self._tasks.append(loop.create_task(self._run(), name=f"staff-outbox-{n}"))

    async def stop(self, grace: float = 5.0) -> None:
        """Relay what is queued for up to `grace` seconds, then stop the workers. What is
        left stays pending in the database: the next start's sweep queues it again."""
        if not self._tasks:
            return
        try:
            await asyncio.wait_for(self._settled.wait(), grace)
        except TimeoutError:
            log.warning("stopping with %s messages still queued for staff", len(self._held))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

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

    def _next(self) -> tuple[int | None, float | None]:
        """The request waiting longest that no worker is relaying, that is not held, and
        whose group has a worker to spare (one request's messages go out one batch at a
        time, so their order holds); else None and the monotonic time the first held
        request is free (None: nothing held)."""
        now = time.monotonic()
        free_at: float | None = None
        busy: dict[int, int] = {}
        for current in self._current:
            group = self._group.get(current, 0)
            busy[group] = busy.get(group, 0) + 1
        for request_id in self._queue:
            if request_id in self._current:
                continue
            if busy.get(self._group.get(request_id, 0), 0) >= self.per_group:
                continue
            until = self._hold_until.get(request_id, 0.0)
            if until <= now:
                return request_id, None
            free_at = until if free_at is None else min(free_at, until)
        return None, free_at

    async def _run(self) -> None:
        while True:
            request_id, free_at = self._next()
            if request_id is None:
                self._wake.clear()
                timeout = None if free_at is None else max(0.0, free_at - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout)
                continue
            # No await between choosing and claiming: no other worker takes the same request.
            self._current[request_id] = (0, self._since[request_id])
            if self.reserve is not None:
                # The texts are gathered once the group has room: all that came while it
                # had none go out folded into that one message.
                try:
                    await self.reserve(self._group.get(request_id, 0))
                except asyncio.CancelledError:
                    del self._current[request_id]
                    raise
            items = self._queue.pop(request_id)
            self._hold_until.pop(request_id, None)
            self._current[request_id] = (len(items), self._since.pop(request_id))
            try:
                await self._relay(items)
            finally:
                del self._current[request_id]
                if request_id not in self._queue:
                    self._group.pop(request_id, None)
                if not self._queue and not self._current:
                    self._settled.set()
                elif self._queue:  # a request other workers held back may be free now
                    self._wake.set()

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
