"""The staff report built with the configured settings, shared by /report and the weekly job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from analytics import render_text
from analytics.periods import Period
from analytics.render_chart import render_dashboard
from analytics.report import NpsBreakdown, Report, build_report
from analytics.risk_snapshot import fresh_risk, refresh_risk
from bot.i18n import t
from bot.services import Services
from conversations.db import create_engine


async def full_report(s: Services, period: Period) -> Report:
    """The whole report of a period, in the staff language, with the configured churn rules."""
    st = s.settings
    now = s.helpdesk.clock.now()
    risk = None
    if st.risk_refresh_minutes:
        # The background refresh runs every risk_refresh_minutes; one missed run is fine.
        max_age = timedelta(minutes=2 * st.risk_refresh_minutes)
        risk = await fresh_risk(
            s.db.engine, now=now, weights=st.risk_weights, max_age=max_age, top_n=3
        )
    return await build_report(
        s.db.engine,
        period,
        now=now,
        tz=st.tz,
        lang=st.staff_language,
        churn_inactivity_days=st.churn_inactivity_days,
        risk_weights=st.risk_weights,
        risk=risk,
    )


async def refresh_risk_snapshot(s: Services) -> None:
    """Score churn risk now and store it for the reports of the next few minutes.

    Scoring tens of thousands of customers is about a second of Python: it runs in a
    worker thread, with its own event loop and connection, so the bot keeps answering.
    """
    st = s.settings
    now = s.helpdesk.clock.now()

    async def refresh() -> None:
        engine = create_engine(st.database_url)
        try:
            await refresh_risk(engine, now=now, tz=st.tz, weights=st.risk_weights)
        finally:
            await engine.dispose()

    await asyncio.to_thread(asyncio.run, refresh())


async def staff_names(s: Services, by_staff: list[NpsBreakdown]) -> dict[int, str]:
    """Names for the staff ids of an NPS "by staff member" breakdown."""
    ids = [int(b.key) for b in by_staff if b.key.lstrip("-").isdigit()]
    return await s.helpdesk.staff_names(ids)


async def report_texts(s: Services, report: Report) -> list[str]:
    """The report as Telegram HTML messages, staff shown by name."""
    return render_text.render_report(report, staff_names=await staff_names(s, report.nps.by_staff))


async def dashboard(s: Services, report: Report) -> tuple[bytes, str]:
    """The PNG dashboard and its caption."""
    # Drawing takes a few hundred ms of CPU: keep the event loop serving other chats.
    png = await asyncio.to_thread(render_dashboard, report)
    period = render_text.period_title(report.period, s.settings.tz)
    return png, t(s.settings.staff_language, "report.chart_caption", period=period)
