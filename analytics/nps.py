"""Net Promoter Score with its 95 % margin of error, and period-over-period change."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.terms import Band, band_of

__all__ = [
    "SMALL_N",
    "Z95",
    "Method",
    "NpsChange",
    "NpsResult",
    "compare",
    "nps_from_counts",
    "nps_from_scores",
    "response_rate",
]

Z95 = 1.96
# Below this many responses the figure is "indicative" and the interval uses the
# adjusted-Wald form (n + 3, with ¾ added to promoters and detractors).
SMALL_N = 30

Method = Literal["wald", "adjusted-wald"]
Arrow = Literal["▲", "▼", "▶"]


class NpsResult(BaseModel):
    """NPS of a set of 0–10 answers with its 95 % interval; score is None when n = 0."""

    model_config = ConfigDict(frozen=True)

    promoters: int = Field(ge=0)
    passives: int = Field(ge=0)
    detractors: int = Field(ge=0)
    n: int = Field(ge=0)
    score: float | None = Field(default=None, ge=-100, le=100)
    # Variance of the estimate the interval is centred on, in NPS points²; kept so
    # that compare() can add variances instead of reverse-engineering margins.
    variance: float | None = Field(default=None, ge=0)
    margin: float | None = Field(default=None, ge=0)
    low: float | None = Field(default=None, ge=-100, le=100)
    high: float | None = Field(default=None, ge=-100, le=100)
    indicative: bool
    method: Method


class NpsChange(BaseModel):
    """Difference between two NPS results with its 95 % margin and a trend arrow."""

    model_config = ConfigDict(frozen=True)

    difference: float | None
    margin: float | None
    significant: bool
    arrow: Arrow


def _variance(p: float, d: float, n: float) -> float:
    """Return 100²·(p + d − (p − d)²)/n, never negative from rounding."""
    return max(0.0, 100.0**2 * (p + d - (p - d) ** 2) / n)


def nps_from_counts(
    promoters: int, passives: int, detractors: int, *, method: Method | None = None
) -> NpsResult:
    """Return the NPS of the given band counts; `method` None picks by sample size."""
    if min(promoters, passives, detractors) < 0:
        raise ValueError("counts cannot be negative")
    n = promoters + passives + detractors
    chosen: Method = method or ("adjusted-wald" if n < SMALL_N else "wald")
    counts = {"promoters": promoters, "passives": passives, "detractors": detractors, "n": n}
    if n == 0:
        # No answers: no score and no interval rather than a division by zero.
        return NpsResult(**counts, indicative=True, method=chosen)
    score = 100.0 * (promoters - detractors) / n
    if chosen == "wald":
        centre, variance = score, _variance(promoters / n, detractors / n, n)
    else:
        # Adjusted Wald: three pseudo-answers (¾ promoter, ¾ detractor, 1½ passive) keep
        # the interval honest at small n and at 0 % or 100 %. The reported point score
        # stays the raw one; the interval is centred on the adjusted estimate.
        n_adj = n + 3
        p_adj, d_adj = (promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj
        centre, variance = 100.0 * (p_adj - d_adj), _variance(p_adj, d_adj, n_adj)
    margin = Z95 * math.sqrt(variance)
    return NpsResult(
        **counts,
        score=score,
        variance=variance,
        margin=margin,
        low=max(-100.0, centre - margin),
        high=min(100.0, centre + margin),
        indicative=n < SMALL_N,
        method=chosen,
    )


def nps_from_scores(scores: Iterable[int], *, method: Method | None = None) -> NpsResult:
    """Return the NPS of raw 0–10 answers."""
    counts = Counter(band_of(score) for score in scores)
    return nps_from_counts(
        counts[Band.PROMOTER], counts[Band.PASSIVE], counts[Band.DETRACTOR], method=method
    )


def compare(current: NpsResult, previous: NpsResult) -> NpsChange:
    """Return current − previous with a 95 % margin from the sum of both variances."""
    if (
        current.score is None
        or previous.score is None
        or current.variance is None
        or previous.variance is None
    ):
        return NpsChange(difference=None, margin=None, significant=False, arrow="▶")
    difference = current.score - previous.score
    margin = Z95 * math.sqrt(current.variance + previous.variance)
    significant = abs(difference) > margin
    # The arrow shows a direction only when the change is beyond the noise.
    arrow: Arrow = "▶" if not significant else ("▲" if difference > 0 else "▼")
    return NpsChange(difference=difference, margin=margin, significant=significant, arrow=arrow)


def response_rate(answered: int, sent: int) -> float | None:
    """Return answered surveys ÷ surveys sent (Chatwoot's response rate), None if none sent."""
    if answered < 0 or sent < 0 or answered > sent:
        raise ValueError("need 0 <= answered <= sent")
    return answered / sent if sent else None
