"""Percentiles from grouped counts (one scan in SQL) equal the ones over every row."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from analytics.queries.service_times import _percentiles_of
from analytics.service_times import percentile

QS = (0, 10, 50, 90, 99.5, 100)


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60))
def test_grouped_percentiles_equal_row_percentiles(values: list[int]) -> None:
    counts = sorted(Counter(values).items())
    assert _percentiles_of(counts, QS) == [percentile(values, q) for q in QS]


def test_grouped_percentiles_by_hand() -> None:
    # 1, 1, 1, 4, 9: median at position 2 → 1; p90 at 3.6 → 4 + (9 − 4)·0.6 = 7.
    assert _percentiles_of([(1, 3), (4, 1), (9, 1)], (50, 90)) == [1.0, 7.0]
    assert _percentiles_of([(7, 1)], (50, 90)) == [7.0, 7.0]
    assert _percentiles_of([], (50,)) == [None]
