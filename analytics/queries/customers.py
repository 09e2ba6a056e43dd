"""Customers over time: churn rate by the month and customer lifetime value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, case, cast, func, or_, select

from analytics.customers import churn_rate_monthly, clv_if_known, relationship_years
from analytics.queries.split import Source, connect
from conversations import schema as tables


def months_before(moment: datetime, months: int) -> datetime:
    """Return the same day and time `months` calendar months earlier (clamped to month end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


@dataclass(frozen=True, slots=True)
class ChurnFigures:
    """Customers lost in the last 12 months and the customer counts month by month."""

    start: datetime
    end: datetime
    inactivity_days: int
    lost: int
    monthly_counts: list[int]  # customers at start, after each month, and at end (13)

    @property
    def average_customers(self) -> float | None:
        """Return the mean of the monthly counts."""
        if not self.monthly_counts:
            return None
        return sum(self.monthly_counts) / len(self.monthly_counts)

    @property
    def rate(self) -> float | None:
        """Return lost ÷ average customers (analytics.customers.churn_rate_monthly)."""
        return churn_rate_monthly(self.lost, self.monthly_counts)


def _lost_by(moment: datetime, inactivity: timedelta) -> ColumnElement[bool]:
    """Return whether a customer counts as lost at `moment`: churned, or silent too long."""
    c = tables.customers
    last_seen = func.coalesce(c.c.last_contact_at, c.c.created_at)
    # Spelled out for NULLs: NOT (NULL <= x OR false) would be NULL, not true.
    churned = and_(c.c.churned_at.is_not(None), c.c.churned_at <= moment)
    return or_(churned, last_seen <= moment - inactivity)


async def churn_figures(
    source: Source, *, now: datetime, inactivity_days: int = 180
) -> ChurnFigures:
    """Return the customers lost in the 12 months before `now` and the monthly counts.

    A customer is lost when churned_at is set, or once `inactivity_days` pass after their
    last contact; they count as customers from created_at until then. The counts use
    what the store knows today (a customer who came back is not counted as lost before).
    """
    if inactivity_days < 1:
        raise ValueError("inactivity_days must be at least 1")
    c = tables.customers
    inactivity = timedelta(days=inactivity_days)
    start = months_before(now, 12)
    moments = [months_before(now, 12 - k) for k in range(13)]
    counts = [
        func.coalesce(
            func.sum(
                case(
                    (and_(c.c.created_at <= moment, ~_lost_by(moment, inactivity)), 1),
                    else_=0,
                )
            ),
            0,
        )
        for moment in moments
    ]
    lost = func.coalesce(
        func.sum(
            case(
                (and_(_lost_by(now, inactivity), ~_lost_by(start, inactivity)), 1),
                else_=0,
            )
        ),
        0,
    )
    async with connect(source) as conn:
        row = (await conn.execute(select(lost, *counts))).one()
    return ChurnFigures(
        start=start,
        end=now,
        inactivity_days=inactivity_days,
        lost=int(row[0]),
        monthly_counts=[int(v) for v in row[1:]],
    )


def _cents(column: Any) -> ColumnElement[int]:
    """Return a money column as whole cents: exact integers on both engines."""
    # Reading NUMERIC on SQLite goes through floats; summing cents keeps sums exact.
    return cast(func.round(column * 100), BigInteger)


def _money(cents: int) -> Decimal:
    """Return cents as a Decimal amount with two places."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def _cent(amount: Decimal) -> Decimal:
    """Round money to the cent, halves up as people expect from prices."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ClvFigures:
    """Customer lifetime value over active customers whose revenue and cost are known."""

    customers: int  # active customers
    known: int  # of them, with yearly revenue, relationship start and acquisition cost
    total: Decimal | None
    average: Decimal | None


def _active(now: datetime, inactivity_days: int, *, by_index: bool = True) -> ColumnElement[bool]:
    """Return whether a customer is still a customer at `now`.

    `by_index=False` compares created_at through COALESCE, so that SQLite reads the
    table (the statement needs other columns too) instead of the dates' index plus one
    table lookup per customer, three times slower.
    """
    c = tables.customers
    created = c.c.created_at if by_index else func.coalesce(c.c.created_at, c.c.created_at)
    return and_(created <= now, ~_lost_by(now, timedelta(days=inactivity_days)))


async def clv_figures(
    source: Source, *, today: date, now: datetime, inactivity_days: int = 180
) -> ClvFigures:
    """Return total and average CLV of the active customers whose figures were imported.

    CLV = yearly revenue × relationship years − acquisition cost. Relationship years
    depend on each start date, so the database groups by start date (a few thousand
    rows at most) and Python multiplies each group's revenue by its exact years.
    """
    c = tables.customers
    known = and_(
        c.c.yearly_revenue.is_not(None),
        c.c.acquisition_cost.is_not(None),
        c.c.relationship_start.is_not(None),
        c.c.relationship_start <= today,
    )
    active = _active(now, inactivity_days)
    groups = (
        select(
            c.c.relationship_start,
            func.sum(_cents(c.c.yearly_revenue)),
            func.sum(_cents(c.c.acquisition_cost)),
            func.count(),
        )
        .where(_active(now, inactivity_days, by_index=False), known)
        .group_by(c.c.relationship_start)
    )
    async with connect(source) as conn:
        customers_n = int((await conn.execute(select(func.count()).where(active))).scalar_one())
        rows = (await conn.execute(groups)).all()
    known_n = sum(int(n) for *_, n in rows)
    if not known_n:
        return ClvFigures(customers=customers_n, known=0, total=None, average=None)
    total = sum(
        (
            _money(int(revenue)) * relationship_years(start, today) - _money(int(cost))
            for start, revenue, cost, _ in rows
        ),
        Decimal(0),
    )
    return ClvFigures(
        customers=customers_n,
        known=known_n,
        total=_cent(total),
        average=_cent(total / known_n),
    )


async def customer_clv(
    source: Source, customer_ids: Iterable[int], *, today: date
) -> dict[int, Decimal | None]:
    """Return the CLV of each given customer; None where the figures were not imported."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    c = tables.customers
    q = select(
        c.c.id,
        _cents(c.c.yearly_revenue),
        _cents(c.c.acquisition_cost),
        c.c.relationship_start,
    ).where(c.c.id.in_(ids))
    found: dict[int, Decimal | None] = {}
    async with connect(source) as conn:
        for customer_id, revenue, cost, start in (await conn.execute(q)).all():
            if start is None or start > today:
                found[customer_id] = None
                continue
            value = clv_if_known(
                None if revenue is None else _money(int(revenue)),
                relationship_years(start, today),
                None if cost is None else _money(int(cost)),
            )
            found[customer_id] = None if value is None else _cent(value)
    return found
