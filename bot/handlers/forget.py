"""/forget: a customer erases their data from their chat, or staff erase a request's
customer from the staff group; a button confirms either way (bot.forget_flow)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import forget_flow as ff
from bot.answers import answer
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply, staff_command, target
from bot.i18n import t
from bot.incoming import sender


async def customer_forget(update: Update, context: CareContext) -> None:
    """/forget in the customer's private chat."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    await s.forget.customer_asks(message, user.id, lang)


async def customer_press(update: Update, context: CareContext) -> None:
    """Yes or no, on the customer's question."""
    query = update.callback_query
    if query is None:
        return
    s = context.services
    lang = await s.helpdesk.language_of(query.from_user.id, query.from_user.language_code)
    await s.forget.customer_press(query, lang)


async def staff_forget(update: Update, context: CareContext) -> None:
    """/forget [#42] in a staff group: ask to confirm erasing the request's customer."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, _ = called
    request = await target(s, message, list(context.args or [])[:1])
    if request is None:
        await reply(message, t(s.settings.staff_language, "forget.staff.usage"))
        return
    await s.forget.staff_asks(message, request)


async def staff_press(update: Update, context: CareContext) -> None:
    """The confirmation, pressed in a staff group only."""
    query = update.callback_query
    if query is None:
        return
    s = context.services
    on = query.message
    if on is None or on.chat.id not in s.settings.routing.chat_ids:
        await answer(query, t(s.settings.staff_language, "callback.unknown"))
        return
    await s.forget.staff_press(query, sender(query.from_user))


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add /forget for customers (private chats) and staff (the staff groups)."""
    private = filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
    staff = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("forget", customer_forget, filters=private))
    app.add_handler(CommandHandler("forget", staff_forget, filters=staff))
    app.add_handler(CallbackQueryHandler(customer_press, pattern=rf"^{ff.CB_CUSTOMER}:"))
    app.add_handler(CallbackQueryHandler(staff_press, pattern=rf"^{ff.CB_STAFF}:"))
