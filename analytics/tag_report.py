"""/report PERIOD tag:x — the report's headline figures over the requests with one tag.

The same definitions as the whole report (analytics.service_times, analytics.team), read
from the rows rather than the daily roll-ups, since those do not know tags: NPS of the
answers scored in the period; requests opened and resolved in it, and open now;
first responses given and resolutions made in it (median and p90); the share of those
resolutions reopened, and auto-resolved; then the team and saved-reply figures.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.lang import Lang
from analytics.nps import NpsResult, nps_from_scores
from analytics.periods import Period
from analytics.queries.split import Source, connect
from analytics.service_times import ServiceTimes, percentile
from analytics.team import DEFAULT_MIN_ANSWERS, TeamSection, build_team, tagged
from conversations import schema as tables
from conversations.terms import OPEN_STATUSES, Actor


class TagReport(BaseModel):
    """The figures of one period over the requests tagged `tag`."""

    model_config = ConfigDict(frozen=True)

    tag: str
    period: Period
    timezone: str
    lang: Lang
    generated_at: AwareDatetime
    nps: NpsResult
    service: ServiceTimes
    team: TeamSection


def _in(column: ColumnElement[datetime], period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


async def _service(conn: AsyncConnection, period: Period, tag: str) -> ServiceTimes:
    r = tables.requests.c
    mine = tagged(r.id, tag)

    async def count(*where: ColumnElement[bool]) -> int:
        q = select(func.count()).select_from(tables.requests).where(mine, *where)
        return int((await conn.execute(q)).scalar_one())

    firsts = [
        float(v)
        for v in (
            await conn.execute(
                select(r.first_response_seconds).where(
                    mine, _in(r.first_response_at, period), r.first_response_seconds.is_not(None)
                )
            )
        ).scalars()
    ]
    resolved_rows = (
        await conn.execute(
            select(r.resolution_seconds, r.reopen_count, r.resolution_source).where(
                mine, _in(r.resolved_at, period)
            )
        )
    ).all()
    times = [float(x.resolution_seconds) for x in resolved_rows if x.resolution_seconds is not None]
    n = len(resolved_rows)
    return ServiceTimes(
        opened=await count(_in(r.opened_at, period)),
        resolved=n,
        backlog=await count(r.status.in_(OPEN_STATUSES)),
        first_response_n=len(firsts),
        first_response_median=percentile(firsts, 50),
        first_response_p90=percentile(firsts, 90),
        resolution_n=len(times),
        resolution_median=percentile(times, 50),
        resolution_p90=percentile(times, 90),
        reopen_rate=sum(1 for x in resolved_rows if x.reopen_count) / n if n else None,
        auto_resolved_share=(
            sum(1 for x in resolved_rows if x.resolution_source == Actor.AUTO) / n if n else None
        ),
    )


async def build_tag_report(
    source: Source,
    period: Period,
    tag: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang,
    min_answers: int = DEFAULT_MIN_ANSWERS,
) -> TagReport:
    """The report of `period` over the requests tagged `tag`."""
    s = tables.surveys.c
    async with connect(source) as conn:
        scores = (
            await conn.execute(
                select(s.score).where(
                    tagged(s.request_id, tag), _in(s.scored_at, period), s.score.is_not(None)
                )
            )
        ).scalars()
        nps = nps_from_scores(int(x) for x in scores)
        service = await _service(conn, period, tag)
        team = await build_team(conn, period, min_answers=min_answers, tag=tag)
    return TagReport(
        tag=tag,
        period=period,
        timezone=tz.key,
        lang=lang,
        generated_at=now,
        nps=nps,
        service=service,
        team=team,
    )
