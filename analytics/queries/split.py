"""A period as whole UTC days read from the daily roll-ups, plus the partial days at its
edges read from the source rows; and the read-only connection every report query uses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, false
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics.periods import Period
from conversations.db import READONLY

Source = AsyncEngine | AsyncConnection
AnySelect: TypeAlias = "Select[*tuple[Any, ...]]"  # a statement of any columns


@asynccontextmanager
async def connect(source: Source) -> AsyncIterator[AsyncConnection]:
    """Yield a connection: the one given, or a new one from the engine (closed after)."""
    if isinstance(source, AsyncConnection):
        yield source
        return
    async with source.connect() as conn:
        # Read-only: on SQLite a deferred BEGIN (conversations.db), so a long report
        # does not hold the write lock the bot needs; WAL still gives one snapshot.
        await conn.execution_options(**{READONLY: True})
        if conn.dialect.name == "postgresql":
            # One snapshot for every query of a report: figures that add up.
            await conn.execution_options(isolation_level="REPEATABLE READ")
        yield conn


@dataclass(frozen=True, slots=True)
class Split:
    """A period as whole UTC days, read from the daily roll-ups, and the partial days at
    its edges, read from the source rows (conversations.rollups says why)."""

    days: tuple[date, date] | None  # [first, last) whole days, None when there are none
    edges: tuple[tuple[datetime, datetime], ...]  # [start, end) of the partial days

    def rolled(self, day: Any) -> ColumnElement[bool]:
        """Return whether a roll-up row's day is one of the whole days."""
        if self.days is None:
            return false()  # the statement is built, then left out (parts_of)
        return and_(day >= self.days[0], day < self.days[1])

    def each_edge(self) -> list[Edge]:
        """Return one condition maker per edge: a statement each keeps index ranges simple
        (an OR of two ranges sends SQLite's planner to a scan)."""
        return [Edge(a, b) for a, b in self.edges]


@dataclass(frozen=True, slots=True)
class Edge:
    """A partial day at the edge of a period: start <= moment < end."""

    start: datetime
    end: datetime

    def __call__(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


def parts_of(split: Split, rolled: AnySelect, raw: Callable[[Edge], AnySelect]) -> list[AnySelect]:
    """Return the statements of a figure: the roll-up over the whole days (if any) and
    the source rows of each edge."""
    return ([rolled] if split.days else []) + [raw(edge) for edge in split.each_edge()]


def split_period(period: Period) -> Split:
    """Return `period` split into whole UTC days and partial edges."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    first = start.date() if start.timetz() == _MIDNIGHT else start.date() + timedelta(days=1)
    last = end.date()
    if first >= last:
        return Split(days=None, edges=((start, end),))
    first_at = datetime.combine(first, _MIDNIGHT)
    last_at = datetime.combine(last, _MIDNIGHT)
    edges = tuple((a, b) for a, b in ((start, first_at), (last_at, end)) if a < b)
    return Split(days=(first, last), edges=edges)


_MIDNIGHT = time(0, tzinfo=UTC)
