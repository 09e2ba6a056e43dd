"""Aggregate queries of the read side: SQLAlchemy Core over the conversation tables.

Every query counts, sums and groups in the database and hands back a handful of rows;
nothing here loads a whole table into Python. The same statements run on SQLite and on
PostgreSQL; the one place where the dialects differ (expanding the JSON pillar tags) says
why. Every function takes an engine or an open connection, so a report can run all of
its queries on one connection, and so on one snapshot.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any, TypeAlias

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics.churn_risk import (
    RiskScore,
    RiskSignals,
    RiskWeights,
    risk_band,
    risk_total,
    score_of,
    score_risk,
)
from analytics.customers import churn_rate_monthly, clv_if_known, relationship_years
from analytics.periods import Period
from analytics.service_times import ServiceTimes
from conversations import schema as tables
from conversations.db import READONLY
from conversations.rollups import bin_bounds, bin_of
from conversations.terms import OPEN_STATUSES, PASSIVE_MAX, Band, Status, band_of

__all__ = [
    "RECENT_SIGNALS",
    "BandCounts",
    "ChurnFigures",
    "ClvFigures",
    "CustomerRisk",
    "NpsFigures",
    "PillarFigures",
    "RiskRanking",
    "Source",
    "band_counts_by_period",
    "churn_figures",
    "clv_figures",
    "connect",
    "customer_clv",
    "customer_nps_history",
    "months_before",
    "nps_figures",
    "pillar_figures",
    "risk_ranking",
    "risk_signals",
    "service_figures",
]

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
class _Split:
    """A period as whole UTC days, read from the daily roll-ups, and the partial days at
    its edges, read from the source rows (conversations.rollups says why)."""

    days: tuple[date, date] | None  # [first, last) whole days, None when there are none
    edges: tuple[tuple[datetime, datetime], ...]  # [start, end) of the partial days

    def rolled(self, day: Any) -> ColumnElement[bool]:
        """Return whether a roll-up row's day is one of the whole days."""
        if self.days is None:
            return false()  # the statement is built, then left out (_parts)
        return and_(day >= self.days[0], day < self.days[1])

    def each_edge(self) -> list[_Edge]:
        """Return one condition maker per edge: a statement each keeps index ranges simple
        (an OR of two ranges sends SQLite's planner to a scan)."""
        return [_Edge(a, b) for a, b in self.edges]


