"""Importing the customer file: validation names every bad line, upserts on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.cli import main
from conversations import schema as tables
from conversations.customer_import import (
    CustomerImportError,
    import_customers,
    import_customers_file,
    parse_amount,
    parse_customers,
)
from conversations.models import Sender
from conversations.store import Database
from tests.conftest import START

VALID = (
    "telegram_user_id,name,yearly_revenue,relationship_start,acquisition_cost\n"
    "1001,Mario Rossi,500.00,2016-11-23,1000\n"
    "1002,Jane Smith,1234.5,2020-02-29,250.75\n"
)


async def _customers(db: Database) -> dict[Any, dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(select(tables.customers).order_by(tables.customers.c.id))
        ).mappings()
        return {r["telegram_user_id"] or r["external_id"]: dict(r) for r in rows}


async def _count(db: Database) -> int:
    async with db.engine.connect() as conn:
        q = select(func.count()).select_from(tables.customers)
        return int((await conn.execute(q)).scalar_one())


async def test_a_valid_file_is_imported(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(VALID, encoding="utf-8")
    counts = await import_customers_file(db.engine, path, now=START)
    assert (counts.inserted, counts.updated) == (2, 0)
    stored = await _customers(db)
    mario = stored[1001]
    assert (mario["first_name"], mario["last_name"]) == ("Mario", "Rossi")
    assert mario["yearly_revenue"] == Decimal("500.00")
    assert mario["acquisition_cost"] == Decimal("1000.00")
    assert mario["relationship_start"] == date(2016, 11, 23)
    assert mario["created_at"] == START
    assert mario["churned_at"] is None
    assert stored[1002]["yearly_revenue"] == Decimal("1234.50")


async def test_bad_rows_are_all_reported_by_line_and_nothing_is_imported(db: Database) -> None:
    data = (
        "telegram_user_id,name,yearly_revenue,relationship_start,acquisition_cost\n"
        "1001,Mario Rossi,500,2016-11-23,1000\n"
        "abc,Bad Id,500,2016-11-23,1000\n"
        "1003,Bad Date,500,23/11/2016,1000\n"
        "\n"
        "1004,Bad Money,lots,2016-11-23,-5\n"
        ",No Id,1,2016-11-23,1\n"
        "1001,Twice,1,2016-11-23,1\n"
        "1005,Too Few\n"
    )
    with pytest.raises(CustomerImportError) as caught:
        rows = parse_customers(data)
        await import_customers(db.engine, rows, now=START)
    errors = caught.value.errors
    assert [e.line for e in errors] == [3, 4, 6, 7, 8, 9]
    by_line = {e.line: e.message for e in errors}
    assert "telegram_user_id" in by_line[3] and "'abc'" in by_line[3]
    assert "relationship_start" in by_line[4] and "YYYY-MM-DD" in by_line[4]
    assert "yearly_revenue" in by_line[6] and "acquisition_cost" in by_line[6]
    assert "telegram_user_id or an external_id" in by_line[7]
    assert "line 2" in by_line[8]
    assert "fields" in by_line[9]
    assert "line 3: telegram_user_id" in str(caught.value)
    assert await _count(db) == 0


async def test_semicolons_decimal_commas_and_a_bom(db: Database) -> None:
    data = (
        "\ufeffTelegram_User_Id;Name;Yearly_Revenue;Relationship_Start;Acquisition_Cost\n"
        '2001;"Rossi; Mario";1.234,50;2019-05-01;300,5\n'
        "2002;Anna Bianchi;1234,5;2018-01-31;1.000\n"
    ).encode()
    with pytest.raises(CustomerImportError) as caught:
        parse_customers(data)  # "1.000" is ambiguous with a single point: refused
    assert [e.line for e in caught.value.errors] == [3]
    assert "ambiguous amount '1.000'" in caught.value.errors[0].message
    rows = parse_customers(data.replace(b"1.000\n", b"1.000,00\n"))
    counts = await import_customers(db.engine, rows, now=START)
    assert counts.inserted == 2
    stored = await _customers(db)
    assert stored[2001]["yearly_revenue"] == Decimal("1234.50")
    assert stored[2001]["acquisition_cost"] == Decimal("300.50")
    assert stored[2001]["first_name"] == "Rossi;"
    assert stored[2002]["acquisition_cost"] == Decimal("1000.00")


async def test_reimport_updates_instead_of_duplicating(db: Database) -> None:
    await import_customers(db.engine, parse_customers(VALID), now=START)
    changed = VALID.replace("500.00", "650").replace("Jane Smith", "")
    counts = await import_customers(db.engine, parse_customers(changed), now=START)
    assert (counts.inserted, counts.updated) == (0, 2)
    assert await _count(db) == 2
    stored = await _customers(db)
    assert stored[1001]["yearly_revenue"] == Decimal("650.00")
    assert stored[1002]["first_name"] == "Jane"  # an empty cell keeps the stored value


async def test_matches_customers_the_bot_created_and_external_ids(db: Database) -> None:
    async with db.transaction() as repo:
        await repo.upsert_customer(Sender(3001, "Luca", "Verdi", "luca"), "en", START)
    data = (
        "external_id,telegram_user_id,yearly_revenue\n"
        "CRM-1,3001,100\n"  # the bot's customer, now with a CRM code
        "CRM-2,,200\n"  # a customer who never wrote to the bot
    )
    counts = await import_customers(db.engine, parse_customers(data), now=START)
    assert (counts.inserted, counts.updated) == (1, 1)
    stored = await _customers(db)
    luca = stored[3001]
    assert (luca["external_id"], luca["language"], luca["first_name"]) == ("CRM-1", "en", "Luca")
    assert stored["CRM-2"]["telegram_user_id"] is None
    # later the CRM-2 customer is matched on external_id and gets a Telegram id
    again = "external_id,telegram_user_id,yearly_revenue\nCRM-2,3002,250\n"
    counts = await import_customers(db.engine, parse_customers(again), now=START)
    assert (counts.inserted, counts.updated) == (0, 1)
    assert (await _customers(db))[3002]["yearly_revenue"] == Decimal("250.00")


async def test_conflicting_ids_import_nothing(db: Database) -> None:
    first = "external_id,telegram_user_id\nCRM-1,4001\nCRM-2,4002\n"
    await import_customers(db.engine, parse_customers(first), now=START)
    data = (
        "external_id,telegram_user_id,yearly_revenue\n"
        "CRM-9,4009,10\n"
        "CRM-1,4002,10\n"  # CRM-1 is 4001's code
        "CRM-2,4005,10\n"  # CRM-2 has another Telegram id
    )
    with pytest.raises(CustomerImportError) as caught:
        await import_customers(db.engine, parse_customers(data), now=START)
    assert [e.line for e in caught.value.errors] == [3, 4]
    assert "CRM-1" in caught.value.errors[0].message
    assert "4002" in caught.value.errors[1].message
    assert await _count(db) == 2


async def test_a_churned_date_marks_the_customer_churned(db: Database) -> None:
    await import_customers(db.engine, parse_customers(VALID), now=START)
    data = "telegram_user_id,churned\n1001,2026-06-30\n1002,\n"
    counts = await import_customers(db.engine, parse_customers(data), now=START)
    assert counts.updated == 2
    stored = await _customers(db)
    assert stored[1001]["churned_at"] == datetime(2026, 6, 30, tzinfo=UTC)
    assert stored[1001]["churn_source"] == "import"
    assert stored[1001]["yearly_revenue"] == Decimal("500.00")  # not in the file: kept
    assert stored[1002]["churned_at"] is None


def test_header_problems_are_reported_on_line_1() -> None:
    with pytest.raises(CustomerImportError) as caught:
        parse_customers("name,revenue\nMario,1\n")
    messages = " ".join(str(e) for e in caught.value.errors)
    assert "line 1" in messages and "'revenue'" in messages and "external_id" in messages
    with pytest.raises(CustomerImportError, match="line 1: the file is empty"):
        parse_customers(b"")
    with pytest.raises(CustomerImportError, match="line 2: the file is not UTF-8"):
        parse_customers("telegram_user_id,name\n1,Nicolò\n".encode("latin-1"))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234.50", "1234.50"),
        ("1234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1 234,50 €", "1234.50"),
        ("€ 12", "12"),
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,2,3", ".5", "1.2.34", "1,234,5.0", ""])
def test_not_amounts(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["1.000", "1,000", "12,345"])
def test_ambiguous_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_amount(text)


def test_cli_import_customers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    good = tmp_path / "good.csv"
    good.write_text(VALID.replace(",", ";").replace("1234.5", "1234,5"), encoding="utf-8-sig")
    assert main(["import-customers", str(good), "--database-url", url]) == 0
    assert "2 new, 0 updated" in capsys.readouterr().out
    assert main(["import-customers", str(good), "--database-url", url]) == 0
    assert "0 new, 2 updated" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(VALID + "1003,X,1,2020-01-01,oops\n1004,Y,1,2020-02-30,1\n", encoding="utf-8")
    assert main(["import-customers", str(bad), "--database-url", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nothing imported" in captured.err
    assert "line 4: acquisition_cost" in captured.err
    assert "line 5: relationship_start" in captured.err

    assert main(["import-customers", str(tmp_path / "missing.csv"), "--database-url", url]) == 1
    assert "cannot read" in capsys.readouterr().err
