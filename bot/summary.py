"""The weekly summary's one builder: the week's report, the summary on it, and its text
with staff and groups named. The weekly job sends it, `carebot summary` prints it: the
preview is what managers get."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from analytics import chart_process
from analytics.lang import Lang
from analytics.periods import Period
from analytics.render_summary import render_summary
from analytics.report import RiskSection
from analytics.summary import WeeklySummary, build_summary
from bot.reporting import report_with
from bot.settings import ReportSettings
from conversations import staff_members
from conversations.store import Database


@dataclass(frozen=True, slots=True)
class SummaryText:
    """A built summary, ready to render in each manager's language."""

    summary: WeeklySummary
    brand: str
    names: Mapping[int, str]  # staff members and staff groups by Telegram id
    lang: Lang  # the default language

    def html(self, lang: Lang | None = None) -> str:
        """The summary as Telegram HTML in `lang` (default: the one it was built for)."""
        return render_summary(self.summary, self.brand, lang or self.lang, self.names)

    async def chart(self, lang: Lang | None = None) -> bytes:
        """The summary's PNG (NPS trend, pillars with their change), drawn in a child
        process (analytics.chart_process)."""
        return await chart_process.draw("summary", self.summary, lang or self.lang)


async def weekly_summary(
    db: Database,
    settings: ReportSettings,
    week: Period,
    now: datetime,
    *,
    lang: Lang | None = None,
    risk: RiskSection | None = None,
    group_names: Mapping[int, str] | None = None,
) -> SummaryText:
    """The summary of one ISO week (iso_week) in `lang` (default: the staff language);
    `group_names` names the staff groups by chat id."""
    report = await report_with(db.engine, settings, week, now, risk=risk)
    summary = await build_summary(db.engine, report, risk_weights=settings.risk_weights)
    ids = [f.user_id for f in report.team.staff if f.user_id is not None]
    ids += [d.owner_id for d in summary.detractors if d.owner_id is not None]
    async with db.read() as repo:
        known = await staff_members.members(repo.conn, ids)
    names = {uid: member.full_name for uid, member in known.items()}
    names.update(group_names or {})
    return SummaryText(summary, settings.brand_name, names, lang or settings.staff_language)
