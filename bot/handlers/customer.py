"""Private chats with customers: /start, /language, /help, messages and the ✅ Solved button."""

from __future__ import annotations

import contextlib
from html import escape

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import away, render
from bot.answers import answer
from bot.commands import STAFF_COMMAND_NAMES, command_name
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.incoming import incoming, sender
from conversations.models import PendingRelay, Refusal
from conversations.terms import SUPPORTED_KINDS

PRIVATE = filters.ChatType.PRIVATE


def _in_own_chat(query: CallbackQuery) -> bool:
    """The button sits in the private chat of the person who pressed it."""
    return query.message is not None and query.message.chat.id == query.from_user.id


async def _refuse(query: CallbackQuery, refusal: Refusal, lang: str) -> None:
    """Say why a customer's button did nothing (another customer's: as an alert)."""
    foreign = refusal == Refusal.NOT_YOURS
    await answer(
        query, t(lang, "callback.not_yours" if foreign else "callback.unknown"), alert=foreign
    )


async def start(update: Update, context: CareContext) -> None:
    """Greet the customer in their language."""
    s = context.services
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    await s.helpdesk.remember_user(incoming(message))
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    await message.reply_text(
        t(lang, "start", name=escape(user.first_name), brand=escape(s.settings.brand_name)),
        parse_mode=ParseMode.HTML,
    )


async def help_(update: Update, context: CareContext) -> None:
    """Explain how to use the bot."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    await message.reply_text(t(lang, "help"), parse_mode=ParseMode.HTML)


async def language(update: Update, context: CareContext) -> None:
    """Offer the language picker."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    await message.reply_text(t(lang, "language.prompt"), reply_markup=render.language_keyboard())


async def language_chosen(update: Update, context: CareContext) -> None:
    """Store the language the customer picked."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    parsed = render.parse_callback(query.data)
    lang = parsed[1] if parsed else ""
    if lang not in ("it", "en") or not _in_own_chat(query):
        # Only the picker in the user's own chat: never rewrite a staff card or another chat.
        await answer(query, t(s.settings.default_language, "callback.unknown"))
        return
    await s.helpdesk.choose_language(sender(query.from_user), lang)
    await answer(query, t(lang, "language.set"))
    if query.message is not None:
        await query.edit_message_text(t(lang, "language.set"))


async def unknown_command(update: Update, context: CareContext) -> None:
    """Say where staff commands work, or that a command is unknown; open no request."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    name = command_name(message.text)
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    key = "private.staff_command" if name in STAFF_COMMAND_NAMES else "private.unknown_command"
    await message.reply_text(t(lang, key, command=escape(name[:64])), parse_mode=ParseMode.HTML)


async def customer_message(update: Update, context: CareContext) -> None:
    """Store the message in the customer's request and copy it to the staff group."""
    s = context.services
    message = update.effective_message
    if message is None or message.from_user is None:
        return
    msg = incoming(message)
    if msg.kind not in SUPPORTED_KINDS:
        lang = await s.helpdesk.language_of(msg.sender.user_id, msg.sender.language_code)
        await message.reply_text(t(lang, "unsupported", kind=msg.kind))
        return
    # While a survey waits for its reason, the customer's next text is that reason.
    text = msg.text if msg.kind == "text" and not (msg.text or "/").startswith("/") else None
    if text and await s.survey_flow.take_reason(msg.sender.user_id, text, msg.message_id):
        return
    pace = s.customer_rate.note(msg.sender.user_id)
    # Stored with the answer it owes the customer, which goes out at once (or, after a
    # crash, when Telegram delivers the update again or the notice sweep finds it).
    outcome = await s.helpdesk.customer_message(msg, too_fast=pace.notify)
    if outcome.already_relayed:
        await s.relay.deliver(outcome.notice, outcome.request, outcome.customer)
        return
    # A new request waits a little for its category, which decides its staff group.
    ask = outcome.opened and s.settings.routing.asks_category
    # Queued for the staff group: this chat never waits for the group's message budget.
    s.outbox.put(
        PendingRelay(
            outcome.message_row_id, message.chat_id, message.message_id, outcome, msg.kind, msg.text
        ),
        pace,
        hold=s.settings.category_wait_seconds if ask else 0.0,
    )
    await s.relay.deliver(outcome.notice, outcome.request, outcome.customer)


async def category_chosen(update: Update, context: CareContext) -> None:
    """The customer picked a category for their new request (or skipped): route it, and let
    its messages go to that staff group now."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    parsed = render.parse_callback(query.data)
    picked = render.parse_category(parsed[1]) if parsed else None
    lang = await s.helpdesk.language_of(query.from_user.id, query.from_user.language_code)
    if picked is None:
        await answer(query, t(lang, "callback.unknown"))
        return
    if not _in_own_chat(query):
        await answer(query, t(lang, "callback.not_yours"), alert=True)
        return
    result = await s.intake.choose(picked[0], query.from_user.id, picked[1])
    if isinstance(result, Refusal):
        await _refuse(query, result, lang)
        return
    values: dict[str, str] = {}
    if result.late:
        key = "category.late"  # its topic or card is in a group already: nothing moves
    else:
        s.outbox.release(result.request.id, result.request.staff_chat_id)
        key = "category.skipped" if result.category is None else "category.chosen"
        if result.category is not None:
            values["name"] = escape(result.category.name(lang))
    await answer(query, None)
    if query.message is not None:
        # The question gives way to its answer, and its buttons go (no second pick).
        request = result.request
        received = away.received(
            s.calendar, s.helpdesk.clock.now(), lang, request.id, request.promised_by
        )
        with contextlib.suppress(TelegramError):  # e.g. "not modified" on a double tap
            await query.edit_message_text(
                f"{received}\n\n{t(lang, key, **values)}", parse_mode=ParseMode.HTML
            )


async def solved(update: Update, context: CareContext) -> None:
    """The customer pressed "✅ Solved": resolve their request."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    parsed = render.parse_callback(query.data)
    request_id = render.parse_request_id(parsed[1]) if parsed else None
    lang = await s.helpdesk.language_of(query.from_user.id, query.from_user.language_code)
    if request_id is None:
        await answer(query, t(lang, "callback.unknown"))
        return
    if not _in_own_chat(query):
        await answer(query, t(lang, "callback.not_yours"), alert=True)
        return
    change = await s.helpdesk.resolve_by_customer(request_id, query.from_user.id)
    if isinstance(change, Refusal):
        await _refuse(query, change, lang)
        return
    if not change.changed:
        await answer(query, t(lang, "callback.already_resolved"))
        return
    await answer(query, t(lang, "button.solved"))
    await s.relay.announce(change)


def register(app: CareApp) -> None:
    """Add the customer handlers to the application."""
    # Editing an old command must not run it again.
    commands = PRIVATE & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("start", start, filters=commands))
    app.add_handler(CommandHandler("help", help_, filters=commands))
    app.add_handler(CommandHandler("language", language, filters=commands))
    app.add_handler(CallbackQueryHandler(language_chosen, pattern=rf"^{render.CB_LANGUAGE}:"))
    app.add_handler(CallbackQueryHandler(solved, pattern=rf"^{render.CB_SOLVED}:"))
    app.add_handler(CallbackQueryHandler(category_chosen, pattern=rf"^{render.CB_CATEGORY}:"))
    app.add_handler(MessageHandler(commands & filters.COMMAND, unknown_command))
    app.add_handler(
        MessageHandler(
            PRIVATE & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED, customer_message
        )
    )
