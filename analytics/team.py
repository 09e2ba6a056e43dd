"""The team's figures of a period: per staff member, and per saved reply.

Per staff member: the requests resolved in the period, each counted for its owner (the
assignee), else for the staff member who resolved it; of those, the median first response and
resolution times, the share reopened at least once, and the NPS of their surveys.

Per saved reply: its uses in the period, the NPS of the requests it was used in, the share
of those requests reopened after it was sent, and the mean polarity of the customer's next
message after it (their first reaction).

An NPS of fewer answers than `min_answers` is kept out of sight: with three answers one
customer moves it by 33 points, and a person should not be judged on that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean, median

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.nps import NpsResult, nps_from_scores
from analytics.periods import Period
from conversations import schema as tables
from conversations.terms import Actor, Direction, EventKind, Status

DEFAULT_MIN_ANSWERS = 5


class StaffFigures(BaseModel):
    """One staff member's requests of the period (user_id None: nobody's)."""

    model_config = ConfigDict(frozen=True)

    user_id: int | None
    handled: int = Field(ge=0)
    first_response_median: float | None  # seconds
    resolution_median: float | None  # seconds
    reopen_rate: float | None
    nps: NpsResult


class SavedReplyFigures(BaseModel):
    """How the requests a saved reply was used in turned out."""

    model_config = ConfigDict(frozen=True)

    key: str
    uses: int = Field(ge=0)
    requests: int = Field(ge=0)
    nps: NpsResult
    reopen_rate: float | None  # of its requests, reopened after a use
    next_polarity: float | None  # mean polarity of the customer's next message
    next_n: int = Field(ge=0)  # uses followed by a customer message


class TeamSection(BaseModel):
    """The per-staff and per-saved-reply figures of a period."""

    model_config = ConfigDict(frozen=True)

    staff: list[StaffFigures]  # most requests first
    saved_replies: list[SavedReplyFigures]  # most used first
    min_answers: int = Field(ge=1)


def tagged(request_id: ColumnElement[int], tag: str) -> ColumnElement[bool]:
    """Whether the request carries the tag (/report tag:x)."""
    t = tables.request_tags.c
    return exists().where(and_(t.request_id == request_id, t.tag == tag))


def owner_of(assignee_id: int | None, resolved_by: int | None, source: str | None) -> int | None:
    """Whom a request counts for: its owner, else the staff member who resolved it (the
    resolved_by of a customer's own "Solved" is the customer's id, so it is not kept)."""
    if assignee_id is not None:
        return int(assignee_id)
    return int(resolved_by) if resolved_by is not None and source == Actor.STAFF else None


@dataclass
class _Tally:
    handled: int = 0
    first: list[int] = field(default_factory=list)
    resolution: list[int] = field(default_factory=list)
    reopened: int = 0
    scores: list[int] = field(default_factory=list)


async def _staff(conn: AsyncConnection, period: Period, tag: str | None) -> list[StaffFigures]:
    r, s = tables.requests.c, tables.surveys.c
    q = (
        select(
            r.assignee_id,
            r.resolved_by,
            r.first_response_seconds,
            r.resolution_seconds,
            r.reopen_count,
            r.resolution_source,
            s.score,
        )
        .select_from(tables.requests.outerjoin(tables.surveys, s.request_id == r.id))
        .where(
            r.status == Status.RESOLVED,
            r.resolved_at >= period.start,
            r.resolved_at < period.end,
        )
    )
    if tag is not None:
        q = q.where(tagged(r.id, tag))
    tallies: dict[int | None, _Tally] = defaultdict(_Tally)
    for row in (await conn.execute(q)).all():
        tally = tallies[owner_of(row.assignee_id, row.resolved_by, row.resolution_source)]
        tally.handled += 1
        if row.first_response_seconds is not None:
            tally.first.append(int(row.first_response_seconds))
        if row.resolution_seconds is not None:
            tally.resolution.append(int(row.resolution_seconds))
        tally.reopened += 1 if row.reopen_count else 0
        if row.score is not None:
            tally.scores.append(int(row.score))
    figures = [
        StaffFigures(
            user_id=user_id,
            handled=t.handled,
            first_response_median=median(t.first) if t.first else None,
            resolution_median=median(t.resolution) if t.resolution else None,
            reopen_rate=t.reopened / t.handled,
            nps=nps_from_scores(t.scores),
        )
        for user_id, t in tallies.items()
    ]
    # People first (most handled), then what nobody owned.
    return sorted(figures, key=lambda f: (f.user_id is None, -f.handled, f.user_id or 0))


async def _saved_replies(
    conn: AsyncConnection, period: Period, tag: str | None
) -> list[SavedReplyFigures]:
    e, m, s = tables.request_events.c, tables.messages.c, tables.surveys.c
    later = tables.request_events.alias("later")
    reopened_after = exists().where(
        and_(
            later.c.request_id == e.request_id,
            later.c.kind == EventKind.REOPENED,
            later.c.at > e.at,
        )
    )
    next_polarity = (
        select(m.polarity)
        .where(m.request_id == e.request_id, m.direction == Direction.IN, m.created_at > e.at)
        .order_by(m.created_at, m.id)
        .limit(1)
        .scalar_subquery()
    )
    score = select(s.score).where(s.request_id == e.request_id).scalar_subquery()
    q = select(
        e.detail, e.request_id, reopened_after.label("reopened"), next_polarity, score
    ).where(e.kind == EventKind.SAVED_REPLY, e.at >= period.start, e.at < period.end)
    if tag is not None:
        q = q.where(tagged(e.request_id, tag))
    uses: dict[str, int] = defaultdict(int)
    polarities: dict[str, list[float]] = defaultdict(list)
    requests: dict[str, dict[int, tuple[bool, int | None]]] = defaultdict(dict)
    for key, request_id, reopened, polarity, answer in (await conn.execute(q)).all():
        key = str(key)
        uses[key] += 1
        if polarity is not None:
            polarities[key].append(float(polarity))
        was_reopened, _ = requests[key].get(int(request_id), (False, None))
        requests[key][int(request_id)] = (was_reopened or bool(reopened), answer)
    figures = []
    for key, count in uses.items():
        outcomes = requests[key].values()
        figures.append(
            SavedReplyFigures(
                key=key,
                uses=count,
                requests=len(outcomes),
                nps=nps_from_scores(int(a) for _, a in outcomes if a is not None),
                reopen_rate=sum(1 for r, _ in outcomes if r) / len(outcomes),
                next_polarity=mean(polarities[key]) if polarities[key] else None,
                next_n=len(polarities[key]),
            )
        )
    return sorted(figures, key=lambda f: (-f.uses, f.key))


async def build_team(
    conn: AsyncConnection,
    period: Period,
    *,
    min_answers: int = DEFAULT_MIN_ANSWERS,
    tag: str | None = None,
) -> TeamSection:
    """The team's figures for `period` (only over the requests tagged `tag`, if given)."""
    return TeamSection(
        staff=await _staff(conn, period, tag),
        saved_replies=await _saved_replies(conn, period, tag),
        min_answers=min_answers,
    )
