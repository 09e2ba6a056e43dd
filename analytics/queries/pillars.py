"""The six pillars of a period: 1–5 answers with the NPS they came with, and text mentions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period
from analytics.queries.split import Source, Split, connect, parts_of, split_period
from conversations import schema as tables


@dataclass(frozen=True, slots=True)
class PillarFigures:
    """Pillar answers, text mentions and (pillar answer, NPS) pairs of one period."""

    answers: dict[str, tuple[int, int, int]]  # pillar → (SUM(x), SUM(x²), COUNT(x))
    mentions: dict[str, tuple[int, float]]  # pillar → (mentions, mean polarity)
    # pillar → {(pillar answer, NPS answer): how many customers gave both}
    driver_counts: dict[str, dict[tuple[float, float], int]]


async def _mentions(conn: AsyncConnection, split: Split) -> dict[str, tuple[int, float]]:
    """Return pillar mentions and their summed polarity in messages and survey reasons.

    conversations writes one pillar_mentions row per tag of an inbound message (dated
    created_at) and of a scored survey reason (dated scored_at, the period of its NPS
    answer), rolled up per day in daily_mentions.
    """
    pm, dm = tables.pillar_mentions, tables.daily_mentions
    parts = parts_of(
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
    split = split_period(period)
    # Answers counted by (pillar, answer, NPS score or -1): at most 6 × 5 × 12 rows, from
    # which Python takes the sums, the squares and the key-driver pairs.
    parts = parts_of(
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
