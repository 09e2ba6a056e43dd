"""A customer's right to erasure (/forget): their name, username and Telegram id, every text
and media reference they sent with its edit history, their survey reasons, and what staff
wrote about them are erased in one transaction; the anonymous facts stay (scores, times,
sentiment figures, pillar answers), so every report before and after shows the same NPS and
counts. The audit log says who erased what kind and how much, never what it held. A later
message from the same Telegram account opens a fresh record: the erased one is not theirs
any more.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from conversations import schema as tables
from conversations.clock import Clock
from conversations.store import Database, Repo
from conversations.terms import Actor, Delivery, Direction

__all__ = ["ERASED_NAME", "Erased", "Erasure"]

ERASED_NAME = "—"  # what an erased customer is called in topic titles and reports

_c, _r, _m = tables.customers.c, tables.requests.c, tables.messages.c
_s, _e, _n = tables.surveys.c, tables.message_edits.c, tables.customer_notes.c


@dataclass(frozen=True, slots=True)
class Erased:
    """What an erasure did: rows of each kind, and the requests whose topics to rename."""

    customer_id: int
    counts: dict[str, int]
    request_ids: list[int]


class Erasure:
    """The erasure use case, over the database."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def forget(self, customer_id: int, by: Actor, by_id: int | None = None) -> Erased | None:
        """Erase the customer's data; None if there is no such customer or it was erased
        already (a repeated press changes nothing twice)."""
        async with self.db.transaction() as repo:
            conn = repo.conn
            user_id = (
                await conn.execute(select(_c.telegram_user_id).where(_c.id == customer_id))
            ).scalar_one_or_none()
            gone = await conn.execute(
                update(tables.customers)
                .where(_c.id == customer_id, _c.telegram_user_id.is_not(None))
                .values(
                    first_name=ERASED_NAME,
                    last_name=None,
                    username=None,
                    telegram_user_id=None,
                    external_id=None,
                )
            )
            if gone.rowcount != 1:
                return None
            ids = [
                int(i)
                for (i,) in (
                    await conn.execute(select(_r.id).where(_r.customer_id == customer_id))
                ).all()
            ]
            theirs = select(_m.id).where(_m.request_id.in_(ids), _m.direction == Direction.IN)
            edits = delete(tables.message_edits).where(_e.message_id.in_(theirs))
            counts = {
                "edits": (await conn.execute(edits)).rowcount,
                # Their words and media: the copy in the staff group is the only trace left
                # (a pending one will not be sent: its source is gone).
                "messages": (
                    await conn.execute(
                        update(tables.messages)
                        .where(_m.request_id.in_(ids), _m.direction == Direction.IN)
                        .values(
                            text=None,
                            sender_user_id=0,
                            sender_name="",
                            source_chat_id=0,
                            source_message_id=-_m.id,  # unique, and no Telegram message's
                            pillar_tags=None,
                            churn_words=None,
                        )
                    )
                ).rowcount,
                "undelivered": (
                    await conn.execute(
                        update(tables.messages)
                        .where(_m.source_chat_id == 0, _m.delivery == Delivery.PENDING)
                        .where(_m.request_id.in_(ids))
                        .values(delivery=Delivery.FAILED)
                    )
                ).rowcount,
                "staff_notes": (
                    await conn.execute(
                        update(tables.messages)
                        .where(_m.request_id.in_(ids), _m.direction == Direction.NOTE)
                        .values(text=None)
                    )
                ).rowcount
                + (
                    await conn.execute(
                        delete(tables.customer_notes).where(_n.customer_id == customer_id)
                    )
                ).rowcount,
                # Their Telegram id is their private chat's id: where answers reached them.
                "links": (
                    await conn.execute(
                        delete(tables.message_links).where(
                            tables.message_links.c.chat_id == user_id
                        )
                    )
                ).rowcount,
                "answers": (
                    await conn.execute(
                        update(tables.messages)
                        .where(_m.request_id.in_(ids), _m.copy_chat_id == user_id)
                        .values(copy_chat_id=None, copy_message_id=None)
                    )
                ).rowcount,
                # What the bot still owed them names their chat.
                "notices": (
                    await conn.execute(
                        delete(tables.notices).where(tables.notices.c.request_id.in_(ids))
                    )
                ).rowcount,
                "survey_texts": (
                    await conn.execute(
                        update(tables.surveys)
                        .where(_s.customer_id == customer_id)
                        .values(reason_text=None, reason_tags=None, user_id=0)
                    )
                ).rowcount,
            }
            # Updates kept because they failed hold what they sent, word for word.
            counts["failed_updates"] = await _forget_failed_updates(repo, user_id)
            await repo.forget_risk_snapshots()  # their name is in the stored risk list
            await conn.execute(
                insert(tables.erasures).values(
                    customer_id=customer_id,
                    at=self.clock.now(),
                    by_kind=by,
                    by_id=by_id,
                    what=json.dumps(counts, sort_keys=True),
                )
            )
        return Erased(customer_id, counts, ids)


def _mentions(node: object, user_id: int) -> bool:
    """The parsed update names the user as a sender or a chat ("from", "chat", "user")."""
    if isinstance(node, dict):
        for key, value in node.items():
            named = key in ("from", "chat", "user") and isinstance(value, dict)
            if named and value.get("id") == user_id:
                return True
            if _mentions(value, user_id):
                return True
    elif isinstance(node, list):
        return any(_mentions(item, user_id) for item in node)
    return False


async def _forget_failed_updates(repo: Repo, user_id: int | None) -> int:
    """Delete the kept failed updates (bot.updates) that came from the user or their chat.
    The table holds failures only, so it is small: each row is parsed, none is matched by
    text."""
    if user_id is None:
        return 0
    u = tables.unprocessed_updates.c
    rows = (await repo.conn.execute(select(u.id, u.raw))).all()
    theirs = []
    for row_id, raw in rows:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if _mentions(parsed, user_id) or (parsed is None and str(user_id) in raw):
            theirs.append(int(row_id))
    if theirs:
        await repo.conn.execute(delete(tables.unprocessed_updates).where(u.id.in_(theirs)))
    return len(theirs)
