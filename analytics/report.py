"""The report: pydantic models of every figure, built from the aggregate queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from analytics import queries as q
from analytics.churn_risk import RiskScore, RiskWeights, score_risk
from analytics.lang import Lang
from analytics.nps import NpsChange, NpsResult, compare, nps_from_counts, response_rate
from analytics.periods import Period, previous, weeks_back
from analytics.pillars import (
    KeyDriver,
    PillarScore,
    driver_order,
    key_driver_counts,
    pillar_index,
)
from analytics.recovery import RecoverySection, build_recovery
from analytics.service_times import ServiceTimes
from analytics.sla import SlaSection, build_sla
from analytics.team import DEFAULT_MIN_ANSWERS, TeamSection, build_team
from conversations.models import full_name
from conversations.terms import PILLARS

__all__ = [
    "AtRisk",
    "ChurnSection",
    "ClvSection",
    "NpsBreakdown",
    "NpsPoint",
    "NpsSection",
    "PillarMention",
    "PillarsSection",
    "Report",
    "RiskSection",
    "WeekNps",
    "WhoisExtras",
    "at_risk",
    "build_churn",
    "build_nps",
    "build_pillars",
    "build_report",
    "build_risk",
    "build_whois_extras",
]

TREND_WEEKS = 12


class NpsBreakdown(BaseModel):
    """NPS of one slice of the answers: a language, or the staff member who resolved."""

    model_config = ConfigDict(frozen=True)

    # language code, the staff member's Telegram id ("" = customer or auto), or the staff
    # group's chat id
    key: str
    result: NpsResult


class WeekNps(BaseModel):
    """NPS of one Monday-start week of the trend."""

    model_config = ConfigDict(frozen=True)

    label: str  # ISO week, such as 2026-W47
    start: AwareDatetime
    result: NpsResult


class NpsSection(BaseModel):
    """NPS of the period, its change against the previous one, breakdowns and trend."""

    model_config = ConfigDict(frozen=True)

    current: NpsResult
    previous: NpsResult
    change: NpsChange
    sent: int = Field(ge=0)
    answered: int = Field(ge=0)
    response_rate: float | None
    distribution: list[int]  # answers per score 0..10
    by_language: list[NpsBreakdown]
    by_staff: list[NpsBreakdown]
    weekly: list[WeekNps]
    by_group: list[NpsBreakdown] = []  # empty with a single staff group


class PillarMention(BaseModel):
    """How often a pillar came up in free texts, and with what mean polarity."""

    model_config = ConfigDict(frozen=True)

    pillar: str
    mentions: int = Field(ge=0)
    polarity: float | None = Field(default=None, ge=-1, le=1)


class PillarsSection(BaseModel):
    """The six pillars: answer scores, text mentions and key drivers."""

    model_config = ConfigDict(frozen=True)

    scores: list[PillarScore]
    mentions: list[PillarMention]
    drivers: list[KeyDriver]


class ChurnSection(BaseModel):
    """Churn rate over the 12 months before the report."""

    model_config = ConfigDict(frozen=True)

    start: AwareDatetime
    end: AwareDatetime
    inactivity_days: int
    lost: int = Field(ge=0)
    average_customers: float | None
    rate: float | None


class ClvSection(BaseModel):
    """Customer lifetime value where revenue and acquisition cost were imported."""

    model_config = ConfigDict(frozen=True)

    customers: int = Field(ge=0)
    known: int = Field(ge=0)
    total: Decimal | None
    average: Decimal | None


class AtRisk(BaseModel):
    """One customer at risk of churning, with the reasons."""

    model_config = ConfigDict(frozen=True)

    customer_id: int
    telegram_user_id: int | None
    name: str
    username: str | None
    language: str
    risk: RiskScore
    clv: Decimal | None


class RiskSection(BaseModel):
    """The customers most at risk and the revenue the high-risk ones stand for."""

    model_config = ConfigDict(frozen=True)

    scored: int = Field(ge=0)  # active customers whose risk was computed
    high: int = Field(ge=0)  # of them, in the high band
    top: list[AtRisk]
    revenue_at_risk: Decimal | None  # sum of the known CLVs of high-risk customers
    revenue_known: int = Field(ge=0)  # high-risk customers whose CLV is known
    as_of: AwareDatetime | None = None  # when scored, if read from a snapshot; None: live


class Report(BaseModel):
    """Everything /report and the weekly summary show, for one period."""

    model_config = ConfigDict(frozen=True)

    period: Period
    first_day: date  # local calendar days the period covers
    last_day: date
    timezone: str
    lang: Lang
    generated_at: AwareDatetime
    nps: NpsSection
    pillars: PillarsSection
    service: ServiceTimes
    churn: ChurnSection
    clv: ClvSection
    risk: RiskSection
    team: TeamSection = TeamSection(staff=[], saved_replies=[], min_answers=DEFAULT_MIN_ANSWERS)
    sla: SlaSection = SlaSection()
    recovery: RecoverySection = RecoverySection()
    texts_since: AwareDatetime | None = None  # CAREBOT_RETENTION_DAYS: older texts are erased

    @property
    def empty(self) -> bool:
        """Return whether the period holds no answer, request or message mention at all."""
        return (
            self.nps.current.n == 0
            and self.nps.sent == 0
            and self.service.opened == 0
            and self.service.resolved == 0
            and all(s.n == 0 for s in self.pillars.scores)
            and all(m.mentions == 0 for m in self.pillars.mentions)
        )


class NpsPoint(BaseModel):
    """One NPS answer of a customer."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime
    score: int = Field(ge=0, le=10)


