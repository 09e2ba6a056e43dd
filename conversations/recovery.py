"""Recovery: a detractor's answer or an escalating customer message opens a recovery on
its request (one per request; a detractor score that comes later is added to it); its owner
records the root cause and marks the attempt made; some days later, once the request is
resolved, the customer is asked once "Are we OK now?" (0–10), and an answer of
RECOVERED_MIN or more means won back.

Every step is a conditional update on the recovery's row, so a repeated button press, a
re-delivered update or a second worker changes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from conversations import schema as tables
from conversations.clock import Clock
from conversations.models import Customer
from conversations.store import Database, from_row
from conversations.terms import (
    NPS_MAX,
    NPS_MIN,
    RECOVERED_MIN,
    RecoveryTrigger,
    RootCause,
    Status,
)

__all__ = ["ReaskOutcome", "ReaskResult", "Recoveries", "Recovery"]

_r = tables.recoveries


class ReaskOutcome(StrEnum):
    """How a recovery's re-ask ended."""

    ANSWERED = "answered"
    SKIPPED = "skipped"
    EXPIRED = "expired"
    NOT_ASKED = "not_asked"  # the customer was banned meanwhile, or cannot be reached


@dataclass(frozen=True, slots=True)
class Recovery:
    """One request's recovery (a row of recoveries)."""

    request_id: int
    customer_id: int
    trigger: RecoveryTrigger
    score: int | None
    opened_at: datetime
    reason: str | None = None
    copy_row_id: int | None = None
    owner_id: int | None = None
    root_cause: RootCause | None = None
    cause_by: int | None = None
    attempted_at: datetime | None = None
    attempted_by: int | None = None
    reask_due: datetime | None = None
    reask_sent_at: datetime | None = None
    reask_message_id: int | None = None
    reask_score: int | None = None
    reask_at: datetime | None = None
    reask_outcome: ReaskOutcome | None = None
    card_chat_id: int | None = None
    card_message_id: int | None = None

    @property
    def recovered(self) -> bool | None:
        """Won back (True), not (False), or not known yet (None)."""
        if self.reask_outcome != ReaskOutcome.ANSWERED or self.reask_score is None:
            return None
        return self.reask_score >= RECOVERED_MIN


@dataclass(frozen=True, slots=True)
class ReaskResult:
    """What a customer's press on a re-ask did: `changed` False for a repeat."""

    recovery: Recovery
    changed: bool


def _recovery(row: Row[Any]) -> Recovery:
    return from_row(
        Recovery, row, trigger=RecoveryTrigger, root_cause=RootCause, reask_outcome=ReaskOutcome
    )


