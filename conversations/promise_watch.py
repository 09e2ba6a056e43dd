"""Warnings before a promise breaks: once a request's promised first answer is close (the
last 20 % of its target, in business time) and nobody has answered, staff are told, once.

A warning is claimed with a conditional update (only while none was given), so a restart
or a second worker never warns twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from conversations import schema as tables
from conversations import staff_members
from conversations.business_hours import Calendar
from conversations.clock import Clock
from conversations.models import Customer, Request, StaffMember
from conversations.store import Database, request_from_row
from conversations.terms import OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class PromiseWarning:
    """A request whose promised first answer is about to be late (or is)."""

    request: Request
    customer: Customer
    owner: StaffMember | None
    due: datetime  # the promised time
    left_seconds: float  # business time left (0 when already late)


class PromiseWatch:
    """Finds the promises about to break and claims their warning."""

    def __init__(
        self, db: Database, clock: Clock, calendar: Calendar, target: timedelta, share: float
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        self.margin = target.total_seconds() * (1 - share)  # warn with this much left

    async def due_warnings(self) -> list[PromiseWarning]:
        """The requests to warn about now; each is returned once, ever."""
        now = self.clock.now()
        r = tables.requests.c
        waiting = (
            select(tables.requests)
            .where(
                r.status.in_(OPEN_STATUSES),
                r.first_response_at.is_(None),
                r.promised_by.is_not(None),
                r.promise_warned_at.is_(None),
            )
            .order_by(r.promised_by)
        )
        found: list[PromiseWarning] = []
        async with self.db.transaction() as repo:
            for row in (await repo.conn.execute(waiting)).all():
                request = request_from_row(row)
                assert request.promised_by is not None
                left = self.calendar.business_seconds(now, request.promised_by)
                if left > self.margin:
                    continue
                claimed = await repo.conn.execute(
                    update(tables.requests)
                    .where(r.id == request.id, r.promise_warned_at.is_(None))
                    .values(promise_warned_at=now)
                )
                if claimed.rowcount != 1:
                    continue
                owner = None
                if request.assignee_id is not None:
                    owner = await staff_members.member(repo.conn, request.assignee_id)
                customer = await repo.customer(request.customer_id)
                found.append(PromiseWarning(request, customer, owner, request.promised_by, left))
        return found
