"""Percentiles, service times and duration formatting."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.service_times import format_duration, median, percentile, service_times


@pytest.mark.parametrize(
    ("q", "expected"),
    # Position (n − 1)·q/100 over [1, 2, 3, 4]: q=90 → 2.7 → 3 + 0.7·(4 − 3) = 3.7.
    [(0, 1.0), (25, 1.75), (50, 2.5), (90, 3.7), (100, 4.0)],
)
def test_percentile_by_hand(q: float, expected: float) -> None:
    assert percentile([1, 2, 3, 4], q) == pytest.approx(expected)


def test_percentile_edge_cases() -> None:
    assert percentile([], 50) is None
    assert median([]) is None
    assert percentile([7], 90) == 7
    assert median([5, 1, 3]) == 3
    assert median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1], 101)
    with pytest.raises(ValueError, match="NaN"):
        percentile([1, float("nan")], 50)


durations = st.lists(st.floats(min_value=0, max_value=1e7), max_size=80)
quantiles = st.floats(min_value=0, max_value=100)


@given(durations, quantiles, st.randoms())
def test_percentile_ignores_row_order(values: list[float], q: float, rnd: random.Random) -> None:
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert percentile(shuffled, q) == percentile(values, q)


@given(durations.filter(bool), quantiles, quantiles)
def test_percentile_is_within_range_and_monotone_in_q(
    values: list[float], q1: float, q2: float
) -> None:
    low, high = sorted((q1, q2))
    a, b = percentile(values, low), percentile(values, high)
    assert a is not None and b is not None
    assert min(values) <= a <= b <= max(values)


@given(durations.filter(bool), quantiles)
def test_percentile_matches_numpy_linear(values: list[float], q: float) -> None:
    np = pytest.importorskip("numpy")
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)), rel=1e-9)


def test_service_times_from_raw_durations() -> None:
    times = service_times(
        opened=10,
        resolved=8,
        backlog=3,
        first_response_seconds=[600, 60, 120, 300, 30],
        resolution_seconds=[],
        reopened=2,
        auto_resolved=1,
    )
    # Sorted 30, 60, 120, 300, 600: median 120; p90 at position 3.6 → 300 + 0.6·300 = 480.
    assert times.first_response_median == 120
    assert times.first_response_p90 == pytest.approx(480)
    assert times.first_response_n == 5
    assert (times.resolution_n, times.resolution_median, times.resolution_p90) == (0, None, None)
    assert (times.reopen_rate, times.auto_resolved_share) == (0.25, 0.125)


def test_service_times_with_nothing_resolved() -> None:
    times = service_times(
        opened=0,
        resolved=0,
        backlog=0,
        first_response_seconds=[],
        resolution_seconds=[],
        reopened=0,
        auto_resolved=0,
    )
    assert (times.reopen_rate, times.auto_resolved_share) == (None, None)


@pytest.mark.parametrize(
    ("changes", "match"),
    [({"reopened": 9}, "9 <= 8"), ({"resolution_seconds": [-1.0]}, "negative")],
)
def test_service_times_rejects_impossible_input(changes: dict[str, object], match: str) -> None:
    kwargs: dict[str, object] = {
        "opened": 10,
        "resolved": 8,
        "backlog": 0,
        "first_response_seconds": [],
        "resolution_seconds": [],
        "reopened": 0,
        "auto_resolved": 0,
    }
    kwargs.update(changes)
    with pytest.raises(ValueError, match=match):
        service_times(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.4, "0 s"),
        (0.5, "1 s"),
        (45, "45 s"),
        (60, "1 min"),
        (90, "1 min 30 s"),
        (7500, "2 h 5 min"),
        (7529, "2 h 5 min"),
        (7530, "2 h 6 min"),  # rounds to the nearest minute, half up
        (3599.6, "1 h"),  # not "60 min"
        (86_399, "1 d"),  # not "24 h"
        (3 * 86_400, "3 d"),
        (3 * 86_400 + 4 * 3600, "3 d 4 h"),
        (3 * 86_400 + 4 * 3600 + 1799, "3 d 4 h"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert format_duration(seconds, "en") == text


def test_format_duration_in_italian_uses_g_for_days() -> None:
    assert format_duration(3 * 86_400 + 4 * 3600, "it") == "3 g 4 h"
    assert format_duration(7500, "it") == "2 h 5 min"


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_format_duration_rejects_non_durations(seconds: float) -> None:
    with pytest.raises(ValueError, match="duration"):
        format_duration(seconds)


def test_format_duration_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        format_duration(5, "de")  # type: ignore[arg-type]


@given(st.floats(min_value=0, max_value=1e9))
def test_format_duration_has_at_most_two_units(seconds: float) -> None:
    parts = format_duration(seconds).split()
    assert len(parts) in (2, 4)
    assert all(p.isdigit() for p in parts[::2])
