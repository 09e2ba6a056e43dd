"""Saved replies in the staff group: /reply add|list|del to keep them, /r KEY to send one.

A sent saved reply costs the staff group nothing: the command gets a 👍 reaction (a
warning reply only when the customer's language had no text). /r without a key, or with an
unknown one, answers with a button per key; a press sends that reply and the keyboard
message becomes the record of what was sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import render
from bot.answers import acknowledge, answer
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply, staff_command, target
from bot.i18n import t
from bot.incoming import sender
from bot.services import Services
from conversations.models import Incoming, Request, Sender
from conversations.saved_replies import Filled, SavedReply
from conversations.terms import SAVED_REPLY_KIND

CB_SAVED = "sr"
PREVIEW = 80  # characters of each text /reply list shows
PICKER_KEYS = 30  # buttons under /r's question: ten rows of three
# "/reply add KEY LANG text…", the text keeping its line breaks.
_ADD = re.compile(r"^/\w+(?:@\w+)?\s+add\s+(\S+)\s+(\S+)(?:\s+(.*))?$", re.DOTALL | re.IGNORECASE)


def _listing(replies: Sequence[SavedReply], lang: str) -> str:
    lines = [t(lang, "saved.list", n=len({r.key for r in replies}))]
    for r in replies:
        preview = r.text if len(r.text) <= PREVIEW else r.text[: PREVIEW - 1] + "…"
        lines.append(
            f"• <code>{render.escape(r.key)}</code> ({r.language}): {render.escape(preview)}"
        )
    return "\n".join(lines)


def _keys_keyboard(keys: Sequence[str]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(k, callback_data=render.callback(CB_SAVED, k)) for k in keys]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


async def _add(s: Services, message: Message, who: Sender, lang: str) -> None:
    parsed = _ADD.match(message.text or "")
    if parsed is None:
        await reply(message, t(lang, "saved.usage"))
        return
    key, language, inline = parsed.group(1), parsed.group(2), parsed.group(3)
    replied = message.reply_to_message
    text = inline
    if not text and replied is not None and not replied.forum_topic_created:
        text = replied.text or replied.caption
    result = await s.saved_replies.save(key, language, text or "", who)
    if isinstance(result, SavedReply):
        await reply(message, t(lang, "saved.saved", key=result.key, lang=result.language))
        return
    values = {"key": render.escape(key), "lang": render.escape(language)}
    await reply(message, t(lang, f"saved.{result.value}", **values))


async def saved_admin(update: Update, context: CareContext) -> None:
    """/reply add KEY LANG text… | /reply list | /reply del KEY."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    args = context.args or []
    action = args[0].lower() if args else ""
    if action == "add":
        await _add(s, message, who, lang)
    elif action == "list" and len(args) == 1:
        replies = await s.saved_replies.all()
        await reply(message, _listing(replies, lang) if replies else t(lang, "saved.none"))
    elif action in ("del", "delete") and len(args) == 2:
        gone = await s.saved_replies.remove(args[1])
        key = render.escape(args[1])
        await reply(
            message,
            t(lang, "saved.deleted", key=key, n=gone)
            if gone
            else t(lang, "saved.unknown", key=key),
        )
    else:
        await reply(message, t(lang, "saved.usage"))


async def _send(s: Services, request: Request, filled: Filled, source: Incoming) -> bool:
    """Store the filled text as the staff answer `source` stands for and send it; False
    if `source` was handled before (a repeated update or a second press)."""
    outcome = await s.helpdesk.staff_message(source, saved=filled.key)
    if outcome is None or outcome.already_relayed or outcome.request.id != request.id:
        return False
    await s.relay.to_customer(outcome, source.chat_id, source.message_id)
    return True


def _warning(filled: Filled, lang: str) -> str:
    return t(lang, "saved.fell_back", key=filled.key, wanted=filled.wanted, lang=filled.language)


async def send_saved(update: Update, context: CareContext) -> None:
    """/r KEY in a request's topic (or as a reply to one of its messages); /r alone lists
    the keys as buttons."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    args = context.args or []
    request = await target(s, message, [])
    if request is None or len(args) > 1:
        await reply(message, t(lang, "saved.no_request" if len(args) <= 1 else "saved.usage"))
        return
    filled = await s.saved_replies.for_request(args[0], request.id, who) if args else None
    if filled is None:
        keys = await s.saved_replies.keys()
        if not keys:
            await reply(message, t(lang, "saved.none"))
            return
        head = t(lang, "saved.unknown", key=render.escape(args[0])) + "\n" if args else ""
        tail = ""
        if len(keys) > PICKER_KEYS:
            tail = "\n" + t(lang, "saved.more", n=len(keys) - PICKER_KEYS)
            keys = keys[:PICKER_KEYS]
        picker = await message.reply_text(
            head + t(lang, "saved.pick", id=request.id) + tail,
            parse_mode=ParseMode.HTML,
            do_quote=False,
            reply_markup=_keys_keyboard(keys),
        )
        await s.helpdesk.link_notice(request.id, picker.chat_id, picker.message_id)
        return
    source = Incoming(
        chat_id=message.chat_id,
        message_id=message.message_id,
        sender=who,
        kind=SAVED_REPLY_KIND,
        text=filled.text,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to_message_id=_replied_id(message),
    )
    if not await _send(s, request, filled, source):
        return
    if filled.fell_back:
        await reply(message, _warning(filled, lang))
        return
    await acknowledge(message)


def _replied_id(message: Message) -> int | None:
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created:
        return None
    return replied.message_id


async def saved_button(update: Update, context: CareContext) -> None:
    """A key pressed under /r's question: send that saved reply, once."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    lang = s.settings.staff_language
    parsed = render.parse_callback(query.data)
    picker = query.message
    if parsed is None or not isinstance(picker, Message):
        await answer(query, t(lang, "callback.unknown"))
        return
    # The request is the one the question was linked to, never one named in the data.
    who = sender(query.from_user)
    here = Incoming(
        chat_id=picker.chat_id,
        message_id=picker.message_id,
        sender=who,
        kind=SAVED_REPLY_KIND,
        reply_to_message_id=picker.message_id,
    )
    request = await s.helpdesk.request_for_staff_message(here)
    filled = await s.saved_replies.for_request(parsed[1], request.id, who) if request else None
    if request is None or filled is None:
        await answer(query, t(lang, "callback.unknown"))
        return
    source = replace(here, text=filled.text)  # the press stands for the answer it sends
    if not await _send(s, request, filled, source):
        await answer(query, t(lang, "saved.stale"))
        return
    await answer(query, None)
    done = t(
        lang,
        "saved.sent",
        who=render.escape(who.full_name),
        key=filled.key,
        lang=filled.language,
        id=request.id,
    )
    if filled.fell_back:
        done += "\n" + _warning(filled, lang)
    with suppress(TelegramError):  # the record is cosmetic: the customer has the reply
        await picker.edit_text(done, parse_mode=ParseMode.HTML, reply_markup=None)


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add the saved-reply handlers; they answer only in the staff groups."""
    commands = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("reply", saved_admin, filters=commands))
    app.add_handler(CommandHandler("r", send_saved, filters=commands))
    app.add_handler(CallbackQueryHandler(saved_button, pattern=rf"^{CB_SAVED}:"))
