"""Customer economics: 12-month churn rate and customer lifetime value (CLV)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

__all__ = [
    "churn_rate",
    "churn_rate_monthly",
    "clv",
    "clv_if_known",
    "relationship_years",
]

_YEARS_QUANTUM = Decimal("0.0001")


def churn_rate(lost_in_period: int, customers_at_start: int, customers_at_end: int) -> float | None:
    """Return customers lost ÷ mean of the start and end counts; None with no customers."""
    # The definition divides by the average number of customers over the period; with only
    # the two end points the average is their mean (see churn_rate_monthly for more).
    if min(lost_in_period, customers_at_start, customers_at_end) < 0:
        raise ValueError("counts cannot be negative")
    average = (customers_at_start + customers_at_end) / 2
    return lost_in_period / average if average else None


def churn_rate_monthly(lost: int, monthly_counts: Sequence[int]) -> float | None:
    """Return customers lost ÷ mean of the monthly customer counts; None when unknown."""
    if lost < 0 or any(c < 0 for c in monthly_counts):
        raise ValueError("counts cannot be negative")
    if not monthly_counts:
        return None
    average = sum(monthly_counts) / len(monthly_counts)
    return lost / average if average else None


def clv(yearly_revenue: Decimal, relationship_years: Decimal, acquisition_cost: Decimal) -> Decimal:
    """Return yearly revenue × relationship years − acquisition cost."""
    return yearly_revenue * relationship_years - acquisition_cost


def clv_if_known(
    yearly_revenue: Decimal | None, relationship_years: Decimal, acquisition_cost: Decimal | None
) -> Decimal | None:
    """Return the CLV, or None when revenue or acquisition cost was not imported."""
    # Where the figures are absent CLV is not shown rather than invented (no 0 €).
    if yearly_revenue is None or acquisition_cost is None:
        return None
    return clv(yearly_revenue, relationship_years, acquisition_cost)


def _add_years(day: date, years: int) -> date:
    """Return the same calendar day `years` later; 29 February falls back to the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def relationship_years(start: date, end: date) -> Decimal:
    """Return whole anniversaries plus the elapsed fraction of the next year (4 decimals)."""
    if end < start:
        raise ValueError("the relationship ends before it starts")
    # Counting anniversaries keeps exact years exact: 10 years is 10, not 3653/365.25.
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    anniversary = _add_years(start, years)
    year_length = (_add_years(start, years + 1) - anniversary).days
    fraction = Decimal((end - anniversary).days) / Decimal(year_length)
    return (Decimal(years) + fraction).quantize(_YEARS_QUANTUM)