class WhoisExtras(BaseModel):
    """What /whois adds about one customer: NPS history, churn risk and CLV."""

    model_config = ConfigDict(frozen=True)

    history: list[NpsPoint]  # newest first
    risk: RiskScore | None
    clv: Decimal | None


def _clamp(polarity: float) -> float:
    """Keep a mean polarity in −1..1 despite floating-point sums."""
    return min(1.0, max(-1.0, polarity))


def _nps(counts: q.BandCounts) -> NpsResult:
    return nps_from_counts(counts.promoters, counts.passives, counts.detractors)


async def build_nps(source: q.Source, period: Period, *, now: datetime, tz: ZoneInfo) -> NpsSection:
    """Return the NPS section: the period, the change, breakdowns and a 12-week trend."""
    async with q.connect(source) as conn:
        figures = await q.nps_figures(conn, period)
        (before,) = await q.band_counts_by_period(conn, [previous(period)])
        weeks = weeks_back(now, tz, TREND_WEEKS)
        weekly = await q.band_counts_by_period(conn, weeks)
        groups = await q.nps_by_group(conn, period)
    current = _nps(figures.bands)
    prior = _nps(before)
    return NpsSection(
        current=current,
        previous=prior,
        change=compare(current, prior),
        sent=figures.sent,
        answered=figures.answered,
        response_rate=response_rate(figures.answered, figures.sent),
        distribution=figures.distribution,
        by_language=[
            NpsBreakdown(key=language, result=_nps(counts))
            for language, counts in sorted(figures.by_language.items(), key=lambda i: -i[1].n)
        ],
        by_staff=[
            NpsBreakdown(key="" if staff is None else str(staff), result=_nps(counts))
            for staff, counts in sorted(
                figures.by_staff.items(), key=lambda i: (-i[1].n, i[0] is None, i[0] or 0)
            )
        ],
        weekly=[
            WeekNps(label=week.label, start=week.start, result=_nps(counts))
            for week, counts in zip(weeks, weekly, strict=True)
        ],
        by_group=[
            NpsBreakdown(key=str(group), result=_nps(counts))
            for group, counts in sorted(groups.items(), key=lambda i: (-i[1].n, i[0]))
        ],
    )


async def build_pillars(source: q.Source, period: Period) -> PillarsSection:
    """Return the six pillars' answer scores, text mentions and key drivers."""
    figures = await q.pillar_figures(source, period)
    # The six pillars always, in their fixed order; any other name found is kept after.
    found = (set(figures.answers) | set(figures.mentions) | set(figures.driver_counts)) - {None}
    names = [*PILLARS, *sorted(found - set(PILLARS))]
    scores = [pillar_index(*figures.answers.get(p, (0, 0, 0)), pillar=p) for p in names]
    mentions = [
        PillarMention(
            pillar=p, mentions=figures.mentions[p][0], polarity=_clamp(figures.mentions[p][1])
        )
        if p in figures.mentions
        else PillarMention(pillar=p, mentions=0)
        for p in names
    ]
    drivers = sorted(
        (key_driver_counts(p, figures.driver_counts.get(p, {})) for p in names),
        key=driver_order,
    )
    return PillarsSection(scores=scores, mentions=mentions, drivers=drivers)


async def build_churn(
    source: q.Source, *, now: datetime, inactivity_days: int = 180
) -> ChurnSection:
    """Return the 12-month churn rate."""
    figures = await q.churn_figures(source, now=now, inactivity_days=inactivity_days)
    return ChurnSection(
        start=figures.start,
        end=figures.end,
        inactivity_days=inactivity_days,
        lost=figures.lost,
        average_customers=figures.average_customers,
        rate=figures.rate,
    )


