"""A period as whole UTC days read from the daily roll-ups, plus the partial days at its
edges read from the source rows; and the read-only connection every report query uses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Select, and_, false
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics.periods import Period
from conversations import rollups
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
            return false()  # no whole day: the statement selects nothing
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


Sums = dict[tuple[Any, ...], list[Any]]


async def rolled_up(conn: AsyncConnection, table: str, split: Split) -> Sums:
    """A roll-up table's figures over a period, {keys: sums}: its whole days from the table,
    its partial edges from the source rows through the specs that feed it
    (conversations.rollups), so no figure restates a spec's keys or conditions."""
    specs = rollups.specs_of(table)
    width = len(specs[0].keys)
    statements = []
    if split.days is not None:
        first, last = split.days
        statements.append(rollups.rolled_reader(table).bindparams(first=first, last=last))
    for start, end in split.edges:
        for spec in specs:
            reader = rollups.edge_reader(spec, conn.dialect.name)
            statements.append(reader.bindparams(start=start, end=end))
    totals: Sums = {}
    for statement in statements:
        for row in (await conn.execute(statement)).all():
            key, values = tuple(row[:width]), list(row[width:])
            found = totals.setdefault(key, [0] * len(values))
            for i, value in enumerate(values):
                found[i] += value or 0
    return totals
