"""Which managers get the weekly summary, and in which language.

Every id in CAREBOT_MANAGER_IDS gets it unless they said /unsubscribe; /subscribe (again)
also records the language they speak, so the summary comes in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from conversations import schema as tables
from conversations.clock import Clock
from conversations.store import Database

_s = tables.manager_subscriptions


class Subscriptions:
    """The managers' weekly-summary choices."""

    def __init__(self, db: Database, clock: Clock, default_language: str) -> None:
        self.db = db
        self.clock = clock
        self.default_language = default_language

    async def choose(self, user_id: int, subscribed: bool, language: str) -> bool:
        """Record a manager's choice; return whether it changed anything."""
        values = {"subscribed": subscribed, "language": language, "changed_at": self.clock.now()}
        async with self.db.transaction() as repo:
            before = (
                await repo.conn.execute(
                    select(_s.c.subscribed, _s.c.language).where(_s.c.user_id == user_id)
                )
            ).first()
            if before is not None:
                await repo.conn.execute(update(_s).where(_s.c.user_id == user_id).values(values))
                return (bool(before.subscribed), before.language) != (subscribed, language)
            try:
                async with repo.conn.begin_nested():
                    await repo.conn.execute(insert(_s).values(user_id=user_id, **values))
            except IntegrityError:  # chosen at the same moment elsewhere: this one wins
                await repo.conn.execute(update(_s).where(_s.c.user_id == user_id).values(values))
            return True

    async def recipients(self, manager_ids: Sequence[int]) -> dict[int, str]:
        """The managers who get the summary, with their language, in the configured order."""
        async with self.db.read() as repo:
            rows = (
                await repo.conn.execute(
                    select(_s.c.user_id, _s.c.subscribed, _s.c.language).where(
                        _s.c.user_id.in_(list(manager_ids))
                    )
                )
            ).all()
        chosen = {int(r.user_id): (bool(r.subscribed), str(r.language)) for r in rows}
        found: dict[int, str] = {}
        for manager in manager_ids:
            subscribed, language = chosen.get(manager, (True, self.default_language))
            if subscribed:
                found[manager] = language
        return found
