"""Recovery figures of a period, over the recoveries opened in it (one per request, opened
by a detractor's answer or an escalating message, conversations.recovery): the share with
an attempt and the median time to it, the re-ask answer rate, the recovery rate (re-ask
score of RECOVERED_MIN or more, of the answers), the root causes ranked, and the same per
staff member who worked them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period
from analytics.service_times import median
from conversations import schema as tables
from conversations.terms import RECOVERED_MIN, RecoveryTrigger

ASKED_OUTCOMES = ("answered", "skipped", "expired")  # re-asks that reached the customer


class RecoveryFigures(BaseModel):
    """Recoveries of one slice (all, or one staff member's)."""

    model_config = ConfigDict(frozen=True)

    opened: int = Field(ge=0)
    attempted: int = Field(ge=0)
    escalations: int = Field(ge=0, default=0)  # of `opened`, those an escalation opened
    attempt_median: float | None = None  # seconds from the opening to the attempt
    asked: int = Field(ge=0, default=0)  # re-asks sent and closed (answered, skipped, expired)
    answered: int = Field(ge=0, default=0)
    won: int = Field(ge=0, default=0)

    @property
    def attempt_share(self) -> float | None:
        return self.attempted / self.opened if self.opened else None

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None

    @property
    def recovery_rate(self) -> float | None:
        """Won back ÷ re-asks answered."""
        return self.won / self.answered if self.answered else None


class RecoverySection(BaseModel):
    """The period's recoveries, their root causes and who worked them."""

    model_config = ConfigDict(frozen=True)

    total: RecoveryFigures = RecoveryFigures(opened=0, attempted=0)
    causes: list[tuple[str, int]] = []  # most frequent first
    by_staff: list[tuple[int | None, RecoveryFigures]] = []  # most recoveries first


@dataclass
class _Tally:
    opened: int = 0
    escalations: int = 0
    waits: list[float] = field(default_factory=list)
    asked: int = 0
    answered: int = 0
    won: int = 0

    def figures(self) -> RecoveryFigures:
        return RecoveryFigures(
            opened=self.opened,
            attempted=len(self.waits),
            escalations=self.escalations,
            attempt_median=median(self.waits),
            asked=self.asked,
            answered=self.answered,
            won=self.won,
        )


async def build_recovery(conn: AsyncConnection, period: Period) -> RecoverySection:
    """The recoveries opened in `period`."""
    v = tables.recoveries.c
    q = select(
        v.owner_id,
        v.trigger,
        v.opened_at,
        v.attempted_at,
        v.root_cause,
        v.reask_outcome,
        v.reask_score,
    ).where(v.opened_at >= period.start, v.opened_at < period.end)
    total = _Tally()
    staff: dict[int | None, _Tally] = defaultdict(_Tally)
    causes: Counter[str] = Counter()
    for row in (await conn.execute(q)).all():
        owner = int(row.owner_id) if row.owner_id is not None else None
        for tally in (total, staff[owner]):
            tally.opened += 1
            tally.escalations += 1 if row.trigger == RecoveryTrigger.ESCALATION else 0
            if row.attempted_at is not None:
                tally.waits.append((row.attempted_at - row.opened_at).total_seconds())
            if row.reask_outcome in ASKED_OUTCOMES:
                tally.asked += 1
            if row.reask_outcome == "answered" and row.reask_score is not None:
                tally.answered += 1
                tally.won += 1 if row.reask_score >= RECOVERED_MIN else 0
        if row.root_cause is not None:
            causes[str(row.root_cause)] += 1
    ranked = sorted(staff.items(), key=lambda i: (i[0] is None, -i[1].opened, i[0] or 0))
    return RecoverySection(
        total=total.figures(),
        causes=sorted(causes.items(), key=lambda i: (-i[1], i[0])),
        by_staff=[(owner, t.figures()) for owner, t in ranked],
    )
