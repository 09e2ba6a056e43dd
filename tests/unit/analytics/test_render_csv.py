"""CSV exports: header, rows of the period only, UTF-8, no formulas from user text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.periods import parse_period
from analytics.render_csv import (
    COLUMNS,
    EXPORTS,
    ExportKind,
    export_csv,
    formula_like,
    write_csv,
)
from conversations import schema
from conversations.db import create_engine, migrate

from .report_samples import NOW, ROME

PERIOD = parse_period("30d", now=NOW, tz=ROME)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated SQLite database with one customer, two requests, messages and a survey."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'export.db'}")
    await migrate(engine)
    inside, outside = NOW - timedelta(days=2), NOW - timedelta(days=60)
    async with engine.begin() as conn:
        await conn.execute(
            insert(schema.customers).values(
                id=1, telegram_user_id=111, language="it", created_at=outside
            )
        )
        for request_id, opened in ((1, inside), (2, outside)):
            await conn.execute(
                insert(schema.requests).values(
                    id=request_id, customer_id=1, status="resolved", opened_at=opened,
                    resolved_at=opened + timedelta(hours=1), resolution_seconds=3600,
                    resolution_source="staff", staff_chat_id=-100,
                )
            )  # fmt: skip
        texts = [('=HYPERLINK("x")', inside), ("Perché è così lento? 😡", inside), ("old", outside)]
        for i, (text, at) in enumerate(texts, start=1):
            await conn.execute(
                insert(schema.messages).values(
                    id=i, request_id=1, direction="in", sender_user_id=111,
                    sender_name="-Maria", kind="text", text=text, source_chat_id=111,
                    source_message_id=i, delivery="delivered", created_at=at,
                    polarity=-0.7, sentiment_label="negative", language="it",
                    pillar_tags=json.dumps([{"pillar": "time_and_effort", "polarity": -0.7}]),
                )
            )  # fmt: skip
        await conn.execute(
            insert(schema.surveys).values(
                request_id=1, customer_id=1, user_id=111, language="it", status="completed",
                step="done", sent_at=inside, expires_at=inside + timedelta(days=3), score=3,
                band="detractor", scored_at=inside, reason_text="@lento",
            )
        )  # fmt: skip
    yield engine
    await engine.dispose()


def parse(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.mark.parametrize("kind", EXPORTS)
async def test_every_export_starts_with_its_header(engine: AsyncEngine, kind: ExportKind) -> None:
    data = await export_csv(engine, kind, PERIOD)
    header = data.decode("utf-8").split("\r\n")[0]
    assert header == ",".join(c.key or c.name for c in COLUMNS[kind])


async def test_messages_export_has_sentiment_and_only_the_period(engine: AsyncEngine) -> None:
    rows = parse(await export_csv(engine, "messages", PERIOD, tz=ROME))
    assert [r["id"] for r in rows] == ["1", "2"]  # the 60-day-old message is left out
    assert rows[1]["text"] == "Perché è così lento? 😡"  # UTF-8 round trip
    assert rows[1]["polarity"] == "-0.7"  # numbers are not treated as formulas
    assert rows[1]["sentiment_label"] == "negative"
    assert rows[1]["customer_id"] == "1"
    assert rows[1]["created_at"] == (NOW - timedelta(days=2)).astimezone(ROME).isoformat()
    assert json.loads(rows[1]["pillar_tags"])[0]["pillar"] == "time_and_effort"


async def test_user_text_cannot_become_a_spreadsheet_formula(engine: AsyncEngine) -> None:
    messages = parse(await export_csv(engine, "messages", PERIOD))
    assert messages[0]["text"] == '\'=HYPERLINK("x")'
    assert messages[0]["sender_name"] == "'-Maria"
    (survey,) = parse(await export_csv(engine, "surveys", PERIOD))
    assert survey["reason_text"] == "'@lento"
    assert survey["score"] == "3"


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\n=1",
        "  =1",
        " \n @x",
        "\u3000=1",  # ideographic space
        '＝HYPERLINK("x")',  # fullwidth equals sign
        "＋1",
        "－1",
        "＠x",
    ],
)
def test_every_formula_start_on_owasps_list_is_neutralised(text: str) -> None:
    assert formula_like(text)


@pytest.mark.parametrize("text", ["", "ciao", "1-2", "a=b", "email@x.it", "😡 -"])
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert not formula_like(text)


async def test_write_csv_streams_to_a_file_and_counts_rows(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "requests.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        count = await write_csv(engine, "requests", PERIOD, out)
    assert count == 1
    (row,) = csv.DictReader(path.open(encoding="utf-8"))
    assert (row["id"], row["resolution_seconds"], row["resolution_source"]) == (
        "1",
        "3600",
        "staff",
    )


async def test_unknown_export_is_refused(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="unknown export"):
        await export_csv(engine, "customers", PERIOD)  # type: ignore[arg-type]
