"""Pillar scores on a 0–100 index and key drivers (which pillar moves with NPS)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analytics.nps import SMALL_N, Z95

__all__ = [
    "KeyDriver",
    "PillarScore",
    "Strength",
    "key_driver",
    "key_drivers",
    "pillar_index",
    "pillar_score",
    "spearman",
    "strength",
]

Strength = Literal["strong", "moderate", "weak", "none"]

# Tolerance for aggregates computed in floating point by the database.
_EPS = 1e-9


class PillarScore(BaseModel):
    """Mean of 1–5 answers for one pillar, shown as an index 0–100 with its 95 % margin."""

    model_config = ConfigDict(frozen=True)

    pillar: str
    n: int = Field(ge=0)
    mean: float | None = Field(default=None, ge=1, le=5)
    index: float | None = Field(default=None, ge=0, le=100)
    margin: float | None = Field(default=None, ge=0)  # in index points; None when n < 2
    indicative: bool


class KeyDriver(BaseModel):
    """How strongly a pillar's answers move with the same customers' NPS answers."""

    model_config = ConfigDict(frozen=True)

    pillar: str
    rho: float | None = Field(ge=-1, le=1)
    n: int = Field(ge=0)
    strength: Strength
    indicative: bool


def pillar_index(sum_: float, sum_sq: float, n: int, *, pillar: str) -> PillarScore:
    """Return the pillar score from SUM(x), SUM(x*x) and COUNT(x) of 1–5 answers."""
    if n < 0:
        raise ValueError("n cannot be negative")
    if n == 0:
        return PillarScore(pillar=pillar, n=0, indicative=True)
    mean = sum_ / n
    if not 1 - _EPS <= mean <= 5 + _EPS:
        raise ValueError(f"mean {mean} is outside the 1..5 scale")
    mean = min(5.0, max(1.0, mean))
    margin: float | None = None
    if n >= 2:
        # Sample variance from aggregates; rounding can push it a hair below zero.
        variance = (sum_sq - sum_ * sum_ / n) / (n - 1)
        if variance < -_EPS * max(1.0, sum_sq):
            raise ValueError("sum_sq is too small for sum_ and n")
        # Index = (mean − 1)/4·100, so its standard error is 25 times the mean's.
        margin = Z95 * 25.0 * math.sqrt(max(0.0, variance) / n)
    return PillarScore(
        pillar=pillar,
        n=n,
        mean=mean,
        index=(mean - 1.0) / 4.0 * 100.0,
        margin=margin,
        indicative=n < SMALL_N,
    )


def pillar_score(pillar: str, answers: Iterable[int]) -> PillarScore:
    """Return the pillar score of raw 1–5 answers."""
    values = list(answers)
    if any(not 1 <= v <= 5 for v in values):
        raise ValueError("pillar answers are 1..5")
    return pillar_index(sum(values), sum(v * v for v in values), len(values), pillar=pillar)


def _average_ranks(values: Sequence[float]) -> list[float]:
    """Return 1-based ranks, ties sharing the average of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Return Spearman's rank correlation (average ranks for ties); None if undefined."""
    if len(xs) != len(ys):
        raise ValueError("xs and ys must have the same length")
    if any(math.isnan(v) for v in (*xs, *ys)):
        raise ValueError("NaN cannot be ranked")
    n = len(xs)
    if n < 3:
        return None
    rx, ry = _average_ranks(xs), _average_ranks(ys)
    mean = (n + 1) / 2  # mean rank, ties or not
    # Ranks are multiples of ½, so these sums are exact and independent of row order.
    dx = [r - mean for r in rx]
    dy = [r - mean for r in ry]
    sxx = sum(a * a for a in dx)
    syy = sum(b * b for b in dy)
    if sxx == 0 or syy == 0:
        return None  # everyone gave the same answer: no movement to correlate
    sxy = sum(a * b for a, b in zip(dx, dy, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _tie_ranks(totals: Mapping[float, int]) -> dict[float, float]:
    """Average 1-based rank of each distinct value, given how often each occurs."""
    ranks: dict[float, float] = {}
    below = 0
    for value in sorted(totals):
        count = totals[value]
        ranks[value] = below + (count + 1) / 2
        below += count
    return ranks


def spearman_counts(counts: Mapping[tuple[float, float], int]) -> float | None:
    """Spearman's rho of pairs given as {(x, y): how many}: equal to spearman() on the
    expanded pairs, in time proportional to the distinct pairs (5 × 11 for pillar × NPS)."""
    if any(c < 0 for c in counts.values()):
        raise ValueError("counts must not be negative")
    n = sum(counts.values())
    if n < 3:
        return None
    x_totals: dict[float, int] = {}
    y_totals: dict[float, int] = {}
    for (x, y), c in counts.items():
        if math.isnan(x) or math.isnan(y):
            raise ValueError("NaN cannot be ranked")
        x_totals[x] = x_totals.get(x, 0) + c
        y_totals[y] = y_totals.get(y, 0) + c
    rx, ry = _tie_ranks(x_totals), _tie_ranks(y_totals)
    mean = (n + 1) / 2
    sxx = sum(c * (rx[x] - mean) ** 2 for x, c in x_totals.items())
    syy = sum(c * (ry[y] - mean) ** 2 for y, c in y_totals.items())
    if sxx == 0 or syy == 0:
        return None
    sxy = sum(c * (rx[x] - mean) * (ry[y] - mean) for (x, y), c in counts.items())
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def key_driver_counts(pillar: str, counts: Mapping[tuple[float, float], int]) -> KeyDriver:
    """key_driver() for pairs given as {(pillar answer, NPS answer): how many}."""
    rho = spearman_counts(counts)
    n = sum(counts.values())
    return KeyDriver(pillar=pillar, rho=rho, n=n, strength=strength(rho), indicative=n < SMALL_N)


def strength(rho: float | None) -> Strength:
    """Label |rho| with Cohen's conventional thresholds 0.5 / 0.3 / 0.1."""
    if rho is None:
        return "none"
    size = abs(rho)
    if size >= 0.5:
        return "strong"
    if size >= 0.3:
        return "moderate"
    return "weak" if size >= 0.1 else "none"


def key_driver(pillar: str, pairs: Sequence[tuple[float, float]]) -> KeyDriver:
    """Return the key driver of (pillar answer, NPS answer) pairs from the same customers."""
    rho = spearman([p for p, _ in pairs], [s for _, s in pairs])
    return KeyDriver(
        pillar=pillar,
        rho=rho,
        n=len(pairs),
        strength=strength(rho),
        indicative=len(pairs) < SMALL_N,
    )


def key_drivers(pairs_by_pillar: Mapping[str, Sequence[tuple[float, float]]]) -> list[KeyDriver]:
    """Return every pillar's key driver, strongest positive first, undefined ones last."""
    drivers = [key_driver(pillar, pairs) for pillar, pairs in pairs_by_pillar.items()]
    return sorted(drivers, key=driver_order)


def driver_order(driver: KeyDriver) -> tuple[bool, float, str]:
    """Strongest positive first, undefined ones last, then by name."""
    return (driver.rho is None, -(driver.rho or 0.0), driver.pillar)
