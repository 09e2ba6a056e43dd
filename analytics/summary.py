"""The managers' weekly summary: a one-minute read of one ISO week, built on the week's
Report (so every figure equals /report's for the same week) plus what a manager acts on.

- the headline: NPS ± margin, answers and response rate; its change on the week before and
  on the 12 weeks before it pooled (one NPS of all their answers, so a quiet week weighs
  what it holds), each with whether it is beyond the noise;
- the pillar to fix first: of the pillars whose answers move with NPS (Spearman ρ > 0),
  the one where ρ × (100 − score) is largest: a strong link and a low score, the usual
  importance-performance reading;
- the week's detractors, with their reason and owner; its most positive and most negative
  comment;
- the customers who moved into the high churn-risk band: high at the week's end (or now),
  not at its start, with their top reason and CLV where known.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics import queries as q
from analytics.churn_risk import RiskWeights
from analytics.nps import NpsChange, NpsResult, compare, nps_from_counts
from analytics.periods import Period, previous
from analytics.pillars import KeyDriver, PillarScore
from analytics.report import AtRisk, Report, at_risk, build_pillars
from conversations import schema as tables
from conversations.models import full_name
from conversations.owners import owner_of
from conversations.terms import DETRACTOR_MAX, RECOVERED_MIN

__all__ = [
    "AVERAGE_WEEKS",
    "Comment",
    "Detractor",
    "Focus",
    "WeeklySummary",
    "build_summary",
    "focus_pillar",
]

AVERAGE_WEEKS = 12
REASON_CHARS = 120  # a reason is quoted up to this long: one line on a phone
MAX_DETRACTORS = 5  # listed by name; the rest are counted
MAX_MOVERS = 5
_MOVERS_SCAN = 50  # the riskiest at the week's end looked at for newcomers to the band


class Focus(BaseModel):
    """The pillar to fix first, with the figures that chose it."""

    model_config = ConfigDict(frozen=True)

    score: PillarScore
    driver: KeyDriver
    weeks: int = 1  # read over the week alone, or over it and the weeks before when thin


class Detractor(BaseModel):
    """One detractor answer of the week."""

    model_config = ConfigDict(frozen=True)

    request_id: int
    customer: str
    score: int = Field(ge=0, le=10)
    reason: str | None  # shortened
    owner_id: int | None  # its owner, else the staff member who resolved it
    recovery: RecoveryState = "none"


# Where a detractor's recovery stands (conversations.recovery): none opened, opened with no
# attempt yet, attempt made (re-ask pending), won back, not won back, no answer.
RecoveryState = Literal["none", "open", "attempted", "won", "lost", "no_answer"]


def recovery_state(
    opened: bool, attempted: bool, outcome: str | None, score: int | None
) -> RecoveryState:
    """A recovery's state from its row's facts."""
    if not opened:
        return "none"
    if outcome == "answered" and score is not None:
        return "won" if score >= RECOVERED_MIN else "lost"
    if outcome is not None:
        return "no_answer"
    return "attempted" if attempted else "open"


class Comment(BaseModel):
    """A survey reason quoted as a verbatim."""

    model_config = ConfigDict(frozen=True)

    text: str
    customer: str
    score: int | None
    polarity: float


class WeeklySummary(BaseModel):
    """Everything the weekly summary says about one week."""

    model_config = ConfigDict(frozen=True)

    week: str  # ISO week label, such as 2026-W47
    report: Report  # the week's report: the headline, SLA and team figures come from it
    average: NpsResult  # the AVERAGE_WEEKS weeks before, pooled
    vs_average: NpsChange
    focus: Focus | None
    detractors: list[Detractor]  # lowest score first, at most MAX_DETRACTORS
    detractor_count: int = Field(ge=0)
    best: Comment | None
    worst: Comment | None
    previous_pillars: list[PillarScore] = []  # the week before's, for the chart's change
    movers: list[AtRisk] = []  # moved into high churn risk, riskiest first
    movers_revenue: Decimal | None = None  # their known CLVs added up

    @property
    def vs_previous(self) -> NpsChange:
        """The change on the week before (the report's own comparison)."""
        return self.report.nps.change


def focus_pillar(scores: list[PillarScore], drivers: list[KeyDriver]) -> Focus | None:
    """The pillar linked to NPS (ρ > 0) whose ρ × (100 − score) is largest; None when no
    pillar has both a score and a positive link."""
    by_name = {s.pillar: s for s in scores}
    best: tuple[float, Focus] | None = None
    for driver in drivers:
        score = by_name.get(driver.pillar)
        if driver.rho is None or driver.rho <= 0 or score is None or score.index is None:
            continue
        weight = driver.rho * (100 - score.index)
        if best is None or weight > best[0]:
            best = (weight, Focus(score=score, driver=driver))
    return best[1] if best else None


def _short(text: str) -> str:
    one_line = " ".join(text.split())
    if len(one_line) <= REASON_CHARS:
        return one_line
    return one_line[: REASON_CHARS - 1].rstrip() + "…"


async def _detractors(conn: AsyncConnection, week: Period) -> tuple[list[Detractor], int]:
    s, r, c = tables.surveys.c, tables.requests.c, tables.customers.c
    v = tables.recoveries.c
    q_ = (
        select(
            s.request_id,
            s.score,
            s.reason_text,
            r.assignee_id,
            r.resolved_by,
            r.resolution_source,
            c.first_name,
            c.last_name,
            v.request_id.label("recovery"),
            v.owner_id.label("recovery_owner"),
            v.attempted_at,
            v.reask_outcome,
            v.reask_score,
        )
        .select_from(
            tables.surveys.join(tables.requests, r.id == s.request_id)
            .join(tables.customers, c.id == s.customer_id)
            .outerjoin(tables.recoveries, v.request_id == s.request_id)
        )
        .where(s.scored_at >= week.start, s.scored_at < week.end, s.score <= DETRACTOR_MAX)
        .order_by(s.score, s.scored_at)
    )
    rows = (await conn.execute(q_)).all()
    found = [
        Detractor(
            request_id=int(row.request_id),
            customer=full_name(row.first_name, row.last_name, missing="—"),
            score=int(row.score),
            reason=_short(row.reason_text) if row.reason_text else None,
            owner_id=row.recovery_owner
            if row.recovery_owner is not None
            else owner_of(row.assignee_id, row.resolved_by, row.resolution_source),
            recovery=recovery_state(
                row.recovery is not None,
                row.attempted_at is not None,
                row.reask_outcome,
                row.reask_score,
            ),
        )
        for row in rows[:MAX_DETRACTORS]
    ]
    return found, len(rows)


async def _comment(conn: AsyncConnection, week: Period, *, positive: bool) -> Comment | None:
    s, c = tables.surveys.c, tables.customers.c
    polarity = s.reason_polarity
    q_ = (
        select(s.reason_text, s.score, polarity, c.first_name, c.last_name)
        .select_from(tables.surveys.join(tables.customers, c.id == s.customer_id))
        .where(
            s.reason_at >= week.start,
            s.reason_at < week.end,
            s.reason_text.is_not(None),
            polarity > 0 if positive else polarity < 0,
        )
        .order_by(polarity.desc() if positive else polarity, s.reason_at)
        .limit(1)
    )
    row = (await conn.execute(q_)).first()
    if row is None:
        return None
    return Comment(
        text=_short(row.reason_text),
        customer=full_name(row.first_name, row.last_name, missing="—"),
        score=row.score,
        polarity=float(row.reason_polarity),
    )


async def _movers(
    conn: AsyncConnection, week: Period, now: datetime, tz: ZoneInfo, weights: RiskWeights
) -> list[AtRisk]:
    end = min(week.end, now)
    everyone = q.reads_everyone(weights)
    before = await q.risk_ranking(conn, now=week.start, weights=weights, top_n=0, everyone=everyone)
    after = await q.risk_ranking(
        conn, now=end, weights=weights, top_n=_MOVERS_SCAN, everyone=everyone
    )
    was_high = set(before.high)
    moved = [
        (c, risk) for c, risk in after.top if risk.band == "high" and c.customer_id not in was_high
    ][:MAX_MOVERS]
    ids = [c.customer_id for c, _ in moved]
    clvs = await q.customer_clv(conn, ids, today=end.astimezone(tz).date())
    return [at_risk(c, risk, clvs.get(c.customer_id)) for c, risk in moved]


async def build_summary(
    source: q.Source, report: Report, *, risk_weights: RiskWeights | None = None
) -> WeeklySummary:
    """The weekly summary of the week `report` covers."""
    week = report.period
    pooled = Period(
        start=week.start - timedelta(weeks=AVERAGE_WEEKS),
        end=week.start,
        label=f"{AVERAGE_WEEKS} weeks before {week.label}",
    )
    async with q.connect(source) as conn:
        (counts,) = await q.band_counts_by_period(conn, [pooled])
        before = await build_pillars(conn, previous(week))
        detractors, count = await _detractors(conn, week)
        best = await _comment(conn, week, positive=True)
        worst = await _comment(conn, week, positive=False)
        tz = ZoneInfo(report.timezone)
        weights = risk_weights or RiskWeights()
        movers = await _movers(conn, week, report.generated_at, tz, weights)
        focus = focus_pillar(report.pillars.scores, report.pillars.drivers)
        if focus is None:
            # A small team's week is too thin to rank the pillars: the quarter says more.
            quarter = Period(start=pooled.start, end=week.end, label=f"{pooled.label} +1")
            longer = await build_pillars(conn, quarter)
            found = focus_pillar(longer.scores, longer.drivers)
            if found is not None:
                focus = found.model_copy(update={"weeks": AVERAGE_WEEKS + 1})
    known = [m.clv for m in movers if m.clv is not None]
    average = nps_from_counts(counts.promoters, counts.passives, counts.detractors)
    return WeeklySummary(
        week=week.label,
        report=report,
        average=average,
        vs_average=compare(report.nps.current, average),
        focus=focus,
        detractors=detractors,
        detractor_count=count,
        best=best,
        worst=worst,
        previous_pillars=before.scores,
        movers=movers,
        movers_revenue=sum(known, Decimal(0)) if known else None,
    )
