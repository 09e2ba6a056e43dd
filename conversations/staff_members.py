"""Queries of the staff members seen in the staff groups (who may own requests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from conversations import schema as tables
from conversations.models import Sender, StaffMember
from conversations.store import from_row


def _member(row: Row[Any]) -> StaffMember:
    return from_row(StaffMember, row)


def unknown(user_id: int) -> StaffMember:
    """A staff member known only by id (their row predates the staff table)."""
    return StaffMember(user_id=user_id, first_name=str(user_id))


async def seen(conn: AsyncConnection, who: Sender, now: datetime) -> StaffMember:
    """Record that `who` acted in a staff group (their name and @username as of now)."""
    values = {
        "first_name": who.first_name,
        "last_name": who.last_name,
        "username": who.username,
        "last_seen_at": now,
    }
    s = tables.staff_members
    refresh = update(s).where(s.c.user_id == who.user_id).values(values).returning(s)
    row = (await conn.execute(refresh)).first()
    if row is None:
        try:
            async with conn.begin_nested():
                await conn.execute(insert(s).values(user_id=who.user_id, **values))
        except IntegrityError:
            pass  # seen concurrently: refreshed below
        row = (await conn.execute(refresh)).first()
    assert row is not None
    return _member(row)


async def member(conn: AsyncConnection, user_id: int) -> StaffMember | None:
    """The staff member with this Telegram user id, if ever seen."""
    s = tables.staff_members
    row = (await conn.execute(select(s).where(s.c.user_id == user_id))).first()
    return _member(row) if row is not None else None


async def by_username(conn: AsyncConnection, username: str) -> StaffMember | None:
    """The staff member who last went by @username (case-insensitive)."""
    s = tables.staff_members
    q = (
        select(s)
        .where(func.lower(s.c.username) == username.removeprefix("@").lower())
        .order_by(s.c.last_seen_at.desc())
        .limit(1)
    )
    row = (await conn.execute(q)).first()
    return _member(row) if row is not None else None


async def members(conn: AsyncConnection, user_ids: Sequence[int]) -> dict[int, StaffMember]:
    """The staff members among these user ids, by id."""
    if not user_ids:
        return {}
    s = tables.staff_members
    rows = (await conn.execute(select(s).where(s.c.user_id.in_(list(set(user_ids)))))).all()
    return {int(r.user_id): _member(r) for r in rows}
