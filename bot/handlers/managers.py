"""Managers in their private chat: /subscribe and /unsubscribe to the weekly summary, and
/summary for the week so far. Anyone not in CAREBOT_MANAGER_IDS gets a polite refusal."""

from __future__ import annotations

from telegram import Message, Update, User
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from analytics.html_split import split_html
from analytics.lang import as_lang
from analytics.periods import iso_week_of
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.services import Services
from bot.summary import weekly_summary


async def _manager(update: Update, s: Services) -> tuple[Message, User, str] | None:
    """The command's message, its manager and their language; None (refused) otherwise."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return None
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    if user.id not in s.settings.manager_ids:
        await message.reply_text(t(lang, "manager.only"))
        return None
    return message, user, lang


async def _choose(update: Update, context: CareContext, subscribed: bool) -> None:
    s = context.services
    found = await _manager(update, s)
    if found is None:
        return
    message, user, lang = found
    await s.subscriptions.choose(user.id, subscribed, lang)
    hour = f"{s.settings.weekly_summary_hour:02d}"
    key = "manager.subscribed" if subscribed else "manager.unsubscribed"
    await message.reply_text(t(lang, key, hour=hour))


async def subscribe(update: Update, context: CareContext) -> None:
    """Get the weekly summary, in the language the manager speaks."""
    await _choose(update, context, True)


async def unsubscribe(update: Update, context: CareContext) -> None:
    """Stop the weekly summary."""
    await _choose(update, context, False)


async def summary(update: Update, context: CareContext) -> None:
    """The summary of the current week so far."""
    s = context.services
    found = await _manager(update, s)
    if found is None:
        return
    message, _, lang = found
    now = s.helpdesk.clock.now()
    period = iso_week_of(now.astimezone(s.settings.tz).date(), s.settings.tz)
    groups = {g.chat_id: g.name for g in s.settings.routing.groups}
    built = await weekly_summary(s.db, s.settings, period, now, group_names=groups)
    for part in split_html(built.html(as_lang(lang, s.settings.staff_language))):
        await message.reply_text(part, parse_mode=ParseMode.HTML)


def register(app: CareApp) -> None:
    """Add the managers' commands (before the customer handlers, which would take them)."""
    private = filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("subscribe", subscribe, filters=private))
    app.add_handler(CommandHandler("unsubscribe", unsubscribe, filters=private))
    app.add_handler(CommandHandler("summary", summary, filters=private))
