"""NPS, its margin of error (Wald and adjusted Wald) and period comparison."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analytics.nps import (
    SMALL_N,
    compare,
    nps_from_counts,
    nps_from_scores,
    response_rate,
)
from conversations.terms import band_of


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "detractor"),
        (6, "detractor"),
        (7, "passive"),
        (8, "passive"),
        (9, "promoter"),
        (10, "promoter"),
    ],
)
def test_band_boundaries(score: int, expected: str) -> None:
    assert band_of(score) == expected


@pytest.mark.parametrize("score", [-1, 11])
def test_band_rejects_out_of_range(score: int) -> None:
    with pytest.raises(ValueError, match=r"0\.\.10"):
        band_of(score)


def test_wald_by_hand_for_5_3_2() -> None:
    # p = 5/10 = 0.5, d = 2/10 = 0.2 → NPS = 50 − 20 = 30.
    # Var = 100²·(0.5 + 0.2 − 0.3²)/10 = 10000·0.61/10 = 610.
    # margin = 1.96·√610 = 1.96·24.698178 = 48.408429.
    result = nps_from_counts(5, 3, 2, method="wald")
    assert result.score == pytest.approx(30.0)
    assert result.variance == pytest.approx(610.0)
    assert result.margin == pytest.approx(48.408429)
    assert result.low == pytest.approx(30 - 48.408429)
    assert result.high == pytest.approx(30 + 48.408429)
    assert (result.n, result.method, result.indicative) == (10, "wald", True)


def test_small_n_uses_adjusted_wald_by_hand() -> None:
    # n' = 13, p' = 5.75/13, d' = 2.75/13, p' − d' = 3/13 → centre 23.076923.
    # p' + d' = 8.5/13 = 110.5/169, (p' − d')² = 9/169 → 101.5/169.
    # Var = 10000·101.5/169/13 = 1015000/2197 = 461.993627; √ = 21.494037.
    # margin = 1.96·21.494037 = 42.128313.
    result = nps_from_counts(5, 3, 2)
    assert result.method == "adjusted-wald"
    assert result.score == pytest.approx(30.0)  # the raw score is still reported
    assert result.variance == pytest.approx(461.993627)
    assert result.margin == pytest.approx(42.128313)
    assert result.low == pytest.approx(23.076923 - 42.128313)
    assert result.high == pytest.approx(23.076923 + 42.128313)
    assert result.indicative


def test_large_n_uses_wald_by_hand() -> None:
    # p = 0.5, d = 0.2, n = 100: Var = 10000·0.61/100 = 61; margin = 1.96·7.810250 = 15.308090.
    result = nps_from_counts(50, 30, 20)
    assert result.method == "wald"
    assert not result.indicative
    assert result.score == pytest.approx(30.0)
    assert result.margin == pytest.approx(15.308090)


def test_threshold_is_30_answers() -> None:
    assert SMALL_N == 30
    assert nps_from_counts(10, 10, 9).method == "adjusted-wald"
    assert nps_from_counts(10, 10, 10).method == "wald"


def test_interval_is_clamped_to_100() -> None:
    # 10 promoters: n' = 13, p' = 10.75/13, d' = 0.75/13, centre = 1000/13 = 76.923077.
    # Var = 10000·(11.5/13 − (10/13)²)/13 = 10000·49.5/2197 = 225.307237;
    # √ = 15.010237; margin = 1.96·15.010237 = 29.420066.
    result = nps_from_counts(10, 0, 0)
    assert result.score == 100.0
    assert result.margin == pytest.approx(29.420066)
    assert result.low == pytest.approx(76.923077 - 29.420066)
    assert result.high == 100.0


def test_unanimous_large_sample_has_zero_wald_margin() -> None:
    result = nps_from_counts(0, 0, 40)
    assert (result.score, result.margin, result.low, result.high) == (-100.0, 0.0, -100.0, -100.0)


def test_no_answers_gives_no_score_instead_of_dividing_by_zero() -> None:
    result = nps_from_counts(0, 0, 0)
    assert result.n == 0
    assert (result.score, result.margin, result.low, result.high, result.variance) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert result.indicative
    assert nps_from_scores([]) == result


def test_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        nps_from_counts(1, -1, 0)


def test_from_scores_counts_bands() -> None:
    result = nps_from_scores([10, 9, 9, 9, 9, 7, 8, 8, 0, 6])
    assert (result.promoters, result.passives, result.detractors) == (5, 3, 2)
    assert result == nps_from_counts(5, 3, 2)


def test_compare_by_hand_significant_rise() -> None:
    # Current 50/30/20 scores 30 (Var 61), previous 30/30/40 scores −10: difference 40.
    # Var(prev) = 10000·(0.3 + 0.4 − 0.01)/100 = 69; margin = 1.96·√(61 + 69) = 22.347.
    change = compare(nps_from_counts(50, 30, 20), nps_from_counts(30, 30, 40))
    assert change.difference == pytest.approx(40.0)
    assert change.margin == pytest.approx(1.96 * math.sqrt(130))
    assert change.significant
    assert change.arrow == "▲"


def test_compare_within_noise_shows_flat_arrow() -> None:
    # 30 vs 20 with n = 100: Var(prev) = 10000·(0.45 + 0.25 − 0.04)/100 = 66;
    # margin = 1.96·√127 = 22.088 > 10.
    change = compare(nps_from_counts(50, 30, 20), nps_from_counts(45, 30, 25))
    assert change.difference == pytest.approx(10.0)
    assert change.margin == pytest.approx(1.96 * math.sqrt(127))
    assert not change.significant
    assert change.arrow == "▶"


def test_compare_down_arrow() -> None:
    change = compare(nps_from_counts(300, 300, 400), nps_from_counts(500, 300, 200))
    assert change.difference == pytest.approx(-40.0)
    assert change.arrow == "▼"


def test_compare_with_an_empty_period() -> None:
    change = compare(nps_from_counts(5, 0, 0), nps_from_counts(0, 0, 0))
    assert (change.difference, change.margin, change.significant, change.arrow) == (
        None,
        None,
        False,
        "▶",
    )


def test_response_rate() -> None:
    assert response_rate(3, 4) == 0.75
    assert response_rate(0, 0) is None
    with pytest.raises(ValueError):
        response_rate(5, 4)


counts = st.integers(min_value=0, max_value=10_000)
methods = st.sampled_from([None, "wald", "adjusted-wald"])


@given(counts, counts, counts, methods)
def test_score_and_interval_stay_within_bounds(p: int, a: int, d: int, method: str | None) -> None:
    result = nps_from_counts(p, a, d, method=method)  # type: ignore[arg-type]
    if result.n == 0:
        assert result.score is None
        return
    assert result.score is not None and result.low is not None and result.high is not None
    assert -100 <= result.low <= result.high <= 100
    assert -100 <= result.score <= 100
    if result.method == "wald":
        assert result.low <= result.score + 1e-9 and result.score <= result.high + 1e-9


small = st.integers(min_value=0, max_value=50)


@given(
    small,
    small,
    small,
    st.integers(1, 20),
    st.integers(1, 20),
    st.sampled_from(["wald", "adjusted-wald"]),
)
def test_margin_shrinks_as_n_grows_at_fixed_proportions(
    p: int, a: int, d: int, k: int, extra: int, method: str
) -> None:
    assume(p + a + d > 0)
    fewer = nps_from_counts(p * k, a * k, d * k, method=method)  # type: ignore[arg-type]
    more = nps_from_counts(
        p * (k + extra),
        a * (k + extra),
        d * (k + extra),
        method=method,  # type: ignore[arg-type]
    )
    assert fewer.margin is not None and more.margin is not None
    assert more.margin <= fewer.margin


@given(st.lists(st.integers(0, 10), max_size=200), st.randoms())
def test_order_of_answers_does_not_matter(scores: list[int], rnd: random.Random) -> None:
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    assert nps_from_scores(shuffled) == nps_from_scores(scores)
