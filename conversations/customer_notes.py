"""Notes on a customer (not on one request): what the next person serving them should know,
kept across requests with who wrote it and when, and shown in /whois."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select

from conversations import schema as tables
from conversations import staff_members
from conversations.clock import Clock
from conversations.models import Sender, StaffMember
from conversations.store import Database

TEXT_LIMIT = 1000  # a note is a line or two, not a document


@dataclass(frozen=True, slots=True)
class CustomerNote:
    """One note, with its author."""

    text: str
    author: StaffMember
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerNotes:
    """The newest notes of a customer, and how many there are in all."""

    notes: list[CustomerNote]  # newest first
    total: int


class Notes:
    """The customer-note use cases."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def add(self, customer_id: int, text: str, by: Sender) -> CustomerNote | None:
        """Keep a note on the customer; None if the text is empty or too long."""
        text = text.strip()
        if not text or len(text) > TEXT_LIMIT:
            return None
        now = self.clock.now()
        async with self.db.transaction() as repo:
            author = await staff_members.seen(repo.conn, by, now)
            await repo.conn.execute(
                insert(tables.customer_notes).values(
                    customer_id=customer_id, author_id=by.user_id, text=text, created_at=now
                )
            )
        return CustomerNote(text, author, now)

    async def of_customer(self, customer_id: int, limit: int = 5) -> CustomerNotes:
        """The customer's newest notes."""
        n = tables.customer_notes.c
        async with self.db.read() as repo:
            rows = (
                await repo.conn.execute(
                    select(n.text, n.author_id, n.created_at)
                    .where(n.customer_id == customer_id)
                    .order_by(n.id.desc())
                    .limit(limit)
                )
            ).all()
            total = (
                await repo.conn.execute(select(func.count()).where(n.customer_id == customer_id))
            ).scalar_one()
            authors = await staff_members.members(repo.conn, [int(r.author_id) for r in rows])
        notes = [
            CustomerNote(
                str(r.text),
                authors.get(int(r.author_id)) or staff_members.unknown(int(r.author_id)),
                r.created_at,
            )
            for r in rows
        ]
        return CustomerNotes(notes, int(total))
