"""Sending what the bot owes a customer or the staff group (conversations.notices):
"request received", "reopened", the away line, the too-fast line, a resolution's notice,
and the staff group's line about a resolution or a reopening.

The notice was stored with the change that made it owed; it is rendered here in the
customer's language when it is sent, then marked sent. The update that made it owed sends
it at once; the sweep (at start-up and every half minute) sends what a crash or a refused
call left unsent. Within one process a notice is taken once, so the update and the sweep
never both send it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from html import escape

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot import away, render
from bot.i18n import t
from bot.settings import Settings
from bot.staff_copies import StaffCopies
from conversations.business_hours import Calendar
from conversations.helpdesk import HelpDesk
from conversations.models import Customer, Notice, Request
from conversations.notices import STAFF_KINDS, Notices
from conversations.terms import NoticeKind

log = logging.getLogger(__name__)

TAKEN = 10_000  # notice ids this process remembers having taken (oldest forgotten first)

_RESOLVED = {
    NoticeKind.RESOLVED_STAFF: "resolved.staff",
    NoticeKind.RESOLVED_CUSTOMER: "resolved.customer",
    NoticeKind.RESOLVED_AUTO: "resolved.auto",
}
# The staff lines that name the staff member who acted.
NAMED_KINDS = frozenset({NoticeKind.STAFF_RESOLVED_STAFF, NoticeKind.STAFF_REOPENED_STAFF})
_STAFF = {
    NoticeKind.STAFF_RESOLVED_STAFF: "staff.resolved.staff",
    NoticeKind.STAFF_RESOLVED_CUSTOMER: "staff.resolved.customer",
    NoticeKind.STAFF_RESOLVED_AUTO: "staff.resolved.auto",
    NoticeKind.STAFF_REOPENED_STAFF: "staff.reopened.staff",
}


def render_notice(
    notice: Notice, request: Request, lang: str, settings: Settings, calendar: Calendar
) -> tuple[str, InlineKeyboardMarkup | None] | None:
    """A notice's text and buttons (None: nothing to say any more)."""
    kind, rid = notice.kind, request.id
    if kind in (NoticeKind.RECEIVED, NoticeKind.RECEIVED_ASK):
        text = away.received(calendar, notice.at, lang, rid, request.promised_by)
        if kind == NoticeKind.RECEIVED:
            return text, None
        categories = settings.routing.categories
        keyboard = render.category_keyboard(rid, categories, lang)
        return f"{text}\n\n{t(lang, 'category.ask')}", keyboard
    if kind == NoticeKind.REOPENED:
        return t(lang, "request.reopened", id=rid), None
    if kind == NoticeKind.REOPENED_AWAY:
        reopened = t(lang, "request.reopened", id=rid)
        line = away.away_line(calendar, notice.at, lang)
        return (f"{reopened}\n{line}" if line else reopened), None
    if kind == NoticeKind.AWAY:
        line = away.away_line(calendar, notice.at, lang)
        return (line, None) if line else None
    if kind == NoticeKind.TOO_FAST:
        return t(lang, "customer.too_fast"), None
    if kind == NoticeKind.REOPENED_BY_STAFF:
        return t(lang, "reopened.staff", id=rid), None
    return t(lang, _RESOLVED[kind], id=rid), None


def staff_text(notice: Notice, request: Request, settings: Settings, who: str) -> str:
    """The staff group's line about a state change (`who`: the staff member, escaped)."""
    hours = f"{settings.auto_resolve_hours:g}"
    return t(settings.staff_language, _STAFF[notice.kind], id=request.id, who=who, hours=hours)


class OwedNotices(StaffCopies):
    """Every notice the bot owes, customers' and the staff group's (a part of
    bot.relay.Relay)."""

    def __init__(self, bot: Bot, helpdesk: HelpDesk, settings: Settings) -> None:
        super().__init__(bot, helpdesk, settings)
        self.notices = Notices(helpdesk.db)
        self._taken: OrderedDict[int, None] = OrderedDict()

    @property
    def calendar(self) -> Calendar:
        """Business hours, for the away line (always set by the composition root)."""
        calendar = self.helpdesk.policy.calendar
        assert calendar is not None
        return calendar

    async def tell_customer(
        self,
        request: Request,
        customer: Customer,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> Message | None:
        """Send the customer a bot message. If they blocked the bot, staff hear of it once
        (until the customer writes again), not with every notice that follows; no survey
        is asked of them meanwhile."""
        if customer.telegram_user_id is None:
            return None
        try:
            return await self.bot.send_message(
                customer.telegram_user_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except Forbidden:
            if await self.helpdesk.mark_blocked(customer.id):
                await self.staff_notice(request, customer, t(self.staff_lang, "staff.blocked"))
            return None

    async def deliver(
        self, notice: Notice | None, request: Request, customer: Customer, who: str | None = None
    ) -> bool:
        """Send an owed notice and mark it sent; a call that failed for a passing reason
        (the network, a flood limit) leaves it to the sweep, one refused for good is given
        up.
        `who`: the escaped name of the staff member behind a staff line (else looked up).
        True when something went out."""
        if notice is None or notice.id in self._taken:
            return False
        self._taken[notice.id] = None
        while len(self._taken) > TAKEN:
            self._taken.popitem(last=False)
        sent, message_id = False, None
        try:
            if notice.kind in STAFF_KINDS:
                if who is None:
                    who = await self._who(notice)
                text = staff_text(notice, request, self.settings, who)
                message_id = await self.staff_notice(request, customer, text)
                sent = True
            else:
                lang, calendar = customer.language, self.calendar
                rendered = render_notice(notice, request, lang, self.settings, calendar)
                if rendered is not None:
                    sent = await self.tell_customer(request, customer, *rendered) is not None
        except BadRequest as exc:  # refused for good (no such chat, say): not retried
            log.warning("notice %s for #%s refused: %s", notice.kind, request.id, exc)
        except (NetworkError, RetryAfter) as exc:  # passing: the sweep tries again
            self._taken.pop(notice.id, None)
            log.warning("notice %s for #%s not sent yet: %s", notice.kind, request.id, exc)
            return False
        except TelegramError as exc:  # anything else Telegram refuses is refused for good
            log.warning("notice %s for #%s refused: %s", notice.kind, request.id, exc)
        await self.notices.mark_sent(notice.id, self.helpdesk.clock.now(), message_id)
        return sent

    async def _who(self, notice: Notice) -> str:
        """The escaped name of the staff member a staff line names (from the record)."""
        if notice.kind not in NAMED_KINDS:
            return ""
        return escape(await self.notices.actor_name(notice.source_id) or "—")

    async def staff_line(self, notice: Notice, request: Request) -> str:
        """The text of a staff line as it was owed (the name from the record)."""
        return staff_text(notice, request, self.settings, await self._who(notice))

    async def sweep_notices(self) -> int:
        """Send what is owed and unsent (a crash or a refused call left it); how many."""
        sent = 0
        for notice in await self.notices.unsent(self.helpdesk.clock.now()):
            if notice.id in self._taken:
                continue
            request = await self.helpdesk.request(notice.request_id)
            if request is None:
                continue
            customer = await self.helpdesk.customer(request.customer_id)
            if await self.deliver(notice, request, customer):
                sent += 1
        return sent
