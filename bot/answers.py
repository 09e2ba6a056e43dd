"""Answering a button press (or acknowledging a command) without letting the answer stop
the work behind it.

Telegram accepts an answer only for a few seconds after the press, and only once. A press
handled late (held while the database was busy, or delivered again) is refused with "query
is too old"; the resolve, the notice or the survey step that follows must still happen.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message
from telegram.error import TelegramError

log = logging.getLogger(__name__)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> bool:
    """Answer the press (stop the spinner, show `text`); False when Telegram refused."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as exc:
        log.info("could not answer a button press: %s", exc)
        return False
    return True


DONE_REACTION = "👍"


async def acknowledge(message: Message) -> None:
    """Mark a staff command as done with a reaction: no message, so none of the staff
    group's budget (reactions may be off in a group: the work is done all the same)."""
    try:
        await message.set_reaction(DONE_REACTION)
    except TelegramError as exc:
        log.info("could not react to a command: %s", exc)
