"""/find words…: search every stored message (customers', staff answers, notes)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import search_render
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply
from bot.i18n import t
from bot.incoming import author
from conversations.search import words

SHOWN = 10  # newest matches listed


async def find(update: Update, context: CareContext) -> None:
    """/find words…: the newest messages holding every word."""
    s = context.services
    message = update.effective_message
    if message is None or author(message) is None:
        return
    lang, tz = s.settings.staff_language, s.settings.tz
    query = " ".join(context.args or [])
    terms = words(query)
    if not terms:
        await reply(message, t(lang, "find.usage"))
        return
    hits = await s.helpdesk.find(query, SHOWN + 1)  # one more: "newest N of more"
    await reply(message, search_render.results(query, terms, hits, SHOWN, lang, tz))


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add /find; it answers only in the staff groups."""
    commands = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("find", find, filters=commands))
