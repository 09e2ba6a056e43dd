"""A request's history as /whois #N shows it: every state change and staff action (opened,
answered, claimed, handed over, saved reply sent, resolved, reopened) and every internal
note, in order, with who did it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from conversations import schema as tables
from conversations import staff_members
from conversations.models import StaffMember
from conversations.store import Repo
from conversations.tags import tags_of
from conversations.terms import Actor, Direction

NOTE = "note"  # HistoryEntry.kind of an internal note (the others are terms.EventKind)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a request."""

    at: datetime
    kind: str  # a terms.EventKind, or NOTE
    actor: str  # a terms.Actor
    who: StaffMember | None = None  # the staff member who acted
    subject: StaffMember | None = None  # assigned/unclaimed: whom it was about
    detail: str | None = None  # a saved reply's key, a note's text


@dataclass(frozen=True, slots=True)
class History:
    """The newest entries of a request's history, oldest first."""

    request_id: int
    entries: list[HistoryEntry]
    earlier: int  # entries before the first one shown
    tags: list[str]  # the request's tags now


async def request_history(repo: Repo, request_id: int, limit: int) -> History:
    """The last `limit` entries of the request's history."""
    events = await repo.events(request_id)
    m = tables.messages.c
    notes = (
        await repo.conn.execute(
            select(m.created_at, m.sender_user_id, m.text)
            .where(m.request_id == request_id, m.direction == Direction.NOTE)
            .order_by(m.id)
        )
    ).all()
    ids = [e.actor_id for e in events if e.actor_id is not None]
    ids += [e.subject_id for e in events if e.subject_id is not None]
    ids += [int(n.sender_user_id) for n in notes]
    people = await staff_members.members(repo.conn, ids)

    def person(user_id: int | None) -> StaffMember | None:
        if user_id is None:
            return None
        return people.get(user_id) or staff_members.unknown(user_id)

    entries = [
        HistoryEntry(e.at, e.kind, e.actor, person(e.actor_id), person(e.subject_id), e.detail)
        for e in events
    ]
    entries += [
        HistoryEntry(n.created_at, NOTE, Actor.STAFF, person(int(n.sender_user_id)), None, n.text)
        for n in notes
    ]
    entries.sort(key=lambda e: e.at)  # stable: same-instant events keep their order
    shown = entries[-limit:]
    return History(
        request_id, shown, len(entries) - len(shown), await tags_of(repo.conn, request_id)
    )
