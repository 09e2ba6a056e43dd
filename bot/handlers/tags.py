"""/tag and /untag: tags on a request, shown on its card (an edit) and in its history.

`/tag billing refund` in a request's topic (or as a reply to one of its messages, or
`/tag #42 billing` anywhere in a staff group). A change gets a 👍 reaction and a card
edit, never a new message; only a refusal is answered in words.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Message, Update
from telegram.ext import CommandHandler, filters

from bot import render
from bot.answers import acknowledge
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply, staff_command, target
from bot.i18n import t
from conversations.tags import MAX_TAGS, TagChange


def _split(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """(request number argument, the words): `#42` names a request only as the first."""
    if args and args[0].startswith("#") and args[0][1:].isdigit():
        return [args[0]], list(args[1:])
    return [], list(args)


def _refusal(change: TagChange, allowed: Sequence[str], lang: str) -> str:
    lines = [t(lang, "tags.refused", words=", ".join(render.escape(w) for w in change.refused))]
    if allowed:
        lines.append(t(lang, "tags.allowed", tags=render.hashtags(allowed)))
    if len(change.tags) >= MAX_TAGS:
        lines.append(t(lang, "tags.full", n=MAX_TAGS))
    return "\n".join(lines)


async def _tags(update: Update, context: CareContext, *, add: bool) -> None:
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    number, words = _split(context.args or [])
    request = await target(s, message, number)
    if request is None or not words:
        found = render.parse_request_id(number[0]) if number and request is None else None
        why = t(lang, "staff.not_found", id=found) if found else t(lang, "tags.usage")
        await reply(message, why)
        return
    change = await (s.tags.tag if add else s.tags.untag)(request.id, words, who)
    if change is None:
        await reply(message, t(lang, "staff.not_found", id=request.id))
        return
    await _shown(context, message, change, lang)


async def _shown(context: CareContext, message: Message, change: TagChange, lang: str) -> None:
    s = context.services
    if change.changed:
        await s.relay.recard(change.request, change.customer)
        await acknowledge(message)
    if change.refused:
        await reply(message, _refusal(change, s.tags.allowed, lang))
    elif not change.changed:  # nothing to do: say so, or staff wonder whether it worked
        await reply(
            message,
            t(
                lang,
                "tags.unchanged",
                id=change.request.id,
                tags=render.hashtags(change.tags) or "—",
            ),
        )


async def tag(update: Update, context: CareContext) -> None:
    """/tag word…: add tags to the request."""
    await _tags(update, context, add=True)


async def untag(update: Update, context: CareContext) -> None:
    """/untag word…: remove tags from the request."""
    await _tags(update, context, add=False)


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add /tag and /untag; they answer only in the staff groups."""
    commands = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("tag", tag, filters=commands))
    app.add_handler(CommandHandler("untag", untag, filters=commands))
