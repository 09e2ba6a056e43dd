"""Churn rate and customer lifetime value."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.customers import (
    churn_rate,
    churn_rate_monthly,
    clv,
    clv_if_known,
    relationship_years,
)


def test_clv_product_owner_example() -> None:
    # 500 €/year × 10 years − 1000 € = 4000 €.
    assert clv(Decimal("500"), Decimal("10"), Decimal("1000")) == Decimal("4000")


def test_clv_from_ten_calendar_years() -> None:
    years = relationship_years(date(2016, 3, 1), date(2026, 3, 1))
    assert years == Decimal("10")
    assert clv(Decimal("500"), years, Decimal("1000")) == Decimal("4000")


def test_clv_is_not_invented_when_figures_are_missing() -> None:
    assert clv_if_known(None, Decimal(10), Decimal(1000)) is None
    assert clv_if_known(Decimal(500), Decimal(10), None) is None
    assert clv_if_known(Decimal(500), Decimal(2), Decimal(1500)) == Decimal(-500)


def test_churn_rate_example() -> None:
    # 12 lost ÷ ((100 + 140)/2 = 120) = 0.10.
    assert churn_rate(12, 100, 140) == pytest.approx(0.10)


def test_churn_rate_monthly_uses_the_mean_of_the_counts() -> None:
    # 6 lost ÷ mean(90, 100, 110) = 6/100.
    assert churn_rate_monthly(6, [90, 100, 110]) == pytest.approx(0.06)


def test_churn_rate_without_customers_is_none() -> None:
    assert churn_rate(0, 0, 0) is None
    assert churn_rate_monthly(0, []) is None
    assert churn_rate_monthly(0, [0, 0]) is None


def test_churn_rate_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="negative"):
        churn_rate(-1, 10, 10)
    with pytest.raises(ValueError, match="negative"):
        churn_rate_monthly(1, [10, -1])


@pytest.mark.parametrize(
    ("start", "end", "years"),
    [
        (date(2025, 5, 5), date(2025, 5, 5), "0"),
        # 2025-01-01 → 2025-07-02 is 182 of 365 days.
        (date(2025, 1, 1), date(2025, 7, 2), "0.4986"),
        # Leap year: 2024-01-01 → 2024-07-02 is 183 of 366 days = 0.5.
        (date(2024, 1, 1), date(2024, 7, 2), "0.5"),
        # Before the first anniversary, the year being counted holds 29 Feb 2024:
        # 2023-03-01 → 2024-02-01 is 337 of 366 days = 0.920765.
        (date(2023, 3, 1), date(2024, 2, 1), "0.9208"),
        (date(2020, 2, 29), date(2021, 2, 28), "1"),
        (date(2020, 2, 29), date(2021, 3, 1), "1.0027"),  # 1 + 1/365
        (date(2020, 2, 29), date(2024, 2, 29), "4"),
    ],
)
def test_relationship_years(start: date, end: date, years: str) -> None:
    assert relationship_years(start, end) == Decimal(years)


def test_relationship_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before"):
        relationship_years(date(2026, 1, 2), date(2026, 1, 1))


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@given(days, st.integers(0, 3000), st.integers(0, 3000))
def test_relationship_years_grow_with_the_end_date(start: date, a: int, b: int) -> None:
    near, far = sorted((a, b))
    assert relationship_years(start, start + timedelta(days=near)) <= relationship_years(
        start, start + timedelta(days=far)
    )


@given(days.filter(lambda d: (d.month, d.day) != (2, 29)), st.integers(0, 60))
def test_whole_years_are_exact(start: date, n: int) -> None:
    assert relationship_years(start, start.replace(year=start.year + n)) == Decimal(n)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_churn_rate_is_none_only_without_customers(lost: int, start: int, end: int) -> None:
    rate = churn_rate(lost, start, end)
    assert (rate is None) == (start + end == 0)
    if rate is not None:
        assert rate == pytest.approx(churn_rate_monthly(lost, [start, end]))
