"""Who owns a request: a staff member claims it, hands it over, or lets it go.

Each use case is one transaction. A claim is a conditional update (only while nobody owns
the request), so of two staff pressing "Take it" at once exactly one wins, on SQLite and on
PostgreSQL alike; the other is told who has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from conversations import schema as tables
from conversations import staff_members
from conversations.clock import Clock
from conversations.models import Customer, Refusal, Request, Sender, StaffMember
from conversations.store import Database, Repo
from conversations.terms import Actor, EventKind, Status


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """A request's owner after a claim, hand-over or release."""

    request: Request
    customer: Customer
    owner: StaffMember | None  # None: nobody owns it now
    previous: StaffMember | None
    changed: bool  # False: it was so already (pressing twice changes nothing)


@dataclass(frozen=True, slots=True)
class Taken:
    """A claim refused because someone else owns the request."""

    request: Request
    owner: StaffMember


class Ownership:
    """The claim, assign and unclaim use cases."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def seen(self, who: Sender) -> StaffMember:
        """Remember a staff member (so /assign @name finds them)."""
        async with self.db.transaction() as repo:
            return await staff_members.seen(repo.conn, who, self.clock.now())

    async def by_username(self, username: str) -> StaffMember | None:
        """A staff member by @username, if they were ever seen in a staff group."""
        async with self.db.read() as repo:
            return await staff_members.by_username(repo.conn, username)

    async def claim(self, request_id: int, who: Sender) -> OwnerChange | Taken | Refusal:
        """`who` takes the request, if nobody owns it (it is theirs already: unchanged)."""
        now = self.clock.now()
        async with self.db.transaction() as repo:
            me = await staff_members.seen(repo.conn, who, now)
            request = await repo.request(request_id)
            if request is None:
                return Refusal.UNKNOWN
            if request.assignee_id == me.user_id:
                return await self._unchanged(repo, request, me)
            if request.status == Status.RESOLVED:
                return Refusal.RESOLVED
            r = tables.requests.c
            won = await repo.conn.execute(
                update(tables.requests)
                .where(r.id == request_id, r.assignee_id.is_(None))
                .values(assignee_id=me.user_id)
            )
            if won.rowcount != 1:  # someone else's claim landed first
                request = await repo.request(request_id)
                assert request is not None and request.assignee_id is not None
                owner = await staff_members.member(repo.conn, request.assignee_id)
                return Taken(request, owner or staff_members.unknown(request.assignee_id))
            await repo.add_event(request_id, EventKind.CLAIMED, now, Actor.STAFF, me.user_id)
            return await self._changed(repo, request_id, me, None)

    async def assign(self, request_id: int, to: Sender, by: Sender) -> OwnerChange | Refusal:
        """`by` hands the request to `to` (whoever owned it before)."""
        now = self.clock.now()
        async with self.db.transaction() as repo:
            actor = await staff_members.seen(repo.conn, by, now)
            target = (
                actor if to.user_id == by.user_id else await staff_members.seen(repo.conn, to, now)
            )
            request = await repo.request(request_id)
            if request is None:
                return Refusal.UNKNOWN
            if request.assignee_id == target.user_id:
                return await self._unchanged(repo, request, target)
            if request.status == Status.RESOLVED:
                return Refusal.RESOLVED
            previous = await self._owner(repo, request)
            await repo.update_request(request_id, assignee_id=target.user_id)
            kind = EventKind.CLAIMED if target.user_id == actor.user_id else EventKind.ASSIGNED
            await repo.add_event(
                request_id, kind, now, Actor.STAFF, actor.user_id, subject_id=target.user_id
            )
            return await self._changed(repo, request_id, target, previous)

    async def unclaim(self, request_id: int, by: Sender) -> OwnerChange | Refusal:
        """Release the request: nobody owns it (anyone in the team may, as a lead would)."""
        now = self.clock.now()
        async with self.db.transaction() as repo:
            await staff_members.seen(repo.conn, by, now)
            request = await repo.request(request_id)
            if request is None:
                return Refusal.UNKNOWN
            if request.assignee_id is None:
                return await self._unchanged(repo, request, None)
            previous = await self._owner(repo, request)
            await repo.update_request(request_id, assignee_id=None)
            await repo.add_event(
                request_id,
                EventKind.UNCLAIMED,
                now,
                Actor.STAFF,
                by.user_id,
                subject_id=request.assignee_id,
            )
            return await self._changed(repo, request_id, None, previous)

    @staticmethod
    async def _owner(repo: Repo, request: Request) -> StaffMember | None:
        if request.assignee_id is None:
            return None
        found = await staff_members.member(repo.conn, request.assignee_id)
        return found or staff_members.unknown(request.assignee_id)

    @staticmethod
    async def _unchanged(repo: Repo, request: Request, owner: StaffMember | None) -> OwnerChange:
        customer = await repo.customer(request.customer_id)
        return OwnerChange(request, customer, owner, owner, changed=False)

    @staticmethod
    async def _changed(
        repo: Repo, request_id: int, owner: StaffMember | None, previous: StaffMember | None
    ) -> OwnerChange:
        request = await repo.request(request_id)
        assert request is not None
        customer = await repo.customer(request.customer_id)
        return OwnerChange(request, customer, owner, previous, changed=True)
