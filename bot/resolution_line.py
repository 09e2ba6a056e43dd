"""The staff line of a request's resolution ("✅ #12 resolved by Anna") is also where what
follows the resolution is shown: the survey's result as its answers come in, and a
detractor's recovery card with its buttons. It is one message, composed here from what is
stored, so each change is an edit (none of the group's message budget) and neither part
overwrites the other."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import recovery_render as rr
from bot import survey_render as sr
from bot.relay import Relay
from bot.settings import Settings
from conversations.helpdesk import HelpDesk
from conversations.models import Notice, Request
from conversations.recovery import Recoveries, Recovery
from conversations.surveys import Surveys


class ResolutionLine:
    """Composes and edits a resolution's staff line with what is shown in it."""

    def __init__(
        self,
        relay: Relay,
        surveys: Surveys,
        recoveries: Recoveries,
        helpdesk: HelpDesk,
        settings: Settings,
    ) -> None:
        self.relay = relay
        self.surveys = surveys
        self.recoveries = recoveries
        self.helpdesk = helpdesk
        self.settings = settings

    async def _line(self, request: Request, message_id: int | None = None) -> Notice | None:
        """The request's latest resolution line (or the one shown as `message_id`), if it
        was sent where the request lives now."""
        line = await self.relay.notices.resolution_line(request.id, message_id)
        return line if line is not None and line.chat_id == request.staff_chat_id else None

    async def latest(self, request: Request) -> int | None:
        """The message id of the line of the request's latest resolution, if it was sent
        where the request lives now."""
        line = await self._line(request)
        return line.message_id if line is not None else None

    async def is_line(self, request: Request, message_id: int) -> bool:
        """Whether `message_id` is the staff line of one of the request's resolutions."""
        return await self._line(request, message_id) is not None

    async def card(self, r: Recovery) -> tuple[str, InlineKeyboardMarkup | None]:
        """A recovery card's text and buttons, wherever it is shown."""
        customer = await self.recoveries.customer(r)
        owner = await self.helpdesk.staff_member(r.owner_id) if r.owner_id else None
        by = await self.helpdesk.staff_member(r.attempted_by) if r.attempted_by else None
        lang, tz = self.settings.staff_language, self.settings.tz
        text = rr.card_text(r, customer, owner, by, lang, tz)
        return text, rr.card_keyboard(r, r.owner_id is not None, lang)

    async def show(self, request: Request, message_id: int) -> bool:
        """Edit the resolution line shown as `message_id` to its head, the survey result
        kept in it and the recovery card kept in it. False when it is no resolution line of
        the request or Telegram refused the edit: the caller then posts instead."""
        line = await self._line(request, message_id)
        if line is None:
            return False
        parts = [await self.relay.staff_line(line, request)]
        summary = await self.surveys.summary_of_request(request.id)
        if summary is not None and summary.staff_line_message_id == message_id:
            parts.append(sr.staff_result(summary, self.settings.staff_language))
        markup = None
        r = await self.recoveries.get(request.id)
        if r is not None and self.holds(r, line.chat_id, message_id):
            card, markup = await self.card(r)
            parts.append(f"\n{card}")
        return await self.relay.edit_staff_text(line.chat_id, message_id, "\n".join(parts), markup)

    @staticmethod
    def holds(r: Recovery, chat_id: int, message_id: int) -> bool:
        """Whether the recovery's card is shown in that message (not on a marked copy)."""
        at = (r.card_chat_id, r.card_message_id)
        return r.copy_row_id is None and at == (chat_id, message_id)
