"""Staff reports in the staff group: /report, /nps, /pillars, /churn, /export, /churned.

Answers go to the same topic; a bad argument gets the usage text, never an exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Literal

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from analytics import render_text
from analytics.html_split import split_html
from analytics.periods import Period, PeriodError, parse_period
from analytics.render_csv import export_csv
from analytics.report import (
    build_churn,
    build_clv,
    build_nps,
    build_pillars,
    build_risk,
)
from bot import render
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.reporting import dashboard, full_report, report_texts, staff_names
from bot.services import Services
from conversations.numbers import parse_int

DEFAULT_PERIOD = "30d"
EXPORTS: tuple[Literal["requests", "surveys", "messages"], ...] = (
    "requests",
    "surveys",
    "messages",
)


async def _send(message: Message, texts: list[str]) -> None:
    """Answer in the same topic; a text too long for one message goes in several."""
    for text in texts:
        for part in split_html(text):
            await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)


Callback = Callable[[Update, CareContext], Coroutine[Any, Any, None]]
PeriodBody = Callable[[Services, Message, Period], Awaitable[None]]


def period_command(name: str) -> Callable[[PeriodBody], Callback]:
    """Turn body(services, message, period) into a command taking an optional period."""

    def wrap(body: PeriodBody) -> Callback:
        async def callback(update: Update, context: CareContext) -> None:
            s = context.services
            message = update.effective_message
            if message is None:
                return
            text = " ".join(context.args or []).strip() or DEFAULT_PERIOD
            try:
                period = parse_period(text, now=s.helpdesk.clock.now(), tz=s.settings.tz)
            except PeriodError as exc:
                usage = t(s.settings.staff_language, "report.usage", command=name)
                await _send(message, [f"⚠️ {render.escape(exc.message)}\n{usage}"])
                return
            await body(s, message, period)

        callback.__doc__ = body.__doc__
        return callback

    return wrap


@period_command("report")
async def report(s: Services, message: Message, period: Period) -> None:
    """Send the report for a period: text summary plus the PNG dashboard."""
    full = await full_report(s, period)
    await _send(message, await report_texts(s, full))
    png, caption = await dashboard(s, full)
    await message.reply_photo(
        InputFile(png, filename="report.png"), caption=caption, do_quote=False
    )


@period_command("nps")
async def nps(s: Services, message: Message, period: Period) -> None:
    """NPS with margin, trend and breakdowns for a period."""
    st = s.settings
    section = await build_nps(s.db.engine, period, now=s.helpdesk.clock.now(), tz=st.tz)
    names = await staff_names(s, section.by_staff)
    lang = st.staff_language
    await _send(message, render_text.render_nps(section, period, st.tz, lang, staff_names=names))


@period_command("pillars")
async def pillars(s: Services, message: Message, period: Period) -> None:
    """The six pillars and their key drivers for a period."""
    st = s.settings
    section = await build_pillars(s.db.engine, period)
    await _send(message, render_text.render_pillars(section, period, st.tz, st.staff_language))


async def churn(update: Update, context: CareContext) -> None:
    """Churn rate, CLV and the top N customers at risk with their reasons."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    st = s.settings
    args = context.args or []
    top: int | None = 10
    if args:
        top = parse_int(args[0], low=1, high=50) if len(args) == 1 else None
    if top is None:
        await _send(message, [t(st.staff_language, "report.usage.churn")])
        return
    now = s.helpdesk.clock.now()
    engine, days = s.db.engine, st.churn_inactivity_days
    risk = await build_risk(engine, now=now, tz=st.tz, top_n=top, weights=st.risk_weights)
    lost = await build_churn(engine, now=now, inactivity_days=days)
    clv = await build_clv(engine, now=now, tz=st.tz, inactivity_days=days)
    await _send(message, render_text.render_churn(risk, lost, st.staff_language, clv=clv))


@period_command("export")
async def export(s: Services, message: Message, period: Period) -> None:
    """Send requests, surveys and messages of a period as CSV documents."""
    st = s.settings
    label = render_text.period_title(period, st.tz).replace(" ", "_").replace("–", "-")
    for kind in EXPORTS:
        data = await export_csv(s.db.engine, kind, period, tz=st.tz)
        rows = max(data.count(b"\r\n") - 1, 0)
        await message.reply_document(
            InputFile(data, filename=f"{kind}_{label}.csv"),
            caption=t(st.staff_language, "report.export_caption", kind=kind, n=rows),
            do_quote=False,
        )


async def churned(update: Update, context: CareContext) -> None:
    """Mark a customer as lost (counts in the churn rate from now on)."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    lang = s.settings.staff_language
    query = " ".join(context.args or []).strip()
    if not query:
        await _send(message, [t(lang, "report.usage.churned")])
        return
    cards = await s.helpdesk.whois(query)
    if not cards:
        await _send(message, [t(lang, "staff.whois.none", query=render.escape(query))])
        return
    if len(cards) > 1:
        await _send(message, [t(lang, "report.ambiguous", query=render.escape(query))])
        return
    customer = cards[0].customer
    name = render.escape(customer.full_name)
    changed = await s.helpdesk.mark_churned(customer.id)
    key = "report.churned" if changed else "report.churned_already"
    await _send(message, [t(lang, key, name=name)])


def register(app: CareApp, staff_chat_id: int) -> None:
    """Add the report commands; they answer only in the configured staff chat."""
    staff = filters.Chat(chat_id=staff_chat_id)
    for name, callback in (
        ("report", report),
        ("nps", nps),
        ("pillars", pillars),
        ("churn", churn),
        ("export", export),
        ("churned", churned),
    ):
        # Editing an old command must not run it again.
        app.add_handler(CommandHandler(name, callback, filters=staff & ~filters.UpdateType.EDITED))
