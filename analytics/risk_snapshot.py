"""The churn-risk section of reports as a snapshot, refreshed in the background.

Scoring the risk of every customer with a recent adverse fact reads a month of their
messages, requests and answers: about two seconds at 100k customers, whatever the
period of the report. The bot refreshes a snapshot every few minutes (bot.lifecycle), and
/report and the weekly summary take the newest one while it is fresh, saying when it
was scored. /churn and /whois always score live; marking a customer churned or banned
drops the snapshots (conversations.store.Repo.forget_risk_snapshots).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics import queries as q
from analytics.churn_risk import RiskWeights
from analytics.report import RiskSection, build_risk
from conversations import schema as tables

__all__ = ["KEEP_TOP", "fresh_risk", "refresh_risk"]

KEEP_TOP = 20  # customers kept with their reasons: more than any report shows
KEEP_FOR = timedelta(days=1)  # older snapshots are deleted when a new one is stored


def _weights_key(weights: RiskWeights) -> str:
    return json.dumps(weights.model_dump(), sort_keys=True)


async def refresh_risk(
    engine: AsyncEngine, *, now: datetime, tz: ZoneInfo, weights: RiskWeights
) -> RiskSection:
    """Score the risk section now, store it as the newest snapshot and return it."""
    section = await build_risk(engine, now=now, tz=tz, top_n=KEEP_TOP, weights=weights)
    rs = tables.risk_snapshots
    async with engine.begin() as conn:
        await conn.execute(
            insert(rs).values(
                computed_at=now, weights=_weights_key(weights), section=section.model_dump_json()
            )
        )
        await conn.execute(delete(rs).where(rs.c.computed_at < now - KEEP_FOR))
    return section


async def fresh_risk(
    source: q.Source,
    *,
    now: datetime,
    weights: RiskWeights,
    max_age: timedelta,
    top_n: int,
) -> RiskSection | None:
    """Return the newest snapshot scored with `weights` at most `max_age` before `now`.

    None when there is none: the caller scores live. A snapshot from the future (a clock
    set back) is not fresh.
    """
    if top_n > KEEP_TOP:
        return None
    rs = tables.risk_snapshots
    newest = (
        select(rs.c.computed_at, rs.c.section)
        .where(
            rs.c.weights == _weights_key(weights),
            rs.c.computed_at >= now - max_age,
            rs.c.computed_at <= now,
        )
        .order_by(rs.c.computed_at.desc(), rs.c.id.desc())
        .limit(1)
    )
    async with q.connect(source) as conn:
        row = (await conn.execute(newest)).first()
    if row is None:
        return None
    try:
        section = RiskSection.model_validate_json(row.section)
    except ValidationError:  # stored by another version of carebot: score live instead
        return None
    return section.model_copy(update={"top": section.top[:top_n], "as_of": row.computed_at})
