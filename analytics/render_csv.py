"""CSV exports of one period (requests, surveys, messages with sentiment), streamed.

Rows are read with a streaming cursor and written as they come, so an export of a
year of messages never sits in memory whole. Files are UTF-8 with a header row;
times are ISO 8601 in the time zone asked for.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from typing import IO, Any, Literal

from sqlalchemy import ColumnElement, Select, String, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from analytics.periods import Period
from analytics.queries import Source, connect
from conversations import schema as tables

__all__ = ["COLUMNS", "EXPORTS", "ExportKind", "export_csv", "formula_like", "write_csv"]

ExportKind = Literal["requests", "surveys", "messages"]
EXPORTS: tuple[ExportKind, ...] = ("requests", "surveys", "messages")

# OWASP's CSV injection list: a cell starting with = + - @, a tab or a carriage return runs
# as a formula in a spreadsheet. Spreadsheets also skip leading blanks and line breaks and
# read fullwidth ＝ ＋ － ＠ as their ASCII forms, so those are caught too.
_FORMULA_START = frozenset("=+-@")
_CONTROL_START = ("\t", "\r", "\n")
_BATCH = 1000

_r, _s, _m = tables.requests, tables.surveys, tables.messages


class _Joined(FunctionElement[str]):
    """Values joined by spaces in alphabetical order: string_agg on PostgreSQL,
    group_concat over an ordered subquery on SQLite."""

    type = String()
    inherit_cache = True


@compiles(_Joined, "postgresql")
def _joined_pg(element: _Joined, compiler: Any, **kw: Any) -> str:
    (value,) = element.clauses
    inner = compiler.process(value, **kw)
    return f"string_agg({inner}, ' ' ORDER BY {inner})"


@compiles(_Joined, "sqlite")
def _joined_sqlite(element: _Joined, compiler: Any, **kw: Any) -> str:
    (value,) = element.clauses
    return f"group_concat({compiler.process(value, **kw)}, ' ')"


_tags = (
    select(_Joined(tables.request_tags.c.tag))
    .where(tables.request_tags.c.request_id == _r.c.id)
    .scalar_subquery()
    .label("tags")
)

COLUMNS: dict[ExportKind, Sequence[ColumnElement[Any]]] = {
    "requests": (
        _r.c.id,
        _r.c.customer_id,
        _r.c.status,
        _r.c.opened_at,
        _r.c.first_response_at,
        _r.c.first_response_seconds,
        _r.c.resolved_at,
        _r.c.resolution_seconds,
        _r.c.resolution_source,
        _r.c.resolved_by,
        _r.c.reopen_count,
        _r.c.category,
        _r.c.assignee_id,
        _tags,
    ),
    "surveys": (
        _s.c.id,
        _s.c.request_id,
        _s.c.customer_id,
        _s.c.language,
        _s.c.status,
        _s.c.sent_at,
        _s.c.score,
        _s.c.band,
        _s.c.scored_at,
        _s.c.reason_text,
        _s.c.reason_polarity,
        _s.c.reason_label,
        _s.c.pillar,
        _s.c.pillar_score,
        _s.c.resolved_by.label("owner_id"),  # whom the answer counts for
    ),
    "messages": (
        _m.c.id,
        _m.c.request_id,
        _r.c.customer_id,
        _m.c.created_at,
        _m.c.direction,
        _m.c.sender_name,
        _m.c.kind,
        _m.c.text,
        _m.c.polarity,
        _m.c.subjectivity,
        _m.c.sentiment_label,
        _m.c.language,
        _m.c.pillar_tags,
    ),
}


def _query(kind: ExportKind, period: Period) -> Select[Any]:
    """Return the export's rows of `period`, oldest id first."""
    columns = COLUMNS[kind]
    if kind == "requests":
        when, order = _r.c.opened_at, _r.c.id
        q = select(*columns)
    elif kind == "surveys":
        when, order = _s.c.sent_at, _s.c.id
        q = select(*columns)
    else:
        when, order = _m.c.created_at, _m.c.id
        q = select(*columns).select_from(_m.join(_r, _m.c.request_id == _r.c.id))
    return q.where(when >= period.start, when < period.end).order_by(order)


def _cell(name: str, value: object, tz: tzinfo) -> object:
    """Return a value as the CSV shows it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and formula_like(value):
        return "'" + value
    return value


def formula_like(text: str) -> bool:
    """Tell whether a spreadsheet could read the cell as a formula (prefix it with ')."""
    if text.startswith(_CONTROL_START):
        return True
    head = text.lstrip()[:1]
    return bool(head) and unicodedata.normalize("NFKC", head)[:1] in _FORMULA_START


async def write_csv(
    source: Source, kind: ExportKind, period: Period, out: IO[str], *, tz: tzinfo = UTC
) -> int:
    """Write the `kind` rows of `period` as CSV to `out`; return how many rows were written."""
    if kind not in COLUMNS:
        raise ValueError(f"unknown export {kind!r}; use one of {', '.join(EXPORTS)}")
    names = [column.key or column.name for column in COLUMNS[kind]]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    async with connect(source) as conn:
        result = await conn.stream(_query(kind, period).execution_options(yield_per=_BATCH))
        async for batch in result.partitions(_BATCH):
            writer.writerows(
                [_cell(n, v, tz) for n, v in zip(names, row, strict=True)] for row in batch
            )
            count += len(batch)
    return count


async def export_csv(
    source: Source, kind: ExportKind, period: Period, *, tz: tzinfo = UTC
) -> bytes:
    """Return the `kind` rows of `period` as UTF-8 CSV bytes (for a Telegram document)."""
    buffer = io.BytesIO()
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    await write_csv(source, kind, period, text, tz=tz)
    text.flush()
    data = buffer.getvalue()
    text.detach()
    return data
