"""/find's search on SQLite and PostgreSQL: Italian and English texts, prefixes, accents,
every word required, newest first, edits re-indexed, and PostgreSQL using its index."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from conversations import schema
from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender
from conversations.routing import Routing
from conversations.search import find_messages, words
from conversations.store import Database

STAFF = -100
MARIA = Sender(111, "Maria", "Rossi", language_code="it")
JOHN = Sender(222, "John", language_code="en")
BOB = Sender(900, "Bob")


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)))


async def _write(desk: HelpDesk, clock: FrozenClock, who: Sender, n: int, body: str) -> None:
    clock.advance(minutes=1)
    await desk.customer_message(Incoming(who.user_id, n, who, "text", body))


async def test_search_finds_every_word_newest_first(desk: HelpDesk, clock: FrozenClock) -> None:
    await _write(desk, clock, MARIA, 1, "Il rimborso non è ancora arrivato, perché?")
    await _write(desk, clock, JOHN, 1, "Where is my REFUND? The parcel arrived broken")
    await _write(desk, clock, MARIA, 2, "Ho ricevuto il pacco ma manca il cavo")
    await _write(desk, clock, JOHN, 2, "Second refund request, still nothing")

    async def found(query: str) -> list[str]:
        return [h.text for h in await desk.find(query, 10)]

    assert await found("refund") == [
        "Second refund request, still nothing",
        "Where is my REFUND? The parcel arrived broken",
    ]
    assert await found("rimbors") == ["Il rimborso non è ancora arrivato, perché?"]  # prefix
    assert await found("perche") == await found("Perché") != []  # accents folded both ways
    assert await found("cavo pacco") == ["Ho ricevuto il pacco ma manca il cavo"]  # any order
    assert await found("pacco refund") == []  # every word must occur
    assert await found("arriv") == [  # Italian and English alike
        "Where is my REFUND? The parcel arrived broken",
        "Il rimborso non è ancora arrivato, perché?",
    ]
    assert await found('" OR 1=1 -- *') == []  # words only: no query syntax gets through
    await _write(desk, clock, JOHN, 3, "Order ORD-2024 to mario@gmail.com, 12.50 EUR, ref_77")
    codes = "Order ORD-2024 to mario@gmail.com, 12.50 EUR, ref_77"
    for query in ("ord-2024", "2024", "gmail", "mario gmail com", "12.50", "50", "ref 77"):
        assert await found(query) == [codes], query  # both engines split words alike
    assert [h.text for h in await desk.find("refund", 1)] == [
        "Second refund request, still nothing"
    ]
    hit = (await desk.find("cavo", 1))[0]
    assert (hit.customer_name, hit.request_id) == ("Maria Rossi", 1)


async def test_an_edited_text_is_found_by_its_new_words(desk: HelpDesk, clock: FrozenClock) -> None:
    await _write(desk, clock, MARIA, 1, "Vorrei cambiare indirizzo")
    await desk.edited_message(
        Incoming(MARIA.user_id, 1, MARIA, "text", "Vorrei annullare l'ordine")
    )
    assert [h.text for h in await desk.find("annullare", 5)] == ["Vorrei annullare l'ordine"]
    assert await desk.find("indirizzo", 5) == []


def test_words_keep_letters_and_digits_only() -> None:
    assert words("Perché l'ordine #1234? a") == ["perche", "ordine", "1234"]


async def test_the_search_reads_its_index(db: Database) -> None:
    from conversations.search import fts_ids, pg_matches

    dialect = db.engine.dialect.name
    pg = dialect == "postgresql"
    # PostgreSQL: the predicate older_ids() asks is one the GIN index answers.
    ids = schema.messages.c.id
    query = select(ids).where(pg_matches(["rimborso"])) if pg else fts_ids(["x"], 10)
    async with db.engine.connect() as conn:
        if pg:
            await conn.execute(text("SET enable_seqscan = off"))  # an empty table: no stats
        compiled = query.compile(conn.sync_engine, compile_kwargs={"literal_binds": True})
        explain = "EXPLAIN" if pg else "EXPLAIN QUERY PLAN"
        plan = " ".join(str(r[-1]) for r in (await conn.execute(text(f"{explain} {compiled}"))))
    assert ("ix_messages_search" if pg else "VIRTUAL TABLE INDEX") in plan


async def test_older_matches_come_from_the_index_past_the_window(
    db: Database, desk: HelpDesk, clock: FrozenClock
) -> None:
    for n in range(1, 8):
        await _write(desk, clock, MARIA if n % 2 else JOHN, n, f"ordine numero {n} spedito")
    await _write(desk, clock, MARIA, 9, "nessuna parola utile")
    async with db.engine.connect() as conn:
        everything = [h.text for h in await find_messages(conn, "ordine spedito", 5)]
        # A window of two rows: the newest two hold one match, the rest come from the index.
        windowed = [h.text for h in await find_messages(conn, "ordine sped", 5, window=2)]
    assert everything == [f"ordine numero {n} spedito" for n in (7, 6, 5, 4, 3)]
    assert windowed == everything
