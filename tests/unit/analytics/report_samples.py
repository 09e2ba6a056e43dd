"""Reports built by hand (no database) for the renderer tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from analytics.churn_risk import RiskSignals, score_risk
from analytics.lang import Lang
from analytics.nps import compare, nps_from_counts
from analytics.periods import parse_period, weeks_back
from analytics.pillars import key_drivers, pillar_index, pillar_score
from analytics.report import (
    AtRisk,
    ChurnSection,
    ClvSection,
    NpsBreakdown,
    NpsSection,
    PillarMention,
    PillarsSection,
    Report,
    RiskSection,
    WeekNps,
)
from analytics.service_times import service_times
from conversations.terms import PILLARS

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
ROME = ZoneInfo("Europe/Rome")


def sample_report(
    *,
    lang: Lang = "en",
    empty: bool = False,
    at_risk: int = 2,
    name: str = "Maria <b>&",
    n: int = 10,
) -> Report:
    """A report over the 30 days before NOW; `empty` gives one with no data at all."""
    period = parse_period("30d", now=NOW, tz=ROME)
    weeks = weeks_back(NOW, ROME, 12)
    if empty:
        current = previous = nps_from_counts(0, 0, 0)
    else:  # n answers split 5:2:3 like promoters, passives and detractors
        current = nps_from_counts(n // 2, n // 5, n - n // 2 - n // 5)
        previous = nps_from_counts(1, 1, 8)
    risk = score_risk(
        RiskSignals(last_nps=2, previous_nps=9, open_requests=1, churn_words=["disdetta"])
    )
    top = [
        AtRisk(
            customer_id=i,
            telegram_user_id=1000 + i,
            name=f"{name} {i}",
            username="user<x>",
            language="it",
            risk=risk,
            clv=Decimal("4000.00") if i % 2 else None,
        )
        for i in range(0 if empty else at_risk)
    ]
    answers = {} if empty else {"resolution": [5, 4, 3], "empathy": [2]}
    return Report(
        period=period,
        first_day=date(2026, 10, 24),
        last_day=date(2026, 11, 23),
        timezone="Europe/Rome",
        lang=lang,
        generated_at=NOW,
        nps=NpsSection(
            current=current,
            previous=previous,
            change=compare(current, previous),
            sent=0 if empty else n + 1,
            answered=0 if empty else n,
            response_rate=None if empty else n / (n + 1),
            distribution=[0] * 11 if empty else [1, 0, 0, 0, 0, 1, 1, 1, 1, 2, 3],
            by_language=[]
            if empty
            else [
                NpsBreakdown(key="it", result=nps_from_counts(5, 0, 0)),
                NpsBreakdown(key="en", result=nps_from_counts(0, 2, 3)),
            ],
            by_staff=[]
            if empty
            else [
                NpsBreakdown(key="900", result=nps_from_counts(5, 0, 0)),
                NpsBreakdown(key="", result=nps_from_counts(0, 2, 3)),
            ],
            weekly=[
                WeekNps(
                    label=w.label,
                    start=w.start,
                    result=nps_from_counts(0, 0, 0)
                    if empty or i % 3 == 0
                    else nps_from_counts(i, 2, 3),
                )
                for i, w in enumerate(weeks)
            ],
        ),
        pillars=PillarsSection(
            scores=[
                pillar_score(p, answers[p]) if p in answers else pillar_index(0, 0, 0, pillar=p)
                for p in PILLARS
            ],
            mentions=[
                PillarMention(pillar=p, mentions=3, polarity=-0.6)
                if p == "time_and_effort" and not empty
                else PillarMention(pillar=p, mentions=0)
                for p in PILLARS
            ],
            drivers=key_drivers(
                {"resolution": [] if empty else [(5.0, 10.0), (4.0, 8.0), (3.0, 2.0)]}
            ),
        ),
        service=service_times(
            opened=0 if empty else 14,
            resolved=0 if empty else 4,
            backlog=0 if empty else 11,
            first_response_seconds=[] if empty else [60, 300, 600, 3600],
            resolution_seconds=[] if empty else [1000, 2000, 3000, 4000],
            reopened=0 if empty else 1,
            auto_resolved=0 if empty else 1,
        ),
        churn=ChurnSection(
            start=NOW - timedelta(days=365),
            end=NOW,
            inactivity_days=180,
            lost=0 if empty else 3,
            average_customers=None if empty else 152 / 13,
            rate=None if empty else 39 / 152,
        ),
        clv=ClvSection(
            customers=0 if empty else 4,
            known=0 if empty else 2,
            total=None if empty else Decimal("4399.97"),
            average=None if empty else Decimal("2199.99"),
        ),
        risk=RiskSection(
            scored=len(top),
            high=len(top),
            top=top,
            revenue_at_risk=None if empty else Decimal("4000.00"),
            revenue_known=0 if empty else 1,
        ),
    )
