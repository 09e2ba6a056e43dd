"""Tags on requests: free words, or only those of a configured list (CAREBOT_TAGS).

Each change is stored twice: the request's current tags (request_tags, for filters and
reports) and a tagged/untagged event with who and when (the request's history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from conversations import schema as tables
from conversations import staff_members
from conversations.clock import Clock
from conversations.keys import normal_key
from conversations.models import Customer, Request, Sender
from conversations.store import Database
from conversations.terms import Actor, EventKind

MAX_TAGS = 10  # per request: beyond that a tag stops meaning anything


@dataclass(frozen=True, slots=True)
class TagChange:
    """What a /tag or /untag did."""

    request: Request
    customer: Customer
    changed: list[str]  # the tags added (or removed)
    refused: list[str]  # words that cannot be tags here (not on the list, malformed, too many)
    tags: list[str]  # the request's tags now


async def tags_of(conn: AsyncConnection, request_id: int) -> list[str]:
    """A request's tags, in alphabetical order."""
    t = tables.request_tags.c
    q = select(t.tag).where(t.request_id == request_id).order_by(t.tag)
    return [str(tag) for tag in (await conn.execute(q)).scalars()]


class Tags:
    """The tag use cases."""

    def __init__(self, db: Database, clock: Clock, allowed: Sequence[str] = ()) -> None:
        self.db = db
        self.clock = clock
        self.allowed = tuple(allowed)  # empty: any well-formed word

    def accepts(self, tag: str | None) -> bool:
        """Whether a (normalised) word may be a tag here."""
        return tag is not None and (not self.allowed or tag in self.allowed)

    async def tag(self, request_id: int, words: Sequence[str], by: Sender) -> TagChange | None:
        """Add tags to the request; None if there is no such request."""
        return await self._change(request_id, words, by, add=True)

    async def untag(self, request_id: int, words: Sequence[str], by: Sender) -> TagChange | None:
        """Remove tags from the request; None if there is no such request."""
        return await self._change(request_id, words, by, add=False)

    async def _change(
        self, request_id: int, words: Sequence[str], by: Sender, *, add: bool
    ) -> TagChange | None:
        now = self.clock.now()
        t = tables.request_tags
        async with self.db.transaction() as repo:
            request = await repo.request(request_id)
            if request is None:
                return None
            await staff_members.seen(repo.conn, by, now)
            current = await tags_of(repo.conn, request_id)
            changed: list[str] = []
            refused: list[str] = []
            for word in words:
                tag = normal_key(word)
                if add and not self.accepts(tag):
                    refused.append(word)
                    continue
                if tag is None or tag in changed:
                    continue
                if add and tag not in current:
                    if len(current) >= MAX_TAGS:
                        refused.append(word)
                        continue
                    try:
                        async with repo.conn.begin_nested():
                            await repo.conn.execute(
                                insert(t).values(request_id=request_id, tag=tag)
                            )
                    except IntegrityError:
                        continue  # a colleague added it at the same moment
                    current.append(tag)
                elif not add and tag in current:
                    where = (t.c.request_id == request_id) & (t.c.tag == tag)
                    await repo.conn.execute(delete(t).where(where))
                    current.remove(tag)
                else:
                    continue
                changed.append(tag)
                kind = EventKind.TAGGED if add else EventKind.UNTAGGED
                await repo.add_event(request_id, kind, now, Actor.STAFF, by.user_id, detail=tag)
            customer = await repo.customer(request.customer_id)
        return TagChange(request, customer, changed, refused, sorted(current))
