"""Moving messages between customers and the staff group, and every proactive send
(the survey's questions and thanks, alerts, managers' reports) the bot makes.

All Telegram sends of the helpdesk go through here (the staff group's side in
bot.staff_place), so the failure rules live in one place: a customer who blocked the bot
is recorded and staff are told in the request's topic; a staff edit reaches the copy the
customer has; every copy is mapped back to its request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import (
    Bot,
    InputFile,
    Message,
    MessageEntity,
    MessageId,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import render
from bot.i18n import t
from bot.notices import OwedNotices
from bot.settings import Settings
from bot.staff_copies import CAPTIONED_KINDS
from conversations.helpdesk import HelpDesk
from conversations.models import (
    MessageEdited,
    RequestResolved,
    StaffMessageOutcome,
    StateChange,
)
from conversations.notices import STAFF_KINDS
from conversations.terms import Status

log = logging.getLogger(__name__)


class Relay(OwedNotices):
    """Every send of the helpdesk: the staff group's side (StaffCopies, StaffPlace),
    customers' chats (owed notices: OwedNotices), managers, edits and state changes."""

    def __init__(self, bot: Bot, helpdesk: HelpDesk, settings: Settings) -> None:
        super().__init__(bot, helpdesk, settings)
        # Called after a resolution was announced (the survey starts here).
        self.on_resolved: list[Callable[[RequestResolved], Awaitable[None]]] = []

    # customer side ---------------------------------------------------------------------

    async def to_customer(
        self,
        outcome: StaffMessageOutcome,
        chat_id: int,
        message_id: int,
        *,
        earlier_first: bool = True,
    ) -> None:
        """Copy a staff answer (send a saved reply's text) to the customer, with the
        "✅ Solved" button (earlier answers whose relay failed go first)."""
        if outcome.already_relayed or outcome.is_note:
            return
        if earlier_first:
            for item in await self.helpdesk.pending_before(outcome.message_row_id):
                assert isinstance(item.outcome, StaffMessageOutcome)
                await self.to_customer(
                    item.outcome, item.chat_id, item.message_id, earlier_first=False
                )
        customer = outcome.customer
        if customer.telegram_user_id is None:
            return
        markup = render.solved_keyboard(outcome.request.id, customer.language)
        try:
            if outcome.sends is not None:  # a saved reply: its text, not the /r command
                copy: Message | MessageId = await self.bot.send_message(
                    customer.telegram_user_id, outcome.sends, reply_markup=markup
                )
            else:
                copy = await self.bot.copy_message(
                    chat_id=customer.telegram_user_id,
                    from_chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=markup,
                )
        except Forbidden:
            await self.helpdesk.mark_undeliverable(outcome.message_row_id, customer.id)
            await self.staff_notice(outcome.request, customer, t(self.staff_lang, "staff.blocked"))
            return
        except BadRequest as exc:
            await self.helpdesk.mark_undeliverable(outcome.message_row_id, None)
            await self.staff_notice(
                outcome.request,
                customer,
                t(self.staff_lang, "staff.undelivered", error=render.escape(exc.message)),
            )
            return
        await self.helpdesk.mark_relayed(
            outcome.message_row_id,
            outcome.request.id,
            customer.telegram_user_id,
            copy.message_id,
            "answer",
        )

    async def tell_user(self, user_id: int, text: str) -> bool:
        """Send a plain message to a user's private chat (a thank-you, say); False when
        Telegram refused it (the user blocked the bot, or never pressed Start)."""
        try:
            await self.bot.send_message(user_id, text)
        except Forbidden as exc:
            log.info("message to user %s refused: %s", user_id, exc)
            return False
        return True

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        """Remove the buttons of a message the bot sent (they no longer apply)."""
        try:
            await self.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as exc:  # cosmetic: the answer itself is stored
            log.info("could not remove the buttons of message %s: %s", message_id, exc)

    async def to_manager(
        self, manager_id: int, texts: Sequence[str], photo: bytes, filename: str, caption: str
    ) -> None:
        """Send a manager a report: its texts, then the chart (TelegramError if refused)."""
        for text in texts:
            await self.bot.send_message(manager_id, text, parse_mode=ParseMode.HTML)
        await self.bot.send_photo(manager_id, InputFile(photo, filename=filename), caption=caption)

    async def tell_manager(self, manager_id: int, text: str) -> bool:
        """Send a manager one notice; False (logged) when Telegram refuses, typically
        because the manager never pressed Start."""
        try:
            await self.bot.send_message(manager_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("notice to manager %s failed: %s", manager_id, exc)
            return False
        return True

    # staff side, general topic ---------------------------------------------------------

    async def staff_general(self, chat_id: int, text: str) -> None:
        """Post a line in a staff group's general topic (an alert's line for everyone)."""
        await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    # edits -----------------------------------------------------------------------------

    async def show_customer_edit(self, edit: MessageEdited) -> None:
        """Tell staff what a customer changed, replying to the copy they saw."""
        if not edit.text_changed:
            return  # formatting only: nothing staff need to read again
        text = render.edit_notice(edit.customer, edit.text, self.staff_lang)
        copy = edit.copy_message_id if edit.copy_chat_id == edit.request.staff_chat_id else None
        await self.staff_notice(edit.request, edit.customer, text, reply_to=copy)

    async def edit_customer_copy(
        self, edit: MessageEdited, entities: Sequence[MessageEntity] | None
    ) -> None:
        """Apply a staff member's edit to the answer the customer received."""
        request, customer = edit.request, edit.customer
        markup = render.solved_keyboard(request.id, customer.language)
        try:
            if edit.kind == "text":
                if not edit.text:
                    return
                await self.bot.edit_message_text(
                    edit.text,
                    chat_id=edit.copy_chat_id,
                    message_id=edit.copy_message_id,
                    entities=entities,
                    reply_markup=markup,
                )
            elif edit.kind in CAPTIONED_KINDS:
                await self.bot.edit_message_caption(
                    chat_id=edit.copy_chat_id,
                    message_id=edit.copy_message_id,
                    caption=edit.text or "",
                    caption_entities=entities,
                    reply_markup=markup,
                )
        except Forbidden:
            await self.helpdesk.mark_blocked(customer.id)
            await self.staff_notice(request, customer, t(self.staff_lang, "staff.blocked"))
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return  # the copy already shows this (a re-delivered edit)
            await self.staff_notice(
                request,
                customer,
                t(self.staff_lang, "staff.edit_undelivered", error=render.escape(exc.message)),
            )

    # state changes ---------------------------------------------------------------------

    async def announce(self, change: StateChange, who: str | None = None) -> None:
        """Tell staff and the customer about a resolve or reopen (the notices the change
        owes; `who`: the escaped name of the staff member who made it), and retitle."""
        if not change.changed:
            return
        request, customer = change.request, change.customer
        for notice in change.notices:  # the staff line first: it answers who acted
            if notice.kind in STAFF_KINDS:
                await self.deliver(notice, request, customer, who=who)
        await self.retitle(request, customer)
        for notice in change.notices:
            if notice.kind not in STAFF_KINDS:
                await self.deliver(notice, request, customer)
        resolved = request.status == Status.RESOLVED
        if resolved:
            for event in change.events:
                for hook in self.on_resolved:
                    try:
                        await hook(event)
                    except TelegramError as exc:  # the survey sweep asks again later
                        log.warning("after resolving #%s: %s", event.request_id, exc)
