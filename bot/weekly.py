"""The weekly summary: each manager gets last week's summary (bot.summary: what to act
on, in one message) and its chart in a private chat, once.

The job runs every half hour; from Monday at CAREBOT_WEEKLY_SUMMARY_HOUR (local time) it
sends the last full Monday–Sunday week to every manager who has not had it. The ledger in
the database (conversations.weekly) is claimed before sending, so restarts, catch-ups after
downtime and a second replica never send a week twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from telegram.error import TelegramError

from analytics.html_split import split_html
from analytics.lang import Lang, as_lang
from analytics.periods import iso_week_of
from bot.i18n import t
from bot.services import Services
from bot.summary import weekly_summary
from conversations.weekly import WeeklySummaries, last_full_week

log = logging.getLogger(__name__)

CHECK_SECONDS = 30 * 60


def due_week(s: Services, now: datetime) -> datetime | None:
    """The Monday (as a local midnight) of the week to send now, or None before send time."""
    tz = s.settings.tz
    week = last_full_week(now, tz)
    send_from = datetime.combine(
        week + timedelta(days=7), time(s.settings.weekly_summary_hour), tzinfo=tz
    )
    if now < send_from:
        return None
    return datetime.combine(week, time(0), tzinfo=tz)


@dataclass
class WeekSent:
    """What sending one week's summary did, per manager."""

    sent: list[int] = field(default_factory=list)
    had_it: list[int] = field(default_factory=list)  # sent before (or being sent): not again
    failed: dict[int, str] = field(default_factory=dict)  # the reason, tried again later


async def send_weekly_summaries(s: Services) -> int:
    """Send the due weekly summary to every subscribed manager who has not had it, in
    their language; return how many."""
    if not s.settings.manager_ids:
        return 0
    now = s.helpdesk.clock.now()
    monday = due_week(s, now)
    if monday is None:
        return 0
    return len((await send_week(s, monday.date(), now)).sent)


async def send_week(s: Services, week: date, now: datetime) -> WeekSent:
    """Send the summary of the week starting on Monday `week` to every subscribed manager
    who has not had it (the job, and `carebot summary --send`)."""
    st = s.settings
    ledger = WeeklySummaries(s.db, s.helpdesk.clock)
    recipients = await s.subscriptions.recipients(st.manager_ids)
    outcome = WeekSent()
    claimed: list[int] = []
    for manager in recipients:
        (claimed if await ledger.claim(week, manager) else outcome.had_it).append(manager)
    if not claimed:
        return outcome
    period = iso_week_of(week, st.tz)
    groups = {g.chat_id: g.name for g in st.routing.groups}
    built = await weekly_summary(s.db, st, period, now, group_names=groups)
    charts: dict[Lang, bytes] = {}  # one per language the managers speak
    for manager in claimed:
        try:
            lang = as_lang(recipients[manager], st.staff_language)
            if lang not in charts:
                charts[lang] = await built.chart(lang)
            caption = t(lang, "weekly.chart_caption", week=period.label)
            await s.relay.to_manager(
                manager, split_html(built.html(lang)), charts[lang], f"week-{week}.png", caption
            )
        except TelegramError as exc:
            # Typically the manager never pressed Start: the next run tries again.
            log.warning("weekly summary to manager %s failed: %s", manager, exc)
            await ledger.mark(week, manager, error=str(exc))
            outcome.failed[manager] = str(exc)
            continue
        await ledger.mark(week, manager)
        outcome.sent.append(manager)
    return outcome
