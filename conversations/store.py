"""Reads and writes of the helpdesk tables, on one connection inside one transaction."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import datetime
from typing import Any, TypedDict, TypeVar, Unpack

from sqlalchemy import Row, and_, case, delete, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from conversations import schema as tables
from conversations.db import READONLY, WriteGate
from conversations.models import (
    Customer,
    MessageEdit,
    Request,
    RequestEvent,
    Sender,
    StoredMessage,
)
from conversations.numbers import parse_int
from conversations.sentiment.churn import churn_words_json
from conversations.terms import Actor, Delivery, Direction, EventKind, Status


def mention_values(tags: Any) -> list[tuple[str, float | None]]:
    """Return (pillar, polarity) of each pillar tag; tags without a pillar are no mention."""
    found: list[tuple[str, float | None]] = []
    for tag in tags or ():
        pillar = tag.get("pillar") if isinstance(tag, dict) else None
        if pillar is None:
            continue
        polarity = tag.get("polarity")
        found.append((str(pillar), None if polarity is None else float(polarity)))
    return found


T = TypeVar("T")


class RequestChanges(TypedDict, total=False):
    """The columns of a request that its life changes after it was opened."""

    status: Status
    first_response_at: datetime
    first_response_seconds: int
    first_response_business_seconds: int
    resolved_at: datetime | None
    resolved_by: int | None
    resolution_source: Actor | None
    resolution_seconds: int | None
    resolution_business_seconds: int | None
    reopen_count: int
    last_customer_message_at: datetime
    last_staff_message_at: datetime
    topic_thread_id: int | None
    card_message_id: int | None
    category: str | None
    staff_chat_id: int
    promised_by: datetime | None
    resolution_due: datetime | None
    assignee_id: int | None


def from_row(kind: type[T], row: Row[Any], **convert: Callable[[Any], Any]) -> T:
    """A domain dataclass from a table row: each field from its column of the same name,
    through `convert[field]` when given (None stays None)."""
    m = row._mapping
    values = {f.name: m[f.name] for f in fields(kind) if f.name in m}  # type: ignore[arg-type]
    for name, to in convert.items():
        if values[name] is not None:
            values[name] = to(values[name])
    return kind(**values)


def _customer(row: Row[Any]) -> Customer:
    return from_row(Customer, row, language_chosen=bool, banned=bool)


def request_from_row(row: Row[Any]) -> Request:
    return from_row(Request, row, status=Status, resolution_source=Actor)


def message_from_row(row: Row[Any]) -> StoredMessage:
    return from_row(StoredMessage, row, direction=Direction, delivery=Delivery)


class Repo:
    """Helpdesk queries bound to one open connection (and so to its transaction)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # customers -------------------------------------------------------------------------

    async def forget_risk_snapshots(self) -> None:
        """Drop the stored churn-risk lists (analytics.risk_snapshot): a customer marked
        churned or banned leaves them now; reports score live until the next refresh."""
        await self.conn.execute(delete(tables.risk_snapshots))

    async def customer(self, customer_id: int) -> Customer:
        """Return a customer by id."""
        row = (
            await self.conn.execute(
                select(tables.customers).where(tables.customers.c.id == customer_id)
            )
        ).one()
        return _customer(row)

    async def customer_by_user(self, user_id: int) -> Customer | None:
        """Return the customer with this Telegram user id, if any."""
        q = select(tables.customers).where(tables.customers.c.telegram_user_id == user_id)
        row = (await self.conn.execute(q)).first()
        return _customer(row) if row else None

    async def upsert_customer(self, sender: Sender, language: str, now: datetime) -> Customer:
        """Create the customer on first contact, else refresh their name and last contact."""
        values: dict[str, Any] = {
            "first_name": sender.first_name,
            "last_name": sender.last_name,
            "username": sender.username,
            "last_contact_at": now,
            "blocked_bot_at": None,  # they wrote to us, so they have not blocked the bot
        }
        refresh = (
            update(tables.customers)
            .where(tables.customers.c.telegram_user_id == sender.user_id)
            .values(values)
            .returning(tables.customers)
        )
        # One statement for a known customer (every message but their first).
        row = (await self.conn.execute(refresh)).first()
        if row is not None:
            return _customer(row)
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(
                    insert(tables.customers).values(
                        telegram_user_id=sender.user_id,
                        language=language,
                        created_at=now,
                        **values,
                    )
                )
        except IntegrityError:
            pass  # created concurrently: the update below refreshes their row
        row = (await self.conn.execute(refresh)).first()
        assert row is not None
        return _customer(row)

    async def set_language(self, customer_id: int, language: str) -> None:
        """Record the language the customer chose."""
        await self.conn.execute(
            update(tables.customers)
            .where(tables.customers.c.id == customer_id)
            .values(language=language, language_chosen=True)
        )

    async def mark_blocked(self, customer_id: int, now: datetime) -> bool:
        """Remember that Telegram refused delivery because the customer blocked the bot;
        True when that is news (they had not been marked since they last wrote)."""
        c = tables.customers.c
        result = await self.conn.execute(
            update(tables.customers)
            .where(c.id == customer_id, c.blocked_bot_at.is_(None))
            .values(blocked_bot_at=now)
        )
        return bool(result.rowcount)

    async def find_customers(self, query: str, limit: int = 5) -> list[Customer]:
        """Find customers by Telegram id, @username, request number (#42) or name."""
        q = query.strip()
        c = tables.customers.c
        stmt = select(tables.customers)
        request_id = parse_int(q[1:], low=1) if q.startswith("#") else None
        number = parse_int(q)
        if request_id is not None:
            stmt = stmt.join(tables.requests, tables.requests.c.customer_id == c.id).where(
                tables.requests.c.id == request_id
            )
        elif number is not None:
            stmt = stmt.where(or_(c.telegram_user_id == number, c.id == number))
        elif q.startswith("@"):
            stmt = stmt.where(func.lower(c.username) == q[1:].lower())
        else:
            like = f"%{q.lower()}%"
            full = func.lower(c.first_name + " " + func.coalesce(c.last_name, ""))
            stmt = stmt.where(or_(full.like(like), func.lower(c.username).like(like)))
        rows = (await self.conn.execute(stmt.order_by(c.id).limit(limit))).all()
        return [_customer(r) for r in rows]

    # requests --------------------------------------------------------------------------

    async def request(self, request_id: int) -> Request | None:
        """Return a request by number."""
        row = (
            await self.conn.execute(
                select(tables.requests).where(tables.requests.c.id == request_id)
            )
        ).first()
        return request_from_row(row) if row else None

    async def latest_request(self, customer_id: int) -> Request | None:
        """Return the customer's most recent request, open or not."""
        q = (
            select(tables.requests)
            .where(tables.requests.c.customer_id == customer_id)
            .order_by(tables.requests.c.id.desc())
            .limit(1)
        )
        row = (await self.conn.execute(q)).first()
        return request_from_row(row) if row else None

    async def open_request(self, customer_id: int, staff_chat_id: int, now: datetime) -> Request:
        """Open a new request for the customer."""
        result = await self.conn.execute(
            insert(tables.requests)
            .values(
                customer_id=customer_id,
                status=Status.OPEN,
                opened_at=now,
                staff_chat_id=staff_chat_id,
            )
            .returning(tables.requests.c.id)
        )
        request_id = result.scalar_one()
        await self.add_event(request_id, EventKind.OPENED, now, Actor.CUSTOMER, None)
        found = await self.request(request_id)
        assert found is not None
        return found

    async def update_request(self, request_id: int, **values: Unpack[RequestChanges]) -> Request:
        """Change columns of a request (only those a request's life changes) and return it."""
        changed = (
            update(tables.requests)
            .where(tables.requests.c.id == request_id)
            .values(values)
            .returning(tables.requests)
        )
        row = (await self.conn.execute(changed)).first()
        assert row is not None
        return request_from_row(row)

    async def add_event(
        self,
        request_id: int,
        kind: str,
        at: datetime,
        actor: Actor,
        actor_id: int | None,
        subject_id: int | None = None,
        detail: str | None = None,
    ) -> int:
        """Append a state change or action to the request's history (`subject_id`: the
        staff member an assignment is about; `detail`: a saved reply's key); its id."""
        result = await self.conn.execute(
            insert(tables.request_events).values(
                request_id=request_id,
                kind=kind,
                at=at,
                actor=actor,
                actor_id=actor_id,
                subject_id=subject_id,
                detail=detail,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    async def events(self, request_id: int) -> list[RequestEvent]:
        """Return the request's history (state changes and actions) in order."""
        e = tables.request_events
        q = select(e).where(e.c.request_id == request_id).order_by(e.c.id)
        return [from_row(RequestEvent, r) for r in (await self.conn.execute(q)).all()]

    async def request_by_topic(self, chat_id: int, thread_id: int) -> Request | None:
        """Return the request whose forum topic this is."""
        q = select(tables.requests).where(
            and_(
                tables.requests.c.staff_chat_id == chat_id,
                tables.requests.c.topic_thread_id == thread_id,
            )
        )
        row = (await self.conn.execute(q.order_by(tables.requests.c.id.desc()).limit(1))).first()
        return request_from_row(row) if row else None

    async def requests_by_status(self, statuses: Sequence[Status]) -> list[Request]:
        """Return requests in these states, oldest first."""
        q = (
            select(tables.requests)
            .where(tables.requests.c.status.in_(list(statuses)))
            .order_by(tables.requests.c.id)
        )
        return [request_from_row(r) for r in (await self.conn.execute(q)).all()]

    async def requests_of(self, customer_id: int, limit: int) -> list[Request]:
        """Return the customer's latest requests."""
        q = (
            select(tables.requests)
            .where(tables.requests.c.customer_id == customer_id)
            .order_by(tables.requests.c.id.desc())
            .limit(limit)
        )
        return [request_from_row(r) for r in (await self.conn.execute(q)).all()]

    async def count_requests(self, customer_id: int) -> int:
        """Return how many requests the customer ever opened."""
        q = (
            select(func.count())
            .select_from(tables.requests)
            .where(tables.requests.c.customer_id == customer_id)
        )
        return int((await self.conn.execute(q)).scalar_one())

    async def auto_resolve_candidates(self, answered_before: datetime, limit: int) -> list[Request]:
        """Requests answered by staff before the cut-off and silent since, oldest first."""
        r = tables.requests.c
        q = select(tables.requests).where(
            and_(
                r.status == Status.ANSWERED,
                r.last_staff_message_at < answered_before,
                or_(
                    r.last_customer_message_at.is_(None),
                    r.last_customer_message_at <= r.last_staff_message_at,
                ),
            )
        )
        rows = (await self.conn.execute(q.order_by(r.id).limit(limit))).all()
        return [request_from_row(row) for row in rows]

    # messages --------------------------------------------------------------------------

    async def message_by_source(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return the stored message for a Telegram message, if it was seen before."""
        m = tables.messages.c
        q = select(tables.messages).where(
            and_(m.source_chat_id == chat_id, m.source_message_id == message_id)
        )
        row = (await self.conn.execute(q)).first()
        return message_from_row(row) if row is not None else None

    async def add_message(
        self,
        *,
        request_id: int,
        direction: Direction,
        sender: Sender,
        kind: str,
        text: str | None,
        chat_id: int,
        message_id: int,
        now: datetime,
        sentiment: dict[str, Any] | None = None,
    ) -> int:
        """Store a message once; return its row id."""
        found = sentiment or {}
        result = await self.conn.execute(
            insert(tables.messages)
            .values(
                request_id=request_id,
                direction=direction,
                sender_user_id=sender.user_id,
                sender_name=sender.full_name,
                kind=kind,
                text=text,
                source_chat_id=chat_id,
                source_message_id=message_id,
                delivery=Delivery.INTERNAL if direction == Direction.NOTE else Delivery.PENDING,
                created_at=now,
                polarity=found.get("polarity"),
                subjectivity=found.get("subjectivity"),
                sentiment_label=found.get("label"),
                language=found.get("language"),
                pillar_tags=json.dumps(found["tags"]) if "tags" in found else None,
                churn_words=churn_words_json(text) if direction == Direction.IN else None,
            )
            .returning(tables.messages.c.id)
        )
        row_id = int(result.scalar_one())
        if direction == Direction.IN:
            await self._message_mentions(row_id, found.get("tags"))
        return row_id

    async def _message_mentions(self, row_id: int, tags: Any) -> None:
        """Write one pillar_mentions row per pillar tag of an inbound message."""
        m, r = tables.messages, tables.requests
        pm = tables.pillar_mentions
        for pillar, polarity in mention_values(tags):
            source = (
                select(
                    m.c.id,
                    r.c.customer_id,
                    m.c.created_at,
                    literal(pillar, pm.c.pillar.type),
                    literal(polarity, pm.c.polarity.type),
                )
                .select_from(m.join(r, r.c.id == m.c.request_id))
                .where(m.c.id == row_id, m.c.direction == Direction.IN)
            )
            await self.conn.execute(
                insert(pm).from_select(
                    ["message_id", "customer_id", "at", "pillar", "polarity"], source
                )
            )

    async def mark_delivered(self, row_id: int, copy_chat_id: int, copy_message_id: int) -> None:
        """Record where the relayed copy landed."""
        await self.conn.execute(
            update(tables.messages)
            .where(tables.messages.c.id == row_id)
            .values(
                copy_chat_id=copy_chat_id,
                copy_message_id=copy_message_id,
                delivery=Delivery.DELIVERED,
            )
        )

    async def mark_failed(self, row_id: int) -> None:
        """Record that the message could not be delivered."""
        await self.conn.execute(
            update(tables.messages)
            .where(tables.messages.c.id == row_id)
            .values(delivery=Delivery.FAILED)
        )

    async def pending_messages(self, created_before: datetime, limit: int) -> list[StoredMessage]:
        """Messages stored but never relayed, oldest first."""
        m = tables.messages.c
        q = (
            select(tables.messages)
            .where(and_(m.delivery == Delivery.PENDING, m.created_at < created_before))
            .order_by(m.id)
            .limit(limit)
        )
        return [message_from_row(row) for row in (await self.conn.execute(q)).all()]

    async def edit_known(self, row_id: int, edited_at: datetime, text: str | None) -> bool:
        """Tell whether this edit was stored already, or a later edit of the message was."""
        e = tables.message_edits.c
        same_text = e.text.is_(None) if text is None else e.text == text
        q = (
            select(func.count())
            .select_from(tables.message_edits)
            .where(
                and_(
                    e.message_id == row_id,
                    or_(e.edited_at > edited_at, and_(e.edited_at == edited_at, same_text)),
                )
            )
        )
        return int((await self.conn.execute(q)).scalar_one()) > 0

    async def record_edit(
        self,
        row_id: int,
        *,
        edited_at: datetime,
        text: str | None,
        previous_text: str | None,
        now: datetime,
        sentiment: dict[str, Any] | None = None,
    ) -> None:
        """Keep the edit in the history and make its text (and sentiment) the message's."""
        await self.conn.execute(
            insert(tables.message_edits).values(
                message_id=row_id,
                edited_at=edited_at,
                text=text,
                previous_text=previous_text,
                received_at=now,
            )
        )
        found = sentiment or {}  # the old text's sentiment no longer applies
        words = churn_words_json(text)
        await self.conn.execute(
            update(tables.messages)
            .where(tables.messages.c.id == row_id)
            .values(
                text=text,
                polarity=found.get("polarity"),
                subjectivity=found.get("subjectivity"),
                sentiment_label=found.get("label"),
                language=found.get("language"),
                pillar_tags=json.dumps(found["tags"]) if "tags" in found else None,
                # Only customer messages carry churn phrases (staff may quote them).
                churn_words=None
                if words is None
                else case((tables.messages.c.direction == Direction.IN, words), else_=None),
            )
        )
        pm = tables.pillar_mentions
        await self.conn.execute(delete(pm).where(pm.c.message_id == row_id))
        await self._message_mentions(row_id, found.get("tags"))

    async def edits(self, row_id: int) -> list[MessageEdit]:
        """The stored edits of a message, oldest first."""
        e = tables.message_edits.c
        q = select(tables.message_edits).where(e.message_id == row_id).order_by(e.id)
        return [from_row(MessageEdit, row) for row in (await self.conn.execute(q)).all()]

    async def texts_copied_to(self, chat_id: int, message_id: int) -> list[str]:
        """The customer texts one staff message carries (a copy, a folded message, a card
        with the request's first texts), in the order written."""
        m = tables.messages.c
        q = (
            select(m.text)
            .where(
                m.copy_chat_id == chat_id,
                m.copy_message_id == message_id,
                m.direction == Direction.IN,
            )
            .order_by(m.id)
        )
        return [text or "" for (text,) in (await self.conn.execute(q)).all()]

    async def pending_before(self, row_id: int) -> list[StoredMessage]:
        """Messages of the same request and direction as this one, older and still pending."""
        m = tables.messages.c
        this = (await self.conn.execute(select(tables.messages).where(m.id == row_id))).one()
        q = (
            select(tables.messages)
            .where(
                and_(
                    m.request_id == this.request_id,
                    m.direction == this.direction,
                    m.delivery == Delivery.PENDING,
                    m.id < row_id,
                )
            )
            .order_by(m.id)
        )
        return [message_from_row(row) for row in (await self.conn.execute(q)).all()]

    async def count_messages(self, customer_id: int) -> int:
        """Return how many messages the customer's requests hold."""
        q = (
            select(func.count())
            .select_from(
                tables.messages.join(
                    tables.requests, tables.requests.c.id == tables.messages.c.request_id
                )
            )
            .where(tables.requests.c.customer_id == customer_id)
        )
        return int((await self.conn.execute(q)).scalar_one())

    # message links ---------------------------------------------------------------------

    async def link(self, chat_id: int, message_id: int, request_id: int, role: str) -> None:
        """Map a Telegram message to its request (idempotent)."""
        existing = await self.linked_request_id(chat_id, message_id)
        if existing is None:
            await self.conn.execute(
                insert(tables.message_links).values(
                    chat_id=chat_id, message_id=message_id, request_id=request_id, role=role
                )
            )

    async def linked_request_id(self, chat_id: int, message_id: int) -> int | None:
        """Return the request a Telegram message stands for."""
        l_ = tables.message_links.c
        q = select(l_.request_id).where(and_(l_.chat_id == chat_id, l_.message_id == message_id))
        value = (await self.conn.execute(q)).scalar_one_or_none()
        return int(value) if value is not None else None


class Database:
    """The engine plus transactions that hand out a Repo."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.gate = WriteGate(serial=engine.dialect.name == "sqlite")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repo]:
        """Run a unit of work: commit on success, roll back on error."""
        async with self.gate(), self.engine.begin() as conn:
            yield Repo(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Repo]:
        """Run reads only: on SQLite a deferred transaction, which never takes the write
        lock, so a read neither waits for a writer nor makes one wait."""
        async with self.engine.connect() as conn:
            await conn.execution_options(**{READONLY: True})
            async with conn.begin():
                yield Repo(conn)

    async def close(self) -> None:
        """Release pooled connections."""
        await self.engine.dispose()
