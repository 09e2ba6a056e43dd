"""Service times of a period: counts, first response and resolution percentiles (exact,
from the roll-up histograms plus one bin's own values), reopen and auto-resolve shares."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period
from analytics.queries.split import Source, connect, rolled_up, split_period
from analytics.service_times import ServiceTimes
from conversations import schema as tables
from conversations.histograms import FIRST_RESPONSE, RESOLUTION, Durations, bin_bounds
from conversations.terms import OPEN_STATUSES


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


async def _histograms(conn: AsyncConnection, period: Period) -> dict[str, list[tuple[int, int]]]:
    """Return each kind's durations in `period` as (bin, count), ascending by bin: whole days
    from the roll-up, partial days through its specs (conversations.rollups)."""
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (kind, bin_id), (count,) in sorted(
        (await rolled_up(conn, "daily_service_bins", split_period(period))).items()
    ):
        if count:
            by_kind[str(kind)].append((int(bin_id), int(count)))
    return by_kind


async def _percentiles(
    conn: AsyncConnection,
    durations: Durations,
    histogram: Sequence[tuple[int, int]],
    period: Period,
    qs: Sequence[float],
) -> tuple[int, list[float | None]]:
    """Return how many durations fall in `period`, and their exact percentiles.

    The histogram (bin, count) says which bin holds each rank a percentile needs; only
    those bins' values are then read from requests, through an index on the duration.
    The result is what sorting every duration of the period would give.
    """
    n = sum(count for _, count in histogram)
    if n == 0:
        return 0, [None for _ in qs]
    ranks: set[int] = set()
    for q in qs:
        below = int((n - 1) * q / 100)
        ranks.update(rank for rank in (below, below + 1) if rank < n)
    # Each rank's bin, and the rank's place among that bin's values.
    wanted: dict[int, list[tuple[int, int]]] = defaultdict(list)  # bin → [(rank, offset)]
    seen = 0
    for bin_id, count in histogram:
        for rank in ranks:
            if seen <= rank < seen + count:
                wanted[bin_id].append((rank, rank - seen))
        seen += count
    values: dict[int, int] = {}
    reader = durations.values_reader()
    for bin_id, places in wanted.items():
        low, high = bin_bounds(bin_id)
        exact = reader.bindparams(low=low, high=high, start=period.start, end=period.end)
        counts = [(int(v), int(c)) for v, c in (await conn.execute(exact)).all()]
        for rank, offset in places:
            values[rank] = _value_at(counts, offset)
    return n, _interpolated(n, values.__getitem__, qs)


async def medians_by_owner(
    conn: AsyncConnection,
    durations: Durations,
    histograms: Mapping[int, Sequence[tuple[int, int]]],
    period: Period,
) -> dict[int, float]:
    """Each owner's exact median duration in `period`, from their (bin, count) histogram
    (daily_owner_bins, ascending): as _percentiles does for everyone, only the bins that
    hold a median are read, one statement per bin for every owner that needs it."""
    wanted: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(dict)  # bin → owner
    sizes: dict[int, int] = {}
    for owner, histogram in histograms.items():
        n = sizes[owner] = sum(count for _, count in histogram)
        if n == 0:
            continue
        below = (n - 1) // 2
        ranks = [rank for rank in (below, below + 1) if rank < n]
        seen = 0
        for bin_id, count in histogram:
            for rank in ranks:
                if seen <= rank < seen + count:
                    wanted[bin_id].setdefault(owner, []).append((rank, rank - seen))
            seen += count
    values: dict[int, dict[int, int]] = defaultdict(dict)  # owner → rank → value
    reader = durations.values_reader(by_owner=True)
    for bin_id, owners in wanted.items():
        low, high = bin_bounds(bin_id)
        exact = reader.bindparams(low=low, high=high, start=period.start, end=period.end)
        counts: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for owner, value, count in (await conn.execute(exact)).all():
            counts[int(owner)].append((int(value), int(count)))
        for owner, places in owners.items():
            for rank, offset in places:
                values[owner][rank] = _value_at(counts[owner], offset)
    medians: dict[int, float] = {}
    for owner, at_rank in values.items():
        (median,) = _interpolated(sizes[owner], at_rank.__getitem__, (50,))
        if median is not None:
            medians[owner] = median
    return medians


async def service_figures(source: Source, period: Period, *, now: datetime) -> ServiceTimes:
    """Return requests opened and resolved in `period`, the backlog now, and service times.

    First responses count when they happened in the period, resolutions when resolved
    in it (Chatwoot's reading); reopen rate and auto share are of those resolutions.
    """
    r = tables.requests
    split = split_period(period)
    backlog = select(func.count()).where(r.c.status.in_(OPEN_STATUSES))
    async with connect(source) as conn:
        counts = await rolled_up(conn, "daily_requests", split)
        # opened, resolved, reopened, auto, timed
        totals = [int(v) for v in counts.get((), [0] * 5)]
        backlog_n = int((await conn.execute(backlog)).scalar_one())
        bins = await _histograms(conn, period)
        first_count, (first_median, first_p90) = await _percentiles(
            conn, FIRST_RESPONSE, bins[FIRST_RESPONSE.kind], period, (50, 90)
        )
        _, (resolution_median, resolution_p90) = await _percentiles(
            conn, RESOLUTION, bins[RESOLUTION.kind], period, (50, 90)
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
