"""The reports service: every report the bot shows, built with the configured settings.

Handlers and the weekly job ask it for texts, files and charts; only it reaches the
database engine and the clock for reports, so no handler decides how a report is built.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from analytics import chart_process, render_text
from analytics.periods import Period, parse_period
from analytics.render_csv import EXPORTS, export_csv
from analytics.render_tag import render_tag_report
from analytics.report import (
    NpsBreakdown,
    Report,
    RiskSection,
    build_churn,
    build_clv,
    build_nps,
    build_pillars,
    build_report,
    build_risk,
    build_whois_extras,
)
from analytics.risk_snapshot import fresh_risk, refresh_risk
from analytics.tag_report import build_tag_report
from bot import malloc
from bot.i18n import t
from bot.settings import ReportSettings, Settings
from conversations.clock import Clock
from conversations.db import create_engine
from conversations.helpdesk import HelpDesk
from conversations.store import Database


async def report_with(
    engine: AsyncEngine,
    settings: ReportSettings,
    period: Period,
    now: datetime,
    *,
    risk: RiskSection | None = None,
) -> Report:
    """The whole report of a period with the configured language, zone and churn rules
    (the bot's /report and weekly summary, and `carebot report`)."""
    return await build_report(
        engine,
        period,
        now=now,
        tz=settings.tz,
        lang=settings.staff_language,
        churn_inactivity_days=settings.churn_inactivity_days,
        risk_weights=settings.risk_weights,
        risk=risk,
        min_answers=settings.report_min_answers,
        business_hours=not settings.calendar().always_open,
        texts_since=now - timedelta(days=settings.retention_days)
        if settings.retention_days
        else None,
    )


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One CSV file of an export, ready to send."""

    filename: str
    data: bytes
    caption: str


class Reports:
    """Reports for staff and managers, in the staff language and time zone."""

    def __init__(self, db: Database, clock: Clock, settings: Settings, helpdesk: HelpDesk) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.helpdesk = helpdesk

    def period(self, text: str) -> Period:
        """The period a command names ("7d", "2026-10", "A..B"); PeriodError if none."""
        return parse_period(text, now=self.clock.now(), tz=self.settings.tz)

    async def full(self, period: Period) -> Report:
        """The whole report of a period, with the configured churn rules; the risk list is
        the background snapshot while fresh."""
        st = self.settings
        now = self.clock.now()
        risk = None
        if st.risk_refresh_minutes:
            # The background refresh runs every risk_refresh_minutes; one missed run is fine.
            max_age = timedelta(minutes=2 * st.risk_refresh_minutes)
            risk = await fresh_risk(
                self.db.engine, now=now, weights=st.risk_weights, max_age=max_age, top_n=3
            )
        return await report_with(self.db.engine, st, period, now, risk=risk)

    async def texts(self, report: Report) -> list[str]:
        """The report as Telegram HTML messages, staff and staff groups shown by name."""
        team = [f.user_id for f in report.team.staff if f.user_id is not None]
        team += [int(b.key) for b in report.sla.by_staff if b.key]
        team += [owner for owner, _ in report.recovery.by_staff if owner is not None]
        names = await self._staff_names(report.nps.by_staff, team)
        return render_text.render_report(report, staff_names=names)

    async def tagged(self, period: Period, tag: str) -> list[str]:
        """/report PERIOD tag:x: the figures of the requests with that tag."""
        st = self.settings
        found = await build_tag_report(
            self.db.engine,
            period,
            tag,
            now=self.clock.now(),
            tz=st.tz,
            lang=st.staff_language,
            min_answers=st.report_min_answers,
        )
        names = await self._staff_names([], [f.user_id for f in found.team.staff if f.user_id])
        return render_tag_report(found, names)

    async def dashboard(self, report: Report) -> tuple[bytes, str]:
        """The PNG dashboard and its caption."""
        # Drawn in a child process: matplotlib and numpy (about 30 MB) never load here.
        png = await chart_process.draw("dashboard", report)
        title = render_text.period_title(report.period, self.settings.tz)
        return png, t(self.settings.staff_language, "report.chart_caption", period=title)

    async def nps(self, period: Period) -> list[str]:
        """The /nps answer."""
        st = self.settings
        section = await build_nps(self.db.engine, period, now=self.clock.now(), tz=st.tz)
        names = await self._staff_names(section.by_staff)
        return render_text.render_nps(section, period, st.tz, st.staff_language, staff_names=names)

    async def pillars(self, period: Period) -> list[str]:
        """The /pillars answer."""
        st = self.settings
        section = await build_pillars(self.db.engine, period)
        return render_text.render_pillars(section, period, st.tz, st.staff_language)

    async def churn(self, top: int) -> list[str]:
        """The /churn answer: churn rate, CLV and the `top` customers at risk, scored live."""
        st, now, engine = self.settings, self.clock.now(), self.db.engine
        days = st.churn_inactivity_days
        risk = await build_risk(engine, now=now, tz=st.tz, top_n=top, weights=st.risk_weights)
        lost = await build_churn(engine, now=now, inactivity_days=days)
        clv = await build_clv(engine, now=now, tz=st.tz, inactivity_days=days)
        return render_text.render_churn(risk, lost, st.staff_language, clv=clv)

    async def exports(self, period: Period) -> list[ExportFile]:
        """Requests, surveys and messages of a period as CSV files."""
        st = self.settings
        label = render_text.period_title(period, st.tz).replace(" ", "_").replace("–", "-")
        files = []
        for kind in EXPORTS:
            data = await export_csv(self.db.engine, kind, period, tz=st.tz)
            rows = max(data.count(b"\r\n") - 1, 0)
            caption = t(st.staff_language, "report.export_caption", kind=kind, n=rows)
            files.append(ExportFile(f"{kind}_{label}.csv", data, caption))
        return files

    async def whois_extras(self, customer_id: int) -> str:
        """What /whois adds to a customer card: recent NPS answers, churn risk, CLV."""
        st = self.settings
        extras = await build_whois_extras(
            self.db.engine, customer_id, now=self.clock.now(), tz=st.tz, weights=st.risk_weights
        )
        return render_text.render_whois_extras(extras, st.staff_language, st.tz)

    async def refresh_risk_snapshot(self) -> None:
        """Score churn risk now and store it for the reports of the next few minutes.

        Scoring tens of thousands of customers is about a second of Python: it runs in a
        worker thread, with its own event loop and connection, so the bot keeps answering.
        """
        st = self.settings
        now: datetime = self.clock.now()

        async def refresh() -> None:
            engine = create_engine(st.database_url)
            try:
                await refresh_risk(engine, now=now, tz=st.tz, weights=st.risk_weights)
            finally:
                await engine.dispose()

        await asyncio.to_thread(asyncio.run, refresh())
        malloc.trim()  # the scoring's rows and objects are freed: give the memory back

    async def _staff_names(
        self, by_staff: list[NpsBreakdown], more: Sequence[int] = ()
    ) -> dict[int, str]:
        """Names for the staff ids of an NPS "by staff member" breakdown (and `more`), and
        of every staff group (by its chat id: Telegram's group ids are negative, users'
        positive)."""
        ids = [int(b.key) for b in by_staff if b.key.lstrip("-").isdigit()] + list(more)
        names = await self.helpdesk.staff_names(ids)
        names.update({g.chat_id: g.name for g in self.settings.routing.groups})
        return names
