"""Button presses that no handler may act on, and what no other handler took.

Every press gets an answer, so no spinner is left. Telegram sends a pressed button's
message along with the press, keyboard included: a press whose data is not among that
message's buttons was forged (a modified client) and acts on nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot.answers import answer
from bot.context import CareApp, CareContext
from bot.i18n import t


async def unknown_button(update: Update, context: CareContext) -> None:
    """Answer a button press whose data no handler knows (stale, foreign or forged)."""
    query = update.callback_query
    if query is None:
        return
    s = context.services
    lang = await s.helpdesk.language_of(query.from_user.id, query.from_user.language_code)
    await answer(query, t(lang, "callback.unknown"))


def _on_its_message(data: str | None, message: object) -> bool:
    """The pressed data is one of the buttons of the message it came with (or that message
    cannot be checked: too old to be sent along, or an inline message)."""
    if not isinstance(message, Message):
        return True
    markup = message.reply_markup
    if not isinstance(markup, InlineKeyboardMarkup):
        return False
    return any(b.callback_data == data for row in markup.inline_keyboard for b in row)


async def forged_button(update: Update, context: CareContext) -> None:
    """Refuse a press whose data is not on the message it came with; let others through."""
    query = update.callback_query
    if query is None or _on_its_message(query.data, query.message):
        return
    await unknown_button(update, context)
    raise ApplicationHandlerStop


def register(app: CareApp) -> None:
    """Add the guard (before every other handler) and the fallbacks (after them)."""
    app.add_handler(CallbackQueryHandler(forged_button), group=-1)
    app.add_handler(CallbackQueryHandler(unknown_button))
