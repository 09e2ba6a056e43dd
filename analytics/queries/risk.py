"""Churn risk: every active customer's signals, scored and ranked in the database."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.churn_risk import (
    RiskScore,
    RiskSignals,
    RiskWeights,
    risk_band,
    risk_total,
    score_of,
    score_risk,
)
from analytics.queries.split import Source, connect
from conversations import schema as tables
from conversations.terms import OPEN_STATUSES, PASSIVE_MAX


@dataclass(frozen=True, slots=True)
class CustomerRisk:
    """One customer's risk signals, with what the report shows about them."""

    customer_id: int
    telegram_user_id: int | None
    first_name: str
    last_name: str | None
    username: str | None
    language: str
    signals: RiskSignals


@dataclass(slots=True)
class _Builder:
    """Signals of one customer while the grouped queries fill them in."""

    analysed: int = 0
    negative: int = 0
    min_polarity: float | None = None
    open_requests: int = 0
    oldest_open: datetime | None = None
    reopened: int = 0
    contacts: int = 0
    slow: int = 0
    scores: list[int] = field(default_factory=list)
    churn_words: list[str] = field(default_factory=list)


def _hours(later: datetime, earlier: datetime) -> float:
    """Return whole hours between two moments, never negative (display precision)."""
    return float(max(0, int((later - earlier).total_seconds() // 3600)))


def _days(later: datetime, earlier: datetime) -> float:
    """Return whole days between two moments, never negative (display precision)."""
    return float(max(0, (later - earlier).days))


def _chunks(ids: Iterable[int], size: int = 2000) -> Iterator[list[int]]:
    """Yield sorted ids in slices small enough for any engine's parameter limit."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


STRONG_NEGATIVE = -0.25  # below this a message counts as adverse even if labelled neutral

# Signals that need a recent adverse fact (or an open request) to score at all: a
# customer without any is never read, and can score only through the other signals.
RECENT_SIGNALS = ("negative_messages", "strong_negative", "open_requests", "churn_words")


def reads_everyone(weights: RiskWeights) -> bool:
    """Whether risk_ranking must read every customer: risk_signals leaves out those who lack
    every recent signal, which is only safe while the other signals alone cannot reach
    the high band."""
    rest = sum(w for k, w in weights.model_dump().items() if k not in RECENT_SIGNALS)
    return risk_band(math.ceil(rest * 100 / weights.total)) == "high"


async def risk_signals(
    source: Source,
    *,
    now: datetime,
    recent_days: int = 30,
    active_days: int = 90,
    nps_days: int = 365,
    slow_first_response_seconds: int = 4 * 3600,
    customer_id: int | None = None,
    everyone: bool = False,
) -> list[CustomerRisk]:
    """Return the churn-risk signals of customers with a recent adverse fact on record.

    A customer is read (not churned, not banned) with a request open now, or in the last
    `recent_days` a negative message (label, or polarity below −0.25), a churn phrase,
    a reopened request, a first response slower than `slow_first_response_seconds`, or
    an NPS answer of 8 or less. Anyone else lacks every signal in RECENT_SIGNALS, so
    with the default weights scores at most 55 of 100 and is never high risk;
    `everyone=True` reads every customer in touch in the last `active_days` instead,
    for weights under which the other signals alone could reach the high band.

    Each signal is one grouped query over a time window, so the work follows recent
    activity rather than the size of the history. Requests (reopened, slow, contacts)
    are those opened in the last `recent_days`; churn phrases are those found when each
    customer message was stored (conversations.sentiment.churn, messages.churn_words);
    NPS is the last two answers of the last `nps_days`.

    With `customer_id` only that customer is read, whatever the facts (for /whois).
    """
    async with connect(source) as conn:
        builders, customers = await _risk_facts(
            conn,
            now=now,
            recent_days=recent_days,
            active_days=active_days,
            slow_first_response_seconds=slow_first_response_seconds,
            customer_id=customer_id,
            everyone=everyone,
        )
        await _last_nps(conn, builders, customers, now=now, nps_days=nps_days)
    return [_customer_risk(row, builders[cid], now) for cid, row in customers.items()]


@dataclass(frozen=True, slots=True)
class RiskRanking:
    """The churn-risk list of a report: how many were scored, the high band, the top."""

    scored: int  # customers whose risk was computed
    high: list[int]  # ids of the customers in the high band
    top: list[tuple[CustomerRisk, RiskScore]]  # the top_n by score (score > 0), id breaks ties


@dataclass(slots=True)
class _Values:
    """The numbers risk_total reads (churn_risk.SignalValues), without any validation."""

    last_nps: int | None
    previous_nps: int | None
    recent_negative_share: float
    min_recent_polarity: float | None
    open_requests: int
    oldest_open_age_hours: float | None
    reopened_requests: int
    contacts_last_30d: int
    slow_first_responses: int
    days_since_last_contact: float | None
    has_churn_words: bool


def _values(b: _Builder, last_contact: datetime | None, now: datetime) -> _Values:
    return _Values(
        last_nps=b.scores[0] if b.scores else None,
        previous_nps=b.scores[1] if len(b.scores) > 1 else None,
        recent_negative_share=b.negative / b.analysed if b.analysed else 0.0,
        min_recent_polarity=b.min_polarity,
        open_requests=b.open_requests,
        oldest_open_age_hours=_hours(now, b.oldest_open) if b.oldest_open is not None else None,
        reopened_requests=b.reopened,
        contacts_last_30d=b.contacts,
        slow_first_responses=b.slow,
        days_since_last_contact=_days(now, last_contact) if last_contact is not None else None,
        has_churn_words=bool(b.churn_words),
    )


# Float slack for the bounds below: far above rounding noise, far below a point.
_SLACK = 1e-6


async def risk_ranking(
    source: Source,
    *,
    now: datetime,
    weights: RiskWeights,
    top_n: int,
    everyone: bool = False,
    nps_days: int = 365,
) -> RiskRanking:
    """Return the risk list of risk_signals' customers, scoring fully only a few.

    Every signal but NPS comes from cheap grouped queries; the last two NPS answers are
    the costly lookup. Without them a customer's total is a lower bound, and adding the
    full weight of both NPS signals (severities are at most 1) an upper bound. NPS is
    read only for customers whose bounds leave the band in doubt, and for the top
    candidates in order of their upper bound until no one left can reach the top.
    Totals are churn_risk.risk_total, the very floats score_risk adds up, so the count
    of the high band and the top are exactly what scoring everyone would give.
    """
    if top_n < 0:
        raise ValueError("top_n cannot be negative")
    scale = 100.0 / weights.total
    room = weights.nps_level * scale + weights.nps_drop * scale
    high_from = min(n for n in range(101) if risk_band(n) == "high") - 0.5  # total for high
    async with connect(source) as conn:
        builders, customers = await _risk_facts(conn, now=now, everyone=everyone)

        def total(cid: int) -> float:
            values = _values(builders[cid], customers[cid][6], now)
            return risk_total(values, weights, scale=scale)

        lower = [(total(cid), cid) for cid in customers]
        lower.sort(key=lambda item: (-item[0], item[1]))  # best upper bound first

        exact: dict[int, int] = {}  # customer → score, once the NPS answers are read

        async def settle(ids: list[int]) -> None:
            wanted = {cid: customers[cid] for cid in ids if cid not in exact}
            await _last_nps(conn, builders, wanted, now=now, nps_days=nps_days)
            for cid in wanted:
                exact[cid] = score_of(total(cid))

        # The band is in doubt when the bounds straddle the high threshold.
        await settle(
            [
                cid
                for low, cid in lower
                if low + room >= high_from - _SLACK and low < high_from + _SLACK
            ]
        )
        # The top: settle in order of upper bound until the n-th best exact score beats
        # every upper bound left (ties go to the lower id, so equal is not enough).
        position, batch = 0, max(top_n * 20, 200)
        while top_n and position < len(lower):
            ranked = sorted(exact.items(), key=lambda item: (-item[1], item[0]))[:top_n]
            upper = score_of(lower[position][0] + room + _SLACK)
            if upper == 0 or (len(ranked) == top_n and ranked[-1][1] > upper):
                break
            await settle([cid for _, cid in lower[position : position + batch]])
            position += batch
            batch *= 2
        ranked = sorted(exact.items(), key=lambda item: (-item[1], item[0]))[:top_n]
        top_ids = [cid for cid, score in ranked if score > 0]
        signals = {cid: _customer_risk(customers[cid], builders[cid], now) for cid in top_ids}
    high = [
        cid
        for low, cid in lower
        if (exact[cid] >= high_from + 0.5 if cid in exact else low >= high_from + _SLACK)
    ]
    top = [(signals[cid], score_risk(signals[cid].signals, weights)) for cid in top_ids]
    return RiskRanking(scored=len(customers), high=high, top=top)


async def _risk_facts(
    conn: AsyncConnection,
    *,
    now: datetime,
    recent_days: int = 30,
    active_days: int = 90,
    slow_first_response_seconds: int = 4 * 3600,
    customer_id: int | None = None,
    everyone: bool = False,
) -> tuple[dict[int, _Builder], dict[int, Any]]:
    """Return every signal but NPS of risk_signals' customers, and their customer rows."""
    c, r, m, s = tables.customers, tables.requests, tables.messages, tables.surveys
    window_start = now - timedelta(days=active_days)
    recent_start = now - timedelta(days=recent_days)

    def only(column: Any) -> ColumnElement[bool]:
        return true() if customer_id is None else column == customer_id

    recent_in = and_(
        m.c.direction == "in",
        m.c.created_at >= recent_start,
        m.c.created_at <= now,
        only(r.c.customer_id),
    )
    negatives = func.coalesce(func.sum(case((m.c.sentiment_label == "negative", 1), else_=0)), 0)
    sentiment_q = (
        select(r.c.customer_id, func.count(m.c.polarity), negatives, func.min(m.c.polarity))
        .select_from(m.join(r, m.c.request_id == r.c.id))
        .where(recent_in, m.c.polarity.is_not(None))
        .group_by(r.c.customer_id)
    )
    # Phrases are found when a customer message is stored (messages.churn_words): the
    # flagged messages of the window come from a small partial index.
    words_q = (
        select(r.c.customer_id, m.c.churn_words)
        .select_from(m.join(r, m.c.request_id == r.c.id))
        .where(recent_in, m.c.churn_words.is_not(None))
        .order_by(m.c.id)
    )
    open_q = (
        select(r.c.customer_id, func.count(), func.min(r.c.opened_at))
        # opened_at <= now: scored as of an earlier moment (the weekly summary's week
        # start), a request opened later does not count yet.
        .where(r.c.status.in_(OPEN_STATUSES), r.c.opened_at <= now, only(r.c.customer_id))
        .group_by(r.c.customer_id)
    )
    reopened = func.coalesce(func.sum(case((r.c.reopen_count > 0, 1), else_=0)), 0)
    slow = func.coalesce(
        func.sum(case((r.c.first_response_seconds > slow_first_response_seconds, 1), else_=0)),
        0,
    )
    requests_q = (
        select(r.c.customer_id, func.count(), reopened, slow)
        .where(r.c.opened_at >= recent_start, r.c.opened_at <= now, only(r.c.customer_id))
        .group_by(r.c.customer_id)
    )
    unhappy_q = (
        select(s.c.customer_id)
        .where(s.c.scored_at >= recent_start, s.c.scored_at <= now, s.c.score <= PASSIVE_MAX)
        .distinct()
    )
    eligible = and_(c.c.churned_at.is_(None), c.c.banned == false(), c.c.created_at <= now)
    columns = (
        c.c.id,
        c.c.telegram_user_id,
        c.c.first_name,
        c.c.last_name,
        c.c.username,
        c.c.language,
        c.c.last_contact_at,
    )

    builders: dict[int, _Builder] = defaultdict(_Builder)
    adverse: set[int] = set()
    customers: dict[int, Any] = {}
    for cid, analysed, negative, lowest in (await conn.execute(sentiment_q)).all():
        b = builders[cid]
        b.analysed, b.negative = int(analysed), int(negative)
        b.min_polarity = None if lowest is None else float(lowest)
        if negative or (lowest is not None and lowest < STRONG_NEGATIVE):
            adverse.add(cid)
    for cid, words in (await conn.execute(words_q)).all():
        if found := json.loads(words):
            builders[cid].churn_words.extend(found)
            adverse.add(cid)
    for cid, count, oldest in (await conn.execute(open_q)).all():
        builders[cid].open_requests, builders[cid].oldest_open = int(count), oldest
        adverse.add(cid)
    for cid, count, reopened_n, slow_n in (await conn.execute(requests_q)).all():
        b = builders[cid]
        b.contacts, b.reopened, b.slow = int(count), int(reopened_n), int(slow_n)
        if reopened_n or slow_n:
            adverse.add(cid)
    if customer_id is not None:
        customer_q = select(*columns).where(c.c.id == customer_id)
        customers = {row[0]: row for row in (await conn.execute(customer_q)).all()}
    elif everyone:
        # Customers with recent messages or requests have a recent last contact too.
        open_customers = select(r.c.customer_id).where(r.c.status.in_(OPEN_STATUSES))
        active = or_(c.c.last_contact_at >= window_start, c.c.id.in_(open_customers))
        customer_q = select(*columns).where(eligible, active)
        customers = {row[0]: row for row in (await conn.execute(customer_q)).all()}
    else:
        adverse.update(cid for (cid,) in (await conn.execute(unhappy_q)).all())
        for ids in _chunks(adverse):
            customer_q = select(*columns).where(eligible, c.c.id.in_(ids))
            customers.update({row[0]: row for row in (await conn.execute(customer_q)).all()})
    return builders, customers


async def _last_nps(
    conn: AsyncConnection,
    builders: dict[int, _Builder],
    customers: Iterable[int],
    *,
    now: datetime,
    nps_days: int,
) -> None:
    """Fill in the last two NPS answers of the last `nps_days` of each customer given."""
    s = tables.surveys
    nps_start = now - timedelta(days=nps_days)
    for ids in _chunks(customers):
        ranked = (
            select(
                s.c.customer_id,
                s.c.score,
                func.row_number()
                .over(
                    partition_by=s.c.customer_id,
                    order_by=(s.c.scored_at.desc(), s.c.id.desc()),
                )
                .label("rank"),
            )
            .where(
                s.c.customer_id.in_(ids),
                s.c.score.is_not(None),
                s.c.scored_at >= nps_start,
                s.c.scored_at <= now,
            )
            .subquery()
        )
        nps_q = (
            select(ranked.c.customer_id, ranked.c.score)
            .where(ranked.c.rank <= 2)
            .order_by(ranked.c.customer_id, ranked.c.rank)
        )
        for cid, score in (await conn.execute(nps_q)).all():
            builders[cid].scores.append(int(score))


def _customer_risk(row: Any, b: _Builder, now: datetime) -> CustomerRisk:
    """Return one customer's CustomerRisk from their row and gathered signals."""
    cid, user_id, first, last, username, language, last_contact = row
    values = asdict(_values(b, last_contact, now))
    del values["has_churn_words"]  # the model keeps the phrases themselves
    signals = RiskSignals(**values, churn_words=list(dict.fromkeys(b.churn_words)))
    return CustomerRisk(
        customer_id=cid,
        telegram_user_id=user_id,
        first_name=first,
        last_name=last,
        username=username,
        language=language,
        signals=signals,
    )
