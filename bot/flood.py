"""Telegram's flood limits, kept on our side so the bot is not answered 429.

Telegram's Bot FAQ ("My bot is hitting limits, how do I avoid this?") says a bot cannot
send more than 20 messages per minute to the same group, and about 30 messages per second
overall. What counts as a message is not documented; we count every call that posts one
(SENDS). Edits and topic renames are not counted: Telegram answers them 429 too when it
must, and such a 429 is waited out like any other.

PTB's AIORateLimiter is a leaky bucket: after an idle minute it lets 20 group messages go
at once and then one every 3 s, so a burst can reach about 40 in a minute and meet a 429;
and a 429 halts every request of the bot. This limiter keeps a sliding window per group
(never more than 20 in any 60 s) and one overall, and a 429 pauses only the chat it came
from, so private chats and callback answers never wait for a group.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Bot API methods that post a message into a chat (lower case, as endpoints compare).
SENDS = frozenset(
    {
        "sendmessage",
        "copymessage",
        "forwardmessage",
        "sendphoto",
        "senddocument",
        "sendvoice",
        "sendaudio",
        "sendvideo",
        "sendvideonote",
        "sendsticker",
        "sendanimation",
    }
)
GROUP_LIMIT = (20, 60.0)  # messages, seconds: into one group
OVERALL_LIMIT = (30, 1.0)  # messages, seconds: into all chats together

Result = bool | dict[str, Any] | list[dict[str, Any]]


class Window:
    """At most `limit` events in any `period` seconds; `take` waits for room."""

    def __init__(self, limit: int, period: float) -> None:
        # A slot frees a little after `period`: Telegram times a send when it arrives, a
        # moment after we took the slot, and the next one may travel faster.
        self.limit, self.period = limit, period * 1.02 + 0.05
        self._times: deque[float] = deque()
        self._reserved: deque[float] = deque()  # slots taken ahead of their send
        self._lock = asyncio.Lock()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Take nothing for `seconds` (Telegram said retry_after)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _expire(self, now: float) -> None:
        while self._times and now - self._times[0] >= self.period:
            self._times.popleft()

    async def take(self) -> None:
        async with self._lock:  # FIFO: waiters go in the order they came
            while True:
                now = time.monotonic()
                self._expire(now)
                wait = self._paused_until - now
                if len(self._times) >= self.limit:
                    wait = max(wait, self._times[0] + self.period - now)
                if wait <= 0:
                    self._times.append(now)
                    return
                await asyncio.sleep(wait)

    async def reserve(self) -> None:
        """Wait for room and take a slot now for a send a moment later (use_reserved)."""
        await self.take()
        self._reserved.append(self._times[-1])  # take() appended it, with no await since

    def use_reserved(self) -> bool:
        """Spend a reserved slot on a send happening now (moved to now, so the window
        counts the send when Telegram does); False when none is left."""
        now = time.monotonic()
        self._expire(now)
        while self._reserved:
            at = self._reserved.popleft()
            if at in self._times:  # else it expired unused: the send must take a slot
                self._times.remove(at)
                self._times.append(now)
                return True
        return False


class FloodLimiter(BaseRateLimiter[None]):
    """Sliding windows per group and overall; 429s waited out per chat (`retries` times)."""

    def __init__(
        self,
        group: tuple[int, float] = GROUP_LIMIT,
        overall: tuple[int, float] = OVERALL_LIMIT,
        retries: int = 3,
    ) -> None:
        self.group, self.retries = group, retries
        self.overall = Window(*overall)
        self._groups: dict[str, Window] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def reserve(self, chat_id: int) -> None:
        """Wait until a group has room for one more message and keep that slot for the
        next send into it (the staff outbox gathers a request's texts only then, so all
        that arrived while it waited fold into that one message)."""
        window = self._window(chat_id)
        if window is not None:
            await window.reserve()

    def _window(self, chat: object) -> Window | None:
        """The group's window; None for a private chat (only its own updates wait there)."""
        key = str(chat)
        if key.startswith(("-", "@")):
            return self._groups.setdefault(key, Window(*self.group))
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Result:
        """Wait for room in the chat's and the overall window, then call; on a 429, pause
        that chat for retry_after and try again."""
        chat = data.get("chat_id")
        window = self._window(chat) if chat is not None else None
        counted = endpoint.lower() in SENDS
        attempt = 0
        while True:
            # A first try may spend the slot the staff outbox reserved for it.
            reserved = window is not None and counted and not attempt and window.use_reserved()
            if window is not None and (counted or attempt) and not reserved:
                await window.take()
            if counted:
                await self.overall.take()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt >= self.retries:
                    raise
                attempt += 1
                after = exc.retry_after
                delay = float(after if isinstance(after, int | float) else after.total_seconds())
                log.info("429 from Telegram for chat %s: waiting %.1f s", chat, delay)
                if window is not None:
                    window.pause(delay + 0.1)  # every send to this group waits with it
                else:
                    await asyncio.sleep(delay + 0.1)
