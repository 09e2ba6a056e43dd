"""Full-text search over every stored message text, newest first (/find).

Every word must occur: the last one as a prefix (as one types: "rimbors" finds "rimborso"
and "rimborsi"), the others whole. Accents do not matter ("perche" finds "perché"), and
Italian and English texts are searched alike (no stemming).

SQLite answers from its FTS5 table (migration 0016). PostgreSQL has each text's words in a
stored tsvector column with a GIN index; asked for the newest matches its planner likes to
walk the primary key backwards and check every row, which takes seconds when nothing
matches. So the search looks at the newest WINDOW messages that way first (enough for
common words), and only if it found too few asks the GIN index about the older ones (few
matches there, or it would have found them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Executable, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnClause

from conversations import schema as tables
from conversations.models import full_name, shown
from conversations.terms import Direction

# What migration 0016 adds outside the declared tables (the schema comparison skips it).
SEARCH_OBJECTS = re.compile(r"^(messages_fts(_\w+)?|ix_messages_search|search_vector)$")
# Letters and digits; anything else separates words, as FTS5 and the stored column split.
WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_WORD, MAX_WORDS = 2, 8
WINDOW = 100_000  # PostgreSQL: newest messages checked row by row before asking the index
# PostgreSQL: memory for the index's bitmap of a common prefix; with the default 4 MB the
# bitmap goes lossy and the rows of whole pages are checked again (9 s instead of 0.13 s
# for "grazie richiesta" over 5M messages). Only for this transaction (SET LOCAL).
BITMAP_MEMORY = "64MB"
# PostgreSQL: the stored words (migration 0016), and the text search configuration.
SEARCH_VECTOR: ColumnClause[str] = literal_column("messages.search_vector")
SIMPLE: ColumnClause[str] = literal_column("'simple'::regconfig")
# Accents folded as the stored column folds them (translate(): unaccent is an extension a
# host may lack); the same two strings are frozen in migration 0016.
ACCENTED = "àáâäèéêëìíîïòóôöùúûüÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜ"
PLAIN = "aaaaeeeeiiiioooouuuuAAAAEEEEIIIIOOOOUUUU"
_FOLD = str.maketrans(ACCENTED, PLAIN)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One message that matches, with its request and customer."""

    request_id: int
    customer_name: str
    direction: Direction
    sender_name: str
    created_at: datetime
    text: str


def words(query: str) -> list[str]:
    """The words a query searches for (too short ones dropped, at most MAX_WORDS)."""
    found = [w.translate(_FOLD).lower() for w in WORD.findall(query) if len(w) >= MIN_WORD]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def fts_match(terms: list[str]) -> str:
    """SQLite FTS5: every word, the last as a prefix (a word holds no quote to escape)."""
    return " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'


def pg_matches(terms: list[str]) -> ColumnElement[bool]:
    """PostgreSQL: the message holds every word, the last as a prefix."""
    query = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
    return SEARCH_VECTOR.op("@@")(func.to_tsquery(SIMPLE, query))


def fts_ids(terms: list[str], limit: int) -> Executable:
    """SQLite: the ids of the newest matches, from the FTS5 index."""
    return text(
        "SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match "
        "ORDER BY rowid DESC LIMIT :limit"
    ).bindparams(match=fts_match(terms), limit=limit)


def recent_ids(terms: list[str], above: int, limit: int) -> Executable:
    """PostgreSQL: the newest matches with ids over `above`, row by row backwards."""
    m = tables.messages.c
    return select(m.id).where(m.id > above, pg_matches(terms)).order_by(m.id.desc()).limit(limit)


def older_ids(terms: list[str], below: int, limit: int) -> Executable:
    """PostgreSQL: the newest matches with ids up to `below`, from the GIN index (ordering
    by `id + 0` keeps the planner off the primary key)."""
    m = tables.messages.c
    return (
        select(m.id)
        .where(m.id <= below, pg_matches(terms))
        .order_by((m.id + 0).desc())
        .limit(limit)
    )


async def _ids(conn: AsyncConnection, terms: list[str], limit: int, window: int) -> list[int]:
    if conn.dialect.name == "sqlite":
        return [int(i) for i in (await conn.execute(fts_ids(terms, limit))).scalars()]
    m = tables.messages.c
    newest = (await conn.execute(select(func.max(m.id)))).scalar_one_or_none()
    if newest is None:
        return []
    edge = int(newest) - window  # one bound for both steps: no overlap, no gap
    ids = [int(i) for i in (await conn.execute(recent_ids(terms, edge, limit))).scalars()]
    if len(ids) >= limit or edge <= 0:
        return ids
    await conn.execute(text(f"SET LOCAL work_mem = '{BITMAP_MEMORY}'"))
    older = await conn.execute(older_ids(terms, edge, limit - len(ids)))
    return ids + [int(i) for i in older.scalars()]


async def find_messages(
    conn: AsyncConnection, query: str, limit: int, window: int = WINDOW
) -> list[SearchHit]:
    """The newest `limit` messages holding every word of `query` (`window`: see above)."""
    terms = words(query)
    if not terms:
        return []
    ids = await _ids(conn, terms, limit, window)
    if not ids:
        return []
    m, r, c = tables.messages.c, tables.requests.c, tables.customers.c
    rows = (
        await conn.execute(
            select(m.id, m.request_id, c.first_name, c.last_name, m.direction, m.sender_name)
            .add_columns(m.created_at, m.text)
            .join(tables.requests, r.id == m.request_id)
            .join(tables.customers, c.id == r.customer_id)
            .where(m.id.in_(ids))
            .order_by(m.id.desc())
        )
    ).all()
    return [
        SearchHit(
            request_id=int(row.request_id),
            customer_name=full_name(row.first_name, row.last_name),
            direction=Direction(row.direction),
            sender_name=shown(row.sender_name),
            created_at=row.created_at,
            text=str(row.text or ""),
        )
        for row in rows
    ]
