"""/note: a note on a customer (not on one request), kept across requests for /whois.

In a request's topic, or as a reply to one of its messages, `/note text…` notes its
customer; elsewhere in a staff group `/note #42 text…` does the same for request #42's
customer. The command gets a 👍 reaction (no message); `#note` stays for request notes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot import render
from bot.answers import acknowledge
from bot.context import CareApp, CareContext
from bot.handlers.staff import reply, staff_command, target
from bot.i18n import t

# "/note [#42] text…", the text keeping its line breaks.
_NOTE = re.compile(r"^/\w+(?:@\w+)?(?:\s+(#\d+))?(?:\s+(.*))?$", re.DOTALL)


async def note(update: Update, context: CareContext) -> None:
    """/note [#42] text…: keep a note on the request's customer."""
    s = context.services
    called = staff_command(update)
    if called is None:
        return
    message, who = called
    lang = s.settings.staff_language
    parsed = _NOTE.match(message.text or "")
    number, text = (parsed.group(1), parsed.group(2)) if parsed else (None, None)
    # In a request's topic (or replying to it) the note is about its customer, and a
    # leading "#1234" is part of the text (an order number, say).
    request = await target(s, message, [])
    if request is not None and number:
        text = f"{number} {text or ''}"
    elif request is None:
        request = await target(s, message, [number]) if number else None
    if request is None:
        found = render.parse_request_id(number) if number else None
        await reply(
            message, t(lang, "staff.not_found", id=found) if found else t(lang, "notes.usage")
        )
        return
    kept = await s.notes.add(request.customer_id, text or "", who)
    if kept is None:
        await reply(message, t(lang, "notes.usage"))
        return
    await acknowledge(message)


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add /note; it answers only in the staff groups."""
    commands = filters.Chat(chat_id=staff_chat_ids) & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("note", note, filters=commands))
