"""The team's figures of a period: per staff member, and per saved reply.

Per staff member, each request counted for its owner (conversations.owners: the assignee,
else the staff member who resolved it), with the service times' own readings: the requests
resolved in the period and the share of them reopened at least once; the median first
response of the first responses given in it, the median resolution of the resolutions in
it; the NPS of the answers scored in it.

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

from analytics.nps import NpsResult, nps_from_counts, nps_from_scores
from analytics.periods import Period
from analytics.queries.nps import BandCounts, nps_figures
from analytics.queries.service_times import medians_by_owner
from analytics.queries.split import rolled_up, split_period
from conversations import schema as tables
from conversations.histograms import DURATIONS, FIRST_RESPONSE
from conversations.owners import owner_of
from conversations.terms import Direction, EventKind, Status

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


@dataclass
class _Tally:
    handled: int = 0
    reopened: int = 0
    first: float | None = None  # seconds
    resolution: float | None = None
    answers: BandCounts = field(default_factory=BandCounts)


def _figures(tallies: dict[int | None, _Tally]) -> list[StaffFigures]:
    figures = [
        StaffFigures(
            user_id=user_id,
            handled=t.handled,
            first_response_median=t.first,
            resolution_median=t.resolution,
            reopen_rate=t.reopened / t.handled if t.handled else None,
            nps=nps_from_counts(t.answers.promoters, t.answers.passives, t.answers.detractors),
        )
        for user_id, t in tallies.items()
    ]
    # People first (most handled), then what nobody owned.
    return sorted(figures, key=lambda f: (f.user_id is None, -f.handled, f.user_id or 0))


async def _staff(conn: AsyncConnection, period: Period) -> list[StaffFigures]:
    """From the roll-ups (conversations.rollups: daily_owners, daily_owner_bins, daily_nps),
    so a year costs what a week does."""
    split = split_period(period)
    tallies: dict[int | None, _Tally] = defaultdict(_Tally)
    for (owner,), (handled, reopened) in (await rolled_up(conn, "daily_owners", split)).items():
        tally = tallies[int(owner) or None]
        tally.handled += int(handled)
        tally.reopened += int(reopened)
    histograms: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
    bins = await rolled_up(conn, "daily_owner_bins", split)
    for (owner, kind, bin_id), (count,) in sorted(bins.items()):
        if count:
            histograms[str(kind)].setdefault(int(owner), []).append((int(bin_id), int(count)))
    for durations in DURATIONS:
        medians = await medians_by_owner(conn, durations, histograms[durations.kind], period)
        for owner, value in medians.items():
            tally = tallies[owner or None]
            if durations is FIRST_RESPONSE:
                tally.first = value
            else:
                tally.resolution = value
    for staff, counts in (await nps_figures(conn, period)).by_staff.items():
        tallies[staff].answers = counts
    return _figures(tallies)


async def _tagged_staff(conn: AsyncConnection, period: Period, tag: str) -> list[StaffFigures]:
    """The same figures over the requests tagged `tag` (a few): read from their rows."""
    r, s = tables.requests.c, tables.surveys.c
    owner = (r.assignee_id, r.resolved_by, r.resolution_source)
    resolved = and_(
        r.status == Status.RESOLVED, r.resolved_at >= period.start, r.resolved_at < period.end
    )
    tallies: dict[int | None, _Tally] = defaultdict(_Tally)
    first: dict[int | None, list[int]] = defaultdict(list)
    resolution: dict[int | None, list[int]] = defaultdict(list)
    rows = select(*owner, r.reopen_count, r.resolution_seconds).where(resolved, tagged(r.id, tag))
    for a, b, c, reopens, seconds in (await conn.execute(rows)).all():
        tally = tallies[owner_of(a, b, c)]
        tally.handled += 1
        tally.reopened += 1 if reopens else 0
        if seconds is not None:
            resolution[owner_of(a, b, c)].append(int(seconds))
    answered = select(*owner, r.first_response_seconds).where(
        r.first_response_at >= period.start,
        r.first_response_at < period.end,
        r.first_response_seconds.is_not(None),
        tagged(r.id, tag),
    )
    for a, b, c, seconds in (await conn.execute(answered)).all():
        first[owner_of(a, b, c)].append(int(seconds))
    scored = select(s.resolved_by, s.score).where(
        s.scored_at >= period.start,
        s.scored_at < period.end,
        s.score.is_not(None),
        tagged(s.request_id, tag),
    )
    for staff, score in (await conn.execute(scored)).all():
        tally = tallies[int(staff) if staff is not None else None]
        tally.answers = tally.answers.add(int(score), 1)
    for who, values in first.items():
        tallies[who].first = median(values)
    for who, values in resolution.items():
        tallies[who].resolution = median(values)
    return _figures(tallies)


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
        staff=await (_staff(conn, period) if tag is None else _tagged_staff(conn, period, tag)),
        saved_replies=await _saved_replies(conn, period, tag),
        min_answers=min_answers,
    )
