"""SLA targets met in a period: the first answers promised to customers ("we'll answer by
10:30": CAREBOT_SLA_FIRST_RESPONSE, in business time) and the resolutions due
(CAREBOT_SLA_RESOLUTION), each counted when its deadline came, overall, per staff member and
per staff group, against the period before; and both service times in business hours.

A promise is the first-response target told to the customer, so "promises kept" (shown
beside the Expectations and Integrity pillars) and "first response within target" are one
figure: what we tell customers against what they feel.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import Period, previous
from analytics.service_times import median, percentile
from conversations import schema as tables
from conversations.owners import owner_of
from conversations.terms import Status

__all__ = [
    "NONE",
    "BusinessTimes",
    "SlaBreakdown",
    "SlaSection",
    "TargetFigures",
    "build_sla",
    "share_change",
]


class TargetFigures(BaseModel):
    """Deadlines of one kind that came in a period, and how many were met."""

    model_config = ConfigDict(frozen=True)

    due: int = Field(ge=0)
    met: int = Field(ge=0)

    @property
    def share(self) -> float | None:
        """Met ÷ due (None when nothing came due)."""
        return self.met / self.due if self.due else None

    def __add__(self, other: TargetFigures) -> TargetFigures:
        return TargetFigures(due=self.due + other.due, met=self.met + other.met)


NONE = TargetFigures(due=0, met=0)


class SlaBreakdown(BaseModel):
    """Both targets of one slice: a staff member's id ("" = nobody's) or a group's chat id."""

    model_config = ConfigDict(frozen=True)

    key: str
    first_response: TargetFigures
    resolution: TargetFigures


class BusinessTimes(BaseModel):
    """First response and resolution counted in business hours only (seconds)."""

    model_config = ConfigDict(frozen=True)

    first_response_n: int = Field(ge=0)
    first_response_median: float | None
    first_response_p90: float | None
    resolution_n: int = Field(ge=0)
    resolution_median: float | None
    resolution_p90: float | None


class SlaSection(BaseModel):
    """The period's targets met, the period before's, and the business-hour times."""

    model_config = ConfigDict(frozen=True)

    first_response: TargetFigures = NONE  # = the promises kept
    resolution: TargetFigures = NONE
    previous_first_response: TargetFigures = NONE
    previous_resolution: TargetFigures = NONE
    by_staff: list[SlaBreakdown] = []  # most deadlines first; nobody's last
    by_group: list[SlaBreakdown] = []  # empty with a single staff group
    business: BusinessTimes | None = None  # None without business hours

    @property
    def any(self) -> bool:
        """Whether any deadline came in this period or the one before."""
        return any(
            f.due
            for f in (
                self.first_response,
                self.resolution,
                self.previous_first_response,
                self.previous_resolution,
            )
        )


def _window(
    column: ColumnElement[datetime], period: Period, now: datetime
) -> list[ColumnElement[bool]]:
    """Deadlines that came in the period: not the ones still ahead of now."""
    return [column.is_not(None), column >= period.start, column < min(period.end, now)]


_Rows = list[Row[tuple[object, ...]]]


async def _first_rows(conn: AsyncConnection, period: Period, now: datetime) -> _Rows:
    r = tables.requests.c
    # Kept: a first answer at or before the promised time.
    met = r.first_response_at.is_not(None) & (r.first_response_at <= r.promised_by)
    q = select(
        met.label("met"), r.assignee_id, r.resolved_by, r.resolution_source, r.staff_chat_id
    ).where(*_window(r.promised_by, period, now))
    return list((await conn.execute(q)).all())


async def _resolution_rows(conn: AsyncConnection, period: Period, now: datetime) -> _Rows:
    r = tables.requests.c
    # Met: resolved (and still so) at or before the deadline; a reopening undoes it.
    met = (r.status == Status.RESOLVED) & (r.resolved_at <= r.resolution_due)
    q = select(
        met.label("met"), r.assignee_id, r.resolved_by, r.resolution_source, r.staff_chat_id
    ).where(*_window(r.resolution_due, period, now))
    return list((await conn.execute(q)).all())


def _total(rows: _Rows) -> TargetFigures:
    return TargetFigures(due=len(rows), met=sum(1 for row in rows if row.met))


def _slices(
    first: _Rows, resolution: _Rows, key: str
) -> dict[str, tuple[TargetFigures, TargetFigures]]:
    """Each slice's (first response, resolution) figures; key "staff" or "group"."""
    found: dict[str, list[TargetFigures]] = defaultdict(lambda: [NONE, NONE])
    for which, rows in enumerate((first, resolution)):
        for row in rows:
            if key == "staff":
                owner = owner_of(row.assignee_id, row.resolved_by, row.resolution_source)
                name = "" if owner is None else str(owner)
            else:
                name = str(row.staff_chat_id)
            found[name][which] += TargetFigures(due=1, met=1 if row.met else 0)
    return {k: (v[0], v[1]) for k, v in found.items()}


def _breakdowns(slices: dict[str, tuple[TargetFigures, TargetFigures]]) -> list[SlaBreakdown]:
    ordered = sorted(slices.items(), key=lambda i: (i[0] == "", -(i[1][0].due + i[1][1].due), i[0]))
    return [SlaBreakdown(key=k, first_response=f, resolution=r) for k, (f, r) in ordered]


async def _business(conn: AsyncConnection, period: Period) -> BusinessTimes:
    r = tables.requests.c

    async def values(column: ColumnElement[int], *where: ColumnElement[bool]) -> list[float]:
        q = select(column).where(column.is_not(None), *where)
        return sorted(float(v) for v in (await conn.execute(q)).scalars())

    first = await values(
        r.first_response_business_seconds,
        r.first_response_at >= period.start,
        r.first_response_at < period.end,
    )
    resolution = await values(
        r.resolution_business_seconds,
        r.status == Status.RESOLVED,
        r.resolved_at >= period.start,
        r.resolved_at < period.end,
    )
    return BusinessTimes(
        first_response_n=len(first),
        first_response_median=median(first),
        first_response_p90=percentile(first, 90),
        resolution_n=len(resolution),
        resolution_median=median(resolution),
        resolution_p90=percentile(resolution, 90),
    )


async def build_sla(
    conn: AsyncConnection, period: Period, *, now: datetime, business_hours: bool = False
) -> SlaSection:
    """The SLA section of `period`; `business_hours`: the team keeps hours, so the times
    in business hours differ from the wall-clock ones and are worth showing."""
    first, resolution = (
        await _first_rows(conn, period, now),
        await _resolution_rows(conn, period, now),
    )
    before = previous(period)
    first_before = await _first_rows(conn, before, now)
    resolution_before = await _resolution_rows(conn, before, now)
    groups = _slices(first, resolution, "group")
    return SlaSection(
        first_response=_total(first),
        resolution=_total(resolution),
        previous_first_response=_total(first_before),
        previous_resolution=_total(resolution_before),
        by_staff=_breakdowns(_slices(first, resolution, "staff")),
        by_group=_breakdowns(groups) if len(groups) > 1 else [],
        business=await _business(conn, period) if business_hours else None,
    )


def share_change(now: TargetFigures, before: TargetFigures) -> float | None:
    """Change of the met share in percentage points (None unless both have deadlines)."""
    if now.share is None or before.share is None:
        return None
    return (now.share - before.share) * 100
