"""Staff reports in the staff group: /report, /nps, /pillars, /churn, /export, /churned.

Answers go to the same topic; a bad argument gets the usage text, never an exception.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from telegram import InputFile, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from analytics.html_split import split_html
from analytics.periods import Period, PeriodError
from bot import render
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.services import Services
from conversations.keys import normal_key
from conversations.models import Found, NotFound
from conversations.numbers import parse_int

DEFAULT_PERIOD = "30d"


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
                period = s.reports.period(text)
            except PeriodError as exc:
                usage = t(s.settings.staff_language, "report.usage", command=name)
                await _send(message, [f"⚠️ {render.escape(exc.message)}\n{usage}"])
                return
            await body(s, message, period)

        callback.__doc__ = body.__doc__
        return callback

    return wrap


async def report(update: Update, context: CareContext) -> None:
    """/report [period] [tag:x]: the whole report (text and PNG dashboard), or the
    headline figures of the requests with one tag."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    lang = s.settings.staff_language
    args = context.args or []
    tags = [a for a in args if a.lower().startswith("tag:")]
    rest = " ".join(a for a in args if a not in tags).strip() or DEFAULT_PERIOD
    tag = normal_key(tags[0][4:]) if len(tags) == 1 else None
    try:
        period = s.reports.period(rest)
    except PeriodError as exc:
        usage = t(lang, "report.usage", command="report")
        await _send(message, [f"⚠️ {render.escape(exc.message)}\n{usage}"])
        return
    if tags and tag is None:
        await _send(message, [t(lang, "report.usage.tag")])
        return
    if tag is not None:
        await _send(message, await s.reports.tagged(period, tag))
        return
    await _whole_report(s, message, period)


async def _whole_report(s: Services, message: Message, period: Period) -> None:
    full = await s.reports.full(period)
    await _send(message, await s.reports.texts(full))
    png, caption = await s.reports.dashboard(full)
    await message.reply_photo(
        InputFile(png, filename="report.png"), caption=caption, do_quote=False
    )


@period_command("nps")
async def nps(s: Services, message: Message, period: Period) -> None:
    """NPS with margin, trend and breakdowns for a period."""
    await _send(message, await s.reports.nps(period))


@period_command("pillars")
async def pillars(s: Services, message: Message, period: Period) -> None:
    """The six pillars and their key drivers for a period."""
    await _send(message, await s.reports.pillars(period))


async def churn(update: Update, context: CareContext) -> None:
    """Churn rate, CLV and the top N customers at risk with their reasons."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    top: int | None = 10
    if args:
        top = parse_int(args[0], low=1, high=50) if len(args) == 1 else None
    if top is None:
        await _send(message, [t(s.settings.staff_language, "report.usage.churn")])
        return
    await _send(message, await s.reports.churn(top))


@period_command("export")
async def export(s: Services, message: Message, period: Period) -> None:
    """Send requests, surveys and messages of a period as CSV documents."""
    for file in await s.reports.exports(period):
        await message.reply_document(
            InputFile(file.data, filename=file.filename), caption=file.caption, do_quote=False
        )


async def churned(update: Update, context: CareContext) -> None:
    """Mark a customer as lost (counts in the churn rate from now on)."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    lang = s.settings.staff_language
    query = " ".join(context.args or []).strip()
    found = await s.helpdesk.find_customer(query) if query else NotFound("")
    if not isinstance(found, Found):
        why = render.no_single_customer(found, lang)
        await _send(message, [why or t(lang, "report.usage.churned")])
        return
    customer = found.card.customer
    name = render.escape(customer.full_name)
    changed = await s.helpdesk.mark_churned(customer.id)
    key = "report.churned" if changed else "report.churned_already"
    await _send(message, [t(lang, key, name=name)])


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add the report commands; they answer only in the staff groups."""
    staff = filters.Chat(chat_id=staff_chat_ids)
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
