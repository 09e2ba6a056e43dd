"""What the bot owes a customer, stored with the change that made it owed.

A customer whose message opened a request is owed "request received"; a request resolved
or reopened by staff owes its customer a line saying so. The notice is written in the same
transaction as the change, so a crash between that transaction and the send loses
nothing: a re-delivered update finds the notice its message already owes, and a sweep at
start-up (and every minute) sends what is still unsent. A notice holds no text; the bot
renders it from its kind when it sends it (bot.notices).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, insert, select, update

from conversations import schema as tables
from conversations import staff_members
from conversations.business_hours import Calendar
from conversations.models import Notice, Request
from conversations.store import Database, Repo, from_row
from conversations.terms import Actor, EventKind, NoticeKind

__all__ = [
    "STAFF_KINDS",
    "SWEEP_WINDOW",
    "Notice",
    "NoticeKind",
    "Notices",
    "ack_kind",
    "away_now",
    "owe",
    "owe_for_change",
]

# Notices older than this are not sent any more: a day-old "request received" would
# confuse more than it helps (Telegram keeps an unconfirmed update for 24 hours too).
SWEEP_WINDOW = timedelta(hours=24)

_n = tables.notices.c


# The notices a customer message owes (source: the message row), and a state change's
# (source: its request event).
MESSAGE_KINDS = (
    NoticeKind.RECEIVED,
    NoticeKind.RECEIVED_ASK,
    NoticeKind.REOPENED,
    NoticeKind.REOPENED_AWAY,
    NoticeKind.AWAY,
    NoticeKind.TOO_FAST,
)
# A state change owes its customer a line, and the staff group one: by who changed it.
_CHANGE_NOTICES: dict[tuple[EventKind, Actor], tuple[NoticeKind, ...]] = {
    (EventKind.RESOLVED, Actor.STAFF): (
        NoticeKind.RESOLVED_STAFF,
        NoticeKind.STAFF_RESOLVED_STAFF,
    ),
    (EventKind.RESOLVED, Actor.CUSTOMER): (
        NoticeKind.RESOLVED_CUSTOMER,
        NoticeKind.STAFF_RESOLVED_CUSTOMER,
    ),
    (EventKind.RESOLVED, Actor.AUTO): (NoticeKind.RESOLVED_AUTO, NoticeKind.STAFF_RESOLVED_AUTO),
    (EventKind.REOPENED, Actor.STAFF): (
        NoticeKind.REOPENED_BY_STAFF,
        NoticeKind.STAFF_REOPENED_STAFF,
    ),
}
RESOLUTION_LINES = tuple(
    kinds[1] for (change, _), kinds in _CHANGE_NOTICES.items() if change == EventKind.RESOLVED
)
STAFF_KINDS = frozenset(kind for kinds in _CHANGE_NOTICES.values() for kind in kinds[1:])


def away_now(calendar: Calendar | None, now: datetime, previous: datetime | None) -> bool:
    """The team is out now, and this is the request's first customer message of the local
    day (the away line is said once a day, not under every message)."""
    if calendar is None or calendar.is_open(now) or calendar.next_open(now) is None:
        return False
    if previous is None:
        return True
    return previous.astimezone(calendar.tz).date() != now.astimezone(calendar.tz).date()


def ack_kind(
    *, opened: bool, reopened: bool, asks_category: bool, too_fast: bool, away: bool
) -> NoticeKind | None:
    """The answer a customer message owes, if any. Writing too fast is said instead of
    anything else (one polite line, not one more answer per message)."""
    if too_fast:
        return NoticeKind.TOO_FAST
    if opened:
        return NoticeKind.RECEIVED_ASK if asks_category else NoticeKind.RECEIVED
    if reopened:
        return NoticeKind.REOPENED_AWAY if away else NoticeKind.REOPENED
    return NoticeKind.AWAY if away else None


async def owe(
    repo: Repo,
    kind: NoticeKind,
    request_id: int,
    chat_id: int | None,
    source_id: int,
    at: datetime,
) -> Notice | None:
    """Record a notice inside the caller's transaction (None: nobody to tell)."""
    if chat_id is None:
        return None
    values = {
        "request_id": request_id,
        "chat_id": chat_id,
        "kind": kind,
        "source_id": source_id,
        "at": at,
    }
    result = await repo.conn.execute(insert(tables.notices).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return Notice(int(key[0]), request_id, chat_id, kind, source_id, at)


async def owe_for_change(
    repo: Repo,
    change: EventKind,
    actor: Actor,
    request: Request,
    customer_chat: int | None,
    event_id: int,
    at: datetime,
) -> tuple[Notice, ...]:
    """Record what a state change owes its customer and the staff group."""
    kinds = _CHANGE_NOTICES.get((change, actor))
    if kinds is None:
        return ()
    owed = [
        await owe(repo, kinds[0], request.id, customer_chat, event_id, at),
        await owe(repo, kinds[1], request.id, request.staff_chat_id, event_id, at),
    ]
    return tuple(notice for notice in owed if notice is not None)


async def owed_by_message(repo: Repo, message_row_id: int) -> Notice | None:
    """The unsent notice a stored customer message owes (its update came again)."""
    q = select(tables.notices).where(
        _n.source_id == message_row_id, _n.kind.in_(MESSAGE_KINDS), _n.sent_at.is_(None)
    )
    row = (await repo.conn.execute(q)).first()
    return _notice(row) if row is not None else None


def _notice(row: Row[Any]) -> Notice:
    notice = from_row(Notice, row)
    return replace(notice, kind=NoticeKind(notice.kind))


class Notices:
    """Sent marks and the sweep's list."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def mark_sent(self, notice_id: int, at: datetime, message_id: int | None = None) -> None:
        """The notice reached Telegram as `message_id` (or cannot ever: the customer
        blocked the bot)."""
        async with self.db.transaction() as repo:
            await repo.conn.execute(
                update(tables.notices)
                .where(_n.id == notice_id, _n.sent_at.is_(None))
                .values(sent_at=at, message_id=message_id)
            )

    async def resolution_line(
        self, request_id: int, message_id: int | None = None
    ) -> Notice | None:
        """The staff group's line about the request's latest resolution (or the one shown
        as `message_id`), if it was sent: a survey's result and a detractor's recovery
        card are shown in it, no message of their own."""
        q = (
            select(tables.notices)
            .where(
                _n.request_id == request_id,
                _n.kind.in_(RESOLUTION_LINES),
                _n.message_id.is_not(None) if message_id is None else _n.message_id == message_id,
            )
            .order_by(_n.id.desc())
            .limit(1)
        )
        async with self.db.read() as repo:
            row = (await repo.conn.execute(q)).first()
        return _notice(row) if row is not None else None

    async def unsent(self, now: datetime, limit: int = 200) -> list[Notice]:
        """Unsent notices of the last day, oldest first."""
        q = (
            select(tables.notices)
            .where(and_(_n.sent_at.is_(None), _n.at >= now - SWEEP_WINDOW))
            .order_by(_n.id)
            .limit(limit)
        )
        async with self.db.read() as repo:
            return [_notice(row) for row in (await repo.conn.execute(q)).all()]

    async def actor_name(self, event_id: int) -> str | None:
        """The name of the staff member behind a request event (None: not a person)."""
        e = tables.request_events.c
        async with self.db.read() as repo:
            actor = (
                await repo.conn.execute(select(e.actor_id).where(e.id == event_id))
            ).scalar_one_or_none()
            found = await staff_members.member(repo.conn, int(actor)) if actor else None
        return found.full_name if found is not None else None
