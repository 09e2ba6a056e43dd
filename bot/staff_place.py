"""The staff group's side of the relay: each request's place there (its forum topic or
ticket card), copies of customer messages, texts folded while they waited, notices.

A deleted topic is recreated and the send retried; every copy is mapped back to its
request; a new request's card quotes its first texts, so it costs the group one message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from analytics.html_split import LIMIT
from bot import render
from bot.i18n import t
from bot.settings import Settings
from conversations.helpdesk import HelpDesk
from conversations.models import (
    Customer,
    CustomerMessageOutcome,
    Request,
    StaffMember,
)
from conversations.terms import Status

log = logging.getLogger(__name__)


def _thread_gone(exc: BadRequest) -> bool:
    text = exc.message.lower()
    return "thread not found" in text or "topic_deleted" in text or "topic deleted" in text


class StaffPlace:
    """Sends into the staff group on behalf of the helpdesk and records where they landed."""

    def __init__(self, bot: Bot, helpdesk: HelpDesk, settings: Settings) -> None:
        self.bot = bot
        self.helpdesk = helpdesk
        self.settings = settings
        self.routing = settings.routing
        self.staff_lang = settings.staff_language
        self.forums: set[int] = set()  # the staff groups that have topics (lifecycle checks)

    def is_forum(self, chat_id: int) -> bool:
        """Whether a staff group works with forum topics (else ticket cards and replies)."""
        return chat_id in self.forums

    def set_forum(self, chat_id: int, forum: bool) -> None:
        """Record whether a staff group has topics."""
        if forum:
            self.forums.add(chat_id)
        else:
            self.forums.discard(chat_id)

    async def _prepare(self, request: Request, outcome: CustomerMessageOutcome) -> Request:
        """Make sure the request has its place in the group; say so there if it reopened."""
        request = await self._ensure_place(request, outcome.customer)
        if outcome.reopened:
            await self.staff_notice(
                request,
                outcome.customer,
                t(self.staff_lang, "staff.reopened.customer", id=request.id),
            )
            await self.retitle(request, outcome.customer)
        return request

    async def mark_copy(
        self,
        row_id: int,
        request: Request,
        customer: Customer,
        mark: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int | None:
        """Put `mark` (an alert's lines) above the staff copy of customer message `row_id`,
        with `markup` as its buttons if given: an edit, so it spends none of the group's
        budget; return the copy's message id. None when the copy cannot carry it (not
        landed, media, too long, or buttons asked of the ticket card, whose own edits would
        drop them) or Telegram refuses; the caller posts instead. The copy is shown as
        plain text then; a card edited later loses the mark."""
        found = await self.helpdesk.staff_copy(row_id)
        if found is None:
            return None
        row, texts = found
        copy = row.copy_message_id
        if row.copy_chat_id != request.staff_chat_id or copy is None:
            return None
        if copy == request.card_message_id:
            if markup is not None:
                return None
            body = await self._card(request, customer, texts)
            markup = render.card_keyboard(request, self.staff_lang)
        elif len(texts) > 1:
            body = render.coalesced(customer, texts, self.staff_lang)
        elif row.kind == "text" and row.text:
            body = render.escape(row.text)
        else:
            return None
        text = f"{mark}\n{body}"
        if len(text) > LIMIT:
            return None
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=request.staff_chat_id,
                message_id=copy,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except TelegramError as exc:
            if _not_modified(exc):
                return copy  # it shows this already (a repeat)
            log.info("could not mark the copy of message row %s: %s", row_id, exc)
            return None
        return copy

    async def edit_staff_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> bool:
        """Replace the text (and buttons) of a bot message in the staff group (a survey's
        result line as its answers arrive: an edit spends none of the group's message
        budget); False when Telegram refuses (deleted, too old), so the caller posts
        instead. Already showing that is no refusal."""
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except TelegramError as exc:
            if _not_modified(exc):
                return True
            log.info("could not edit staff message %s: %s", message_id, exc)
            return False
        return True

    async def staff_notice(
        self,
        request: Request,
        customer: Customer,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        reply_to: int | None = None,
    ) -> int:
        """Post a bot notice where the request lives in the staff group, as a reply to the
        staff-group message `reply_to` if given (else to the card, without topics); return
        its id."""
        request = await self._ensure_place(request, customer)
        wanted = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        message_id = await self._send_to_place(
            request,
            customer,
            lambda thread, reply: self.bot.send_message(
                request.staff_chat_id,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread,
                reply_parameters=wanted or reply,
                reply_markup=markup,
            ),
        )
        await self.helpdesk.link_notice(request.id, request.staff_chat_id, message_id)
        return message_id

    async def _rehomed(self, request: Request) -> Request:
        """A request of a staff group no longer configured (taken out of
        CAREBOT_STAFF_GROUPS) moves to the default group, so its messages still reach
        staff; else the request as it is."""
        if self.routing.group(request.staff_chat_id) is not None:
            return request
        default = self.routing.default.chat_id
        log.warning(
            "request #%s: staff chat %s is not configured; moving it to %s",
            request.id,
            request.staff_chat_id,
            default,
        )
        return await self.helpdesk.move_to_group(request.id, default)

    def _unplaced(self, request: Request) -> bool:
        """The request has no topic (forum) or no ticket card (plain group) yet."""
        if self.is_forum(request.staff_chat_id):
            return request.topic_thread_id is None
        return request.card_message_id is None

    async def _ensure_place(
        self, request: Request, customer: Customer, quoted: Sequence[str] = ()
    ) -> Request:
        """Give the request its topic and card if it has none (the card quoting `quoted`)."""
        request = await self._rehomed(request)
        if self.is_forum(request.staff_chat_id):
            if request.topic_thread_id is None:
                return await self._new_topic(request, customer, quoted)
            return request
        if request.card_message_id is None:
            sent = await self.bot.send_message(
                request.staff_chat_id,
                await self._card(request, customer, quoted),
                parse_mode=ParseMode.HTML,
                reply_markup=render.card_keyboard(request, self.staff_lang),
            )
            return await self.helpdesk.set_card(request.id, request.staff_chat_id, sent.message_id)
        return request

    async def _new_topic(
        self, request: Request, customer: Customer, quoted: Sequence[str] = ()
    ) -> Request:
        try:
            topic = await self.bot.create_forum_topic(
                request.staff_chat_id, await self._title(request, customer)
            )
        except BadRequest as exc:
            if "not a forum" not in exc.message.lower():
                raise
            # Topics were switched off in the group: fall back to ticket cards.
            log.warning(
                "staff chat %s is no longer a forum; using ticket cards", request.staff_chat_id
            )
            self.set_forum(request.staff_chat_id, False)
            return await self._ensure_place(request, customer, quoted)
        request = await self.helpdesk.set_topic(request.id, topic.message_thread_id)
        header = await self.bot.send_message(
            request.staff_chat_id,
            await self._card(request, customer, quoted),
            parse_mode=ParseMode.HTML,
            message_thread_id=topic.message_thread_id,
            reply_markup=render.card_keyboard(request, self.staff_lang),
        )
        return await self.helpdesk.set_card(request.id, request.staff_chat_id, header.message_id)

    async def _send_to_place(self, request: Request, customer: Customer, send: Any) -> int:
        """Run send(thread_id, reply_parameters) for the request's place; recreate a lost topic."""
        if request.topic_thread_id is not None and self.is_forum(request.staff_chat_id):
            try:
                return _message_id(await send(request.topic_thread_id, None))
            except BadRequest as exc:
                if not _thread_gone(exc):
                    raise
                log.warning("topic of request #%s is gone; recreating it", request.id)
                request = await self._new_topic(request, customer)
                if request.topic_thread_id is not None and self.is_forum(request.staff_chat_id):
                    return _message_id(await send(request.topic_thread_id, None))
        reply = (
            ReplyParameters(request.card_message_id, allow_sending_without_reply=True)
            if request.card_message_id
            else None
        )
        return _message_id(await send(None, reply))

    async def retitle(self, request: Request, customer: Customer) -> None:
        """Show the request's state in its topic title (✅ once resolved, its owner) and
        its card (status, owner, buttons): edits, no new message."""
        if self.is_forum(request.staff_chat_id) and request.topic_thread_id is not None:
            title = await self._title(request, customer, resolved=request.status == Status.RESOLVED)
            try:
                await self.bot.edit_forum_topic(
                    request.staff_chat_id, request.topic_thread_id, name=title
                )
            except TelegramError as exc:  # cosmetic: never fail the state change for it
                log.info("could not rename topic of request #%s: %s", request.id, exc)
        await self.recard(request, customer)

    async def recard(self, request: Request, customer: Customer) -> None:
        """Show the request as it is now on its card (an edit, no new message)."""
        if request.card_message_id is not None:
            quoted = await self.helpdesk.card_texts(request)
            try:
                await self.bot.edit_message_text(
                    await self._card(request, customer, quoted),
                    chat_id=request.staff_chat_id,
                    message_id=request.card_message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=render.card_keyboard(request, self.staff_lang),
                )
            except TelegramError as exc:
                log.info("could not update card of request #%s: %s", request.id, exc)

    def _category_name(self, request: Request) -> str | None:
        category = self.routing.category(request.category)
        return category.name(self.staff_lang) if category else None

    async def _owner(self, request: Request) -> StaffMember | None:
        if request.assignee_id is None:
            return None
        return await self.helpdesk.staff_member(request.assignee_id)

    async def _title(self, request: Request, customer: Customer, resolved: bool = False) -> str:
        return render.topic_title(
            request,
            customer,
            self.staff_lang,
            resolved,
            self._category_name(request),
            await self._owner(request),
        )

    async def _card(self, request: Request, customer: Customer, quoted: Sequence[str] = ()) -> str:
        return render.card(
            request,
            customer,
            self.staff_lang,
            self.settings.tz,
            quoted,
            self._category_name(request),
            await self._owner(request),
            await self.helpdesk.tags(request.id),
        )


def _message_id(sent: Any) -> int:
    value = sent.message_id
    assert isinstance(value, int)
    return value


def _not_modified(exc: TelegramError) -> bool:
    """Telegram's refusal to edit a message into what it already shows (a repeat)."""
    return "not modified" in str(exc).lower()
