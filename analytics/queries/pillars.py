"""The six pillars of a period: 1–5 answers with the NPS they came with, and text mentions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period
from analytics.queries.split import Source, Split, connect, rolled_up, split_period


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
    found = await rolled_up(conn, "daily_mentions", split)
    return {name: (int(n), float(total)) for (name,), (n, total) in found.items()}


async def pillar_figures(source: Source, period: Period) -> PillarFigures:
    """Return the pillar answers (by pillar_at), text mentions and key-driver pairs."""
    split = split_period(period)
    answers: dict[str, tuple[int, int, int]] = {}
    driver_counts: dict[str, dict[tuple[float, float], int]] = defaultdict(dict)
    async with connect(source) as conn:
        # Answers counted by (pillar, answer, NPS score or -1): at most 6 × 5 × 12 rows,
        # from which Python takes the sums, the squares and the key-driver pairs.
        counted = await rolled_up(conn, "daily_pillar_answers", split)
        for (pillar, answer, score), (count,) in counted.items():
            answer, score, count = int(answer), int(score), int(count)
            total, squares, n = answers.get(pillar, (0, 0, 0))
            answers[pillar] = (total + answer * count, squares + answer * answer * count, n + count)
            if score >= 0:
                pair = (float(answer), float(score))
                driver_counts[pillar][pair] = driver_counts[pillar].get(pair, 0) + count
        mentions = await _mentions(conn, split)
    return PillarFigures(
        answers=answers,
        mentions={p: (n, total / n) for p, (n, total) in mentions.items() if n},
        driver_counts=dict(driver_counts),
    )
