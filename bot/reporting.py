"""The staff report built with the configured settings, shared by /report and the weekly job."""

from __future__ import annotations

import asyncio

from analytics import render_text
from analytics.periods import Period
from analytics.render_chart import render_dashboard
from analytics.report import Report, build_report
from bot.i18n import t
from bot.services import Services


async def full_report(s: Services, period: Period) -> Report:
    """The whole report of a period, in the staff language, with the configured churn rules."""
    st = s.settings
    return await build_report(
        s.db.engine,
        period,
        now=s.helpdesk.clock.now(),
        tz=st.tz,
        lang=st.staff_language,
        churn_inactivity_days=st.churn_inactivity_days,
        risk_weights=st.risk_weights,
    )


async def dashboard(s: Services, report: Report) -> tuple[bytes, str]:
    """The PNG dashboard and its caption."""
    # Drawing takes a few hundred ms of CPU: keep the event loop serving other chats.
    png = await asyncio.to_thread(render_dashboard, report)
    period = render_text.period_title(report.period, s.settings.tz)
    return png, t(s.settings.staff_language, "report.chart_caption", period=period)
