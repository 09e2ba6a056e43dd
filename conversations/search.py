"""Full-text search over every stored message text, newest first (/find).

SQLite searches its FTS5 table (migration 0016: accents folded, so "perche" finds
"perché"); PostgreSQL its GIN index on to_tsvector('simple', text) ('simple': no stemming,
so Italian and English texts are searched alike, by word prefixes; accents folded as on
SQLite). Every word must occur;
each is matched as a prefix ("rimbors" finds "rimborso" and "rimborsi").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Executable, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnClause

from conversations import schema as tables
from conversations.terms import Direction

# What migration 0016 adds outside the declared tables (the schema comparison skips it).
SEARCH_OBJECTS = re.compile(r"^(messages_fts(_\w+)?|ix_messages_search)$")
WORD = re.compile(r"\w+", re.UNICODE)
MIN_WORD, MAX_WORDS = 2, 8
# Literals, not bound parameters: the query must repeat the index's expression exactly.
SIMPLE: ColumnClause[str] = literal_column("'simple'::regconfig")
EMPTY: ColumnClause[str] = literal_column("''")
# PostgreSQL folds accents with translate() (unaccent is an extension a host may lack); the
# same two strings are frozen in migration 0016's index expression.
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
    """SQLite FTS5: every word, as a prefix (a word holds no quote: nothing to escape)."""
    return " ".join(f'"{t}"*' for t in terms)


def pg_matches(terms: list[str]) -> ColumnElement[bool]:
    """PostgreSQL: the message's text holds every word, as a prefix (via the GIN index)."""
    m = tables.messages.c
    folded = func.translate(
        func.coalesce(m.text, EMPTY), literal_column(f"'{ACCENTED}'"), literal_column(f"'{PLAIN}'")
    )
    vector = func.to_tsvector(SIMPLE, folded)
    query = func.to_tsquery(SIMPLE, " & ".join(f"{t}:*" for t in terms))
    return vector.op("@@")(query)


def matching_ids(dialect: str, terms: list[str], limit: int) -> Executable:
    """The ids of the newest matches, straight from the engine's search index."""
    if dialect == "sqlite":
        return text(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH :match "
            "ORDER BY rowid DESC LIMIT :limit"
        ).bindparams(match=fts_match(terms), limit=limit)
    m = tables.messages.c
    return select(m.id).where(pg_matches(terms)).order_by(m.id.desc()).limit(limit)


async def find_messages(conn: AsyncConnection, query: str, limit: int) -> list[SearchHit]:
    """The newest `limit` messages holding every word of `query`."""
    terms = words(query)
    if not terms:
        return []
    ids = [
        int(i)
        for i in (await conn.execute(matching_ids(conn.dialect.name, terms, limit))).scalars()
    ]
    if not ids:
        return []
    m, r, c = tables.messages.c, tables.requests.c, tables.customers.c
    name = c.first_name + func.coalesce(" " + c.last_name, "")
    rows = (
        await conn.execute(
            select(m.id, m.request_id, name.label("customer"), m.direction, m.sender_name)
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
            customer_name=str(row.customer),
            direction=Direction(row.direction),
            sender_name=str(row.sender_name),
            created_at=row.created_at,
            text=str(row.text or ""),
        )
        for row in rows
    ]