class Recoveries:
    """The recovery use cases, over the database."""

    def __init__(self, db: Database, clock: Clock, reask_after: timedelta, expiry: timedelta):
        self.db = db
        self.clock = clock
        self.reask_after = reask_after
        self.expiry = expiry  # a re-ask unanswered this long is over

    async def get(self, request_id: int) -> Recovery | None:
        """The recovery of a request, if one was opened."""
        async with self.db.read() as repo:
            one = select(_r).where(_r.c.request_id == request_id)
            row = (await repo.conn.execute(one)).first()
        return _recovery(row) if row is not None else None

    async def customer(self, r: Recovery) -> Customer:
        """The customer a recovery is about."""
        async with self.db.read() as repo:
            return await repo.customer(r.customer_id)

    async def open(
        self, request_id: int, customer_id: int, score: int, owner_id: int | None
    ) -> Recovery | None:
        """Open the recovery of a detractor's request, worked by `owner_id` (its owner or
        resolver, if known); None if it was open already (an escalation's recovery takes
        the score then, see `add_score`)."""
        return await self._open(request_id, customer_id, owner_id, score=score)

    async def escalate(
        self, request_id: int, customer_id: int, reason: str, owner_id: int | None
    ) -> Recovery | None:
        """Open the recovery of a request whose customer wrote something that calls for a
        senior person (`reason`: the signals); None if the request has one already."""
        return await self._open(
            request_id,
            customer_id,
            owner_id,
            trigger=RecoveryTrigger.ESCALATION,
            reason=reason[: tables.RECOVERY_REASON_MAX],
        )

    async def _open(
        self, request_id: int, customer_id: int, owner_id: int | None, **values: object
    ) -> Recovery | None:
        row = {
            "request_id": request_id,
            "customer_id": customer_id,
            "opened_at": self.clock.now(),
            "owner_id": owner_id,
            **values,
        }
        try:
            async with self.db.transaction() as repo:
                await repo.conn.execute(insert(_r).values(row))
        except IntegrityError:
            return None
        return await self.get(request_id)

    async def add_score(self, request_id: int, score: int) -> bool:
        """A detractor's answer on a request whose recovery an escalation opened: the card
        shows it from now on; False when it had one (a repeat)."""
        return await self._change(request_id, _r.c.score.is_(None), score=score)

    async def _change(self, request_id: int, *where: ColumnElement[bool], **values: object) -> bool:
        async with self.db.transaction() as repo:
            changed = await repo.conn.execute(
                update(_r).where(_r.c.request_id == request_id, *where).values(values)
            )
        return bool(changed.rowcount)

    async def take(self, request_id: int, by: int) -> bool:
        """`by` works the recovery, if nobody does yet; False when someone was quicker."""
        return await self._change(request_id, _r.c.owner_id.is_(None), owner_id=by)

    async def set_card(
        self, request_id: int, chat_id: int, message_id: int, copy_row_id: int | None = None
    ) -> None:
        """Remember the staff-group message that shows the recovery (edited as it moves):
        a card of its own, or the staff copy of customer message `copy_row_id`."""
        await self._change(
            request_id,
            card_chat_id=chat_id,
            card_message_id=message_id,
            copy_row_id=copy_row_id,
        )

    async def set_cause(self, request_id: int, cause: RootCause, by: int) -> bool:
        """Record (or correct) the root cause; False when nothing changed."""
        return await self._change(
            request_id, _r.c.root_cause.is_distinct_from(cause), root_cause=cause, cause_by=by
        )

    async def attempted(self, request_id: int, by: int) -> bool:
        """Mark the recovery attempt made (once): the re-ask falls due `reask_after` later."""
        now = self.clock.now()
        return await self._change(
            request_id,
            _r.c.attempted_at.is_(None),
            attempted_at=now,
            attempted_by=by,
            reask_due=now + self.reask_after,
        )

    async def due_reasks(self) -> list[tuple[Recovery, Customer]]:
        """The re-asks to send now, each claimed once; a banned customer's is closed unasked.
        An escalation's waits until `reask_after` past the request's resolution too: the
        customer is not asked mid-conversation, nor right after its survey."""
        now = self.clock.now()
        q = tables.requests.c
        waiting = (
            select(_r.c.request_id)
            .join(tables.requests, q.id == _r.c.request_id)
            .where(
                _r.c.reask_due <= now,
                _r.c.reask_sent_at.is_(None),
                q.status == Status.RESOLVED,
                q.resolved_at <= now - self.reask_after,
            )
        )
        found: list[tuple[Recovery, Customer]] = []
        async with self.db.transaction() as repo:
            for (request_id,) in (await repo.conn.execute(waiting)).all():
                one = select(_r).where(_r.c.request_id == request_id)
                row = (await repo.conn.execute(one)).one()
                customer = await repo.customer(int(row.customer_id))
                reachable = not customer.banned and customer.telegram_user_id is not None
                values: dict[str, object] = {"reask_sent_at": now}
                if not reachable:
                    values |= {"reask_at": now, "reask_outcome": ReaskOutcome.NOT_ASKED}
                claimed = await repo.conn.execute(
                    update(_r)
                    .where(_r.c.request_id == request_id, _r.c.reask_sent_at.is_(None))
                    .values(values)
                )
                if claimed.rowcount == 1 and reachable:
                    found.append((_recovery(row), customer))
        return found

    async def set_reask_message(self, request_id: int, message_id: int) -> None:
        """Remember the customer's message that asks (its buttons answer only there)."""
        await self._change(request_id, reask_message_id=message_id)

    async def answer(self, request_id: int, score: int | None) -> ReaskResult | None:
        """The customer's answer (None: skipped); None for a score out of range or a
        recovery that was never asked."""
        if score is not None and not NPS_MIN <= score <= NPS_MAX:
            return None
        outcome = ReaskOutcome.SKIPPED if score is None else ReaskOutcome.ANSWERED
        changed = await self._change(
            request_id,
            _r.c.reask_sent_at.is_not(None),
            _r.c.reask_outcome.is_(None),
            reask_score=score,
            reask_at=self.clock.now(),
            reask_outcome=outcome,
        )
        found = await self.get(request_id)
        return ReaskResult(found, changed) if found is not None else None

    async def expire_due(self) -> list[Recovery]:
        """Close the re-asks left unanswered for `expiry`; return them (each once)."""
        now = self.clock.now()
        stale = and_(
            _r.c.reask_sent_at <= now - self.expiry,
            _r.c.reask_outcome.is_(None),
        )
        async with self.db.transaction() as repo:
            rows = (await repo.conn.execute(select(_r).where(stale))).all()
            expired = []
            for row in rows:
                done = await repo.conn.execute(
                    update(_r)
                    .where(_r.c.request_id == row.request_id, _r.c.reask_outcome.is_(None))
                    .values(reask_at=now, reask_outcome=ReaskOutcome.EXPIRED)
                )
                if done.rowcount == 1:
                    expired.append(_recovery(row))
        return expired