@dataclass(frozen=True, slots=True)
class _Edge:
    """A partial day at the edge of a period: start <= moment < end."""

    start: datetime
    end: datetime

    def __call__(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


def _parts(split: _Split, rolled: AnySelect, raw: Callable[[_Edge], AnySelect]) -> list[AnySelect]:
    """Return the statements of a figure: the roll-up over the whole days (if any) and
    the source rows of each edge."""
    return ([rolled] if split.days else []) + [raw(edge) for edge in split.each_edge()]


def _split(period: Period) -> _Split:
    """Return `period` split into whole UTC days and partial edges."""
    start, end = period.start.astimezone(UTC), period.end.astimezone(UTC)
    first = start.date() if start.timetz() == _MIDNIGHT else start.date() + timedelta(days=1)
    last = end.date()
    if first >= last:
        return _Split(days=None, edges=((start, end),))
    first_at = datetime.combine(first, _MIDNIGHT)
    last_at = datetime.combine(last, _MIDNIGHT)
    edges = tuple((a, b) for a, b in ((start, first_at), (last_at, end)) if a < b)
    return _Split(days=(first, last), edges=edges)


_MIDNIGHT = time(0, tzinfo=UTC)


# --- NPS -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BandCounts:
    """How many answers fell in each NPS band."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def n(self) -> int:
        """Return the number of answers."""
        return self.promoters + self.passives + self.detractors

    def add(self, score: int, count: int) -> BandCounts:
        """Return these counts plus `count` answers of `score`."""
        band = band_of(score)
        if band == Band.PROMOTER:
            return BandCounts(self.promoters + count, self.passives, self.detractors)
        if band == Band.PASSIVE:
            return BandCounts(self.promoters, self.passives + count, self.detractors)
        return BandCounts(self.promoters, self.passives, self.detractors + count)


@dataclass(frozen=True, slots=True)
class NpsFigures:
    """NPS answers of one period, with their breakdowns, and the surveys sent in it."""

    bands: BandCounts
    distribution: list[int]  # answers per score 0..10
    by_language: dict[str, BandCounts]
    by_staff: dict[int | None, BandCounts]  # None: resolved by the customer or automatically
    sent: int  # surveys sent in the period
    answered: int  # of those, how many got a score


async def nps_figures(source: Source, period: Period) -> NpsFigures:
    """Return the NPS answers scored in `period` and the surveys sent in it."""
    s, d, ds = tables.surveys, tables.daily_nps, tables.daily_surveys
    split = _split(period)
    # Answers grouped by language, staff and score (a few dozen rows) give the
    # distribution and both breakdowns: whole days from the roll-up, edges from surveys.
    parts = _parts(
        split,
        select(d.c.language, d.c.staff, d.c.score, func.sum(d.c.n))
        .where(split.rolled(d.c.day))
        .group_by(d.c.language, d.c.staff, d.c.score),
        lambda edge: (
            select(s.c.language, func.coalesce(s.c.resolved_by, 0), s.c.score, func.count())
            .where(s.c.score.is_not(None), edge(s.c.scored_at))
            .group_by(s.c.language, s.c.resolved_by, s.c.score)
        ),
    )
    # Response rate follows the surveys sent in the period, answered whenever.
    sent_parts = _parts(
        split,
        select(func.sum(ds.c.sent), func.sum(ds.c.answered)).where(split.rolled(ds.c.day)),
        lambda edge: select(func.count(), func.count(s.c.score)).where(edge(s.c.sent_at)),
    )
    distribution = [0] * 11
    by_language: dict[str, BandCounts] = defaultdict(BandCounts)
    by_staff: dict[int | None, BandCounts] = defaultdict(BandCounts)
    sent_n = answered = 0
    async with connect(source) as conn:
        for part in parts:
            for language, staff, score, count in (await conn.execute(part)).all():
                staff_id = int(staff) or None  # 0 in the roll-up: nobody on the staff
                distribution[score] += int(count)
                by_language[language] = by_language[language].add(score, int(count))
                by_staff[staff_id] = by_staff[staff_id].add(score, int(count))
        for part in sent_parts:
            sent_part, answered_part = (await conn.execute(part)).one()
            sent_n += int(sent_part or 0)
            answered += int(answered_part or 0)
    bands = BandCounts()
    for score, count in enumerate(distribution):
        bands = bands.add(score, count)
    return NpsFigures(
        bands=bands,
        distribution=distribution,
        by_language=dict(by_language),
        by_staff=dict(by_staff),
        sent=sent_n,
        answered=answered,
    )


async def band_counts_by_period(source: Source, periods: Sequence[Period]) -> list[BandCounts]:
    """Return the NPS band counts of each of several non-overlapping periods.

    Whole days come from the roll-up in one grouped query, bucketed by day; the partial
    days at the periods' edges from the surveys, one short grouped range per stretch of
    touching edges (one per boundary of consecutive weeks).
    """
    if not periods:
        return []
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in pairwise(ordered):
        if after.start < before.end:
            raise ValueError("periods overlap")
    s, d = tables.surveys, tables.daily_nps
    splits = [_split(p) for p in periods]
    rolled_bucket = case(
        *((split.rolled(d.c.day), i) for i, split in enumerate(splits) if split.days),
        else_=None,
    )
    rolled_days = [split.days for split in splits if split.days]
    queries: list[AnySelect] = []
    if rolled_days:
        queries.append(
            select(rolled_bucket, d.c.score, func.sum(d.c.n))
            .where(
                d.c.day >= min(first for first, _ in rolled_days),
                d.c.day < max(last for _, last in rolled_days),
            )
            .group_by(rolled_bucket, d.c.score)
        )
    # Edges of consecutive periods touch (a week's last partial day, the next one's
    # first): one statement per stretch of touching edges, each a short index range.
    edges = sorted((a, b, i) for i, split in enumerate(splits) for a, b in split.edges)
    stretches: list[list[tuple[datetime, datetime, int]]] = []
    for edge in edges:
        if stretches and stretches[-1][-1][1] == edge[0]:
            stretches[-1].append(edge)
        else:
            stretches.append([edge])
    for stretch in stretches:
        bucket = case(*((_Edge(a, b)(s.c.scored_at), i) for a, b, i in stretch), else_=None)
        queries.append(
            select(bucket, s.c.score, func.count())
            .where(s.c.score.is_not(None), _Edge(stretch[0][0], stretch[-1][1])(s.c.scored_at))
            .group_by(bucket, s.c.score)
        )
    counts = [BandCounts() for _ in periods]
    async with connect(source) as conn:
        for query in queries:
            for index, score, count in (await conn.execute(query)).all():
                if index is not None:  # a gap between two periods
                    counts[index] = counts[index].add(score, int(count))
    return counts


async def customer_nps_history(
    source: Source, customer_id: int, *, limit: int = 10
) -> list[tuple[datetime, int]]:
    """Return one customer's latest NPS answers (when, score), newest first."""
    s = tables.surveys
    q = (
        select(s.c.scored_at, s.c.score)
        .where(s.c.customer_id == customer_id, s.c.score.is_not(None))
        .order_by(s.c.scored_at.desc(), s.c.id.desc())
        .limit(limit)
    )
    async with connect(source) as conn:
        return [(when, int(score)) for when, score in (await conn.execute(q)).all()]


# --- Pillars -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PillarFigures:
    """Pillar answers, text mentions and (pillar answer, NPS) pairs of one period."""

    answers: dict[str, tuple[int, int, int]]  # pillar → (SUM(x), SUM(x²), COUNT(x))
    mentions: dict[str, tuple[int, float]]  # pillar → (mentions, mean polarity)
    # pillar → {(pillar answer, NPS answer): how many customers gave both}
    driver_counts: dict[str, dict[tuple[float, float], int]]


async def _mentions(conn: AsyncConnection, split: _Split) -> dict[str, tuple[int, float]]:
    """Return pillar mentions and their summed polarity in messages and survey reasons.

    conversations writes one pillar_mentions row per tag of an inbound message (dated
    created_at) and of a scored survey reason (dated scored_at, the period of its NPS
    answer), rolled up per day in daily_mentions.
    """
    pm, dm = tables.pillar_mentions, tables.daily_mentions
    parts = _parts(
        split,
        select(dm.c.pillar, func.sum(dm.c.n), func.sum(dm.c.polarity_sum))
        .where(split.rolled(dm.c.day))
        .group_by(dm.c.pillar),
        lambda edge: (
            select(pm.c.pillar, func.count(), func.sum(pm.c.polarity))
            .where(edge(pm.c.at))
            .group_by(pm.c.pillar)
        ),
    )
    found: dict[str, tuple[int, float]] = {}
    for part in parts:
        for name, count, polarity_sum in (await conn.execute(part)).all():
            n, total = found.get(name, (0, 0.0))
            found[name] = (n + int(count), total + float(polarity_sum or 0.0))
    return found


async def pillar_figures(source: Source, period: Period) -> PillarFigures:
    """Return the pillar answers (by pillar_at), text mentions and key-driver pairs."""
    s, d = tables.surveys, tables.daily_pillar_answers
    split = _split(period)
    # Answers counted by (pillar, answer, NPS score or -1): at most 6 × 5 × 12 rows, from
    # which Python takes the sums, the squares and the key-driver pairs.
    parts = _parts(
        split,
        select(d.c.pillar, d.c.answer, d.c.score, func.sum(d.c.n))
        .where(split.rolled(d.c.day))
        .group_by(d.c.pillar, d.c.answer, d.c.score),
        lambda edge: (
            select(s.c.pillar, s.c.pillar_score, func.coalesce(s.c.score, -1), func.count())
            .where(s.c.pillar_score.is_not(None), s.c.pillar.is_not(None), edge(s.c.pillar_at))
            .group_by(s.c.pillar, s.c.pillar_score, s.c.score)
        ),
    )
    answers: dict[str, tuple[int, int, int]] = {}
    driver_counts: dict[str, dict[tuple[float, float], int]] = defaultdict(dict)
    async with connect(source) as conn:
        for part in parts:
            for pillar, answer, score, count in (await conn.execute(part)).all():
                answer, score, count = int(answer), int(score), int(count)
                total, squares, n = answers.get(pillar, (0, 0, 0))
                answers[pillar] = (
                    total + answer * count,
                    squares + answer * answer * count,
                    n + count,
                )
                if score >= 0:
                    pair = (float(answer), float(score))
                    driver_counts[pillar][pair] = driver_counts[pillar].get(pair, 0) + count
        mentions = await _mentions(conn, split)
    return PillarFigures(
        answers=answers,
        mentions={p: (n, total / n) for p, (n, total) in mentions.items() if n},
        driver_counts=dict(driver_counts),
    )


# --- Service -------------------------------------------------------------------------


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
    split = _split(period)
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
    r, d = tables.requests, tables.daily_requests
    split = _split(period)
    parts: list[AnySelect] = []
    if split.days:
        parts.append(
            select(
                func.sum(d.c.opened),
                func.sum(d.c.resolved),
                func.sum(d.c.reopened),
                func.sum(d.c.auto),
                func.sum(d.c.timed),
            ).where(split.rolled(d.c.day))
        )
    none = literal(0)
    for edge in split.each_edge():
        parts.append(select(func.count(), none, none, none, none).where(edge(r.c.opened_at)))
        parts.append(
            select(
                none,
                func.count(),
                func.sum(case((r.c.reopen_count > 0, 1), else_=0)),
                func.sum(case((r.c.resolution_source == "auto", 1), else_=0)),
                func.count(r.c.resolution_seconds),
            ).where(r.c.status == Status.RESOLVED, edge(r.c.resolved_at))
        )
    backlog = select(func.count()).where(r.c.status.in_(OPEN_STATUSES))
    totals = [0] * 5  # opened, resolved, reopened, auto, timed
    first, resolution = _durations()
    async with connect(source) as conn:
        for part in parts:
            for i, value in enumerate((await conn.execute(part)).one()):
                totals[i] += int(value or 0)
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


# --- Churn and CLV -------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """Return the same day and time `months` calendar months earlier (clamped to month end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


@dataclass(frozen=True, slots=True)
class ChurnFigures:
    """Customers lost in the last 12 months and the customer counts month by month."""

    start: datetime
    end: datetime
    inactivity_days: int
    lost: int
    monthly_counts: list[int]  # customers at start, after each month, and at end (13)

    @property
    def average_customers(self) -> float | None:
        """Return the mean of the monthly counts."""
        if not self.monthly_counts:
            return None
        return sum(self.monthly_counts) / len(self.monthly_counts)

    @property
    def rate(self) -> float | None:
        """Return lost ÷ average customers (analytics.customers.churn_rate_monthly)."""
        return churn_rate_monthly(self.lost, self.monthly_counts)


def _lost_by(moment: datetime, inactivity: timedelta) -> ColumnElement[bool]:
    """Return whether a customer counts as lost at `moment`: churned, or silent too long."""
    c = tables.customers
    last_seen = func.coalesce(c.c.last_contact_at, c.c.created_at)
    # Spelled out for NULLs: NOT (NULL <= x OR false) would be NULL, not true.
    churned = and_(c.c.churned_at.is_not(None), c.c.churned_at <= moment)
    return or_(churned, last_seen <= moment - inactivity)


async def churn_figures(
    source: Source, *, now: datetime, inactivity_days: int = 180
) -> ChurnFigures:
    """Return the customers lost in the 12 months before `now` and the monthly counts.

    A customer is lost when churned_at is set, or once `inactivity_days` pass after their
    last contact; they count as customers from created_at until then. The counts use
    what the store knows today (a customer who came back is not counted as lost before).
    """
    if inactivity_days < 1:
        raise ValueError("inactivity_days must be at least 1")
    c = tables.customers
    inactivity = timedelta(days=inactivity_days)
    start = months_before(now, 12)
    moments = [months_before(now, 12 - k) for k in range(13)]
    counts = [
        func.coalesce(
            func.sum(
                case(
                    (and_(c.c.created_at <= moment, ~_lost_by(moment, inactivity)), 1),
                    else_=0,
                )
            ),
            0,
        )
        for moment in moments
    ]
    lost = func.coalesce(
        func.sum(
            case(
                (and_(_lost_by(now, inactivity), ~_lost_by(start, inactivity)), 1),
                else_=0,
            )
        ),
        0,
    )
    async with connect(source) as conn:
        row = (await conn.execute(select(lost, *counts))).one()
    return ChurnFigures(
        start=start,
        end=now,
        inactivity_days=inactivity_days,
        lost=int(row[0]),
        monthly_counts=[int(v) for v in row[1:]],
    )


def _cents(column: Any) -> ColumnElement[int]:
    """Return a money column as whole cents: exact integers on both engines."""
    # Reading NUMERIC on SQLite goes through floats; summing cents keeps sums exact.
    return cast(func.round(column * 100), BigInteger)


def _money(cents: int) -> Decimal:
    """Return cents as a Decimal amount with two places."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _cent(amount: Decimal) -> Decimal:
    """Round money to the cent, halves up as people expect from prices."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ClvFigures:
    """Customer lifetime value over active customers whose revenue and cost are known."""

    customers: int  # active customers
    known: int  # of them, with yearly revenue, relationship start and acquisition cost
    total: Decimal | None
    average: Decimal | None


def _active(now: datetime, inactivity_days: int, *, by_index: bool = True) -> ColumnElement[bool]:
    """Return whether a customer is still a customer at `now`.

    `by_index=False` compares created_at through COALESCE, so that SQLite reads the
    table (the statement needs other columns too) instead of the dates' index plus one
    table lookup per customer, three times slower.
    """
    c = tables.customers
    created = c.c.created_at if by_index else func.coalesce(c.c.created_at, c.c.created_at)
    return and_(created <= now, ~_lost_by(now, timedelta(days=inactivity_days)))


async def clv_figures(
    source: Source, *, today: date, now: datetime, inactivity_days: int = 180
) -> ClvFigures:
    """Return total and average CLV of the active customers whose figures were imported.

    CLV = yearly revenue × relationship years − acquisition cost. Relationship years
    depend on each start date, so the database groups by start date (a few thousand
    rows at most) and Python multiplies each group's revenue by its exact years.
    """
    c = tables.customers
    known = and_(
        c.c.yearly_revenue.is_not(None),
        c.c.acquisition_cost.is_not(None),
        c.c.relationship_start.is_not(None),
        c.c.relationship_start <= today,
    )
    active = _active(now, inactivity_days)
    groups = (
        select(
            c.c.relationship_start,
            func.sum(_cents(c.c.yearly_revenue)),
            func.sum(_cents(c.c.acquisition_cost)),
            func.count(),
        )
        .where(_active(now, inactivity_days, by_index=False), known)
        .group_by(c.c.relationship_start)
    )
    async with connect(source) as conn:
        customers_n = int((await conn.execute(select(func.count()).where(active))).scalar_one())
        rows = (await conn.execute(groups)).all()
    known_n = sum(int(n) for *_, n in rows)
    if not known_n:
        return ClvFigures(customers=customers_n, known=0, total=None, average=None)
    total = sum(
        (
            _money(int(revenue)) * relationship_years(start, today) - _money(int(cost))
            for start, revenue, cost, _ in rows
        ),
        Decimal(0),
    )
    return ClvFigures(
        customers=customers_n,
        known=known_n,
        total=_cent(total),
        average=_cent(total / known_n),
    )


async def customer_clv(
    source: Source, customer_ids: Iterable[int], *, today: date
) -> dict[int, Decimal | None]:
    """Return the CLV of each given customer; None where the figures were not imported."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    c = tables.customers
    q = select(
        c.c.id,
        _cents(c.c.yearly_revenue),
        _cents(c.c.acquisition_cost),
        c.c.relationship_start,
    ).where(c.c.id.in_(ids))
    found: dict[int, Decimal | None] = {}
    async with connect(source) as conn:
        for customer_id, revenue, cost, start in (await conn.execute(q)).all():
            if start is None or start > today:
                found[customer_id] = None
                continue
            value = clv_if_known(
                None if revenue is None else _money(int(revenue)),
                relationship_years(start, today),
                None if cost is None else _money(int(cost)),
            )
            found[customer_id] = None if value is None else _cent(value)
    return found


# --- Churn risk ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CustomerRisk:
    """One customer's risk signals, with what the report shows about them."""

    customer_id: int
    telegram_user_id: int | None
    first_name: str
    last_name: str | None
    username: str | None
    language: str
    signals: RiskSignals


@dataclass(slots=True)
class _Builder:
    """Signals of one customer while the grouped queries fill them in."""

    analysed: int = 0
    negative: int = 0
    min_polarity: float | None = None
    open_requests: int = 0
    oldest_open: datetime | None = None
    reopened: int = 0
    contacts: int = 0
    slow: int = 0
    scores: list[int] = field(default_factory=list)
    churn_words: list[str] = field(default_factory=list)


def _hours(later: datetime, earlier: datetime) -> float:
    """Return whole hours between two moments, never negative (display precision)."""
    return float(max(0, int((later - earlier).total_seconds() // 3600)))


def _days(later: datetime, earlier: datetime) -> float:
    """Return whole days between two moments, never negative (display precision)."""
    return float(max(0, (later - earlier).days))


def _chunks(ids: Iterable[int], size: int = 2000) -> Iterator[list[int]]:
    """Yield sorted ids in slices small enough for any engine's parameter limit."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


STRONG_NEGATIVE = -0.25  # below this a message counts as adverse even if labelled neutral

# Signals that need a recent adverse fact (or an open request) to score at all: a
# customer without any is never read, and can score only through the other signals.
RECENT_SIGNALS = ("negative_messages", "strong_negative", "open_requests", "churn_words")


async def risk_signals(
    source: Source,
    *,
    now: datetime,
    recent_days: int = 30,
    active_days: int = 90,
    nps_days: int = 365,
    slow_first_response_seconds: int = 4 * 3600,
    customer_id: int | None = None,
    everyone: bool = False,
) -> list[CustomerRisk]:
    """Return the churn-risk signals of customers with a recent adverse fact on record.

    A customer is read (not churned, not banned) with a request open now, or in the last
    `recent_days` a negative message (label, or polarity below −0.25), a churn phrase,
    a reopened request, a first response slower than `slow_first_response_seconds`, or
    an NPS answer of 8 or less. Anyone else lacks every signal in RECENT_SIGNALS, so
    with the default weights scores at most 55 of 100 and is never high risk;
    `everyone=True` reads every customer in touch in the last `active_days` instead,
    for weights under which the other signals alone could reach the high band.

    Each signal is one grouped query over a time window, so the work follows recent
    activity rather than the size of the history. Requests (reopened, slow, contacts)
    are those opened in the last `recent_days`; churn phrases are those found when each
    customer message was stored (conversations.sentiment.churn, messages.churn_words);
    NPS is the last two answers of the last `nps_days`.

    With `customer_id` only that customer is read, whatever the facts (for /whois).
    """
    async with connect(source) as conn:
        builders, customers = await _risk_facts(
            conn,
            now=now,
            recent_days=recent_days,
            active_days=active_days,
            slow_first_response_seconds=slow_first_response_seconds,
            customer_id=customer_id,
            everyone=everyone,
        )
        await _last_nps(conn, builders, customers, now=now, nps_days=nps_days)
    return [_customer_risk(row, builders[cid], now) for cid, row in customers.items()]


@dataclass(frozen=True, slots=True)
class RiskRanking:
    """The churn-risk list of a report: how many were scored, the high band, the top."""

    scored: int  # customers whose risk was computed
    high: list[int]  # ids of the customers in the high band
    top: list[tuple[CustomerRisk, RiskScore]]  # the top_n by score (score > 0), id breaks ties


@dataclass(slots=True)
class _Values:
    """The numbers risk_total reads (churn_risk.SignalValues), without any validation."""

    last_nps: int | None
    previous_nps: int | None
    recent_negative_share: float
    min_recent_polarity: float | None
    open_requests: int
    oldest_open_age_hours: float | None
    reopened_requests: int
    contacts_last_30d: int
    slow_first_responses: int
    days_since_last_contact: float | None
    has_churn_words: bool


def _values(b: _Builder, last_contact: datetime | None, now: datetime) -> _Values:
    return _Values(
        last_nps=b.scores[0] if b.scores else None,
        previous_nps=b.scores[1] if len(b.scores) > 1 else None,
        recent_negative_share=b.negative / b.analysed if b.analysed else 0.0,
        min_recent_polarity=b.min_polarity,
        open_requests=b.open_requests,
        oldest_open_age_hours=_hours(now, b.oldest_open) if b.oldest_open is not None else None,
        reopened_requests=b.reopened,
        contacts_last_30d=b.contacts,
        slow_first_responses=b.slow,
        days_since_last_contact=_days(now, last_contact) if last_contact is not None else None,
        has_churn_words=bool(b.churn_words),
    )


# Float slack for the bounds below: far above rounding noise, far below a point.
_SLACK = 1e-6


async def risk_ranking(
    source: Source,
    *,
    now: datetime,
    weights: RiskWeights,
    top_n: int,
    everyone: bool = False,
    nps_days: int = 365,
) -> RiskRanking:
    """Return the risk list of risk_signals' customers, scoring fully only a few.

    Every signal but NPS comes from cheap grouped queries; the last two NPS answers are
    the costly lookup. Without them a customer's total is a lower bound, and adding the
    full weight of both NPS signals (severities are at most 1) an upper bound. NPS is
    read only for customers whose bounds leave the band in doubt, and for the top
    candidates in order of their upper bound until no one left can reach the top.
    Totals are churn_risk.risk_total, the very floats score_risk adds up, so the count
    of the high band and the top are exactly what scoring everyone would give.
    """
    if top_n < 0:
        raise ValueError("top_n cannot be negative")
    scale = 100.0 / weights.total
    room = weights.nps_level * scale + weights.nps_drop * scale
    high_from = min(n for n in range(101) if risk_band(n) == "high") - 0.5  # total for high
    async with connect(source) as conn:
        builders, customers = await _risk_facts(conn, now=now, everyone=everyone)

        def total(cid: int) -> float:
            values = _values(builders[cid], customers[cid][6], now)
            return risk_total(values, weights, scale=scale)

        lower = [(total(cid), cid) for cid in customers]
        lower.sort(key=lambda item: (-item[0], item[1]))  # best upper bound first

        exact: dict[int, int] = {}  # customer → score, once the NPS answers are read

        async def settle(ids: list[int]) -> None:
            wanted = {cid: customers[cid] for cid in ids if cid not in exact}
            await _last_nps(conn, builders, wanted, now=now, nps_days=nps_days)
            for cid in wanted:
                exact[cid] = score_of(total(cid))

        # The band is in doubt when the bounds straddle the high threshold.
        await settle(
            [
                cid
                for low, cid in lower
                if low + room >= high_from - _SLACK and low < high_from + _SLACK
            ]
        )
        # The top: settle in order of upper bound until the n-th best exact score beats
        # every upper bound left (ties go to the lower id, so equal is not enough).
        position, batch = 0, max(top_n * 20, 200)
        while top_n and position < len(lower):
            ranked = sorted(exact.items(), key=lambda item: (-item[1], item[0]))[:top_n]
            upper = score_of(lower[position][0] + room + _SLACK)
            if upper == 0 or (len(ranked) == top_n and ranked[-1][1] > upper):
                break
            await settle([cid for _, cid in lower[position : position + batch]])
            position += batch
            batch *= 2
        ranked = sorted(exact.items(), key=lambda item: (-item[1], item[0]))[:top_n]
        top_ids = [cid for cid, score in ranked if score > 0]
        signals = {cid: _customer_risk(customers[cid], builders[cid], now) for cid in top_ids}
    high = [
        cid
        for low, cid in lower
        if (exact[cid] >= high_from + 0.5 if cid in exact else low >= high_from + _SLACK)
    ]
    top = [(signals[cid], score_risk(signals[cid].signals, weights)) for cid in top_ids]
    return RiskRanking(scored=len(customers), high=high, top=top)


async def _risk_facts(
    conn: AsyncConnection,
    *,
    now: datetime,
    recent_days: int = 30,
    active_days: int = 90,
    slow_first_response_seconds: int = 4 * 3600,
    customer_id: int | None = None,
    everyone: bool = False,
) -> tuple[dict[int, _Builder], dict[int, Any]]:
    """Return every signal but NPS of risk_signals' customers, and their customer rows."""
    c, r, m, s = tables.customers, tables.requests, tables.messages, tables.surveys
    window_start = now - timedelta(days=active_days)
    recent_start = now - timedelta(days=recent_days)

    def only(column: Any) -> ColumnElement[bool]:
        return true() if customer_id is None else column == customer_id

    recent_in = and_(
        m.c.direction == "in",
        m.c.created_at >= recent_start,
        m.c.created_at <= now,
        only(r.c.customer_id),
    )
    negatives = func.coalesce(func.sum(case((m.c.sentiment_label == "negative", 1), else_=0)), 0)
    sentiment_q = (
        select(r.c.customer_id, func.count(m.c.polarity), negatives, func.min(m.c.polarity))
        .select_from(m.join(r, m.c.request_id == r.c.id))
        .where(recent_in, m.c.polarity.is_not(None))
        .group_by(r.c.customer_id)
    )
    # Phrases are found when a customer message is stored (messages.churn_words): the
    # flagged messages of the window come from a small partial index.
    words_q = (
        select(r.c.customer_id, m.c.churn_words)
        .select_from(m.join(r, m.c.request_id == r.c.id))
        .where(recent_in, m.c.churn_words.is_not(None))
        .order_by(m.c.id)
    )
    open_q = (
        select(r.c.customer_id, func.count(), func.min(r.c.opened_at))
        .where(r.c.status.in_(OPEN_STATUSES), only(r.c.customer_id))
        .group_by(r.c.customer_id)
    )
    reopened = func.coalesce(func.sum(case((r.c.reopen_count > 0, 1), else_=0)), 0)
    slow = func.coalesce(
        func.sum(case((r.c.first_response_seconds > slow_first_response_seconds, 1), else_=0)),
        0,
    )
    requests_q = (
        select(r.c.customer_id, func.count(), reopened, slow)
        .where(r.c.opened_at >= recent_start, r.c.opened_at <= now, only(r.c.customer_id))
        .group_by(r.c.customer_id)
    )
    unhappy_q = (
        select(s.c.customer_id)
        .where(s.c.scored_at >= recent_start, s.c.scored_at <= now, s.c.score <= PASSIVE_MAX)
        .distinct()
    )
    eligible = and_(c.c.churned_at.is_(None), c.c.banned == false(), c.c.created_at <= now)
    columns = (
        c.c.id,
        c.c.telegram_user_id,
        c.c.first_name,
        c.c.last_name,
        c.c.username,
        c.c.language,
        c.c.last_contact_at,
    )

    builders: dict[int, _Builder] = defaultdict(_Builder)
    adverse: set[int] = set()
    customers: dict[int, Any] = {}
    for cid, analysed, negative, lowest in (await conn.execute(sentiment_q)).all():
        b = builders[cid]
        b.analysed, b.negative = int(analysed), int(negative)
        b.min_polarity = None if lowest is None else float(lowest)
        if negative or (lowest is not None and lowest < STRONG_NEGATIVE):
            adverse.add(cid)
    for cid, words in (await conn.execute(words_q)).all():
        if found := json.loads(words):
            builders[cid].churn_words.extend(found)
            adverse.add(cid)
    for cid, count, oldest in (await conn.execute(open_q)).all():
        builders[cid].open_requests, builders[cid].oldest_open = int(count), oldest
        adverse.add(cid)
    for cid, count, reopened_n, slow_n in (await conn.execute(requests_q)).all():
        b = builders[cid]
        b.contacts, b.reopened, b.slow = int(count), int(reopened_n), int(slow_n)
        if reopened_n or slow_n:
            adverse.add(cid)
    if customer_id is not None:
        customer_q = select(*columns).where(c.c.id == customer_id)
        customers = {row[0]: row for row in (await conn.execute(customer_q)).all()}
    elif everyone:
        # Customers with recent messages or requests have a recent last contact too.
        open_customers = select(r.c.customer_id).where(r.c.status.in_(OPEN_STATUSES))
        active = or_(c.c.last_contact_at >= window_start, c.c.id.in_(open_customers))
        customer_q = select(*columns).where(eligible, active)
        customers = {row[0]: row for row in (await conn.execute(customer_q)).all()}
    else:
        adverse.update(cid for (cid,) in (await conn.execute(unhappy_q)).all())
        for ids in _chunks(adverse):
            customer_q = select(*columns).where(eligible, c.c.id.in_(ids))
            customers.update({row[0]: row for row in (await conn.execute(customer_q)).all()})
    return builders, customers


async def _last_nps(
    conn: AsyncConnection,
    builders: dict[int, _Builder],
    customers: Iterable[int],
    *,
    now: datetime,
    nps_days: int,
) -> None:
    """Fill in the last two NPS answers of the last `nps_days` of each customer given."""
    s = tables.surveys
    nps_start = now - timedelta(days=nps_days)
    for ids in _chunks(customers):
        ranked = (
            select(
                s.c.customer_id,
                s.c.score,
                func.row_number()
                .over(
                    partition_by=s.c.customer_id,
                    order_by=(s.c.scored_at.desc(), s.c.id.desc()),
                )
                .label("rank"),
            )
            .where(
                s.c.customer_id.in_(ids),
                s.c.score.is_not(None),
                s.c.scored_at >= nps_start,
                s.c.scored_at <= now,
            )
            .subquery()
        )
        nps_q = (
            select(ranked.c.customer_id, ranked.c.score)
            .where(ranked.c.rank <= 2)
            .order_by(ranked.c.customer_id, ranked.c.rank)
        )
        for cid, score in (await conn.execute(nps_q)).all():
            builders[cid].scores.append(int(score))


def _customer_risk(row: Any, b: _Builder, now: datetime) -> CustomerRisk:
    """Return one customer's CustomerRisk from their row and gathered signals."""
    cid, user_id, first, last, username, language, last_contact = row
    values = asdict(_values(b, last_contact, now))
    del values["has_churn_words"]  # the model keeps the phrases themselves
    signals = RiskSignals(**values, churn_words=list(dict.fromkeys(b.churn_words)))
    return CustomerRisk(
        customer_id=cid,
        telegram_user_id=user_id,
        first_name=first,
        last_name=last,
        username=username,
        language=language,
        signals=signals,
    )
