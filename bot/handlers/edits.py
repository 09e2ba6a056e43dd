"""Edited messages: a customer's edit is shown to staff, a staff edit updates the answer."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Message, Update
from telegram.ext import MessageHandler, filters

from bot.context import CareApp, CareContext
from bot.incoming import author, incoming
from bot.services import Services
from conversations.models import MessageEdited
from conversations.terms import Direction

EDITED = filters.UpdateType.EDITED_MESSAGE


async def _edited(s: Services, message: Message) -> MessageEdited | None:
    return await s.helpdesk.edited_message(incoming(message), message.edit_date)


async def customer_edit(update: Update, context: CareContext) -> None:
    """Show staff the new text of a message the customer edited."""
    s = context.services
    message = update.edited_message
    if message is None or message.from_user is None:
        return
    edit = await _edited(s, message)
    if edit is not None and edit.direction == Direction.IN:
        await s.relay.show_customer_edit(edit)


async def staff_edit(update: Update, context: CareContext) -> None:
    """Edit the customer's copy of an answer a staff member edited."""
    s = context.services
    message = update.edited_message
    if message is None or author(message) is None:
        return
    edit = await _edited(s, message)
    if edit is not None and edit.direction == Direction.OUT:
        entities = message.entities if message.text is not None else message.caption_entities
        await s.relay.edit_customer_copy(edit, entities)


def register(app: CareApp, staff_chat_ids: Sequence[int]) -> None:
    """Add the handlers for edited messages in private chats and in the staff groups."""
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & EDITED, customer_edit))
    app.add_handler(
        MessageHandler(filters.Chat(chat_id=staff_chat_ids) & EDITED & ~filters.COMMAND, staff_edit)
    )