async def build_clv(
    source: q.Source, *, now: datetime, tz: ZoneInfo, inactivity_days: int = 180
) -> ClvSection:
    """Return the CLV of active customers whose figures were imported."""
    figures = await q.clv_figures(
        source, today=now.astimezone(tz).date(), now=now, inactivity_days=inactivity_days
    )
    return ClvSection(
        customers=figures.customers,
        known=figures.known,
        total=figures.total,
        average=figures.average,
    )


def at_risk(customer: q.CustomerRisk, risk: RiskScore, clv: Decimal | None) -> AtRisk:
    """A scored customer as reports list them."""
    return AtRisk(
        customer_id=customer.customer_id,
        telegram_user_id=customer.telegram_user_id,
        name=full_name(customer.first_name, customer.last_name, missing="—"),
        username=customer.username,
        language=customer.language,
        risk=risk,
        clv=clv,
    )


async def build_risk(
    source: q.Source,
    *,
    now: datetime,
    tz: ZoneInfo,
    top_n: int = 3,
    weights: RiskWeights | None = None,
) -> RiskSection:
    """Return the top `top_n` customers by churn risk and the revenue at risk."""
    if top_n < 0:
        raise ValueError("top_n cannot be negative")
    async with q.connect(source) as conn:
        weights = weights or RiskWeights()
        everyone = q.reads_everyone(weights)
        # Scores everyone risk_signals reads, but builds the explained score only for
        # the top: the high count and revenue are exact (q.risk_ranking).
        ranking = await q.risk_ranking(
            conn, now=now, weights=weights, top_n=top_n, everyone=everyone
        )
        top = ranking.top
        wanted = set(ranking.high) | {c.customer_id for c, _ in top}
        clvs = await q.customer_clv(conn, wanted, today=now.astimezone(tz).date())
    known = [v for cid in ranking.high if (v := clvs.get(cid)) is not None]
    return RiskSection(
        scored=ranking.scored,
        high=len(ranking.high),
        top=[at_risk(c, risk, clvs.get(c.customer_id)) for c, risk in top],
        revenue_at_risk=sum(known, Decimal(0)) if known else None,
        revenue_known=len(known),
    )


def _local_days(period: Period, tz: ZoneInfo) -> tuple[date, date]:
    """Return the first and last local calendar day a period touches."""
    last = (period.end - timedelta(microseconds=1)).astimezone(tz).date()
    return period.start.astimezone(tz).date(), last


async def build_report(
    engine: q.Source,
    period: Period,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: Lang,
    churn_inactivity_days: int = 180,
    risk_weights: RiskWeights | None = None,
    top_n: int = 3,
    risk: RiskSection | None = None,
    min_answers: int = DEFAULT_MIN_ANSWERS,
    business_hours: bool = False,
    texts_since: datetime | None = None,
) -> Report:
    """Return the whole report for `period`, every query on one connection.

    `risk` is a risk section already at hand (analytics.risk_snapshot); without it the
    risk of every customer is scored now. `business_hours`: the team keeps hours, so the
    report adds the service times counted in business hours.
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    first_day, last_day = _local_days(period, tz)
    async with q.connect(engine) as conn:
        nps = await build_nps(conn, period, now=now, tz=tz)
        pillars = await build_pillars(conn, period)
        service = await q.service_figures(conn, period, now=now)
        churn = await build_churn(conn, now=now, inactivity_days=churn_inactivity_days)
        clv = await build_clv(conn, now=now, tz=tz, inactivity_days=churn_inactivity_days)
        if risk is None:
            risk = await build_risk(conn, now=now, tz=tz, top_n=top_n, weights=risk_weights)
        team = await build_team(conn, period, min_answers=min_answers)
        recovery = await build_recovery(conn, period)
        sla = await build_sla(conn, period, now=now, business_hours=business_hours)
    return Report(
        period=period,
        first_day=first_day,
        last_day=last_day,
        timezone=tz.key,
        lang=lang,
        generated_at=now,
        texts_since=texts_since,
        nps=nps,
        pillars=pillars,
        service=service,
        churn=churn,
        clv=clv,
        risk=risk,
        team=team,
        recovery=recovery,
        sla=sla,
    )


async def build_whois_extras(
    source: q.Source,
    customer_id: int,
    *,
    now: datetime,
    tz: ZoneInfo,
    weights: RiskWeights | None = None,
    history: int = 5,
) -> WhoisExtras:
    """Return one customer's latest NPS answers, churn risk and CLV."""
    async with q.connect(source) as conn:
        answers = await q.customer_nps_history(conn, customer_id, limit=history)
        found = await q.risk_signals(conn, now=now, customer_id=customer_id)
        clvs = await q.customer_clv(conn, [customer_id], today=now.astimezone(tz).date())
    return WhoisExtras(
        history=[NpsPoint(at=at, score=score) for at, score in answers],
        risk=score_risk(found[0].signals, weights) if found else None,
        clv=clvs.get(customer_id),
    )
