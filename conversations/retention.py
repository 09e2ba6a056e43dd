"""CAREBOT_RETENTION_DAYS: message texts, media references, their edit history and survey
reasons older than the retention are erased by a daily job; scores, times and sentiment
figures stay, so every report keeps its figures, and the report says from when texts are
there to read. Rows go in batches, so the bot's own writes wait for one batch at most."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from conversations import schema as tables
from conversations.store import Database

__all__ = ["BATCH", "erase_texts_before"]

BATCH = 2_000  # rows per transaction

_m, _e, _s = tables.messages.c, tables.message_edits.c, tables.surveys.c


async def erase_texts_before(db: Database, cutoff: datetime) -> int:
    """Erase what customers and staff wrote before `cutoff`; return how many rows changed
    (0 once nothing is left: the job is safe to run as often as it likes)."""
    erased = 0
    while True:
        async with db.transaction() as repo:
            conn = repo.conn
            ids = (
                (
                    await conn.execute(
                        select(_m.id)
                        .where(_m.created_at < cutoff, _m.source_message_id > 0)
                        .limit(BATCH)
                    )
                )
                .scalars()
                .all()
            )
            if not ids:
                break
            await conn.execute(delete(tables.message_edits).where(_e.message_id.in_(ids)))
            await conn.execute(
                update(tables.messages)
                .where(_m.id.in_(ids))
                .values(
                    text=None,
                    pillar_tags=None,
                    churn_words=None,
                    # The media reference goes, and the row is marked done: no Telegram
                    # message id is negative.
                    source_message_id=-_m.id,
                )
            )
            erased += len(ids)
    async with db.transaction() as repo:
        reasons = await repo.conn.execute(
            update(tables.surveys)
            .where(_s.reason_at < cutoff, _s.reason_text.is_not(None))
            .values(reason_text=None, reason_tags=None)
        )
    return erased + reasons.rowcount
