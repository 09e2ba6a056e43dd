"""The churn-risk snapshot reports read while fresh, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.churn_risk import RiskWeights
from analytics.render_text import render_report
from analytics.report import build_report
from analytics.risk_snapshot import KEEP_TOP, fresh_risk, refresh_risk
from conversations import schema
from conversations.store import Database
from tests.integration.test_report_queries import NOW, ROME, Rows, last_30_days

WEIGHTS = RiskWeights()


async def _unhappy_customers(engine: AsyncEngine, names: list[str]) -> None:
    """Customers with an open request and a detractor answer: each one is at risk."""
    async with engine.begin() as conn:
        rows = Rows(conn)
        for score, name in enumerate(names):
            customer = await rows.customer(first_name=name, telegram_user_id=hash(name) % 10**9)
            await rows.survey(customer, score % 5)
            await rows.request(customer, status="open", opened_at=NOW - timedelta(days=2))


async def test_a_fresh_snapshot_is_what_the_report_shows(db: Database) -> None:
    engine = db.engine
    await _unhappy_customers(engine, ["Ada", "Bea", "Cid", "Dan"])
    stored = await refresh_risk(engine, now=NOW, tz=ROME, weights=WEIGHTS)
    assert len(stored.top) == 4

    # Data written after the snapshot does not show until the next refresh...
    await _unhappy_customers(engine, ["Eli"])
    later = NOW + timedelta(minutes=5)
    found = await fresh_risk(
        engine, now=later, weights=WEIGHTS, max_age=timedelta(minutes=20), top_n=3
    )
    assert found is not None and found.as_of == NOW
    assert [c.name for c in found.top] == [c.name for c in stored.top[:3]]
    assert found.scored == stored.scored and found.high == stored.high
    report = await build_report(engine, last_30_days(), now=later, tz=ROME, lang="en", risk=found)
    text = "\n".join(render_report(report))
    assert "Customers at risk</b> (scored at 09:00)" in text  # 08:00 UTC is 09:00 in Rome
    live = await build_report(engine, last_30_days(), now=later, tz=ROME, lang="en", top_n=5)
    assert live.risk.as_of is None and "Eli" in {c.name for c in live.risk.top}
    assert "scored at" not in "\n".join(render_report(live))

    # ...which stores a new one and forgets those more than a day old.
    await refresh_risk(engine, now=NOW + timedelta(days=2), tz=ROME, weights=WEIGHTS)
    async with engine.connect() as conn:
        kept = (await conn.execute(select(func.count()).select_from(schema.risk_snapshots))).one()
    assert kept == (1,)


async def test_a_stale_or_foreign_snapshot_is_not_used(db: Database) -> None:
    engine = db.engine
    await _unhappy_customers(engine, ["Ada"])
    await refresh_risk(engine, now=NOW, tz=ROME, weights=WEIGHTS)
    max_age = timedelta(minutes=20)

    async def found(**change: object) -> bool:
        args: dict[str, object] = {"now": NOW, "weights": WEIGHTS, "max_age": max_age, "top_n": 3}
        args |= change
        return await fresh_risk(engine, **args) is not None  # type: ignore[arg-type]

    assert await found()
    assert not await found(now=NOW + timedelta(minutes=21))  # too old
    assert not await found(now=NOW - timedelta(minutes=1))  # scored "later" than now
    assert not await found(weights=RiskWeights(churn_words=40))  # other weights
    assert not await found(top_n=KEEP_TOP + 1)  # more than it kept


async def test_a_snapshot_another_version_wrote_is_scored_again(db: Database) -> None:
    engine = db.engine
    await refresh_risk(engine, now=NOW, tz=ROME, weights=WEIGHTS)
    async with engine.begin() as conn:
        await conn.execute(schema.risk_snapshots.update().values(section='{"scored": "many"}'))
    found = await fresh_risk(
        engine, now=NOW, weights=WEIGHTS, max_age=timedelta(minutes=20), top_n=3
    )
    assert found is None
