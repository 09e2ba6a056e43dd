"""Per-customer flood control: a customer writing faster than CAREBOT_CUSTOMER_RATE
messages a minute is told once, politely, and their messages reach staff grouped.

Nothing is refused or dropped: every message is stored as usual. What changes is when
the staff group sees them: a fast writer's messages wait a few seconds in the outbox so
they go out folded into one staff message, instead of one each from the group's budget
of about 20 a minute that every customer shares.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW = 60.0  # seconds: the rate is per minute
HOLD = 10.0  # a fast writer's messages wait this long after their latest one …
MAX_HOLD = 30.0  # … but never longer than this after the oldest waiting one


@dataclass(frozen=True)
class Pace:
    """What one message means for its customer's pace."""

    over: bool  # faster than the rate: hold the message so the next ones fold into it
    notify: bool  # the first message over the rate in this stretch: tell the customer
    hold: float = 0.0  # seconds to hold it after this message …
    max_hold: float = 0.0  # … and at most after the oldest message waiting


class CustomerRate:
    """Sliding one-minute windows of each customer's recent messages (in memory: one
    process serves one bot token; a restart forgets a minute of pace, nothing else)."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        hold: float = HOLD,
        max_hold: float = MAX_HOLD,
    ) -> None:
        self.per_minute = per_minute
        self.hold = hold
        self.max_hold = max_hold
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._told: set[int] = set()  # over the rate and already told, until they slow down
        self._swept = clock()

    def note(self, user_id: int) -> Pace:
        """Count one message of the customer now; 0 per minute turns the control off."""
        if self.per_minute <= 0:
            return Pace(over=False, notify=False)
        now = self._clock()
        if now - self._swept > WINDOW:
            self._forget_idle(now)
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] > WINDOW:
            seen.popleft()
        seen.append(now)
        if len(seen) <= self.per_minute:
            self._told.discard(user_id)  # back under the rate: a new stretch may be told
            return Pace(over=False, notify=False)
        notify = user_id not in self._told
        self._told.add(user_id)
        return Pace(over=True, notify=notify, hold=self.hold, max_hold=self.max_hold)

    def _forget_idle(self, now: float) -> None:
        # Once a minute: customers without a message in the window are forgotten, so
        # memory follows the customers of the last minute, not all customers ever.
        self._swept = now
        for user_id in list(self._seen):
            seen = self._seen[user_id]
            while seen and now - seen[0] > WINDOW:
                seen.popleft()
            if not seen:
                del self._seen[user_id]
                self._told.discard(user_id)
