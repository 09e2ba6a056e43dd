"""What no other handler took: every button press gets an answer, so no spinner is left."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.i18n import t
from bot.services import services


async def unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button press whose data no handler knows (stale, foreign or forged)."""
    query = update.callback_query
    if query is None:
        return
    s = services(context)
    lang = await s.helpdesk.language_of(query.from_user.id, query.from_user.language_code)
    await query.answer(t(lang, "callback.unknown"))


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add the fallbacks; call after every other handler."""
    app.add_handler(CallbackQueryHandler(unknown_button))
