"""Import customer economics (revenue, relationship start, acquisition cost, churn) from CSV.

The file has a header row. Columns (any order, case-insensitive):

    telegram_user_id | external_id   at least one of the two; rows match existing customers
                                     on telegram_user_id first, then on external_id
    name                             "First Last"
    yearly_revenue, acquisition_cost amounts: 1234.50, 1234,50, 1.234,50 or 1,234.50
    relationship_start               YYYY-MM-DD
    churned                          YYYY-MM-DD: the customer left that day (optional)

UTF-8 with or without BOM, comma or semicolon delimited (Italian Excel writes semicolons and
decimal commas). Every row is validated first: if any row is wrong, every bad row is reported
with its line number and nothing is imported. Otherwise all rows are upserted in one
transaction. An empty cell leaves the stored value as it is.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from conversations import schema as tables

__all__ = [
    "COLUMNS",
    "CustomerImportError",
    "CustomerRow",
    "ImportCounts",
    "RowError",
    "import_customers",
    "import_customers_file",
    "parse_amount",
    "parse_customers",
]

COLUMNS = (
    "telegram_user_id",
    "external_id",
    "name",
    "yearly_revenue",
    "relationship_start",
    "acquisition_cost",
    "churned",
)
CHURN_SOURCE = "import"
_IN_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    """What is wrong on one line of the file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CustomerImportError(Exception):
    """The file cannot be imported; `errors` lists every problem, by line."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True, slots=True)
class ImportCounts:
    """How many customers the import created and how many it changed."""

    inserted: int
    updated: int


def parse_amount(text: str) -> Decimal:
    """Parse 1234.50, 1234,50, 1.234,50, 1,234.50 or 1 234,50 € into a Decimal.

    With one kind of mark only, a single comma or point is the decimal mark and several of
    them group thousands. "1.000" or "1,000" (one mark, three digits after it) could be
    one or a thousand, so it is refused rather than guessed.
    """
    s = re.sub(r"[\s\u00a0\u202f€]", "", text)
    m = re.fullmatch(r"([+-]?)([\d.,']+)", s)
    if m is None or not any(ch.isdigit() for ch in s):
        raise ValueError(f"not an amount: {text!r}")
    sign, body = m.groups()
    commas, points = body.count(","), body.count(".")
    if commas and points:
        mark = "," if body.rfind(",") > body.rfind(".") else "."
    elif commas == 1:
        mark = ","
    elif points == 1:
        mark = "."
    else:
        mark = ""  # no mark, or several of one kind: they group thousands
    whole, fraction = body.rpartition(mark)[::2] if mark else (body, "")
    if mark and not (commas and points) and len(fraction) == 3:
        raise ValueError(f"ambiguous amount {text!r}: write 1000, 1.000,00 or 1,000.00")
    groups = {ch for ch in whole if not ch.isdigit()}
    if (
        (mark and not fraction.isdigit())
        or len(groups) > 1
        or mark in groups
        or not re.fullmatch(r"\d+|\d{1,3}([.,']\d{3})+", whole)
    ):
        raise ValueError(f"not an amount: {text!r}")
    digits = "".join(ch for ch in whole if ch.isdigit())
    return Decimal(f"{sign}{digits}.{fraction}" if fraction else f"{sign}{digits}")


Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class CustomerRow(BaseModel):
    """One validated line of the file."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    line: int
    telegram_user_id: int | None = Field(default=None, gt=0)
    external_id: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    yearly_revenue: Amount | None = None
    relationship_start: date | None = None
    acquisition_cost: Amount | None = None
    churned: date | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_user_id", mode="before")
    @classmethod
    def _user_id(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            if not re.fullmatch(r"\d+", value.strip()):
                raise ValueError(f"must be a whole positive number, got {value!r}")
            return int(value)
        return value

    @field_validator("yearly_revenue", "acquisition_cost", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            return parse_amount(value)
        return value

    @field_validator("relationship_start", "churned", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            text = value.strip()
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(f"must be a date written YYYY-MM-DD, got {value!r}")
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"not a calendar date: {value!r}") from None
        return value

    @model_validator(mode="after")
    def _identified(self) -> CustomerRow:
        if self.telegram_user_id is None and self.external_id is None:
            raise ValueError("needs a telegram_user_id or an external_id")
        if self.churned and self.relationship_start and self.churned < self.relationship_start:
            raise ValueError("churned is before relationship_start")
        return self

    @property
    def names(self) -> tuple[str, str | None] | None:
        """(first name, last name) from `name`, None when the cell was empty."""
        if self.name is None:
            return None
        first, _, last = " ".join(self.name.split()).partition(" ")
        return first, (last or None)


def _describe(exc: ValidationError, cells: dict[str, str]) -> str:
    parts = []
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        cell = cells.get(field)
        if err["type"] == "decimal_max_places":
            msg = f"at most 2 decimals, got {cell!r}"
        elif err["type"] in ("decimal_max_digits", "decimal_whole_digits"):
            msg = f"too large, got {cell!r}"
        elif err["type"].startswith(("greater_than", "string_too")):
            msg = f"{msg}, got {cell!r}"
        parts.append(f"{field}: {msg}" if field else msg)
    return "; ".join(parts)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CustomerImportError(
            [RowError(line, "the file is not UTF-8 text (in Excel: save as 'CSV UTF-8')")]
        ) from None


def parse_customers(data: bytes | str) -> list[CustomerRow]:
    """Validate a whole CSV file; raise CustomerImportError naming every bad line."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CustomerImportError([RowError(1, "the file is empty")]) from None
    columns = [h.strip().lower() for h in header]
    errors: list[RowError] = []
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        errors.append(
            RowError(
                1,
                f"unknown column(s) {', '.join(repr(c) for c in unknown)}; "
                f"expected some of {', '.join(COLUMNS)}",
            )
        )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        errors.append(RowError(1, f"column(s) given twice: {', '.join(duplicated)}"))
    if "telegram_user_id" not in columns and "external_id" not in columns:
        errors.append(RowError(1, "the header needs a telegram_user_id or an external_id column"))
    if errors:
        raise CustomerImportError(errors)

    rows: list[CustomerRow] = []
    seen: dict[tuple[str, object], int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(RowError(line, f"unreadable CSV: {exc}"))
            break
        if not any(c.strip() for c in cells):
            continue  # blank line
        if len(cells) != len(columns):
            errors.append(RowError(line, f"has {len(cells)} fields, the header has {len(columns)}"))
            continue
        values = dict(zip(columns, cells, strict=True))
        try:
            row = CustomerRow.model_validate({"line": line, **values})
        except ValidationError as exc:
            errors.append(RowError(line, _describe(exc, values)))
            continue
        clash = False
        for key in (("telegram_user_id", row.telegram_user_id), ("external_id", row.external_id)):
            if key[1] is None:
                continue
            if key in seen:
                errors.append(RowError(line, f"{key[0]} {key[1]} is also on line {seen[key]}"))
                clash = True
            else:
                seen[key] = line
        if not clash:
            rows.append(row)
    if errors:
        raise CustomerImportError(errors)
    return rows


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


async def _existing(conn: AsyncConnection, rows: Sequence[CustomerRow]) -> list[dict[str, Any]]:
    c = tables.customers.c
    user_ids = [r.telegram_user_id for r in rows if r.telegram_user_id is not None]
    external_ids = [r.external_id for r in rows if r.external_id is not None]
    found: dict[int, dict[str, Any]] = {}
    for column, values in ((c.telegram_user_id, user_ids), (c.external_id, external_ids)):
        for start in range(0, len(values), _IN_CHUNK):
            q = select(tables.customers).where(or_(column.in_(values[start : start + _IN_CHUNK])))
            for r in (await conn.execute(q)).all():
                found[r.id] = dict(r._mapping)
    return list(found.values())


async def import_customers(
    engine: AsyncEngine,
    rows: Sequence[CustomerRow],
    *,
    now: datetime,
    default_language: str = "it",
) -> ImportCounts:
    """Upsert validated rows in one transaction; raise CustomerImportError on id conflicts."""
    async with engine.begin() as conn:
        existing = await _existing(conn, rows)
        by_user = {e["telegram_user_id"]: e for e in existing if e["telegram_user_id"] is not None}
        by_external = {e["external_id"]: e for e in existing if e["external_id"] is not None}
        errors: list[RowError] = []
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for row in rows:
            by_u = by_user.get(row.telegram_user_id) if row.telegram_user_id else None
            by_e = by_external.get(row.external_id) if row.external_id else None
            if by_u is not None and by_e is not None and by_u["id"] != by_e["id"]:
                errors.append(
                    RowError(
                        row.line,
                        f"external_id {row.external_id!r} already belongs to another customer "
                        f"(#{by_e['id']}), not to telegram_user_id {row.telegram_user_id}",
                    )
                )
                continue
            if (
                by_u is None
                and by_e is not None
                and row.telegram_user_id is not None
                and by_e["telegram_user_id"] is not None
            ):
                errors.append(
                    RowError(
                        row.line,
                        f"external_id {row.external_id!r} belongs to the customer with "
                        f"telegram_user_id {by_e['telegram_user_id']}",
                    )
                )
                continue
            target = by_u or by_e
            values = _values(row, target)
            if target is None:
                names = row.names or ("", None)
                values.update(
                    first_name=names[0],
                    last_name=names[1],
                    language=default_language,
                    created_at=now,
                )
                inserts.append(values)
            else:
                updates.append({"b_id": target["id"], **{f"b_{k}": v for k, v in values.items()}})
        if errors:
            raise CustomerImportError(errors)
        if inserts:
            await conn.execute(insert(tables.customers), inserts)
        if updates:
            c = tables.customers.c
            stmt = (
                update(tables.customers)
                .where(c.id == bindparam("b_id"))
                .values(
                    {k[2:]: bindparam(k, type_=c[k[2:]].type) for k in updates[0] if k != "b_id"}
                )
            )
            await conn.execute(stmt, updates)
    return ImportCounts(inserted=len(inserts), updated=len(updates))


def _values(row: CustomerRow, target: dict[str, Any] | None) -> dict[str, Any]:
    """Column values after the import: the row's cells, or what is stored for empty ones."""
    old = target or {}
    names = row.names
    churned_at = _midnight(row.churned) if row.churned else old.get("churned_at")
    return {
        "telegram_user_id": row.telegram_user_id or old.get("telegram_user_id"),
        "external_id": row.external_id or old.get("external_id"),
        "first_name": names[0] if names else old.get("first_name", ""),
        "last_name": names[1] if names else old.get("last_name"),
        "yearly_revenue": _pick(row.yearly_revenue, old.get("yearly_revenue")),
        "relationship_start": _pick(row.relationship_start, old.get("relationship_start")),
        "acquisition_cost": _pick(row.acquisition_cost, old.get("acquisition_cost")),
        "churned_at": churned_at,
        "churn_source": CHURN_SOURCE if row.churned else old.get("churn_source"),
    }


def _pick(new: Any, old: Any) -> Any:
    return new if new is not None else old


async def import_customers_file(
    engine: AsyncEngine, path: Path | str, *, now: datetime, default_language: str = "it"
) -> ImportCounts:
    """Validate and import a CSV file (see the module docstring for its format)."""
    data = await asyncio.to_thread(Path(path).read_bytes)
    rows = parse_customers(data)
    return await import_customers(engine, rows, now=now, default_language=default_language)
