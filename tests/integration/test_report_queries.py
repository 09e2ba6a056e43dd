"""The report's SQL aggregates on SQLite and PostgreSQL, checked against answers worked by hand."""

from __future__ import annotations

import asyncio
import json
import math
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics import queries as q
from analytics.churn_risk import RiskSignals, RiskWeights, risk_band, score_risk
from analytics.periods import Period, parse_period, weeks_back
from analytics.render_csv import export_csv
from analytics.render_text import render_report
from analytics.report import build_report, build_whois_extras
from analytics.service_times import percentile
from conversations import schema
from conversations.sentiment.churn import churn_words_json
from conversations.store import Database, mention_values
from conversations.terms import PILLARS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday
ROME = ZoneInfo("Europe/Rome")
STAFF_CHAT = -1001234567890
BOB = 900
ANNA = 901


@pytest.fixture
def engine(db: Database) -> AsyncEngine:
    return db.engine


@pytest.fixture
async def conn(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection whose inserts the queries under test see (committed at the end)."""
    async with engine.begin() as connection:
        yield connection


class Rows:
    """Inserts rows straight into the schema tables, with sensible defaults."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.next_user = 1000
        self.next_message = 1

    async def customer(self, **values: Any) -> int:
        self.next_user += 1
        row = {
            "telegram_user_id": self.next_user,
            "first_name": f"C{self.next_user}",
            "language": "it",
            "created_at": NOW - timedelta(days=700),
            "last_contact_at": NOW - timedelta(days=1),
        } | values
        result = await self.conn.execute(
            insert(schema.customers).values(row).returning(schema.customers.c.id)
        )
        return int(result.scalar_one())

    async def request(self, customer_id: int, **values: Any) -> int:
        row = {
            "customer_id": customer_id,
            "status": "resolved",
            "opened_at": NOW - timedelta(days=3),
            "staff_chat_id": STAFF_CHAT,
        } | values
        result = await self.conn.execute(
            insert(schema.requests).values(row).returning(schema.requests.c.id)
        )
        return int(result.scalar_one())

    async def survey(self, customer_id: int, score: int | None, **values: Any) -> int:
        sent_at = values.pop("sent_at", NOW - timedelta(days=2))
        request_id = await self.request(customer_id, opened_at=sent_at - timedelta(hours=1))
        row = {
            "request_id": request_id,
            "customer_id": customer_id,
            "user_id": 1,
            "language": "it",
            "status": "completed" if score is not None else "sent",
            "step": "done" if score is not None else "score",
            "sent_at": sent_at,
            "expires_at": sent_at + timedelta(days=3),
            "score": score,
            "scored_at": values.pop("scored_at", sent_at + timedelta(minutes=5))
            if score is not None
            else None,
        } | values
        result = await self.conn.execute(
            insert(schema.surveys).values(row).returning(schema.surveys.c.id)
        )
        survey_id = int(result.scalar_one())
        # What conversations writes beside a scored reason: one mention per tag.
        if row.get("reason_tags") and row["scored_at"] is not None:
            await self.mentions(
                json.loads(row["reason_tags"]),
                survey_id=survey_id,
                customer_id=customer_id,
                at=row["scored_at"],
            )
        return survey_id

    async def mentions(self, tags: list[dict[str, Any]], **values: Any) -> None:
        for pillar, polarity in mention_values(tags):
            await self.conn.execute(
                insert(schema.pillar_mentions).values(pillar=pillar, polarity=polarity, **values)
            )

    async def message(self, request_id: int, **values: Any) -> int:
        self.next_message += 1
        tags = values.pop("tags", None)
        row = {
            "request_id": request_id,
            "direction": "in",
            "sender_user_id": 1,
            "kind": "text",
            "text": "hello",
            "source_chat_id": 1,
            "source_message_id": self.next_message,
            "delivery": "delivered",
            "created_at": NOW - timedelta(days=1),
            "pillar_tags": None if tags is None else json.dumps(tags),
        } | values
        # As conversations.store writes a customer text: the churn phrases found in it.
        if row["direction"] == "in":
            row.setdefault("churn_words", churn_words_json(row["text"]))
        result = await self.conn.execute(
            insert(schema.messages).values(row).returning(schema.messages.c.id)
        )
        message_id = int(result.scalar_one())
        # What conversations writes beside an inbound message: one mention per tag.
        if tags and row["direction"] == "in":
            r = schema.requests
            customer = select(r.c.customer_id).where(r.c.id == request_id)
            await self.mentions(
                tags,
                message_id=message_id,
                customer_id=(await self.conn.execute(customer)).scalar_one(),
                at=row["created_at"],
            )
        return message_id


@pytest.fixture
def rows(conn: AsyncConnection) -> Rows:
    return Rows(conn)


def last_30_days() -> Period:
    return parse_period("30d", now=NOW, tz=ROME)


# --- NPS -----------------------------------------------------------------------------


async def test_nps_counts_bands_breakdowns_and_response_rate(
    conn: AsyncConnection, rows: Rows
) -> None:
    maria = await rows.customer(language="it")
    john = await rows.customer(language="en")
    # 5 promoters, 2 passives, 3 detractors: NPS = 50 % − 30 % = 20.
    for score in (9, 10, 9, 10, 10):
        await rows.survey(maria, score, resolved_by=BOB)
    for score in (7, 8):
        await rows.survey(john, score, language="en", resolved_by=ANNA)
    for score in (0, 5, 6):
        await rows.survey(john, score, language="en")
    await rows.survey(maria, None)  # sent, never answered
    await rows.survey(maria, 0, sent_at=NOW - timedelta(days=40))  # before the period
    figures = await q.nps_figures(conn, last_30_days())

    assert figures.bands == q.BandCounts(promoters=5, passives=2, detractors=3)
    assert figures.distribution == [1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3]
    assert figures.by_language == {
        "it": q.BandCounts(5, 0, 0),
        "en": q.BandCounts(0, 2, 3),
    }
    assert figures.by_staff == {
        BOB: q.BandCounts(5, 0, 0),
        ANNA: q.BandCounts(0, 2, 0),
        None: q.BandCounts(0, 0, 3),
    }
    assert (figures.sent, figures.answered) == (11, 10)

    report = await build_report(conn, last_30_days(), now=NOW, tz=ROME, lang="en")
    assert report.nps.current.score == pytest.approx(20.0)
    assert report.nps.current.n == 10
    assert report.nps.current.indicative  # 10 < 30 answers
    assert report.nps.response_rate == pytest.approx(10 / 11)
    assert report.nps.previous.n == 1  # the detractor 40 days ago
    assert report.nps.previous.score == pytest.approx(-100.0)
    assert report.nps.change.difference == pytest.approx(120.0)


async def test_weekly_trend_adds_up_daily_roll_ups(engine: AsyncEngine) -> None:
    weeks = weeks_back(NOW, ROME, 12)
    async with engine.begin() as conn:
        rows = Rows(conn)
        customer = await rows.customer()
        # The last complete week (16–22 November, Rome): two promoters and a detractor.
        last = weeks[-1].start
        for score, hours in ((10, 1), (9, 30), (3, 50)):
            await rows.survey(customer, score, scored_at=last + timedelta(hours=hours))
        # Ten weeks before: one passive. This week (not complete) is not in the trend.
        await rows.survey(customer, 8, scored_at=weeks[1].start + timedelta(days=2))
        await rows.survey(customer, 0, scored_at=NOW - timedelta(hours=1))

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        counts = await q.band_counts_by_period(engine, weeks)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)

    # Whole UTC days in one statement on the roll-up; the partial days around each of the
    # 13 local-midnight week boundaries straight from surveys, one short range each.
    assert len([s for s in statements if "daily_nps" in s]) == 1
    assert len([s for s in statements if "FROM surveys" in s]) == 13
    assert counts[-1] == q.BandCounts(promoters=2, passives=0, detractors=1)
    assert counts[1] == q.BandCounts(promoters=0, passives=1, detractors=0)
    assert sum(c.n for c in counts) == 4
    assert weeks[-1].label == "2026-W47"


