"""Everything stored about one customer, for their right of access (/mydata): their profile,
requests with tags, messages both ways with every edit, survey answers, the notes staff
wrote about them and the figures the business imported. Staff appear with the name the
customer saw on their answers. Plain data (str, int, float, None, lists and dicts), so it
is written as JSON as it is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from conversations import schema as tables
from conversations.store import Database

__all__ = ["customer_data"]

_c, _r, _m = tables.customers.c, tables.requests.c, tables.messages.c
_e, _s, _n = tables.message_edits.c, tables.surveys.c, tables.customer_notes.c
_t, _v, _staff = tables.request_tags.c, tables.recoveries.c, tables.staff_members.c


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _row(row: Any, *columns: str) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in columns}


async def customer_data(db: Database, customer_id: int) -> dict[str, Any]:
    """The customer's stored data; KeyError when there is no such customer."""
    async with db.read() as repo:
        conn = repo.conn
        profile = (await conn.execute(select(tables.customers).where(_c.id == customer_id))).first()
        if profile is None:
            raise KeyError(customer_id)
        requests = (
            await conn.execute(
                select(tables.requests).where(_r.customer_id == customer_id).order_by(_r.id)
            )
        ).all()
        ids = [r.id for r in requests]
        tagged = select(_t.request_id, _t.tag).where(_t.request_id.in_(ids))
        tags = (await conn.execute(tagged)).all()
        messages = (
            await conn.execute(
                select(tables.messages)
                .where(_m.request_id.in_(ids), _m.direction != "note")
                .order_by(_m.created_at, _m.id)
            )
        ).all()
        edits = (
            await conn.execute(
                select(tables.message_edits)
                .where(_e.message_id.in_([m.id for m in messages]))
                .order_by(_e.edited_at, _e.id)
            )
        ).all()
        surveys = (
            await conn.execute(select(tables.surveys).where(_s.customer_id == customer_id))
        ).all()
        notes = (
            await conn.execute(
                select(_n.text, _n.created_at, _n.author_id)
                .where(_n.customer_id == customer_id)
                .order_by(_n.created_at)
            )
        ).all()
        internal = (
            await conn.execute(
                select(_m.request_id, _m.sender_user_id, _m.text, _m.created_at)
                .where(_m.request_id.in_(ids), _m.direction == "note")
                .order_by(_m.created_at, _m.id)
            )
        ).all()
        recoveries = (
            await conn.execute(select(tables.recoveries).where(_v.customer_id == customer_id))
        ).all()
        staff_ids = {int(m.sender_user_id) for m in messages if m.direction != "in"}
        staff_ids |= {int(n.author_id) for n in notes} | {int(i.sender_user_id) for i in internal}
        known = (
            await conn.execute(
                select(_staff.user_id, _staff.first_name).where(_staff.user_id.in_(staff_ids))
            )
        ).all()
    # Staff as the customer meets them: by first name (as the saved replies sign).
    shown = {int(uid): str(first) for uid, first in known if first}

    def staff(user_id: int) -> str:
        return shown.get(int(user_id), "staff")

    tags_of: dict[int, list[str]] = {}
    for request_id, tag in tags:
        tags_of.setdefault(int(request_id), []).append(str(tag))
    edits_of: dict[int, list[dict[str, Any]]] = {}
    for e in edits:
        edits_of.setdefault(int(e.message_id), []).append(
            _row(e, "edited_at", "previous_text", "text")
        )
    return {
        "profile": _row(
            profile,
            "first_name",
            "last_name",
            "username",
            "telegram_user_id",
            "external_id",
            "language",
            "created_at",
            "last_contact_at",
            "banned",
            "yearly_revenue",
            "relationship_start",
            "acquisition_cost",
            "churned_at",
        ),
        "requests": [
            _row(r, "id", "status", "category", "opened_at", "first_response_at", "resolved_at")
            | {"tags": sorted(tags_of.get(int(r.id), []))}
            for r in requests
        ],
        "messages": [
            {
                "request": m.request_id,
                "at": _plain(m.created_at),
                "from": "you" if m.direction == "in" else staff(m.sender_user_id),
                "kind": m.kind,
                "text": m.text,
                "edits": edits_of.get(int(m.id), []),
            }
            for m in messages
        ],
        "surveys": [
            _row(
                s,
                "request_id",
                "sent_at",
                "score",
                "scored_at",
                "reason_text",
                "pillar",
                "pillar_score",
            )
            for s in surveys
        ],
        "follow_ups": [
            _row(v, "request_id", "reask_sent_at", "reask_score", "reask_outcome")
            for v in recoveries
            if v.reask_sent_at is not None
        ],
        "staff_notes": [
            {"at": _plain(n.created_at), "by": staff(n.author_id), "text": n.text} for n in notes
        ]
        + [
            {"at": _plain(i.created_at), "by": staff(i.sender_user_id), "text": i.text}
            | {"request": i.request_id}
            for i in internal
        ],
    }
