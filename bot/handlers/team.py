"""Who owns which request: the card's "Take it" button, /claim, /assign, /unclaim, /mine.

An ownership change edits the card and the topic title (no new message for a button
press); a command is answered where it was typed, and a hand-over mentions the new owner
so Telegram notifies them.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot import render
from bot.answers import answer
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply, staff_command, target
from bot.i18n import t
from bot.incoming import sender
from conversations.models import Refusal, Request, Sender
from conversations.ownership import OwnerChange, Taken


def _said(result: OwnerChange | Taken | Refusal, request_id: int, who: Sender, lang: str) -> str:
    """What staff are told about a claim, hand-over or release."""
    if isinstance(result, Refusal):
        key = "team.resolved" if result == Refusal.RESOLVED else "staff.not_found"
        return t(lang, key, id=request_id)
    if isinstance(result, Taken):
        return t(lang, "team.taken", id=request_id, name=render.escape(result.owner.full_name))
    owner, previous = result.owner, result.previous
    if not result.changed:
        if owner is None:
            return t(lang, "team.already_free", id=request_id)
        mine = owner.user_id == who.user_id
        key = "team.already_yours" if mine else "team.already_theirs"
        return t(lang, key, id=request_id, name=render.escape(owner.full_name))
    if owner is None:
        name = render.escape(previous.full_name) if previous else "—"
        return t(lang, "team.unclaimed", id=request_id, name=name)
    who_name = render.escape(who.full_name)
    if owner.user_id == who.user_id:
        return t(lang, "team.claimed", id=request_id, who=who_name)
    return t(lang, "team.assigned", id=request_id, who=who_name, name=render.mention(owner))


async def _request_or_usage(
    context: CareContext, message: Message, args: Sequence[str], usage: str
) -> Request | None:
    """The request a command names (number, topic or replied message), or None after
    answering with why not."""
    s = context.services
    lang = s.settings.staff_language
    request = await target(s, message, list(args))
    if request is None:
        number = render.parse_request_id(args[0]) if args else None
        await reply(message, t(lang, "staff.not_found", id=number) if number else usage)
    return request


async def claim(update: Update, context: CareContext) -> None:
    """/claim: the request of this topic (or replied message, or number) is mine."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    usage = t(lang, "team.usage.claim", command="claim")
    request = await _request_or_usage(context, message, context.args or [], usage)
    if request is None:
        return
    result = await s.ownership.claim(request.id, who)
    await reply(message, _said(result, request.id, who, lang))
    if isinstance(result, OwnerChange) and result.changed:
        await s.relay.retitle(result.request, result.customer)


async def unclaim(update: Update, context: CareContext) -> None:
    """/unclaim: nobody owns the request any more."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    usage = t(lang, "team.usage.claim", command="unclaim")
    request = await _request_or_usage(context, message, context.args or [], usage)
    if request is None:
        return
    result = await s.ownership.unclaim(request.id, who)
    await reply(message, _said(result, request.id, who, lang))
    if isinstance(result, OwnerChange) and result.changed:
        await s.relay.retitle(result.request, result.customer)


async def assign(update: Update, context: CareContext) -> None:
    """/assign @username [42], or /assign [42] as a reply to the new owner's message."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    usage = t(lang, "team.usage.assign")
    args = context.args or []
    names = [a for a in args if a.startswith("@")]
    rest = [a for a in args if not a.startswith("@")]
    if len(names) > 1 or len(rest) > 1:
        await reply(message, usage)
        return
    to: Sender | None = None
    if names:
        username = names[0].removeprefix("@")
        found = await s.ownership.by_username(username)
        if found is None:
            await reply(message, t(lang, "team.unknown_member", username=render.escape(username)))
            return
        to = Sender(found.user_id, found.first_name, found.last_name, found.username)
    else:
        replied = message.reply_to_message
        if replied is None or replied.forum_topic_created:
            await reply(message, usage)
            return
        person = replied.from_user
        if person is None or person.is_bot or replied.sender_chat is not None:
            await reply(message, t(lang, "team.not_a_person"))
            return
        to = sender(person)
    request = await _request_or_usage(context, message, rest, usage)
    if request is None:
        return
    result = await s.ownership.assign(request.id, to, who)
    await reply(message, _said(result, request.id, who, lang))
    if isinstance(result, OwnerChange) and result.changed:
        await s.relay.retitle(result.request, result.customer)


async def take_button(update: Update, context: CareContext) -> None:
    """ "Take it" pressed on a ticket card: the request is the presser's, unless someone
    was quicker (then the toast says who has it)."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    lang = s.settings.staff_language
    parsed = render.parse_callback(query.data)
    request_id = render.parse_request_id(parsed[1]) if parsed else None
    card = query.message
    request = await s.helpdesk.request(request_id) if request_id is not None else None
    if (
        request is None
        or card is None
        or request.staff_chat_id != card.chat.id
        or request.card_message_id != card.message_id
    ):
        # Acts on its own card only, never on data forged onto another message.
        await answer(query, t(lang, "callback.unknown"))
        return
    who = sender(query.from_user)
    result = await s.ownership.claim(request.id, who)
    if isinstance(result, OwnerChange) and result.changed:
        await answer(query, t(lang, "team.claimed.toast", id=request.id))
        await s.relay.retitle(result.request, result.customer)
        return
    text = _said(result, request.id, who, lang)
    await answer(query, render.plain(text), alert=isinstance(result, Taken))


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add the ownership handlers; they answer only in the staff groups."""
    commands = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("claim", claim, filters=commands))
    app.add_handler(CommandHandler("unclaim", unclaim, filters=commands))
    app.add_handler(CommandHandler("assign", assign, filters=commands))
    app.add_handler(CallbackQueryHandler(take_button, pattern=rf"^{render.CB_TAKE}:"))