async def test_nps_by_staff_group_shows_only_with_several_groups(
    conn: AsyncConnection, rows: Rows
) -> None:
    maria = await rows.customer()
    for score in (10, 10, 0):
        await rows.survey(maria, score)
    assert await q.nps_by_group(conn, last_30_days()) == {}  # one group: nothing to split
    billing = -1009999
    r = schema.requests
    for score, sent in ((3, NOW - timedelta(days=2)), (10, NOW - timedelta(days=50))):
        survey = await rows.survey(maria, score, sent_at=sent)
        request = select(schema.surveys.c.request_id).where(schema.surveys.c.id == survey)
        await conn.execute(
            r.update().where(r.c.id == request.scalar_subquery()).values(staff_chat_id=billing)
        )
    groups = await q.nps_by_group(conn, last_30_days())
    assert groups == {STAFF_CHAT: q.BandCounts(2, 0, 1), billing: q.BandCounts(0, 0, 1)}
    report = await build_report(conn, last_30_days(), now=NOW, tz=ROME, lang="en")
    names = {STAFF_CHAT: "Front <desk>", billing: "Billing"}
    text = "\n".join(render_report(report, "en", staff_names=names))
    assert "By staff group: Front &lt;desk&gt; +33 (3) · Billing −100 (1)" in text


