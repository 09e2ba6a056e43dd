"""Report figures from the daily roll-ups equal the same figures counted from the rows.

A year of seeded history on each engine; periods that start and end anywhere (on UTC
midnight, inside a day, shorter than a day, a whole year, in other time zones). The
expected figures come from the source rows, loaded and counted in Python.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics import queries as q
from analytics.periods import Period, parse_period
from analytics.service_times import percentile
from conversations import schema as tables
from conversations.seed import seed
from conversations.store import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _periods() -> list[Period]:
    """Periods of every shape, named by what they test."""
    rng = random.Random(7)
    day = timedelta(days=1)
    midnight = datetime(2026, 10, 1, tzinfo=UTC)
    found = [
        parse_period("30d", now=NOW, tz=ZoneInfo("Europe/Rome")),
        parse_period("365d", now=NOW, tz=ZoneInfo("America/New_York")),
        parse_period("2026-08", now=NOW, tz=ZoneInfo("Asia/Kolkata")),  # half-hour offset
        Period(start=midnight, end=midnight + 7 * day, label="utc-days"),
        Period(
            start=midnight + timedelta(hours=3), end=midnight + timedelta(hours=9), label="hours"
        ),
        Period(
            start=midnight - timedelta(minutes=1), end=midnight + timedelta(minutes=1), label="x"
        ),
    ]
    for i in range(6):
        start = NOW - timedelta(minutes=rng.randrange(0, 400 * 24 * 60))
        length = timedelta(minutes=rng.randrange(1, 120 * 24 * 60))
        found.append(Period(start=start, end=start + length, label=f"random-{i}"))
    return found


async def _rows(engine: AsyncEngine, table: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(table))).all())


def _inside(moment: datetime | None, period: Period) -> bool:
    return moment is not None and period.start <= moment < period.end


@pytest.fixture
async def seeded(db: Database) -> AsyncEngine:
    await seed(db.engine, customers=60, requests=1500, responses=1100, now=NOW)
    return db.engine


async def test_figures_from_roll_ups_equal_figures_from_rows(seeded: AsyncEngine) -> None:
    surveys = await _rows(seeded, tables.surveys)
    requests = await _rows(seeded, tables.requests)
    mentions = await _rows(seeded, tables.pillar_mentions)
    checked = 0
    for period in _periods():
        nps = await q.nps_figures(seeded, period)
        scored = [s for s in surveys if s.score is not None and _inside(s.scored_at, period)]
        assert nps.distribution == [sum(1 for s in scored if s.score == k) for k in range(11)]
        assert {k: v.n for k, v in nps.by_language.items()} == Counter(s.language for s in scored)
        assert {k: v.n for k, v in nps.by_staff.items()} == Counter(s.resolved_by for s in scored)
        sent = [s for s in surveys if _inside(s.sent_at, period)]
        assert (nps.sent, nps.answered) == (len(sent), sum(s.score is not None for s in sent))
        (bands,) = await q.band_counts_by_period(seeded, [period])
        assert bands == nps.bands

        pillars = await q.pillar_figures(seeded, period)
        answered = [
            s for s in surveys if s.pillar_score is not None and _inside(s.pillar_at, period)
        ]
        expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        pairs: dict[str, Counter[tuple[float, float]]] = defaultdict(Counter)
        for s in answered:
            sums = expected[s.pillar]
            sums[0] += s.pillar_score
            sums[1] += s.pillar_score**2
            sums[2] += 1
            if s.score is not None:
                pairs[s.pillar][(float(s.pillar_score), float(s.score))] += 1
        assert pillars.answers == {p: tuple(v) for p, v in expected.items()}
        assert pillars.driver_counts == {p: dict(c) for p, c in pairs.items()}
        in_period = [m for m in mentions if _inside(m.at, period)]
        counted = Counter(m.pillar for m in in_period)
        assert {p: n for p, (n, _) in pillars.mentions.items()} == counted
        for pillar, (n, mean) in pillars.mentions.items():
            total = sum(m.polarity or 0.0 for m in in_period if m.pillar == pillar)
            assert mean == pytest.approx(total / n, abs=1e-9)

        service = await q.service_figures(seeded, period, now=NOW)
        resolved = [
            r for r in requests if r.status == "resolved" and _inside(r.resolved_at, period)
        ]
        assert service.opened == sum(_inside(r.opened_at, period) for r in requests)
        assert service.resolved == len(resolved)
        firsts = [
            r.first_response_seconds
            for r in requests
            if r.first_response_seconds is not None and _inside(r.first_response_at, period)
        ]
        durations = [r.resolution_seconds for r in resolved if r.resolution_seconds is not None]
        assert service.first_response_n == len(firsts)
        assert service.resolution_n == len(durations)
        for got, values, q_ in (
            (service.first_response_median, firsts, 50),
            (service.first_response_p90, firsts, 90),
            (service.resolution_median, durations, 50),
            (service.resolution_p90, durations, 90),
        ):
            want = percentile(values, q_) if values else None
            assert got == (pytest.approx(want) if want is not None else None)
        if resolved:
            reopened = sum(r.reopen_count > 0 for r in resolved)
            assert service.reopen_rate == pytest.approx(reopened / len(resolved))
            checked += 1
    assert checked >= 6  # most periods held resolutions: the comparison was not vacuous


async def test_churn_figures_equal_the_customers_counted_month_by_month(
    seeded: AsyncEngine,
) -> None:
    customers = await _rows(seeded, tables.customers)
    inactivity = timedelta(days=60)  # short, so the seeded year holds customers lost both ways

    def lost_by(c: Any, moment: datetime) -> bool:
        churned = c.churned_at is not None and c.churned_at <= moment
        return churned or (c.last_contact_at or c.created_at) <= moment - inactivity

    figures = await q.churn_figures(seeded, now=NOW, inactivity_days=60)
    moments = [q.months_before(NOW, 12 - k) for k in range(13)]
    assert figures.monthly_counts == [
        sum(c.created_at <= m and not lost_by(c, m) for c in customers) for m in moments
    ]
    assert figures.lost == sum(lost_by(c, NOW) and not lost_by(c, moments[0]) for c in customers)
    assert 0 < figures.lost < len(customers)
