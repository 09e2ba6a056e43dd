"""Pillar index from aggregates, Spearman rank correlation and key drivers."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from analytics.pillars import (
    key_driver,
    key_drivers,
    pillar_index,
    pillar_score,
    spearman,
    strength,
)


def test_pillar_score_by_hand() -> None:
    # Answers 5, 4, 4, 3: sum 16, sum of squares 66, mean 4 → index (4 − 1)/4·100 = 75.
    # s² = (66 − 16²/4)/3 = 2/3; SE(mean) = √(2/3)/√4 = 0.408248;
    # margin = 1.96·25·0.408248 = 20.004166 index points.
    score = pillar_score("empathy", [5, 4, 4, 3])
    assert (score.pillar, score.n, score.mean, score.index) == ("empathy", 4, 4.0, 75.0)
    assert score.margin == pytest.approx(20.004166)
    assert score.indicative
    assert pillar_index(16, 66, 4, pillar="empathy") == score


def test_scale_ends_map_to_0_and_100() -> None:
    assert pillar_score("time_and_effort", [1, 1, 1]).index == 0.0
    top = pillar_score("time_and_effort", [5] * 40)
    assert (top.index, top.margin, top.indicative) == (100.0, 0.0, False)


def test_one_answer_has_no_margin_and_none_has_no_score() -> None:
    one = pillar_index(3, 9, 1, pillar="integrity")
    assert (one.mean, one.index, one.margin) == (3.0, 50.0, None)
    empty = pillar_index(0, 0, 0, pillar="integrity")
    assert (empty.n, empty.mean, empty.index, empty.margin) == (0, None, None, None)


@pytest.mark.parametrize(
    ("sum_", "sum_sq", "n", "problem"),
    [
        (12, 50, 2, "outside the 1..5 scale"),
        (1, 1, 2, "outside"),
        (8, 30, 2, "too small"),
        (1, 1, -1, "negative"),
    ],
)
def test_inconsistent_aggregates_are_rejected(
    sum_: float, sum_sq: float, n: int, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        pillar_index(sum_, sum_sq, n, pillar="x")


def test_raw_answers_outside_the_scale_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"1\.\.5"):
        pillar_score("x", [0, 3])


def test_spearman_perfect_and_reversed() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [9, 7, 5, 1]) == -1.0


def test_spearman_with_ties_by_hand() -> None:
    # x ranks 1, 2.5, 2.5, 4; y ranks 1, 3, 2, 4; mean rank 2.5.
    # Σdx·dy = 2.25 + 0 + 0 + 2.25 = 4.5; Σdx² = 4.5; Σdy² = 5 → 4.5/√22.5 = 0.948683.
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.948683)


def test_spearman_undefined_cases() -> None:
    assert spearman([], []) is None
    assert spearman([1, 2], [2, 1]) is None
    assert spearman([3, 3, 3], [1, 2, 3]) is None  # nobody varied their pillar answer
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="NaN"):
        spearman([1, 2, float("nan")], [1, 2, 3])


@pytest.mark.parametrize(
    ("rho", "label"),
    [
        (None, "none"),
        (0.0, "none"),
        (0.09, "none"),
        (0.1, "weak"),
        (0.29, "weak"),
        (0.3, "moderate"),
        (-0.49, "moderate"),
        (0.5, "strong"),
        (-1.0, "strong"),
    ],
)
def test_strength_labels(rho: float | None, label: str) -> None:
    assert strength(rho) == label


def test_key_driver_and_ranking() -> None:
    pairs = [(1, 2), (2, 4), (3, 6), (4, 8), (5, 10)]
    driver = key_driver("resolution", pairs)
    assert (driver.rho, driver.n, driver.strength, driver.indicative) == (1.0, 5, "strong", True)
    ranked = key_drivers(
        {
            "empathy": [(1, 5), (2, 9), (3, 3), (4, 8), (5, 2)],
            "resolution": pairs,
            "integrity": [(3, 1), (3, 5)],
        }
    )
    assert [d.pillar for d in ranked] == ["resolution", "empathy", "integrity"]
    assert ranked[-1].rho is None and ranked[-1].strength == "none"


pairs_strategy = st.lists(st.tuples(st.integers(1, 5), st.integers(0, 10)), min_size=0, max_size=60)


@given(pairs_strategy, st.randoms())
def test_spearman_ignores_row_order(pairs: list[tuple[int, int]], rnd: random.Random) -> None:
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    xs, ys = [p for p, _ in pairs], [s for _, s in pairs]
    sx, sy = [p for p, _ in shuffled], [s for _, s in shuffled]
    assert spearman(sx, sy) == spearman(xs, ys)


@given(pairs_strategy)
def test_spearman_is_symmetric_bounded_and_sign_flips(pairs: list[tuple[int, int]]) -> None:
    xs, ys = [float(p) for p, _ in pairs], [float(s) for _, s in pairs]
    rho = spearman(xs, ys)
    assert rho == spearman(ys, xs)
    if rho is not None:
        assert -1.0 <= rho <= 1.0
        flipped = spearman(xs, [-y for y in ys])
        assert flipped == pytest.approx(-rho)


@given(pairs_strategy)
def test_spearman_matches_scipy(pairs: list[tuple[int, int]]) -> None:
    stats = pytest.importorskip("scipy.stats")
    xs, ys = [p for p, _ in pairs], [s for _, s in pairs]
    rho = spearman(xs, ys)
    assume(rho is not None)
    assert rho == pytest.approx(float(stats.spearmanr(xs, ys).statistic), abs=1e-12)


@given(st.lists(st.integers(1, 5), min_size=1, max_size=100))
def test_index_within_scale_and_margin_known_from_two(answers: list[int]) -> None:
    score = pillar_score("expectations", answers)
    assert score.index is not None and 0 <= score.index <= 100
    assert (score.margin is None) == (len(answers) < 2)


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(0, 10)), min_size=0, max_size=60))
def test_spearman_from_counts_equals_spearman_on_the_pairs(
    pairs: list[tuple[int, int]],
) -> None:
    from collections import Counter

    from analytics.pillars import key_driver, key_driver_counts, spearman_counts

    counts = Counter((float(x), float(y)) for x, y in pairs)
    expected = spearman([float(x) for x, _ in pairs], [float(y) for _, y in pairs])
    got = spearman_counts(counts)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=1e-12)
    floats = [(float(x), float(y)) for x, y in pairs]
    assert key_driver_counts("empathy", counts).n == key_driver("empathy", floats).n