async def test_customer_nps_history_newest_first(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    for days, score in ((90, 9), (30, 6), (5, 3)):
        await rows.survey(customer, score, sent_at=NOW - timedelta(days=days))
    await rows.survey(customer, None)
    history = await q.customer_nps_history(conn, customer, limit=2)
    assert [score for _, score in history] == [3, 6]


# --- Pillars -------------------------------------------------------------------------


async def test_pillar_scores_mentions_and_key_drivers(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    in_period = NOW - timedelta(days=2)
    # Resolution answers 5, 4, 3: mean 4 → index (4 − 1)/4 · 100 = 75.
    # NPS rises with the answer, so resolution is a strong positive driver (rho = 1).
    for answer, score in ((5, 10), (4, 8), (3, 2)):
        await rows.survey(
            customer, score, pillar="resolution", pillar_score=answer, pillar_at=in_period
        )
    await rows.survey(customer, 9, pillar="empathy", pillar_score=1, pillar_at=in_period)
    old = NOW - timedelta(days=60)
    await rows.survey(customer, 9, pillar="empathy", pillar_score=5, pillar_at=old)
    request = await rows.request(customer)
    slow = {"pillar": "time_and_effort", "polarity": -0.6, "matched": "slow"}
    kind = {"pillar": "empathy", "polarity": 0.8, "matched": "kind"}
    await rows.message(request, tags=[slow, kind])
    await rows.message(request, tags=[{**slow, "polarity": -0.2}])
    await rows.message(request, tags=[])
    await rows.message(request, tags=[slow], created_at=old)  # outside the period
    await rows.message(request, tags=[slow], direction="out")  # staff text is not counted
    await rows.survey(
        customer,
        2,
        reason_text="too slow",
        reason_at=in_period,
        reason_tags=json.dumps([{**slow, "polarity": -1.0}]),
    )

    report = await build_report(conn, last_30_days(), now=NOW, tz=ROME, lang="it")
    scores = {s.pillar: s for s in report.pillars.scores}
    assert [s.pillar for s in report.pillars.scores] == list(PILLARS)
    assert scores["resolution"].n == 3
    assert scores["resolution"].index == pytest.approx(75.0)
    assert scores["empathy"].n == 1 and scores["empathy"].index == pytest.approx(0.0)
    assert scores["integrity"].n == 0 and scores["integrity"].index is None

    mentions = {m.pillar: m for m in report.pillars.mentions}
    assert mentions["time_and_effort"].mentions == 3  # two messages and one reason
    assert mentions["time_and_effort"].polarity == pytest.approx((-0.6 - 0.2 - 1.0) / 3)
    assert mentions["empathy"].mentions == 1
    assert mentions["empathy"].polarity == pytest.approx(0.8)
    assert mentions["integrity"].mentions == 0

    drivers = {d.pillar: d for d in report.pillars.drivers}
    assert drivers["resolution"].n == 3
    assert drivers["resolution"].rho == pytest.approx(1.0)
    assert drivers["resolution"].strength == "strong"
    assert drivers["empathy"].rho is None  # one pair cannot correlate


# --- Service -------------------------------------------------------------------------


async def test_service_times_medians_and_p90_in_sql(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    firsts = [3600, 60, 300, 120, 1800, 180, 900, 240, 1200, 600]  # row order is irrelevant
    for i, seconds in enumerate(firsts):
        answered = NOW - timedelta(days=5, hours=i)
        await rows.request(
            customer,
            status="answered",
            opened_at=answered - timedelta(seconds=seconds),
            first_response_at=answered,
            first_response_seconds=seconds,
        )
    resolved_at = NOW - timedelta(days=4)
    resolutions = [(1000, "staff", 0), (2000, "auto", 0), (3000, "customer", 1), (4000, "staff", 0)]
    for seconds, source, reopens in resolutions:
        await rows.request(
            customer,
            opened_at=resolved_at - timedelta(seconds=seconds),
            resolved_at=resolved_at,
            resolution_seconds=seconds,
            resolution_source=source,
            reopen_count=reopens,
        )
    await rows.request(customer, status="open", opened_at=NOW - timedelta(days=45))
    old = NOW - timedelta(days=50)
    await rows.request(
        customer, opened_at=old, resolved_at=old, resolution_seconds=9, resolution_source="auto"
    )

    service = await q.service_figures(conn, last_30_days(), now=NOW)

    # Sorted: 60 120 180 240 300 600 900 1200 1800 3600. Median (300 + 600)/2 = 450;
    # p90 at position 9 · 0.9 = 8.1: 1800 + 0.1 · (3600 − 1800) = 1980.
    assert service.first_response_n == 10
    assert service.first_response_median == pytest.approx(450.0)
    assert service.first_response_p90 == pytest.approx(1980.0)
    assert service.first_response_p90 == pytest.approx(percentile(firsts, 90))
    # Resolutions 1000..4000: median 2500, p90 at 2.7: 3000 + 0.7 · 1000 = 3700.
    assert service.resolution_median == pytest.approx(2500.0)
    assert service.resolution_p90 == pytest.approx(3700.0)
    assert (service.opened, service.resolved) == (14, 4)
    assert service.backlog == 11  # ten answered and one open, whenever opened
    assert service.reopen_rate == pytest.approx(0.25)
    assert service.auto_resolved_share == pytest.approx(0.25)


async def test_service_times_with_one_value_and_none(conn: AsyncConnection, rows: Rows) -> None:
    customer = await rows.customer()
    at = NOW - timedelta(days=1)
    await rows.request(customer, resolved_at=at, resolution_seconds=42, resolution_source="staff")
    service = await q.service_figures(conn, last_30_days(), now=NOW)
    assert service.resolution_median == service.resolution_p90 == 42
    assert service.first_response_n == 0
    assert service.first_response_median is None


# --- Churn and CLV -------------------------------------------------------------------


async def test_churn_rate_over_twelve_months(conn: AsyncConnection, rows: Rows) -> None:
    for _ in range(10):
        await rows.customer()  # customers all year long
    six_months_ago = q.months_before(NOW, 6)
    for _ in range(2):  # churned just before the six-month mark: counted 6 times of 13
        await rows.customer(churned_at=six_months_ago - timedelta(days=1))
    # Silent for 250 days: lost at day 70 (past the 180 inactivity days), still a
    # customer three months ago, not two months ago: counted 10 times of 13.
    await rows.customer(last_contact_at=NOW - timedelta(days=250))
    await rows.customer(last_contact_at=NOW - timedelta(days=600))  # lost before the year
    await rows.customer(churned_at=NOW - timedelta(days=730))

    churn = await q.churn_figures(conn, now=NOW, inactivity_days=180)

    assert churn.lost == 3
    assert churn.monthly_counts == [13] * 6 + [11] * 4 + [10] * 3
    # Average = (13·10 + 2·6 + 10)/13 = 152/13 customers, so the rate is 3 ÷ 152/13.
    assert churn.average_customers == pytest.approx(152 / 13)
    assert churn.rate == pytest.approx(39 / 152)


async def test_churn_rate_follows_the_inactivity_setting(conn: AsyncConnection, rows: Rows) -> None:
    await rows.customer()
    await rows.customer(last_contact_at=NOW - timedelta(days=100))
    assert (await q.churn_figures(conn, now=NOW, inactivity_days=180)).lost == 0
    assert (await q.churn_figures(conn, now=NOW, inactivity_days=90)).lost == 1


async def test_clv_is_revenue_times_years_minus_acquisition_cost(
    conn: AsyncConnection, rows: Rows
) -> None:
    today = NOW.astimezone(ROME).date()
    ten_years = date(today.year - 10, today.month, today.day)
    # 500 €/year × 10 years − 1000 € = 4000 €.
    ada = await rows.customer(
        yearly_revenue=Decimal("500.00"),
        relationship_start=ten_years,
        acquisition_cost=Decimal("1000.00"),
    )
    # 199.99 €/year × 2 years − 0.01 € = 399.97 €: cents stay exact on both engines.
    ben = await rows.customer(
        yearly_revenue=Decimal("199.99"),
        relationship_start=date(today.year - 2, today.month, today.day),
        acquisition_cost=Decimal("0.01"),
    )
    nocost = await rows.customer(yearly_revenue=Decimal("800"), relationship_start=ten_years)
    await rows.customer()

    figures = await q.clv_figures(conn, today=today, now=NOW)
    assert (figures.customers, figures.known) == (4, 2)
    assert figures.total == Decimal("4399.97")
    assert figures.average == Decimal("2199.99")  # 4399.97 / 2 = 2199.985, halves up

    per_customer = await q.customer_clv(conn, [ada, ben, nocost], today=today)
    assert per_customer == {ada: Decimal("4000.00"), ben: Decimal("399.97"), nocost: None}


# --- Churn risk ----------------------------------------------------------------------


async def test_risk_signals_are_computed_in_sql(conn: AsyncConnection, rows: Rows) -> None:
    angry = await rows.customer(first_name="Maria <b>", last_name="Rossi")
    # Two NPS answers: 9 then, most recently, 3.
    await rows.survey(angry, 9, sent_at=NOW - timedelta(days=60))
    await rows.survey(angry, 3, sent_at=NOW - timedelta(days=10))
    open_request = await rows.request(
        angry, status="open", opened_at=NOW - timedelta(hours=50, minutes=30)
    )
    await rows.request(angry, opened_at=NOW - timedelta(days=20), reopen_count=2)
    # Requests in the last 30 days: this one, the open one, the slow one (25 days) and
    # the 10-day survey's; the slow one 40 days ago is too old to count.
    await rows.request(angry, opened_at=NOW - timedelta(days=25), first_response_seconds=5 * 3600)
    await rows.request(angry, opened_at=NOW - timedelta(days=40), first_response_seconds=9000)
    await rows.request(angry, opened_at=NOW - timedelta(days=200), reopen_count=1)  # too old
    texts = [
        ("Voglio dare la DISDETTA", -0.5, "negative"),
        ("ancora niente", -0.1, "neutral"),
        ("I'm switching to another bank", -0.3, "negative"),
        ("grazie", 0.6, "positive"),
    ]
    for text, polarity, label in texts:
        await rows.message(open_request, text=text, polarity=polarity, sentiment_label=label)
    await rows.message(open_request, text="disdetta", direction="out")  # staff: not counted
    await rows.message(
        open_request,
        text="chiudo il conto",
        polarity=-0.9,
        sentiment_label="negative",
        created_at=NOW - timedelta(days=45),  # older than the 30 recent days
    )

    happy = await rows.customer(last_contact_at=NOW - timedelta(days=40, hours=5))
    await rows.survey(happy, 10)
    await rows.customer(last_contact_at=NOW - timedelta(days=120))  # not active
    await rows.customer(churned_at=NOW - timedelta(days=1))  # already gone
    await rows.customer(banned=True)

    found = {r.customer_id: r for r in await q.risk_signals(conn, now=NOW)}
    assert set(found) == {angry}  # the promoter has nothing adverse on record
    found = {r.customer_id: r for r in await q.risk_signals(conn, now=NOW, everyone=True)}
    assert set(found) == {angry, happy}  # active in the last 90 days
    assert found[angry].signals == RiskSignals(
        last_nps=3,
        previous_nps=9,
        recent_negative_share=0.5,
        min_recent_polarity=-0.5,
        open_requests=1,
        oldest_open_age_hours=50,
        reopened_requests=1,
        contacts_last_30d=4,
        slow_first_responses=1,
        days_since_last_contact=1,
        churn_words=["disdetta", "switching to"],
    )
    assert found[happy].signals == RiskSignals(
        last_nps=10, contacts_last_30d=1, days_since_last_contact=40
    )
    only = await q.risk_signals(conn, now=NOW, customer_id=happy)
    assert [r.signals for r in only] == [found[happy].signals]


async def test_report_lists_customers_at_risk_and_revenue_at_risk(
    conn: AsyncConnection, rows: Rows
) -> None:
    today = NOW.astimezone(ROME).date()
    ten_years = date(today.year - 10, today.month, today.day)
    money = {
        "yearly_revenue": Decimal(500),
        "relationship_start": ten_years,
        "acquisition_cost": Decimal(1000),
    }
    leaving = await rows.customer(first_name="Lia", **money)
    await rows.survey(leaving, 9, sent_at=NOW - timedelta(days=50))
    await rows.survey(leaving, 1, sent_at=NOW - timedelta(days=5))
    request = await rows.request(leaving, status="open", opened_at=NOW - timedelta(days=8))
    await rows.message(
        request, text="voglio la disdetta, cambio fornitore", polarity=-0.9,
        sentiment_label="negative",
    )  # fmt: skip
    unknown = await rows.customer(first_name="Ugo")  # no revenue imported
    await rows.survey(unknown, 0)
    request = await rows.request(unknown, status="open", opened_at=NOW - timedelta(days=9))
    await rows.message(request, text="recesso subito", polarity=-0.8, sentiment_label="negative")
    for _ in range(2):
        await rows.request(unknown, opened_at=NOW - timedelta(days=15), reopen_count=1)
    fine = await rows.customer(first_name="Pia", **money)
    await rows.survey(fine, 10)

    report = await build_report(conn, last_30_days(), now=NOW, tz=ROME, lang="it", top_n=5)

    risk = report.risk
    # Ugo: detractor 0 (20), churn phrase (20), two reopened requests (10), all messages
    # negative (10), one very negative (5), an open request (6.67), 4 contacts (1.67): 73.
    # Lia: 18.3 + 20 + 10 (drop 9 → 1) + 10 + 5 + 6.67 = 70. Pia scores 0: not listed.
    assert [(c.name, c.risk.score) for c in risk.top] == [("Ugo", 73), ("Lia", 70)]
    assert all(c.risk.band == "high" for c in risk.top)
    assert risk.high == 2
    assert risk.revenue_at_risk == Decimal("4000.00")  # Ugo's CLV is unknown, not 0
    assert risk.revenue_known == 1
    assert risk.top[1].clv == Decimal("4000.00") and risk.top[0].clv is None
    assert [c.key for c in risk.top[1].risk.contributions[:2]] == ["churn_words", "nps_level"]
    assert risk.top[1].risk.contributions[0].text_it == "ha scritto “disdetta”, “cambio fornitore”"

    # Weights that let silence alone make a customer high-risk: everyone active is read.
    silence = RiskWeights(**{k: 0.1 for k in RiskWeights.model_fields} | {"inactivity": 100})
    await rows.customer(first_name="Eva", last_contact_at=NOW - timedelta(days=89))
    quiet = await build_report(
        conn, last_30_days(), now=NOW, tz=ROME, lang="it", risk_weights=silence
    )
    assert quiet.risk.top[0].name == "Eva"

    extras = await build_whois_extras(conn, leaving, now=NOW, tz=ROME)
    assert [p.score for p in extras.history] == [1, 9]
    assert extras.risk == risk.top[1].risk
    assert extras.clv == Decimal("4000.00")


async def test_risk_list_matches_scoring_everyone(conn: AsyncConnection, rows: Rows) -> None:
    # build_risk reads NPS and builds explained scores only for the customers that can
    # matter; the top, the high count and the revenue at risk must be what scoring every
    # customer risk_signals returns gives, whatever the weights.
    rnd = random.Random(7)
    today = NOW.astimezone(ROME).date()
    for i in range(40):
        money = (
            {
                "yearly_revenue": Decimal(rnd.randint(100, 900)),
                "relationship_start": date(today.year - rnd.randint(1, 5), 1, 1),
                "acquisition_cost": Decimal(rnd.randint(10, 90)),
            }
            if i % 3
            else {}
        )
        customer = await rows.customer(
            last_contact_at=NOW - timedelta(days=rnd.randint(0, 80)), **money
        )
        for _ in range(rnd.randint(0, 3)):
            await rows.survey(
                customer, rnd.randint(0, 10), sent_at=NOW - timedelta(days=rnd.randint(1, 300))
            )
        for _ in range(rnd.randint(0, 3)):
            request = await rows.request(
                customer,
                status=rnd.choice(["open", "resolved", "resolved"]),
                opened_at=NOW - timedelta(days=rnd.randint(1, 40)),
                reopen_count=rnd.choice([0, 0, 1]),
                first_response_seconds=rnd.choice([60, 60, 5 * 3600]),
            )
            polarity = round(rnd.uniform(-1, 1), 2)
            label = "negative" if polarity < -0.1 else "neutral"
            text = rnd.choice(["ok", "voglio la disdetta", "grazie"])
            await rows.message(request, text=text, polarity=polarity, sentiment_label=label)

    nps_heavy = RiskWeights(**{k: 1.0 for k in RiskWeights.model_fields} | {"nps_level": 30})
    for weights in (RiskWeights(), nps_heavy):
        for top_n in (0, 1, 3, 10):
            report = await build_report(
                conn, last_30_days(), now=NOW, tz=ROME, lang="it", top_n=top_n,
                risk_weights=weights,
            )  # fmt: skip
            # As build_risk: everyone active when NPS and the like alone can reach high.
            rest = sum(v for k, v in weights.model_dump().items() if k not in q.RECENT_SIGNALS)
            all_active = risk_band(math.ceil(rest * 100 / weights.total)) == "high"
            assert all_active == (weights is nps_heavy)
            everyone = await q.risk_signals(conn, now=NOW, everyone=all_active)
            scored = sorted(
                ((c, score_risk(c.signals, weights)) for c in everyone),
                key=lambda item: (-item[1].score, item[0].customer_id),
            )
            high = [c.customer_id for c, risk in scored if risk.band == "high"]
            clvs = await q.customer_clv(conn, high, today=today)
            known = [v for v in clvs.values() if v is not None]
            risk = report.risk
            assert risk.scored == len(everyone)
            assert risk.high == len(high)
            assert risk.revenue_at_risk == (sum(known, Decimal(0)) if known else None)
            assert risk.revenue_known == len(known)
            expected = [(c.customer_id, r) for c, r in scored[:top_n] if r.score > 0]
            assert [(c.customer_id, c.risk) for c in risk.top] == expected


# --- The whole report ----------------------------------------------------------------


async def test_empty_database_gives_a_report_that_says_no_data(engine: AsyncEngine) -> None:
    report = await build_report(engine, last_30_days(), now=NOW, tz=ROME, lang="en")
    assert report.empty
    assert report.nps.current.score is None
    assert report.nps.response_rate is None
    assert len(report.nps.weekly) == 12
    assert report.service.first_response_median is None
    assert report.churn.rate is None
    assert report.clv.total is None
    assert report.risk.top == [] and report.risk.revenue_at_risk is None
    assert (report.first_day, report.last_day) == (date(2026, 10, 24), date(2026, 11, 23))
    for lang, wording in (("en", "No data"), ("it", "Nessun dato")):
        text = "\n".join(render_report(report, lang))
        assert wording in text


# --- CSV export ----------------------------------------------------------------------


async def test_csv_export_streams_the_period_on_both_engines(
    conn: AsyncConnection, rows: Rows
) -> None:
    customer = await rows.customer()
    request = await rows.request(customer)
    for i in range(2500):  # more than one streamed batch
        await rows.message(request, text=f"messaggio {i} è qui", polarity=0.1)
    await rows.message(request, text="too old", created_at=NOW - timedelta(days=90))
    data = await export_csv(conn, "messages", last_30_days())
    lines = data.decode("utf-8").splitlines()
    assert lines[0].startswith("id,request_id,customer_id,created_at,direction")
    assert len(lines) == 2501
    assert "messaggio 2499 è qui" in lines[-1]


async def test_report_connection_does_not_hold_the_write_lock(engine: AsyncEngine) -> None:
    # On SQLite every write transaction starts with BEGIN IMMEDIATE; a report reads on a
    # deferred transaction, so the bot can write while a long report runs (PostgreSQL: MVCC).
    async with q.connect(engine) as reading:
        await reading.execute(select(func.count()).select_from(schema.customers))

        async def write() -> None:
            async with engine.begin() as writing:  # BEGIN IMMEDIATE: waits for the lock
                await writing.execute(
                    insert(schema.customers).values(first_name="W", language="it", created_at=NOW)
                )

        await asyncio.wait_for(write(), 2)  # busy_timeout is 5 s: no waiting at all
        if engine.dialect.name == "sqlite":
            # The report's WAL snapshot predates the write: figures stay consistent.
            count = (
                await reading.execute(select(func.count()).select_from(schema.customers))
            ).scalar_one()
            assert count == 0
