"""The staff supergroup: answers, notes, /resolve, /reopen, /open, /mine, /whois and card
buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from analytics.html_split import split_html
from bot import history_render, render
from bot.answers import answer
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.incoming import author, incoming, sender
from bot.services import Services
from conversations.models import Ambiguous, Found, NotFound, Request, Sender
from conversations.staff_views import UNASSIGNED, OwnerFilter
from conversations.terms import SUPPORTED_KINDS, Actor


async def reply(message: Message, text: str) -> None:
    """Answer in the same topic, splitting long texts."""
    for part in split_html(text):
        await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)


def staff_command(update: Update) -> tuple[Message, Sender] | None:
    """The message and author of a staff command; None without one (or from another bot)."""
    message = update.effective_message
    who = author(message) if message is not None else None
    return (message, who) if message is not None and who is not None else None


async def target(s: Services, message: Message, args: list[str]) -> Request | None:
    """The request a command is about: explicit number, else topic or replied-to message."""
    if args:
        request_id = render.parse_request_id(args[0])
        return await s.helpdesk.request(request_id) if request_id else None
    return await s.helpdesk.request_for_staff_message(incoming(message))


async def staff_message(update: Update, context: CareContext) -> None:
    """Relay a staff answer to the customer, or keep an internal note."""
    s = context.services
    message = update.effective_message
    if message is None or author(message) is None:
        return  # another bot in the group
    msg = incoming(message)
    outcome = await s.helpdesk.staff_message(msg)
    if outcome is None:
        if message.sender_chat is None:
            await s.ownership.seen(msg.sender)  # chatter: /assign @name finds them later
        return
    if outcome.already_relayed:
        return  # a re-delivered update
    lang = s.settings.staff_language
    if outcome.is_note:
        await reply(message, t(lang, "staff.note"))
        return
    if msg.kind not in SUPPORTED_KINDS:
        await s.helpdesk.mark_undeliverable(outcome.message_row_id, None)
        await reply(message, t(lang, "staff.unsupported", kind=msg.kind))
        return
    await s.relay.to_customer(outcome, message.chat_id, message.message_id)


async def _change(update: Update, context: CareContext, resolve: bool) -> None:
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    command = "resolve" if resolve else "reopen"
    args = context.args or []
    request = await target(s, message, args)
    if request is None:
        if args and render.parse_request_id(args[0]):
            await reply(message, t(lang, "staff.not_found", id=render.parse_request_id(args[0])))
        else:
            await reply(message, t(lang, "staff.usage.resolve", command=command))
        return
    if resolve:
        change = await s.helpdesk.resolve(request.id, Actor.STAFF, who.user_id, by=who)
        if not change.changed:
            await reply(message, t(lang, "staff.already_resolved", id=request.id))
    else:
        change = await s.helpdesk.reopen(request.id, Actor.STAFF, who.user_id, by=who)
        if not change.changed:
            await reply(message, t(lang, "staff.not_resolved", id=request.id))
    await s.relay.announce(change, who=render.escape(who.full_name))


async def resolve(update: Update, context: CareContext) -> None:
    """Resolve the request of this topic, of the replied message, or by number."""
    await _change(update, context, resolve=True)


async def reopen(update: Update, context: CareContext) -> None:
    """Reopen a resolved request."""
    await _change(update, context, resolve=False)


# /open's argument: whose requests to list (everyone's without one).
OPEN_FILTERS = {"mine": "mine", "miei": "mine", "mie": "mine", "me": "mine"} | {
    word: "unassigned" for word in ("unassigned", "free", "libere", "liberi", "nessuno")
}


async def _open(update: Update, context: CareContext, which: str | None) -> None:
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    if which is None:
        args = context.args or []
        which = OPEN_FILTERS.get(args[0].lower()) if args else ""
        if which is None:
            await reply(message, t(lang, "staff.usage.open"))
            return
    owner: OwnerFilter = None
    if which == "mine":
        owner = who.user_id
    elif which == "unassigned":
        owner = UNASSIGNED
    lines = await s.helpdesk.open_requests(message.chat_id, owner)  # this group's own
    queued = s.outbox.waiting()
    await reply(message, render.open_list(lines, lang, queued=queued, which=which))


async def open_requests(update: Update, context: CareContext) -> None:
    """List open requests (everyone's, mine or unassigned) with their age, owner and
    first-response status."""
    await _open(update, context, None)


async def mine(update: Update, context: CareContext) -> None:
    """/mine: the open requests I own."""
    await _open(update, context, "mine")


async def whois(update: Update, context: CareContext) -> None:
    """Show the customer card for a request, @username, id or name (for a request, its
    history too)."""
    s = context.services
    message = update.effective_message
    if message is None:
        return
    lang, tz = s.settings.staff_language, s.settings.tz
    found = await s.helpdesk.find_customer(" ".join(context.args or []), incoming(message))
    if isinstance(found, NotFound):
        text = t(lang, "staff.whois.none", query=render.escape(found.query))
        await reply(message, text if found.query else t(lang, "staff.usage.whois"))
        return
    cards = found.cards if isinstance(found, Ambiguous) else [found.card]  # /whois lists all
    blocks = []
    for card in cards:
        extras = await s.reports.whois_extras(card.customer.id)
        notes = history_render.customer_notes(await s.notes.of_customer(card.customer.id), lang, tz)
        blocks.append("\n".join(filter(None, [render.whois(card, lang, tz), extras, notes])))
    if isinstance(found, Found) and found.request_id is not None:
        blocks.append(history_render.history(await s.helpdesk.history(found.request_id), lang, tz))
    await reply(message, "\n\n".join(blocks))


async def _ban(update: Update, context: CareContext, banned: bool) -> None:
    s = context.services
    message = update.effective_message
    if message is None:
        return
    lang = s.settings.staff_language
    command = "ban" if banned else "unban"
    found = await s.helpdesk.find_customer(" ".join(context.args or []), incoming(message))
    if not isinstance(found, Found):
        usage = t(lang, "staff.ban.usage", command=command)
        await reply(message, render.no_single_customer(found, lang) or usage)
        return
    customer = found.card.customer
    changed = await s.helpdesk.set_banned(customer.id, banned)
    key = ("staff.ban.done" if banned else "staff.ban.undone") if changed else "staff.ban.already"
    await reply(message, t(lang, key, name=render.escape(customer.full_name)))


async def ban(update: Update, context: CareContext) -> None:
    """Stop surveys and alerts for an abusive customer."""
    await _ban(update, context, banned=True)


async def unban(update: Update, context: CareContext) -> None:
    """Lift a ban."""
    await _ban(update, context, banned=False)


async def card_button(update: Update, context: CareContext) -> None:
    """Resolve or Reopen pressed on a ticket card."""
    s = context.services
    query = update.callback_query
    if query is None:
        return
    lang = s.settings.staff_language
    parsed = render.parse_callback(query.data)
    request_id = render.parse_request_id(parsed[1]) if parsed else None
    in_staff = query.message is not None and query.message.chat.id in s.settings.routing.chat_ids
    if parsed is None or request_id is None or not in_staff:
        await answer(query, t(lang, "callback.unknown"))
        return
    request = await s.helpdesk.request(request_id)
    assert query.message is not None  # in_staff
    if (
        request is None
        or request.staff_chat_id != query.message.chat.id
        or request.card_message_id != query.message.message_id
    ):
        # Card buttons act on their own card only, never on data forged onto another message.
        await answer(query, t(lang, "callback.unknown"))
        return
    by = sender(query.from_user)
    who = render.escape(by.full_name)
    try:
        if parsed[0] == render.CB_RESOLVE:
            change = await s.helpdesk.resolve(request_id, Actor.STAFF, query.from_user.id, by=by)
            note = "staff.already_resolved"
        else:
            change = await s.helpdesk.reopen(request_id, Actor.STAFF, query.from_user.id, by=by)
            note = "staff.not_resolved"
    except LookupError:
        await answer(query, t(lang, "staff.not_found", id=request_id))
        return
    await answer(query, None if change.changed else t(lang, note, id=request_id))
    await s.relay.announce(change, who=who)


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add the staff handlers; they answer only in the staff groups."""
    staff = filters.Chat(chat_id=staff_chat_ids)
    # Editing an old command must not run it again.
    commands = staff & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("resolve", resolve, filters=commands))
    app.add_handler(CommandHandler("reopen", reopen, filters=commands))
    app.add_handler(CommandHandler("open", open_requests, filters=commands))
    app.add_handler(CommandHandler("mine", mine, filters=commands))
    app.add_handler(CommandHandler("whois", whois, filters=commands))
    app.add_handler(CommandHandler("ban", ban, filters=commands))
    app.add_handler(CommandHandler("unban", unban, filters=commands))
    app.add_handler(
        CallbackQueryHandler(card_button, pattern=rf"^({render.CB_RESOLVE}|{render.CB_REOPEN}):")
    )
    app.add_handler(
        MessageHandler(
            staff & ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            staff_message,
        )
    )
