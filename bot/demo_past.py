"""The demo team's past: a year of requests and surveys before the scripted Monday, by the
same staff in the same group, so the day's report and the manager's summary have weeks to
compare with (conversations.seed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.fake_bot_api import User
from conversations import schema as tables
from conversations.db import migrate
from conversations.seed import History, seed
from conversations.store import Database
from conversations.terms import Pillar

CUSTOMERS, REQUESTS, RESPONSES = 150, 700, 520  # a small shop's year


async def seed_past(
    db: Database, staff: list[tuple[User, int]], chat_id: int, until: datetime
) -> int:
    """Write the year before `until` (each staff member with their share of the work);
    return the id the day's first request will get."""
    await migrate(db.engine)
    past = History(
        staff=tuple((u.id, f"{u.first_name} {u.last_name or ''}".strip(), w) for u, w in staff),
        staff_chat_id=chat_id,
        weak_pillar=Pillar.TIME_AND_EFFORT,  # slow replies are this team's weak spot
        settled=True,  # nothing left waiting from last week: the day starts clean
    )
    await seed(
        db.engine,
        customers=CUSTOMERS,
        requests=REQUESTS,
        responses=RESPONSES,
        now=until,
        history=past,
    )
    async with db.engine.connect() as conn:
        found = (await conn.execute(select(func.max(tables.requests.c.id)))).scalar_one()
    return int(found or 0) + 1
