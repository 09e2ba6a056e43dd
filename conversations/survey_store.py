"""Reads and writes of the survey and alert tables, on one connection inside one transaction."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from conversations import schema as tables
from conversations.models import Customer, Request
from conversations.store import Database, Repo, from_row, mention_values, request_from_row
from conversations.survey_models import Survey
from conversations.terms import Band, Pillar, Status, SurveyStatus, SurveyStep

# Which column attach_message fills for each step's question.
MESSAGE_COLUMNS = {
    SurveyStep.SCORE: "score_message_id",
    SurveyStep.REASON: "reason_message_id",
    SurveyStep.PILLAR: "pillar_message_id",
}


def _survey(row: Row[Any]) -> Survey:
    return from_row(Survey, row, status=SurveyStatus, step=SurveyStep, band=Band, pillar=Pillar)


def _live_at(step: SurveyStep, now: datetime) -> ColumnElement[bool]:
    """A survey still taking answers at `step` (sent, not expired)."""
    s = tables.surveys.c
    return and_(s.step == step, s.status == SurveyStatus.SENT, s.expires_at > now)


def sentiment_columns(sentiment: dict[str, Any] | None) -> dict[str, Any]:
    """Map a TextAnalyzer result to the reason_* columns."""
    s = sentiment or {}
    return {
        "reason_polarity": s.get("polarity"),
        "reason_label": s.get("label"),
        "reason_language": s.get("language"),
        "reason_tags": json.dumps(s["tags"]) if "tags" in s else None,
    }


class SurveyRepo(Repo):
    """Survey queries (plus the helpdesk ones) bound to one open connection."""

    async def lock_customer(self, customer_id: int) -> Customer:
        """Return a customer, locking the row so concurrent surveys see each other (PostgreSQL)."""
        q = (
            select(tables.customers.c.id)
            .where(tables.customers.c.id == customer_id)
            .with_for_update()
        )
        await self.conn.execute(q)
        return await self.customer(customer_id)

    async def lock_request(self, request_id: int) -> None:
        """Lock a request row: alerts for one request are decided one at a time (PostgreSQL)."""
        q = select(tables.requests.c.id).where(tables.requests.c.id == request_id).with_for_update()
        await self.conn.execute(q)

    async def survey(self, survey_id: int, *, lock: bool = False) -> Survey | None:
        """Return a survey by id, optionally locked against a concurrent double tap."""
        q = select(tables.surveys).where(tables.surveys.c.id == survey_id)
        row = (await self.conn.execute(q.with_for_update() if lock else q)).first()
        return _survey(row) if row else None

    async def survey_of_request(self, request_id: int) -> Survey | None:
        """Return the survey of a request, if one was sent."""
        q = select(tables.surveys).where(tables.surveys.c.request_id == request_id)
        row = (await self.conn.execute(q)).first()
        return _survey(row) if row else None

    async def last_sent_at(self, customer_id: int) -> datetime | None:
        """Return when the customer was last surveyed."""
        s = tables.surveys.c
        q = select(func.max(s.sent_at)).where(s.customer_id == customer_id)
        value: datetime | None = (await self.conn.execute(q)).scalar_one_or_none()
        return value

    async def add_survey(self, **values: Any) -> int | None:
        """Insert a survey; None when the request already has one (lost a race)."""
        try:
            async with self.conn.begin_nested():
                result = await self.conn.execute(
                    insert(tables.surveys).values(values).returning(tables.surveys.c.id)
                )
                return int(result.scalar_one())
        except IntegrityError:
            return None

    async def update_survey(self, survey_id: int, **values: Any) -> None:
        """Change columns of a survey (and its pillar mentions when the reason or score moves)."""
        await self.conn.execute(
            update(tables.surveys).where(tables.surveys.c.id == survey_id).values(values)
        )
        if "reason_tags" in values or "scored_at" in values:
            await self._reason_mentions(survey_id)

    async def _reason_mentions(self, survey_id: int) -> None:
        """Rewrite the survey's pillar_mentions rows from its reason tags, dated scored_at.

        A reason counts in the period of its NPS answer; without a score it counts nowhere.
        """
        s, pm = tables.surveys, tables.pillar_mentions
        await self.conn.execute(delete(pm).where(pm.c.survey_id == survey_id))
        q = select(s.c.customer_id, s.c.scored_at, s.c.reason_tags).where(s.c.id == survey_id)
        row = (await self.conn.execute(q)).first()
        if row is None or row.scored_at is None or not row.reason_tags:
            return
        mentions = mention_values(json.loads(row.reason_tags))
        if mentions:
            await self.conn.execute(
                insert(pm),
                [
                    {
                        "survey_id": survey_id,
                        "customer_id": row.customer_id,
                        "at": row.scored_at,
                        "pillar": pillar,
                        "polarity": polarity,
                    }
                    for pillar, polarity in mentions
                ],
            )

    async def live_survey_at(self, user_id: int, step: SurveyStep, now: datetime) -> Survey | None:
        """Return the user's newest unexpired survey waiting at `step`, locked."""
        s = tables.surveys.c
        q = (
            select(tables.surveys)
            .where(and_(s.user_id == user_id, _live_at(step, now)))
            .order_by(s.id.desc())
            .limit(1)
            .with_for_update()
        )
        row = (await self.conn.execute(q)).first()
        return _survey(row) if row else None

    async def reason_lookup(
        self, user_id: int, message_id: int | None, now: datetime
    ) -> tuple[Survey | None, Survey | None]:
        """In one query (every customer text asks): the survey whose reason came in this
        Telegram message, and the user's newest live survey waiting for a reason."""
        s = tables.surveys.c
        live = _live_at(SurveyStep.REASON, now)
        taken_here = s.reason_source_message_id == message_id
        match = live if message_id is None else or_(live, taken_here)
        q = (
            select(tables.surveys, live.label("is_live"), taken_here.label("is_taken"))
            .where(and_(s.user_id == user_id, match))
            .order_by(s.id.desc())
        )
        rows = (await self.conn.execute(q)).all()
        taken = next((_survey(r) for r in rows if message_id is not None and r.is_taken), None)
        waiting = next((_survey(r) for r in rows if r.is_live), None)
        return taken, waiting

    async def survey_by_reason_message(self, user_id: int, message_id: int) -> Survey | None:
        """Return the survey whose reason came in this Telegram message (re-delivery check)."""
        s = tables.surveys.c
        q = select(tables.surveys).where(
            and_(s.user_id == user_id, s.reason_source_message_id == message_id)
        )
        row = (await self.conn.execute(q)).first()
        return _survey(row) if row else None

    async def pillar_answer_counts(self, since: datetime) -> dict[Pillar, int]:
        """Count pillar answers per pillar since a time, across all customers."""
        s = tables.surveys.c
        # pillar_at is set only by an answer, so skipped questions do not count.
        q = select(s.pillar, func.count()).where(s.pillar_at >= since).group_by(s.pillar)
        return {Pillar(p): int(n) for p, n in (await self.conn.execute(q)).all()}

    async def unasked(self, sent_before: datetime, now: datetime, limit: int) -> list[Survey]:
        """Live surveys whose current question was never sent (crash or network failure)."""
        s, c = tables.surveys.c, tables.customers.c
        not_asked = or_(
            and_(s.step == SurveyStep.SCORE, s.score_message_id.is_(None)),
            and_(s.step == SurveyStep.REASON, s.reason_message_id.is_(None)),
            and_(s.step == SurveyStep.PILLAR, s.pillar_message_id.is_(None)),
        )
        q = (
            select(tables.surveys)
            .join(tables.customers, c.id == s.customer_id)
            .where(
                and_(
                    s.status == SurveyStatus.SENT,
                    s.expires_at > now,
                    s.sent_at <= sent_before,
                    c.blocked_bot_at.is_(None),
                    not_asked,
                )
            )
            .order_by(s.id)
            .limit(limit)
        )
        return [_survey(row) for row in (await self.conn.execute(q)).all()]

    async def resolved_without_survey(self, since: datetime, limit: int) -> list[Request]:
        """Requests resolved since a time that have no survey (the bot stopped in between)."""
        r, s = tables.requests.c, tables.surveys.c
        q = (
            select(tables.requests)
            .outerjoin(tables.surveys, s.request_id == r.id)
            .where(and_(r.status == Status.RESOLVED, r.resolved_at >= since, s.id.is_(None)))
            .order_by(r.resolved_at)
            .limit(limit)
        )
        return [request_from_row(row) for row in (await self.conn.execute(q)).all()]

    async def expire_due(self, now: datetime) -> int:
        """Mark unfinished surveys past their expiry as expired; return how many."""
        s = tables.surveys.c
        result = await self.conn.execute(
            update(tables.surveys)
            .where(and_(s.status == SurveyStatus.SENT, s.expires_at <= now))
            .values(status=SurveyStatus.EXPIRED)
        )
        return int(result.rowcount)

    # alerts ----------------------------------------------------------------------------

    async def last_alert_at(self, request_id: int) -> datetime | None:
        """Return when the request last raised an alert."""
        a = tables.alerts.c
        q = select(func.max(a.at)).where(a.request_id == request_id)
        value: datetime | None = (await self.conn.execute(q)).scalar_one_or_none()
        return value

    async def add_alert(self, request_id: int, kind: str, at: datetime, reason: str | None) -> None:
        """Record an alert raised for a request."""
        await self.conn.execute(
            insert(tables.alerts).values(request_id=request_id, kind=kind, at=at, reason=reason)
        )

    async def message_stored(self, chat_id: int, message_id: int) -> bool:
        """Tell whether this Telegram message is stored as a request's message."""
        m = tables.messages.c
        q = select(m.id).where(and_(m.source_chat_id == chat_id, m.source_message_id == message_id))
        return (await self.conn.execute(q)).first() is not None

    async def alerts(self, request_id: int) -> list[tuple[str, datetime, str | None]]:
        """Return the request's alerts in order."""
        a = tables.alerts.c
        q = select(a.kind, a.at, a.reason).where(a.request_id == request_id).order_by(a.id)
        return [(r.kind, r.at, r.reason) for r in (await self.conn.execute(q)).all()]


@asynccontextmanager
async def survey_transaction(db: Database) -> AsyncIterator[SurveyRepo]:
    """Run a unit of work over the survey tables: commit on success, roll back on error."""
    async with db.transaction() as repo:
        yield SurveyRepo(repo.conn)


@asynccontextmanager
async def survey_read(db: Database) -> AsyncIterator[SurveyRepo]:
    """Read the survey tables without taking SQLite's write lock."""
    async with db.read() as repo:
        yield SurveyRepo(repo.conn)
