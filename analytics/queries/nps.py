"""NPS answers of a period: band counts with their breakdowns, trends, a customer's history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import case, func, select, text

from analytics.periods import Period
from analytics.queries.split import (
    AnySelect,
    Edge,
    Source,
    connect,
    rolled_up,
    split_period,
)
from conversations import rollups
from conversations import schema as tables
from conversations.terms import Band, band_of


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
    split = split_period(period)
    distribution = [0] * 11
    by_language: dict[str, BandCounts] = defaultdict(BandCounts)
    by_staff: dict[int | None, BandCounts] = defaultdict(BandCounts)
    async with connect(source) as conn:
        # Answers by language, staff and score (a few dozen rows) give the distribution
        # and both breakdowns.
        answers = await rolled_up(conn, "daily_nps", split)
        # Response rate follows the surveys sent in the period, answered whenever.
        sent = await rolled_up(conn, "daily_surveys", split)
    for (language, staff, score), (count,) in answers.items():
        staff_id = int(staff) or None  # 0 in the roll-up: nobody on the staff
        distribution[score] += int(count)
        by_language[language] = by_language[language].add(score, int(count))
        by_staff[staff_id] = by_staff[staff_id].add(score, int(count))
    sent_n, answered = (int(v) for v in sent.get((), [0, 0]))
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
    (spec,) = rollups.specs_of("daily_nps")  # which answers count, and their moment
    counted, moment = text(rollups.counts_sql(spec, source.dialect.name)), s.c[spec.at]
    splits = [split_period(p) for p in periods]
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
        bucket = case(*((Edge(a, b)(moment), i) for a, b, i in stretch), else_=None)
        queries.append(
            select(bucket, s.c.score, func.count())
            .where(Edge(stretch[0][0], stretch[-1][1])(moment), counted)
            .group_by(bucket, s.c.score)
        )
    counts = [BandCounts() for _ in periods]
    async with connect(source) as conn:
        for query in queries:
            for index, score, count in (await conn.execute(query)).all():
                if index is not None:  # a gap between two periods
                    counts[index] = counts[index].add(score, int(count))
    return counts


async def nps_by_group(source: Source, period: Period) -> dict[int, BandCounts]:
    """The NPS answers scored in `period` by the staff group of their request; empty when
    every request is in one group (one cheap look at the index, so a one-group team pays
    nothing). The roll-ups carry no group, so this reads the period's answers."""
    r, s = tables.requests, tables.surveys
    async with connect(source) as conn:
        # Two statements: SQLite reads one end of the index for a lone min() or max(), and
        # scans the table for both in one.
        low = (await conn.execute(select(func.min(r.c.staff_chat_id)))).scalar_one()
        high = (await conn.execute(select(func.max(r.c.staff_chat_id)))).scalar_one()
        if low == high:
            return {}
        (spec,) = rollups.specs_of("daily_nps")  # which answers count, and their moment
        moment = s.c[spec.at]
        q = (
            select(r.c.staff_chat_id, s.c.score, func.count())
            .select_from(s.join(r, r.c.id == s.c.request_id))
            .where(
                moment >= period.start,
                moment < period.end,
                text(rollups.counts_sql(spec, conn.dialect.name)),
            )
            .group_by(r.c.staff_chat_id, s.c.score)
        )
        counts: dict[int, BandCounts] = defaultdict(BandCounts)
        for group, score, n in (await conn.execute(q)).all():
            counts[int(group)] = counts[int(group)].add(int(score), int(n))
    return dict(counts)


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
