"""Injected time: every domain decision asks a Clock, so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current aware UTC time."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, demo)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the frozen time."""
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Move time forward, e.g. advance(hours=49)."""
        self._now += timedelta(**delta)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to an aware datetime."""
        self._now = when.astimezone(UTC)
