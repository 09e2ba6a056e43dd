"""Batched INSERTs of plain tuples, in the value forms each driver expects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from conversations import schema as tables
from conversations.seed.shape import DAY, PG_MAX_PARAMS

_CUSTOMER_COLS = (
    "id",
    "telegram_user_id",
    "external_id",
    "first_name",
    "last_name",
    "username",
    "language",
    "language_chosen",
    "banned",
    "blocked_bot_at",
    "created_at",
    "churned_at",
    "churn_source",
    "yearly_revenue",
    "relationship_start",
    "acquisition_cost",
)
_REQUEST_COLS = (
    "id",
    "customer_id",
    "status",
    "opened_at",
    "first_response_at",
    "first_response_seconds",
    "resolved_at",
    "resolution_seconds",
    "resolved_by",
    "resolution_source",
    "reopen_count",
    "last_customer_message_at",
    "last_staff_message_at",
    "staff_chat_id",
    "topic_thread_id",
)
_EVENT_COLS = ("id", "request_id", "kind", "at", "actor", "actor_id")
_MESSAGE_COLS = (
    "id",
    "request_id",
    "direction",
    "sender_user_id",
    "sender_name",
    "kind",
    "text",
    "source_chat_id",
    "source_message_id",
    "copy_chat_id",
    "copy_message_id",
    "delivery",
    "created_at",
    "polarity",
    "subjectivity",
    "sentiment_label",
    "language",
    "pillar_tags",
    "churn_words",
)
_SURVEY_COLS = (
    "id",
    "request_id",
    "customer_id",
    "user_id",
    "resolved_by",
    "language",
    "status",
    "step",
    "sent_at",
    "expires_at",
    "score",
    "band",
    "scored_at",
    "reason_text",
    "reason_at",
    "reason_polarity",
    "reason_label",
    "reason_language",
    "reason_tags",
    "pillar",
    "pillar_score",
    "pillar_at",
    "answered_at",
    "score_message_id",
    "reason_message_id",
    "pillar_message_id",
    "reason_source_message_id",
)

_MENTION_COLS = ("id", "message_id", "survey_id", "customer_id", "at", "pillar", "polarity")

# requests, events, messages, surveys, pillar mentions rows of one batch
_Rows = list[tuple[Any, ...]]
_Batch = tuple[_Rows, _Rows, _Rows, _Rows, _Rows]
_SEQUENCED = (
    tables.customers,
    tables.requests,
    tables.request_events,
    tables.messages,
    tables.surveys,
    tables.pillar_mentions,
)


class Writer:
    """Batched INSERTs of plain tuples, in the value forms each driver expects."""

    def __init__(self, conn: AsyncConnection, first_second: int, last_second: int) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._sql: dict[tuple[str, int], str] = {}
        self.ts: Callable[[int], Any]
        if self.sqlite:
            # SQLAlchemy's SQLite DateTime storage format, built from two lookup tables.
            first_day = first_second // DAY
            days = [
                (date(1970, 1, 1) + timedelta(days=d)).isoformat()
                for d in range(first_day, last_second // DAY + 1)
            ]
            tod = [
                f" {h:02d}:{m:02d}:{s:02d}.000000"
                for h in range(24)
                for m in range(60)
                for s in range(60)
            ]

            def sqlite_ts(sec: int) -> str:
                d, r = divmod(sec, DAY)
                return days[d - first_day] + tod[r]

            self.ts = sqlite_ts
        else:
            epoch = datetime(1970, 1, 1, tzinfo=UTC)

            def pg_ts(sec: int) -> datetime:
                return epoch + timedelta(seconds=sec)

            self.ts = pg_ts

    def money(self, value: float | None) -> Any:
        if value is None:
            return None
        return value if self.sqlite else Decimal(f"{value:.2f}")

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def flag(self, value: bool) -> Any:
        return int(value) if self.sqlite else value

    async def insert(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert rows (tuples in `columns` order)."""
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        width = len(columns)
        if self.sqlite:
            one = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * width)})"
            await self.conn.exec_driver_sql(one, list(rows))
            return
        per = PG_MAX_PARAMS // width
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            key = (table.name, len(chunk))
            sql = self._sql.get(key)
            if sql is None:
                groups = ", ".join(
                    "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")"
                    for r in range(len(chunk))
                )
                sql = self._sql[key] = f"INSERT INTO {table.name} ({names}) VALUES {groups}"
            await self.conn.exec_driver_sql(sql, tuple(v for row in chunk for v in row))

    async def set_last_contact(self, rows: list[tuple[Any, int]]) -> None:
        """Set customers.last_contact_at from (timestamp, customer id) pairs."""
        sql = (
            "UPDATE customers SET last_contact_at = ? WHERE id = ?"
            if self.sqlite
            else "UPDATE customers SET last_contact_at = $1 WHERE id = $2"
        )
        for start in range(0, len(rows), 50_000):
            await self.conn.exec_driver_sql(sql, rows[start : start + 50_000])
