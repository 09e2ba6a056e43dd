"""Where relayed messages landed and what is still to relay: the copies' links back to
their requests, deliveries that failed, the relays a crash left pending, and each request's
place in the staff group (topic, card, group). HelpDesk offers these (it is a RelayRecords)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from conversations.clock import Clock
from conversations.models import (
    CustomerMessageOutcome,
    PendingRelay,
    Request,
    StaffMessageOutcome,
    StoredMessage,
)
from conversations.store import Database, Repo
from conversations.terms import SAVED_REPLY_KIND, Direction


class RelayRecords:
    """The relay's bookkeeping, over the database."""

    db: Database
    clock: Clock

    async def mark_relayed(
        self, row_id: int, request_id: int, copy_chat_id: int, copy_message_id: int, role: str
    ) -> None:
        """Record where a relayed copy landed, so replies to it map to the request."""
        async with self.db.transaction() as repo:
            await repo.mark_delivered(row_id, copy_chat_id, copy_message_id)
            await repo.link(copy_chat_id, copy_message_id, request_id, role)

    async def mark_folded(
        self, row_ids: Sequence[int], request_id: int, copy_chat_id: int, copy_message_id: int
    ) -> None:
        """Record that several messages landed folded into one staff message: a reply to it
        maps to their request, an edit of any of them replies to it."""
        async with self.db.transaction() as repo:
            for row_id in row_ids:
                await repo.mark_delivered(row_id, copy_chat_id, copy_message_id)
            await repo.link(copy_chat_id, copy_message_id, request_id, "copy")

    async def card_texts(self, request: Request) -> list[str]:
        """The customer texts the request's ticket card quotes (its first ones, if any)."""
        if request.card_message_id is None:
            return []
        async with self.db.read() as repo:
            return await repo.texts_copied_to(request.staff_chat_id, request.card_message_id)

    async def mark_undeliverable(self, row_id: int, customer_id: int | None) -> None:
        """Record a failed delivery; with customer_id, the customer blocked the bot."""
        async with self.db.transaction() as repo:
            await repo.mark_failed(row_id)
            if customer_id is not None:
                await repo.mark_blocked(customer_id, self.clock.now())

    async def mark_blocked(self, customer_id: int) -> bool:
        """Remember that the customer blocked the bot; True when that is news."""
        async with self.db.transaction() as repo:
            return await repo.mark_blocked(customer_id, self.clock.now())

    async def pending_relays(
        self, older_than: timedelta = timedelta(seconds=60), limit: int = 100
    ) -> list[PendingRelay]:
        """Stored messages whose relay did not complete (older than in-flight sends)."""
        async with self.db.read() as repo:
            rows = await repo.pending_messages(self.clock.now() - older_than, limit)
            return [await self._pending(repo, row) for row in rows]

    async def pending_before(self, row_id: int) -> list[PendingRelay]:
        """Older messages of the same request and direction whose relay did not complete:
        the edge relays them first, so copies keep the order in which they were written."""
        async with self.db.read() as repo:
            return [await self._pending(repo, row) for row in await repo.pending_before(row_id)]

    async def _pending(self, repo: Repo, row: StoredMessage) -> PendingRelay:
        request = await repo.request(row.request_id)
        assert request is not None
        customer = await repo.customer(request.customer_id)
        outcome: CustomerMessageOutcome | StaffMessageOutcome
        if row.direction == Direction.IN:
            outcome = CustomerMessageOutcome(
                customer=customer, request=request, message_row_id=row.id
            )
        else:
            sends = row.text if row.kind == SAVED_REPLY_KIND else None
            outcome = StaffMessageOutcome(
                customer=customer, request=request, message_row_id=row.id, sends=sends
            )
        return PendingRelay(
            row.id, row.source_chat_id, row.source_message_id, outcome, row.kind, row.text
        )

    async def move_to_group(self, request_id: int, staff_chat_id: int) -> Request:
        """Give the request to another staff group, without a place there yet (its old
        group is no longer configured): its next message opens a topic or card there."""
        async with self.db.transaction() as repo:
            return await repo.update_request(
                request_id, staff_chat_id=staff_chat_id, topic_thread_id=None, card_message_id=None
            )

    async def set_topic(self, request_id: int, thread_id: int) -> Request:
        """Attach (or replace) the request's forum topic."""
        async with self.db.transaction() as repo:
            return await repo.update_request(request_id, topic_thread_id=thread_id)

    async def set_card(self, request_id: int, chat_id: int, message_id: int) -> Request:
        """Attach the ticket card posted in a plain staff group."""
        async with self.db.transaction() as repo:
            await repo.link(chat_id, message_id, request_id, "card")
            return await repo.update_request(request_id, card_message_id=message_id)

    async def link_notice(self, request_id: int, chat_id: int, message_id: int) -> None:
        """Map a bot notice in the staff group to its request, so replies to it work too."""
        async with self.db.transaction() as repo:
            await repo.link(chat_id, message_id, request_id, "notice")
