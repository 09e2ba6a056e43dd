"""Service times of a period: counts, first response and resolution percentiles (exact,
from the roll-up histograms plus one bin's own values), reopen and auto-resolve shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period
from analytics.queries.split import Source, connect, rolled_up, split_period
from analytics.service_times import ServiceTimes
from conversations import schema as tables
from conversations.rollups import bin_bounds, bin_of
from conversations.terms import OPEN_STATUSES, Status


def _percentiles_of(counts: Sequence[tuple[int, int]], qs: Sequence[float]) -> list[float | None]:
    """Return percentiles (linear interpolation, as analytics.service_times.percentile) of counts.

    `counts` holds (value, how many times it occurs) in ascending order of value.
    """
    n = sum(count for _, count in counts)
    return _interpolated(n, lambda rank: _value_at(counts, rank), qs)


def _interpolated(
    n: int, value_at: Callable[[int], int], qs: Sequence[float]
) -> list[float | None]:
    """Return percentiles by linear interpolation between the values at two ranks.

    `value_at(rank)` is the rank-th smallest (0-based) of `n` values, as
    analytics.service_times.percentile sorts them.
    """
    results: list[float | None] = []
    for q in qs:
        if n == 0:
            results.append(None)
            continue
        position = (n - 1) * q / 100
        below = int(position)
        low = float(value_at(below))
        high = float(value_at(below + 1)) if below + 1 < n else low
        results.append(min(max(low + (high - low) * (position - below), low), high))
    return results


def _value_at(counts: Sequence[tuple[int, int]], offset: int) -> int:
    """Return the value at 0-based `offset` of sorted (value, how many times) counts."""
    seen = 0
    for value, count in counts:
        seen += count
        if offset < seen:
            return value
    raise LookupError("the histogram and the rows disagree")


@dataclass(frozen=True, slots=True)
class _Durations:
    """Where one kind of service time lives: its roll-up kind and its source columns."""

    kind: str  # daily_service_bins.kind
    at: Any  # the moment that dates a duration
    seconds: Any  # NULL: none (yet)
    scope: ColumnElement[bool]  # which requests count besides their moment


def _durations() -> tuple[_Durations, _Durations]:
    r = tables.requests
    first = _Durations("first_response", r.c.first_response_at, r.c.first_response_seconds, true())
    resolution = _Durations(
        "resolution", r.c.resolved_at, r.c.resolution_seconds, r.c.status == Status.RESOLVED
    )
    return first, resolution


async def _percentiles(
    conn: AsyncConnection, durations: _Durations, period: Period, qs: Sequence[float]
) -> tuple[int, list[float | None]]:
    """Return how many durations fall in `period`, and their exact percentiles.

    The daily histograms (conversations.rollups) say how many durations each bin holds
    over the period and so which bin holds each rank a percentile needs; only those
    bins' values are then read from requests, through an index on the duration. The
    result is what sorting every duration of the period would give.
    """
    b = tables.daily_service_bins
    split = split_period(period)
    histogram: dict[int, int] = defaultdict(int)
    if split.days:
        rolled = (
            select(b.c.bin, func.sum(b.c.n))
            .where(b.c.kind == durations.kind, split.rolled(b.c.day))
            .group_by(b.c.bin)
        )
        for bin_id, count in (await conn.execute(rolled)).all():
            histogram[int(bin_id)] += int(count)
    for edge in split.each_edge():
        # A partial day's durations, counted here: with "IS NOT NULL" or a GROUP BY on the
        # duration, SQLite's planner walks the duration index through every row instead
        # of the short range of moments.
        raw = select(durations.seconds).where(durations.scope, edge(durations.at))
        for (seconds,) in (await conn.execute(raw)).all():
            if seconds is not None:
                histogram[bin_of(int(seconds))] += 1
    ordered = [(bin_id, count) for bin_id, count in sorted(histogram.items()) if count]
    n = sum(count for _, count in ordered)
    if n == 0:
        return 0, [None for _ in qs]
    ranks: set[int] = set()
    for q in qs:
        below = int((n - 1) * q / 100)
        ranks.update(rank for rank in (below, below + 1) if rank < n)
    # Each rank's bin, and the rank's place among that bin's values.
    wanted: dict[int, list[tuple[int, int]]] = defaultdict(list)  # bin → [(rank, offset)]
    seen = 0
    for bin_id, count in ordered:
        for rank in ranks:
            if seen <= rank < seen + count:
                wanted[bin_id].append((rank, rank - seen))
        seen += count
    values: dict[int, int] = {}
    # The moment is compared through COALESCE so SQLite walks the duration index (a bin
    # is a sliver of it) rather than the index on the moment (a whole period's rows).
    at = func.coalesce(durations.at, durations.at)
    for bin_id, places in wanted.items():
        low, high = bin_bounds(bin_id)
        exact = (
            select(durations.seconds, func.count())
            .where(
                durations.scope,
                durations.seconds >= low,
                durations.seconds < high,
                at >= period.start,
                at < period.end,
            )
            .group_by(durations.seconds)
            .order_by(durations.seconds)
        )
        counts = [(int(v), int(c)) for v, c in (await conn.execute(exact)).all()]
        for rank, offset in places:
            values[rank] = _value_at(counts, offset)
    return n, _interpolated(n, values.__getitem__, qs)


async def service_figures(source: Source, period: Period, *, now: datetime) -> ServiceTimes:
    """Return requests opened and resolved in `period`, the backlog now, and service times.

    First responses count when they happened in the period, resolutions when resolved
    in it (Chatwoot's reading); reopen rate and auto share are of those resolutions.
    """
    r = tables.requests
    split = split_period(period)
    backlog = select(func.count()).where(r.c.status.in_(OPEN_STATUSES))
    first, resolution = _durations()
    async with connect(source) as conn:
        counts = await rolled_up(conn, "daily_requests", split)
        # opened, resolved, reopened, auto, timed
        totals = [int(v) for v in counts.get((), [0] * 5)]
        backlog_n = int((await conn.execute(backlog)).scalar_one())
        first_count, (first_median, first_p90) = await _percentiles(conn, first, period, (50, 90))
        _, (resolution_median, resolution_p90) = await _percentiles(
            conn, resolution, period, (50, 90)
        )
    opened_n, resolved_n, reopened, auto, resolution_n = totals
    return ServiceTimes(
        opened=opened_n,
        resolved=resolved_n,
        backlog=backlog_n,
        first_response_n=first_count,
        first_response_median=first_median,
        first_response_p90=first_p90,
        resolution_n=resolution_n,
        resolution_median=resolution_median,
        resolution_p90=resolution_p90,
        reopen_rate=reopened / resolved_n if resolved_n else None,
        auto_resolved_share=auto / resolved_n if resolved_n else None,
    )
