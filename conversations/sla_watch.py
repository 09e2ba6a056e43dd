"""Service targets watched while they run: staff are warned once a target is close (its
last 20 % of business time, CAREBOT_SLA_WARNING_SHARE) and nobody has met it, and managers
hear once when it breaks.

Two targets run on a request: the first answer promised to the customer (promised_by,
until the first staff answer) and its resolution (resolution_due, while it is open). Each
warning and each escalation is claimed with a conditional update (only while none was
given), so a restart or a second worker never says it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, ColumnElement, select, update

from conversations import schema as tables
from conversations import staff_members
from conversations.business_hours import Calendar
from conversations.clock import Clock
from conversations.models import Customer, Request, StaffMember
from conversations.store import Database, Repo, request_from_row
from conversations.terms import OPEN_STATUSES, SlaTarget

__all__ = ["SlaAlert", "SlaWatch"]

_r = tables.requests.c


@dataclass(frozen=True, slots=True)
class _Clock:
    """Where one target's deadline, warning and escalation live, and while it runs."""

    due: Column[datetime]
    warned: Column[datetime]
    escalated: Column[datetime]
    running: ColumnElement[bool]


_CLOCKS: dict[SlaTarget, _Clock] = {
    SlaTarget.FIRST_RESPONSE: _Clock(
        _r.promised_by,
        _r.promise_warned_at,
        _r.promise_escalated_at,
        _r.status.in_(OPEN_STATUSES) & _r.first_response_at.is_(None),
    ),
    SlaTarget.RESOLUTION: _Clock(
        _r.resolution_due,
        _r.resolution_warned_at,
        _r.resolution_escalated_at,
        _r.status.in_(OPEN_STATUSES),
    ),
}


@dataclass(frozen=True, slots=True)
class SlaAlert:
    """A request whose target is about to break (a warning) or broke (an escalation)."""

    target: SlaTarget
    request: Request
    customer: Customer
    owner: StaffMember | None
    due: datetime  # the target's deadline
    left_seconds: float  # business time left (0 when already late)


class SlaWatch:
    """Finds the targets about to break or broken, and claims their warning or escalation."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar: Calendar,
        targets: Mapping[SlaTarget, timedelta],
        share: float,
    ) -> None:
        self.db = db
        self.clock = clock
        self.calendar = calendar
        # Warn with this much business time left.
        self.margins = {k: v.total_seconds() * (1 - share) for k, v in targets.items()}

    async def due_warnings(self) -> list[SlaAlert]:
        """The targets to warn staff about now; each is returned once, ever."""
        found: list[SlaAlert] = []
        for target, margin in self.margins.items():
            found += await self._claim(target, margin, escalate=False)
        return sorted(found, key=lambda a: a.due)

    async def breaches(self) -> list[SlaAlert]:
        """The targets broken and still unmet, to escalate; each is returned once, ever."""
        found: list[SlaAlert] = []
        for target in self.margins:
            found += await self._claim(target, 0.0, escalate=True)
        return sorted(found, key=lambda a: a.due)

    async def _claim(self, target: SlaTarget, margin: float, *, escalate: bool) -> list[SlaAlert]:
        now = self.clock.now()
        c = _CLOCKS[target]
        mark = c.escalated if escalate else c.warned
        waiting = select(tables.requests).where(c.running, c.due.is_not(None), mark.is_(None))
        if escalate:
            waiting = waiting.where(c.due <= now)
        found: list[SlaAlert] = []
        async with self.db.transaction() as repo:
            for row in (await repo.conn.execute(waiting.order_by(c.due))).all():
                request = request_from_row(row)
                due: datetime = row._mapping[c.due.name]
                left = self.calendar.business_seconds(now, due)
                if left > margin or (escalate and now < due):
                    continue
                # Still running and unmarked: an answer or a resolution that landed since
                # the read wins, and nothing is said.
                claimed = await repo.conn.execute(
                    update(tables.requests)
                    .where(_r.id == request.id, mark.is_(None), c.running)
                    .values({mark.name: now})
                )
                if claimed.rowcount == 1:
                    found.append(await self._alert(repo, target, request, due, left))
        return found

    async def _alert(
        self, repo: Repo, target: SlaTarget, request: Request, due: datetime, left: float
    ) -> SlaAlert:
        owner = None
        if request.assignee_id is not None:
            owner = await staff_members.member(repo.conn, request.assignee_id)
        customer = await repo.customer(request.customer_id)
        return SlaAlert(target, request, customer, owner, due, left)
