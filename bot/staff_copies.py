"""Customer messages reaching the staff group: copies, texts folded while they waited, and
the mention of a claimed request's owner at the start of a burst.

A mention rides on the message itself (a text sent with a header line, a caption), so it
costs the group no extra message; kinds without a caption (stickers, video notes) go
without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from telegram.constants import ParseMode

from analytics.html_split import LIMIT
from bot import render
from bot.i18n import t
from bot.staff_place import StaffPlace
from conversations.models import Customer, CustomerMessageOutcome, PendingRelay, Request

CAPTION_LIMIT = 1024
# Kinds whose copies carry a caption (so a mention line can ride on it).
CAPTIONED_KINDS = frozenset({"photo", "document", "voice", "audio", "video", "animation"})


class StaffCopies(StaffPlace):
    """Relays customer messages to the request's place in the staff group."""

    async def to_staff_folded(self, items: Sequence[PendingRelay]) -> None:
        """Relay one request's waiting messages in the order written, spending the staff
        group's budget once per run: consecutive texts go out as one message that quotes
        them all (each still maps to the request), anything else is copied as it is.

        Earlier messages whose relay failed join the front of the queue.
        """
        if not items:
            return
        queued = {item.row_id for item in items}
        earlier = [
            item
            for item in await self.helpdesk.pending_before(items[0].row_id)
            if item.row_id not in queued
        ]
        for run in self._runs([*earlier, *items]):
            first = run[0].outcome
            assert isinstance(first, CustomerMessageOutcome)
            # Each run reads the request again: an earlier run may have opened its topic.
            request = await self.helpdesk.request(first.request.id) or first.request
            if await self._open_with(request, first.customer, run):
                continue
            ping = await self._ping_line(request, run)
            if len(run) == 1:
                await self._copy_one(replace(first, request=request), run[0], ping)
                continue
            reopened = any(
                isinstance(item.outcome, CustomerMessageOutcome) and item.outcome.reopened
                for item in run
            )
            request = await self._prepare(request, replace(first, reopened=reopened))
            text = self._folded_text(first.customer, run)
            await self._send_text(request, first.customer, run, _with_line(ping, text, LIMIT))

    async def _ping_line(self, request: Request, run: Sequence[PendingRelay]) -> str | None:
        """The line that mentions the request's owner, when a message of the run starts a
        burst (the use case said whom) and they still own it; else None."""
        wanted = {
            item.outcome.ping_owner
            for item in run
            if isinstance(item.outcome, CustomerMessageOutcome) and item.outcome.ping_owner
        }
        if request.assignee_id is None or request.assignee_id not in wanted:
            return None
        owner = await self.helpdesk.staff_member(request.assignee_id)
        if owner is None:
            return None
        return t(self.staff_lang, "staff.owner_ping", owner=render.mention(owner))

    async def _copy_one(
        self, outcome: CustomerMessageOutcome, item: PendingRelay, ping: str | None
    ) -> None:
        """Copy one customer message into the request's topic or under its ticket card;
        with a mention line, a text goes as a message that starts with it and a caption
        carries it."""
        if outcome.already_relayed:
            return
        request = await self._prepare(outcome.request, outcome)
        if ping is not None and item.kind == "text" and item.text:
            text = _with_line(ping, render.escape(item.text), LIMIT)
            await self._send_text(request, outcome.customer, [item], text)
            return
        caption = None
        if ping is not None and item.kind in CAPTIONED_KINDS:
            body = render.escape(item.text) if item.text else ""
            caption = _with_line(ping, body, CAPTION_LIMIT) if body else ping
            if caption == body:
                caption = None  # too long to carry the line: the customer's caption as is
        copy_id = await self._send_to_place(
            request,
            outcome.customer,
            lambda thread, reply: self.bot.copy_message(
                chat_id=request.staff_chat_id,
                from_chat_id=item.chat_id,
                message_id=item.message_id,
                message_thread_id=thread,
                reply_parameters=reply,
                caption=caption,
                parse_mode=ParseMode.HTML if caption is not None else None,
            ),
        )
        await self.helpdesk.mark_relayed(
            outcome.message_row_id, request.id, request.staff_chat_id, copy_id, "copy"
        )

    async def _send_text(
        self, request: Request, customer: Customer, run: Sequence[PendingRelay], text: str
    ) -> None:
        """Post `text` for the run's messages and map each of them to it."""
        copy_id = await self._send_to_place(
            request,
            customer,
            lambda thread, reply: self.bot.send_message(
                request.staff_chat_id,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread,
                reply_parameters=reply,
            ),
        )
        await self.helpdesk.mark_folded(
            [item.row_id for item in run], request.id, request.staff_chat_id, copy_id
        )

    async def _open_with(
        self, request: Request, customer: Customer, run: Sequence[PendingRelay]
    ) -> bool:
        """Post a new request's card quoting its first texts, so a new request costs the
        group one message (plus its topic); False when the run cannot go on the card."""
        request = await self._rehomed(request)
        if not self._unplaced(request) or not all(i.kind == "text" and i.text for i in run):
            return False
        texts = [item.text or "" for item in run]
        card = await self._card(request, customer, texts)
        if len(card) > LIMIT:
            return False
        placed = await self._ensure_place(request, customer, texts)
        if placed.card_message_id is None:
            return False
        await self.helpdesk.mark_folded(
            [item.row_id for item in run],
            placed.id,
            placed.staff_chat_id,
            placed.card_message_id,
        )
        return True

    def _folded_text(self, customer: Customer, run: Sequence[PendingRelay]) -> str:
        return render.coalesced(customer, [item.text or "" for item in run], self.staff_lang)

    def _runs(self, items: Sequence[PendingRelay]) -> list[list[PendingRelay]]:
        """Split messages into what goes out as one staff message each: runs of texts that
        fit one message together, and every other message alone."""
        runs: list[list[PendingRelay]] = []
        for item in items:
            foldable = item.kind == "text" and bool(item.text)
            last = runs[-1] if runs else None
            if (
                foldable
                and last is not None
                and last[-1].kind == "text"
                and bool(last[-1].text)
                and len(self._folded_text(item.outcome.customer, [*last, item])) <= LIMIT
            ):
                last.append(item)
            else:
                runs.append([item])
        return runs


def _with_line(line: str | None, body: str, limit: int) -> str:
    """`line` above `body` when both fit in `limit` characters, else `body` alone."""
    if line is None:
        return body
    joined = f"{line}\n{body}"
    return joined if len(joined) <= limit else body
