"""What staff look up and mark about customers: open requests, customer cards, bans and
churn marks. HelpDesk offers these (it is a StaffViews)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy import func, select, update

from conversations import schema as tables
from conversations import staff_members
from conversations.clock import Clock
from conversations.history import History, request_history
from conversations.models import CustomerCard, OpenRequestLine, StaffMember, StoredMessage
from conversations.search import SearchHit, find_messages
from conversations.store import Database, Repo, message_from_row
from conversations.tags import tags_of
from conversations.terms import Direction, Status

# open_requests(owner=UNASSIGNED): the requests nobody owns
UNASSIGNED: Literal["unassigned"] = "unassigned"
OwnerFilter = int | Literal["unassigned"] | None


class StaffViews:
    """The staff's views of customers and requests, over the database."""

    db: Database
    clock: Clock

    async def open_requests(
        self, staff_chat_id: int | None = None, owner: OwnerFilter = None
    ) -> list[OpenRequestLine]:
        """Requests not yet resolved, oldest first: only one staff group's, if given; only
        those of one staff member (a user id), or only unassigned ones (UNASSIGNED)."""
        now = self.clock.now()
        async with self.db.read() as repo:
            pending = await repo.requests_by_status([Status.OPEN, Status.ANSWERED])
            if staff_chat_id is not None:
                pending = [r for r in pending if r.staff_chat_id == staff_chat_id]
            if owner is not None:
                wanted = None if owner == UNASSIGNED else owner
                pending = [r for r in pending if r.assignee_id == wanted]
            ids = [r.assignee_id for r in pending if r.assignee_id is not None]
            owners = await staff_members.members(repo.conn, ids)
            return [
                OpenRequestLine(
                    request=r,
                    customer=await repo.customer(r.customer_id),
                    waiting_for_first_response=r.first_response_at is None,
                    age_seconds=(now - r.opened_at).total_seconds(),
                    owner=owners.get(r.assignee_id) if r.assignee_id is not None else None,
                    promise_left_seconds=(
                        (r.promised_by - now).total_seconds()
                        if r.promised_by is not None and r.first_response_at is None
                        else None
                    ),
                    resolution_left_seconds=(
                        (r.resolution_due - now).total_seconds()
                        if r.resolution_due is not None
                        else None
                    ),
                )
                for r in pending
            ]

    async def staff_member(self, user_id: int) -> StaffMember | None:
        """A staff member by Telegram user id (a request's owner, say)."""
        async with self.db.read() as repo:
            return await staff_members.member(repo.conn, user_id)

    async def whois(self, query: str) -> list[CustomerCard]:
        """Customer cards for a query (id, @username, #request or name)."""
        async with self.db.read() as repo:
            return [await self._card(repo, c.id) for c in await repo.find_customers(query)]

    async def staff_names(self, user_ids: Sequence[int]) -> dict[int, str]:
        """The name each staff member last wrote under (for reports that list staff)."""
        if not user_ids:
            return {}
        async with self.db.read() as repo:
            known = await staff_members.members(repo.conn, user_ids)
        names = {uid: member.full_name for uid, member in known.items()}
        missing = [uid for uid in user_ids if uid not in names]
        return names | (await self._names_from_messages(missing) if missing else {})

    async def _names_from_messages(self, user_ids: Sequence[int]) -> dict[int, str]:
        """Names of staff who wrote before the staff table existed (their messages')."""
        m = tables.messages.c
        latest = (
            select(m.sender_user_id, func.max(m.id).label("last_id"))
            .where(m.sender_user_id.in_(list(user_ids)), m.direction != Direction.IN)
            .group_by(m.sender_user_id)
            .subquery()
        )
        q = select(m.sender_user_id, m.sender_name).join(latest, m.id == latest.c.last_id)
        async with self.db.read() as repo:
            rows = (await repo.conn.execute(q)).all()
        return {int(uid): name for uid, name in rows if name}

    async def set_banned(self, customer_id: int, banned: bool) -> bool:
        """Ban (no surveys, no alerts) or unban a customer; False if nothing changed."""
        async with self.db.transaction() as repo:
            customer = await repo.customer(customer_id)
            if customer.banned == banned:
                return False
            await repo.conn.execute(
                update(tables.customers)
                .where(tables.customers.c.id == customer_id)
                .values(banned=banned)
            )
            await repo.forget_risk_snapshots()
            return True

    async def mark_churned(self, customer_id: int) -> bool:
        """Record that staff consider the customer lost; False if they already were."""
        async with self.db.transaction() as repo:
            customer = await repo.customer(customer_id)
            if customer.churned_at is not None:
                return False
            await repo.conn.execute(
                update(tables.customers)
                .where(tables.customers.c.id == customer_id)
                .values(churned_at=self.clock.now(), churn_source="staff")
            )
            await repo.forget_risk_snapshots()
            return True

    async def staff_copy(self, row_id: int) -> tuple[StoredMessage, list[str]] | None:
        """Where a customer message landed in the staff group, and every customer text
        that staff message carries (one, several folded, or a card's first texts); None
        while it has not landed."""
        async with self.db.read() as repo:
            found = (
                await repo.conn.execute(
                    select(tables.messages).where(tables.messages.c.id == row_id)
                )
            ).first()
            if found is None:
                return None
            row = message_from_row(found)
            if row.copy_chat_id is None or row.copy_message_id is None:
                return None
            texts = await repo.texts_copied_to(row.copy_chat_id, row.copy_message_id)
            return row, texts

    async def history(self, request_id: int, limit: int = 25) -> History:
        """The last entries of a request's history, for /whois #N."""
        async with self.db.read() as repo:
            return await request_history(repo, request_id, limit)

    async def tags(self, request_id: int) -> list[str]:
        """The request's tags (its card shows them)."""
        async with self.db.read() as repo:
            return await tags_of(repo.conn, request_id)

    async def find(self, query: str, limit: int) -> list[SearchHit]:
        """The newest `limit` messages holding every word of `query` (/find)."""
        async with self.db.read() as repo:
            return await find_messages(repo.conn, query, limit)

    async def whois_request(self, request_id: int) -> CustomerCard | None:
        """The card of the customer behind a request."""
        async with self.db.read() as repo:
            request = await repo.request(request_id)
            return await self._card(repo, request.customer_id) if request else None

    async def _card(self, repo: Repo, customer_id: int) -> CustomerCard:
        recent = await repo.requests_of(customer_id, 5)
        return CustomerCard(
            customer=await repo.customer(customer_id),
            requests_total=await repo.count_requests(customer_id),
            open_requests=[r for r in recent if r.status != Status.RESOLVED],
            recent_requests=recent,
            messages_total=await repo.count_messages(customer_id),
        )
