"""Which Telegram updates took effect, and which were confirmed without taking effect.

Telegram delivers an update again until the bot confirms it, so after a crash or a failed
attempt the same command or button press can arrive twice. Messages the helpdesk stores
are recognised by their Telegram message; everything else is keyed here once handled.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from conversations import schema
from conversations.clock import Clock
from conversations.store import Database

# Telegram keeps unconfirmed updates for 24 hours; twice that covers any re-delivery.
KEEP = timedelta(hours=48)

_h = schema.handled_updates
_u = schema.unprocessed_updates


class UpdateLedger:
    """Keys of handled updates, and the record of updates that could not be processed."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def handled(self, key: str) -> bool:
        """Tell whether an update with this key already took effect."""
        async with self.db.read() as repo:
            q = select(_h.c.key).where(_h.c.key == key)
            return (await repo.conn.execute(q)).first() is not None

    async def record(self, key: str) -> None:
        """Remember that the update with this key took effect (idempotent)."""
        async with self.db.transaction() as repo:
            try:
                async with repo.conn.begin_nested():
                    await repo.conn.execute(insert(_h).values(key=key, handled_at=self.clock.now()))
            except IntegrityError:
                pass  # recorded already

    async def unprocessed(self, update_id: int, reason: str, raw: str) -> bool:
        """Keep an update confirmed without processing; False if it was kept before."""
        since = self.clock.now() - KEEP
        async with self.db.transaction() as repo:
            q = select(_u.c.id).where(_u.c.update_id == update_id, _u.c.at >= since)
            # Without an id (-1) there is no telling one from another: keep each.
            if update_id >= 0 and (await repo.conn.execute(q)).first() is not None:
                return False
            await repo.conn.execute(
                insert(_u).values(update_id=update_id, reason=reason, raw=raw, at=self.clock.now())
            )
            return True

    async def prune(self) -> int:
        """Forget handled keys too old to be delivered again; return how many."""
        async with self.db.transaction() as repo:
            result = await repo.conn.execute(
                delete(_h).where(_h.c.handled_at < self.clock.now() - KEEP)
            )
            return int(result.rowcount or 0)
