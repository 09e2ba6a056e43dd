"""Saved replies on SQLite and PostgreSQL: replacing a text, the language chosen, and one
recorded use per /r command even when Telegram delivers it twice."""

from __future__ import annotations

import pytest

from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender, StaffMessageOutcome
from conversations.routing import Routing
from conversations.saved_replies import Refused, SavedReplies
from conversations.store import Database
from conversations.terms import SAVED_REPLY_KIND, EventKind, Status

STAFF = -100
MARIA = Sender(111, "Maria", language_code="it")
BOB = Sender(900, "Bob", "Staff")


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)))


async def test_a_use_is_stored_once_and_answers_the_request(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    saved = SavedReplies(db, clock, ("it", "en"))
    assert await saved.save("Bad Key", "it", "x", BOB) == Refused.BAD_KEY
    assert await saved.save("ciao", "de", "x", BOB) == Refused.BAD_LANGUAGE
    await saved.save("ciao", "en", "Hello {name}", BOB)
    await saved.save("ciao", "it", "Salve {name}", BOB)
    await saved.save("ciao", "it", "Ciao {name}, sono {agent} ({request}) {altro}", BOB)
    assert [(r.key, r.language) for r in await saved.all()] == [("ciao", "en"), ("ciao", "it")]

    opened = await desk.customer_message(Incoming(MARIA.user_id, 1, MARIA, "text", "aiuto"))
    request_id = opened.request.id
    filled = await saved.for_request("CIAO", request_id, BOB)
    assert filled is not None and not filled.fell_back
    assert filled.text == f"Ciao Maria, sono Bob (#{request_id}) {{altro}}"
    await desk.link_notice(request_id, STAFF, 50)
    command = Incoming(STAFF, 50, BOB, SAVED_REPLY_KIND, filled.text, reply_to_message_id=50)
    first = await desk.staff_message(command, saved=filled.key)
    again = await desk.staff_message(command, saved=filled.key)  # re-delivered update
    assert first is not None and first.sends == filled.text and not first.is_note
    assert again is not None and again.message_row_id == first.message_row_id
    async with db.read() as repo:
        events = await repo.events(request_id)
        request = await repo.request(request_id)
    uses = [e for e in events if e.kind == EventKind.SAVED_REPLY]
    assert [(e.detail, e.actor_id) for e in uses] == [("ciao", BOB.user_id)]
    assert request is not None and request.status == Status.ANSWERED
    # A relay that failed is retried with the saved text, never the /r command.
    clock.advance(minutes=5)
    pending = [p for p in await desk.pending_relays() if p.row_id == first.message_row_id]
    assert len(pending) == 1 and isinstance(pending[0].outcome, StaffMessageOutcome)
    assert pending[0].outcome.sends == filled.text

    assert await saved.remove("ciao") == 2
    assert await saved.for_request("ciao", request_id, BOB) is None
