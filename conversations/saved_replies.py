"""Saved replies: one text per key and language, filled in for a request's customer.

`/r KEY` picks the text in the customer's language (another language when that one is
missing, and staff are warned), fills `{name}`, `{request}` and `{agent}`, and the helpdesk
stores it as the staff answer it is, with a `saved_reply` event naming the key: reports tie
each saved reply to the outcome of the requests it was used in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from conversations import schema as tables
from conversations import staff_members
from conversations.clock import Clock
from conversations.keys import normal_key
from conversations.models import Sender
from conversations.store import Database, from_row

# What a saved text may name, filled per request; any other {word} stays as written.
PLACEHOLDERS = ("name", "request", "agent")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
TEXT_LIMIT = 4096  # one Telegram message


@dataclass(frozen=True, slots=True)
class SavedReply:
    """One language's text of a saved reply."""

    key: str
    language: str
    text: str
    author_id: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Filled:
    """A saved reply ready for one customer."""

    key: str
    language: str  # the language of the text chosen
    wanted: str  # the customer's language
    text: str

    @property
    def fell_back(self) -> bool:
        """The customer's language has no text: another one was used."""
        return self.language != self.wanted


class Refused(StrEnum):
    """Why a saved reply was not stored."""

    BAD_KEY = "bad_key"
    BAD_LANGUAGE = "bad_language"
    EMPTY = "empty"
    TOO_LONG = "too_long"


def fill(text: str, values: dict[str, str]) -> str:
    """Replace the known placeholders (a stray brace or unknown name is left alone)."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


class SavedReplies:
    """The saved-reply use cases."""

    def __init__(self, db: Database, clock: Clock, languages: tuple[str, ...]) -> None:
        self.db = db
        self.clock = clock
        self.languages = languages

    async def save(self, key: str, language: str, text: str, by: Sender) -> SavedReply | Refused:
        """Store (or replace) the text of `key` in `language`."""
        found = normal_key(key)
        if found is None:
            return Refused.BAD_KEY
        language = language.strip().lower()
        if language not in self.languages:
            return Refused.BAD_LANGUAGE
        text = text.strip()
        if not text:
            return Refused.EMPTY
        if len(text) > TEXT_LIMIT:
            return Refused.TOO_LONG
        now = self.clock.now()
        s = tables.saved_replies
        values = {"text": text, "author_id": by.user_id, "updated_at": now}
        async with self.db.transaction() as repo:
            await staff_members.seen(repo.conn, by, now)
            where = (s.c.key == found) & (s.c.language == language)
            changed = await repo.conn.execute(update(s).where(where).values(values))
            if changed.rowcount == 0:
                try:
                    async with repo.conn.begin_nested():
                        row = {"key": found, "language": language, **values}
                        await repo.conn.execute(insert(s).values(row))
                except IntegrityError:  # saved at the same moment elsewhere: this one wins
                    await repo.conn.execute(update(s).where(where).values(values))
        return SavedReply(found, language, text, by.user_id, now)

    async def remove(self, key: str) -> int:
        """Delete every language of `key`; how many texts went."""
        found = normal_key(key)
        if found is None:
            return 0
        s = tables.saved_replies
        async with self.db.transaction() as repo:
            gone = await repo.conn.execute(delete(s).where(s.c.key == found))
        return int(gone.rowcount)

    async def all(self) -> list[SavedReply]:
        """Every saved text, by key then language."""
        s = tables.saved_replies
        async with self.db.read() as repo:
            rows = (await repo.conn.execute(select(s).order_by(s.c.key, s.c.language))).all()
        return [from_row(SavedReply, r) for r in rows]

    async def keys(self) -> list[str]:
        """The keys there are texts for, in order."""
        return sorted({r.key for r in await self.all()})

    async def for_request(self, key: str, request_id: int, agent: Sender) -> Filled | None:
        """`key`'s text for the request's customer, in their language if there is one,
        placeholders filled; None if there is no such key (or request)."""
        found = normal_key(key)
        if found is None:
            return None
        s = tables.saved_replies
        async with self.db.read() as repo:
            request = await repo.request(request_id)
            rows = (await repo.conn.execute(select(s).where(s.c.key == found))).all()
            if request is None or not rows:
                return None
            customer = await repo.customer(request.customer_id)
        texts = {str(r.language): str(r.text) for r in rows}
        wanted = customer.language
        chosen = wanted if wanted in texts else self._fallback(texts)
        values = {
            "name": customer.first_name,
            "request": f"#{request_id}",
            "agent": agent.first_name,
        }
        text = fill(texts[chosen], values)
        if len(text) > TEXT_LIMIT:  # long names can push a text near the limit over it
            text = text[: TEXT_LIMIT - 1] + "…"
        return Filled(found, chosen, wanted, text)

    def _fallback(self, texts: dict[str, str]) -> str:
        """The first configured language with a text (the default language comes first)."""
        return next((lang for lang in self.languages if lang in texts), min(texts))
