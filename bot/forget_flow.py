"""/forget over Telegram: a customer asks in their chat, or staff for a request's customer in
the staff group; either way a button confirms (an erasure cannot be undone), then
conversations.erasure erases. Staff hear of it once, in the latest request's place, and
every topic title loses the name (edits, not messages from the group's budget)."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.answers import answer
from bot.i18n import t
from bot.relay import Relay
from bot.render import escape
from bot.settings import Settings
from conversations.erasure import Erased, Erasure
from conversations.helpdesk import HelpDesk
from conversations.models import Request, Sender
from conversations.terms import Actor

log = logging.getLogger(__name__)

CB_CUSTOMER = "fg"  # fg:yes | fg:no, in the customer's own chat
CB_STAFF = "fs"  # fs:<customer id>, in a staff group


class ForgetFlow:
    """Runs erasures over Telegram for the erasure use case."""

    def __init__(
        self, erasure: Erasure, helpdesk: HelpDesk, relay: Relay, settings: Settings
    ) -> None:
        self.erasure = erasure
        self.helpdesk = helpdesk
        self.relay = relay
        self.settings = settings
        self.staff_lang = settings.staff_language

    async def customer_asks(self, message: Message, user_id: int, lang: str) -> None:
        """/forget in the customer's chat: what it erases, and a button to confirm."""
        if await self.helpdesk.customer_by_user(user_id) is None:
            await message.reply_text(t(lang, "mydata.none"))
            return
        buttons = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(t(lang, "forget.yes"), callback_data=f"{CB_CUSTOMER}:yes")],
                [InlineKeyboardButton(t(lang, "forget.no"), callback_data=f"{CB_CUSTOMER}:no")],
            ]
        )
        await message.reply_text(
            t(lang, "forget.ask"), parse_mode=ParseMode.HTML, reply_markup=buttons
        )

    async def customer_press(self, query: CallbackQuery, lang: str) -> None:
        """The customer's answer, on the question in their own chat only."""
        user, on = query.from_user, query.message
        if on is None or on.chat.id != user.id or query.data not in ("fg:yes", "fg:no"):
            await answer(query, t(lang, "callback.not_yours"), alert=True)
            return
        if query.data == "fg:no":
            await answer(query)
            await _edit(query, t(lang, "forget.kept"))
            return
        customer = await self.helpdesk.customer_by_user(user.id)
        erased = (
            await self.erasure.forget(customer.id, Actor.CUSTOMER) if customer is not None else None
        )
        await answer(query)
        await _edit(query, t(lang, "forget.done" if erased else "forget.already"))
        if erased is not None:
            await self._tell_staff(erased, t(self.staff_lang, "forget.staff.customer"))

    async def staff_asks(self, message: Message, request: Request) -> None:
        """/forget in a request's place: who would be erased, and a button to confirm."""
        card = await self.helpdesk.whois_request(request.id)
        if card is None:
            return
        lang = self.staff_lang
        button = InlineKeyboardButton(
            t(lang, "forget.staff.yes"), callback_data=f"{CB_STAFF}:{card.customer.id}"
        )
        await message.reply_text(
            t(lang, "forget.staff.ask", name=escape(card.customer.full_name), id=request.id),
            parse_mode=ParseMode.HTML,
            reply_markup=InlineKeyboardMarkup([[button]]),
        )

    async def staff_press(self, query: CallbackQuery, who: Sender) -> None:
        """A staff member confirmed (the handler checked the press is in a staff group)."""
        lang = self.staff_lang
        parts = (query.data or "").split(":")
        if len(parts) != 2 or not parts[1].isdigit():
            await answer(query, t(lang, "callback.unknown"))
            return
        erased = await self.erasure.forget(int(parts[1]), Actor.STAFF, who.user_id)
        await answer(query)
        await _edit(query, t(lang, "forget.staff.done" if erased else "forget.already"))
        if erased is not None:
            line = t(lang, "forget.staff.by", name=escape(who.full_name))
            await self._tell_staff(erased, line, notice=False)

    async def _tell_staff(self, erased: Erased, line: str, *, notice: bool = True) -> None:
        """Rename every topic of the customer's; say it once in the latest request's place."""
        latest: Request | None = None
        for request_id in erased.request_ids:
            request = await self.helpdesk.request(request_id)
            if request is None:
                continue
            customer = await self.helpdesk.customer(request.customer_id)
            await self.relay.retitle(request, customer)
            latest = request
        if latest is not None and notice:
            customer = await self.helpdesk.customer(latest.customer_id)
            await self.relay.staff_notice(latest, customer, line)


async def _edit(query: CallbackQuery, text: str) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    except TelegramError as exc:
        log.info("could not edit the erasure question: %s", exc)
