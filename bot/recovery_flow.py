"""Recovery over Telegram: a detractor's score opens the recovery and shows its card in the
staff line of the request's resolution (an edit: that card is the detractor alert, no
message of the group's budget; a card of its own when there is no such line); an escalating
customer message opens one on the staff copy of that message (an edit); the card's buttons
take it, record the root cause and the attempt, each an edit of the card; days later the
customer is asked once "Are we OK now?", and the answer edits the card."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import CallbackQuery
from telegram.constants import ParseMode
from telegram.error import TelegramError

from analytics.catalog import root_cause_name
from bot import recovery_render as rr
from bot.alert_digest import AlertDigest
from bot.answers import answer
from bot.i18n import t
from bot.incoming import sender
from bot.relay import Relay
from bot.render import escape
from bot.resolution_line import ResolutionLine
from bot.settings import Settings
from conversations.helpdesk import HelpDesk
from conversations.models import Customer, Request
from conversations.owners import owner_of
from conversations.ownership import Ownership
from conversations.recovery import Recoveries
from conversations.terms import NPS_MAX, NPS_MIN, RootCause

log = logging.getLogger(__name__)


class RecoveryFlow:
    """Runs recoveries over Telegram for the recovery use cases."""

    def __init__(
        self,
        recoveries: Recoveries,
        helpdesk: HelpDesk,
        ownership: Ownership,
        relay: Relay,
        lines: ResolutionLine,
        digest: AlertDigest,
        settings: Settings,
    ) -> None:
        self.recoveries = recoveries
        self.helpdesk = helpdesk
        self.ownership = ownership
        self.relay = relay
        self.lines = lines
        self.digest = digest
        self.settings = settings
        self.lang = settings.staff_language

    async def detractor(self, request_id: int, score: int, general_line: str | None) -> None:
        """Open the recovery of a detractor's request and show its card (once) in the
        resolution's staff line, else in a message of its own; with topics,
        `general_line` (the alert, when due) joins the general topic's digest. A recovery
        an escalation opened takes the score on its card instead."""
        request = await self.helpdesk.request(request_id)
        card = await self.helpdesk.whois_request(request_id)
        if request is None or card is None:
            return
        owner = owner_of(request.assignee_id, request.resolved_by, request.resolution_source)
        opened = await self.recoveries.open(request_id, card.customer.id, score, owner)
        if opened is None:
            if await self.recoveries.add_score(request_id, score):
                await self.refresh(request_id)
                self._to_digest(request, general_line)
            return  # else a repeat: the card is there already
        line = await self.lines.latest(request)
        if line is not None:
            await self.recoveries.set_card(request_id, request.staff_chat_id, line)
            if await self.lines.show(request, line):
                self._to_digest(request, general_line)
                return
        text, markup = await self.lines.card(opened)
        shown = await self.relay.staff_notice(request, card.customer, text, markup)
        await self.recoveries.set_card(request_id, request.staff_chat_id, shown)
        self._to_digest(request, general_line)

    async def escalation(
        self,
        request: Request,
        customer: Customer,
        row_id: int,
        reasons: Sequence[str],
        general_line: str,
    ) -> bool:
        """Open the recovery of a request whose customer wrote something that calls for a
        senior person (message row `row_id`); with topics its card is the staff copy of that
        message, marked and given the buttons (an edit), else a card of its own. False when
        the request has a recovery already: the caller alerts as it would without one."""
        why = ",".join(reasons)  # Escalation.reasons, named in the staff's language on the card
        opened = await self.recoveries.escalate(request.id, customer.id, why, request.assignee_id)
        if opened is None:
            return False
        text, markup = await self.lines.card(opened)
        if self.relay.is_forum(request.staff_chat_id):
            copy = await self.relay.mark_copy(row_id, request, customer, text, markup)
            if copy is not None:
                await self.recoveries.set_card(request.id, request.staff_chat_id, copy, row_id)
                self._to_digest(request, general_line)
                return True
        shown = await self.relay.staff_notice(request, customer, text, markup)
        await self.recoveries.set_card(request.id, request.staff_chat_id, shown)
        self._to_digest(request, general_line)
        return True

    def _to_digest(self, request: Request, line: str | None) -> None:
        """With topics, everyone hears of it in the general topic's digest (without, the
        card in the group is that)."""
        if line and self.relay.is_forum(request.staff_chat_id):
            self.digest.add(request.staff_chat_id, line)

    async def refresh(self, request_id: int) -> None:
        """Edit the card to what the recovery is now (an edit: no message of the budget)."""
        r = await self.recoveries.get(request_id)
        if r is None or r.card_chat_id is None or r.card_message_id is None:
            return
        request = await self.helpdesk.request(request_id)
        if request is not None and await self.lines.is_line(request, r.card_message_id):
            # The card is in the resolution's line: only that line's composer edits it (a
            # refused edit leaves it as it was, never a bare card without its head).
            await self.lines.show(request, r.card_message_id)
            return
        text, markup = await self.lines.card(r)
        if r.copy_row_id is not None:
            if request is not None:
                customer = await self.recoveries.customer(r)
                await self.relay.mark_copy(r.copy_row_id, request, customer, text, markup)
            return
        try:
            await self.relay.bot.edit_message_text(
                text,
                chat_id=r.card_chat_id,
                message_id=r.card_message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except TelegramError as exc:  # not modified, or deleted: the state is stored
            log.info("could not edit recovery card of #%s: %s", request_id, exc)

    async def staff_press(self, query: CallbackQuery) -> None:
        """A button of a recovery card: take, a root cause, or the attempt made."""
        lang = self.lang
        parsed = rr.parse(query.data, rr.CB_RECOVERY)
        r = await self.recoveries.get(parsed[0]) if parsed else None
        on = query.message
        if (
            parsed is None
            or r is None
            or on is None
            or (r.card_chat_id, r.card_message_id) != (on.chat.id, on.message_id)
        ):
            await answer(query, t(lang, "callback.unknown"))  # only on its own card
            return
        action, who = parsed[1], sender(query.from_user)
        if action == rr.TAKE:
            await self.ownership.seen(who)  # named on the card from now on
            if await self.recoveries.take(r.request_id, who.user_id):
                await answer(query, t(lang, "recovery.toast.taken", id=r.request_id))
            else:
                await answer(query, t(lang, "recovery.toast.same"))
        elif action == rr.ATTEMPT:
            done = await self.recoveries.attempted(r.request_id, who.user_id)
            days = self.settings.recovery_reask_days
            await answer(
                query,
                t(lang, "recovery.toast.attempt" if done else "recovery.toast.same", days=days),
            )
        elif action in {c.value for c in RootCause}:
            cause = RootCause(action)
            done = await self.recoveries.set_cause(r.request_id, cause, who.user_id)
            name = root_cause_name(cause, lang)
            await answer(
                query,
                t(lang, "recovery.toast.cause" if done else "recovery.toast.same", cause=name),
            )
        else:
            await answer(query, t(lang, "callback.unknown"))
            return
        await self.refresh(r.request_id)

    async def sweep(self) -> int:
        """Ask the re-asks that fell due, close the stale ones; return how many were asked."""
        asked = 0
        for r, customer in await self.recoveries.due_reasks():
            request = await self.helpdesk.request(r.request_id)
            if request is None:
                continue
            lang = customer.language
            text = rr.reask_text(r, lang)
            sent = await self.relay.tell_customer(
                request, customer, text, rr.reask_keyboard(r.request_id, lang)
            )
            if sent is not None:
                await self.recoveries.set_reask_message(r.request_id, sent.message_id)
                asked += 1
            await self.refresh(r.request_id)
        for r in await self.recoveries.expire_due():
            if r.reask_message_id is not None:
                customer = await self.recoveries.customer(r)
                if customer.telegram_user_id is not None:
                    await self.relay.drop_buttons(customer.telegram_user_id, r.reask_message_id)
            await self.refresh(r.request_id)
        return asked

    async def customer_press(self, query: CallbackQuery) -> None:
        """The customer's answer to "Are we OK now?", from the message that asked only."""
        user = query.from_user
        lang = await self.helpdesk.language_of(user.id, user.language_code)
        parsed = rr.parse(query.data, rr.CB_REASK)
        r = await self.recoveries.get(parsed[0]) if parsed else None
        on = query.message
        customer = await self.recoveries.customer(r) if r else None
        if (
            parsed is None
            or r is None
            or customer is None
            or on is None
            or on.chat.id != user.id
            or customer.telegram_user_id != user.id
            or r.reask_message_id != on.message_id
        ):
            await answer(query, t(lang, "callback.not_yours"), alert=True)
            return
        score: int | None = None
        if parsed[1] != rr.SKIP:
            if not parsed[1].isdigit() or not NPS_MIN <= int(parsed[1]) <= NPS_MAX:
                await answer(query, t(lang, "callback.unknown"))
                return
            score = int(parsed[1])
        result = await self.recoveries.answer(r.request_id, score)
        if result is None or not result.changed:
            await answer(query, t(lang, "survey.callback.already"))
            return
        await answer(query, t(lang, "survey.callback.thanks"))
        said = (
            t(lang, "recovery.reask.thanks", score=score)
            if score is not None
            else t(lang, "recovery.reask.skipped")
        )
        question = rr.reask_text(r, lang)
        try:
            await query.edit_message_text(f"{question}\n\n{escape(said)}", reply_markup=None)
        except TelegramError as exc:
            log.info("could not edit the re-ask of #%s: %s", r.request_id, exc)
        await self.refresh(r.request_id)
