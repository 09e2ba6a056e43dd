"""The helpdesk use cases over real storage: every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from conversations import schema
from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Sender
from conversations.routing import Routing
from conversations.store import Database
from conversations.terms import Actor, Direction, Status

STAFF = -1001234567890
MARIA = Sender(111, "Maria", "Rossi", "mariar", "it")
JOHN = Sender(222, "John", "Smith", None, "en-GB")
BOB = Sender(900, "Bob", "Staff")


def fake_analyzer(text: str, language: str | None) -> dict[str, Any]:
    """Marks texts with 'bad' negative, so the test can see sentiment being stored."""
    polarity = -0.8 if "bad" in text else 0.0
    return {
        "polarity": polarity,
        "subjectivity": 0.5,
        "label": "neutral",
        "language": language,
        "tags": [{"pillar": "empathy", "polarity": polarity, "matched": "bad"}],
    }


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)), fake_analyzer)


def from_customer(
    who: Sender, message_id: int, text: str = "hello", kind: str = "text"
) -> Incoming:
    return Incoming(chat_id=who.user_id, message_id=message_id, sender=who, kind=kind, text=text)


def from_staff(
    message_id: int, text: str, *, thread: int | None = None, reply_to: int | None = None
) -> Incoming:
    return Incoming(
        STAFF, message_id, BOB, "text", text, thread_id=thread, reply_to_message_id=reply_to
    )


async def test_first_message_opens_a_request_and_later_ones_join_it(desk: HelpDesk) -> None:
    first = await desk.customer_message(from_customer(MARIA, 1, "Il pacco non è arrivato"))
    second = await desk.customer_message(from_customer(MARIA, 2, "ordine 555"))
    assert first.opened and not second.opened
    assert second.request.id == first.request.id
    assert first.customer.language == "it"
    assert first.request.status == Status.OPEN


async def test_language_comes_from_telegram_code_with_region(desk: HelpDesk) -> None:
    outcome = await desk.customer_message(from_customer(JOHN, 1))
    assert outcome.customer.language == "en"


async def test_redelivered_update_is_stored_once(desk: HelpDesk, db: Database) -> None:
    first = await desk.customer_message(from_customer(MARIA, 7, "bad service"))
    again = await desk.customer_message(from_customer(MARIA, 7, "bad service"))
    assert again.message_row_id == first.message_row_id
    assert not again.already_relayed  # not relayed yet: the edge must still copy it
    await desk.mark_relayed(first.message_row_id, first.request.id, STAFF, 50, "copy")
    third = await desk.customer_message(from_customer(MARIA, 7, "bad service"))
    assert third.already_relayed
    async with db.transaction() as repo:
        count = (
            await repo.conn.execute(select(func.count()).select_from(schema.messages))
        ).scalar()
    assert count == 1


async def test_sentiment_and_tags_are_stored_with_the_message(desk: HelpDesk, db: Database) -> None:
    await desk.customer_message(from_customer(MARIA, 1, "bad bad service"))
    async with db.transaction() as repo:
        row = (await repo.conn.execute(select(schema.messages))).one()
    assert row.polarity == pytest.approx(-0.8)
    assert row.language == "it"
    assert '"empathy"' in row.pillar_tags


async def test_staff_answer_in_topic_records_first_response(
    desk: HelpDesk, clock: FrozenClock
) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1))
    await desk.set_topic(opened.request.id, 77)
    clock.advance(minutes=12)
    answer = await desk.staff_message(from_staff(500, "Ciao Maria, controllo subito", thread=77))
    assert answer is not None and not answer.is_note
    assert answer.request.status == Status.ANSWERED
    assert answer.request.first_response_at == clock.now()
    assert answer.customer.telegram_user_id == MARIA.user_id
    clock.advance(minutes=5)
    later = await desk.staff_message(from_staff(501, "ecco fatto", thread=77))
    assert later is not None
    assert later.request.first_response_at == clock.now() - timedelta(minutes=5)


async def test_staff_reply_to_a_copy_maps_to_its_request(desk: HelpDesk) -> None:
    opened = await desk.customer_message(from_customer(JOHN, 1))
    await desk.mark_relayed(opened.message_row_id, opened.request.id, STAFF, 321, "copy")
    answer = await desk.staff_message(from_staff(322, "Hi John", reply_to=321))
    assert answer is not None and answer.request.id == opened.request.id
    # a reply to the bot's answer copy works too, as does a reply to a staff message
    follow = await desk.staff_message(from_staff(323, "one more thing", reply_to=322))
    assert follow is not None and follow.request.id == opened.request.id


async def test_group_chatter_belongs_to_no_request(desk: HelpDesk) -> None:
    await desk.customer_message(from_customer(JOHN, 1))
    assert await desk.staff_message(from_staff(400, "coffee anyone?")) is None
    assert await desk.staff_message(from_staff(401, "re: coffee", reply_to=400)) is None


async def test_notes_are_stored_but_do_not_answer(desk: HelpDesk, db: Database) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1))
    await desk.set_topic(opened.request.id, 9)
    note = await desk.staff_message(from_staff(600, "#NOTE cliente VIP", thread=9))
    assert note is not None and note.is_note
    assert note.request.status == Status.OPEN
    assert note.request.first_response_at is None
    async with db.transaction() as repo:
        row = (
            await repo.conn.execute(
                select(schema.messages).where(schema.messages.c.source_message_id == 600)
            )
        ).one()
    assert (row.direction, row.delivery) == ("note", "internal")


async def test_resolve_is_idempotent_and_emits_one_event(
    desk: HelpDesk, clock: FrozenClock
) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1))
    clock.advance(hours=2)
    first = await desk.resolve(opened.request.id, Actor.STAFF, BOB.user_id)
    second = await desk.resolve(opened.request.id, Actor.CUSTOMER, MARIA.user_id)
    assert first.changed and len(first.events) == 1
    assert first.events[0].source == Actor.STAFF and first.events[0].resolved_by == BOB.user_id
    assert not second.changed and second.events == []
    assert first.request.status == Status.RESOLVED
    async with desk.db.transaction() as repo:
        kinds = [e.kind for e in await repo.events(opened.request.id)]
        row = (await repo.conn.execute(select(schema.requests))).one()
    assert kinds == ["opened", "resolved"]
    assert row.resolution_seconds == 7200


async def test_message_within_grace_reopens_after_it_opens_new(
    desk: HelpDesk, clock: FrozenClock
) -> None:
    first = await desk.customer_message(from_customer(MARIA, 1))
    await desk.resolve(first.request.id, Actor.STAFF, BOB.user_id)
    clock.advance(hours=23)
    again = await desk.customer_message(from_customer(MARIA, 2, "non funziona ancora"))
    assert again.reopened and again.request.id == first.request.id
    assert again.request.reopen_count == 1 and again.request.status == Status.OPEN
    await desk.resolve(first.request.id, Actor.STAFF, BOB.user_id)
    clock.advance(hours=25)
    later = await desk.customer_message(from_customer(MARIA, 3, "altra domanda"))
    assert later.opened and later.request.id != first.request.id


async def test_staff_reopen(desk: HelpDesk) -> None:
    first = await desk.customer_message(from_customer(MARIA, 1))
    assert not (await desk.reopen(first.request.id, Actor.STAFF, 1)).changed
    await desk.resolve(first.request.id, Actor.STAFF, 1)
    change = await desk.reopen(first.request.id, Actor.STAFF, 1)
    assert change.changed and change.request.status == Status.OPEN


async def test_auto_resolve_only_silent_answered_requests(
    desk: HelpDesk, clock: FrozenClock
) -> None:
    quiet = await desk.customer_message(from_customer(MARIA, 1))
    await desk.set_topic(quiet.request.id, 1)
    talking = await desk.customer_message(from_customer(JOHN, 1))
    await desk.set_topic(talking.request.id, 2)
    waiting = await desk.customer_message(from_customer(Sender(333, "Ada"), 1))
    await desk.staff_message(from_staff(10, "done?", thread=1))
    await desk.staff_message(from_staff(11, "done?", thread=2))
    clock.advance(hours=1)
    await desk.customer_message(from_customer(JOHN, 2, "not yet"))
    clock.advance(hours=46, minutes=30)
    assert await desk.auto_resolve() == []
    clock.advance(hours=1)
    changes = await desk.auto_resolve()
    assert [c.request.id for c in changes] == [quiet.request.id]
    assert changes[0].events[0].source == Actor.AUTO
    assert (await desk.request(waiting.request.id)).status == Status.OPEN  # type: ignore[union-attr]


async def test_auto_resolve_takes_a_batch_at_a_time_oldest_first(
    desk: HelpDesk, clock: FrozenClock
) -> None:
    ids = []
    for n, who in enumerate((MARIA, JOHN, Sender(333, "Ada")), start=1):
        opened = await desk.customer_message(from_customer(who, 1))
        await desk.set_topic(opened.request.id, n)
        await desk.staff_message(from_staff(10 + n, "done?", thread=n))
        ids.append(opened.request.id)
    clock.advance(hours=49)
    first = await desk.auto_resolve(limit=2)
    assert [c.request.id for c in first] == ids[:2]
    assert [c.request.id for c in await desk.auto_resolve(limit=2)] == ids[2:]
    assert await desk.auto_resolve(limit=2) == []


async def test_open_requests_and_whois(desk: HelpDesk) -> None:
    a = await desk.customer_message(from_customer(MARIA, 1))
    b = await desk.customer_message(from_customer(JOHN, 1))
    await desk.resolve(b.request.id, Actor.STAFF, 1)
    lines = await desk.open_requests()
    assert [line.request.id for line in lines] == [a.request.id]
    assert lines[0].waiting_for_first_response
    for query in ("@MariaR", "#1", "111", "ross"):
        cards = await desk.whois(query)
        assert [c.customer.first_name for c in cards] == ["Maria"], query
    card = (await desk.whois("john"))[0]
    assert card.requests_total == 1 and card.open_requests == [] and card.messages_total == 1


async def test_pending_relays_lists_unrelayed_messages(desk: HelpDesk, clock: FrozenClock) -> None:
    ok = await desk.customer_message(from_customer(MARIA, 1))
    lost = await desk.customer_message(from_customer(MARIA, 2))
    await desk.mark_relayed(ok.message_row_id, ok.request.id, STAFF, 1, "copy")
    assert await desk.pending_relays() == []  # too recent: may still be in flight
    clock.advance(minutes=2)
    pending = await desk.pending_relays()
    assert [(p.chat_id, p.message_id) for p in pending] == [(MARIA.user_id, lost.message_row_id)]


async def test_choose_language_sticks(desk: HelpDesk) -> None:
    assert await desk.choose_language(JOHN, "it")
    assert await desk.language_of(JOHN.user_id, "en") == "it"
    assert not await desk.choose_language(JOHN, "de")
    assert await desk.language_of(999, "de") == "it"


# edits ---------------------------------------------------------------------------------


async def message_row(db: Database, row_id: int) -> Any:
    async with db.transaction() as repo:
        rows = await repo.conn.execute(
            select(schema.messages).where(schema.messages.c.id == row_id)
        )
        return rows.one()


async def test_customer_edit_stores_text_sentiment_and_history(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1, "tutto ok"))
    await desk.mark_relayed(opened.message_row_id, opened.request.id, STAFF, 40, "copy")
    clock.advance(minutes=1)
    edit = await desk.edited_message(from_customer(MARIA, 1, "bad, very bad"), clock.now())
    assert edit is not None and edit.direction == Direction.IN and edit.text_changed
    assert (edit.copy_chat_id, edit.copy_message_id) == (STAFF, 40)
    assert edit.text == "bad, very bad" and edit.request.id == opened.request.id
    row = await message_row(db, opened.message_row_id)
    assert row.text == "bad, very bad" and row.polarity == pytest.approx(-0.8)
    async with db.transaction() as repo:
        (history,) = await repo.edits(opened.message_row_id)
    assert (history.text, history.previous_text) == ("bad, very bad", "tutto ok")
    assert history.edited_at == clock.now()


async def test_repeated_and_late_edits_are_ignored(desk: HelpDesk, clock: FrozenClock) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1, "v1"))
    await desk.mark_relayed(opened.message_row_id, opened.request.id, STAFF, 40, "copy")
    first_at = clock.now()
    clock.advance(seconds=30)
    second_at = clock.now()
    assert await desk.edited_message(from_customer(MARIA, 1, "v3"), second_at) is not None
    # re-delivered, and an older edit arriving after a newer one: nothing to show
    assert await desk.edited_message(from_customer(MARIA, 1, "v3"), second_at) is None
    assert await desk.edited_message(from_customer(MARIA, 1, "v2"), first_at) is None
    # two different edits within Telegram's one-second resolution both count
    again = await desk.edited_message(from_customer(MARIA, 1, "v4"), second_at)
    assert again is not None and again.text == "v4"


async def test_edits_of_unknown_notes_and_unrelayed_messages(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    now = clock.now()
    assert await desk.edited_message(from_customer(MARIA, 99, "never stored"), now) is None
    opened = await desk.customer_message(from_customer(MARIA, 1, "not relayed yet"))
    # the copy has not landed: store the new text; the pending relay copies the new version
    assert await desk.edited_message(from_customer(MARIA, 1, "changed"), now) is None
    assert (await message_row(db, opened.message_row_id)).text == "changed"
    await desk.set_topic(opened.request.id, 9)
    note = await desk.staff_message(from_staff(600, "#note VIP", thread=9))
    assert note is not None
    assert await desk.edited_message(from_staff(600, "#note VIP!", thread=9), now) is None
    assert (await message_row(db, note.message_row_id)).text == "#note VIP"


async def test_staff_edit_of_a_delivered_answer(desk: HelpDesk, db: Database) -> None:
    opened = await desk.customer_message(from_customer(JOHN, 1))
    await desk.set_topic(opened.request.id, 9)
    answer = await desk.staff_message(from_staff(500, "Monday", thread=9))
    assert answer is not None
    await desk.mark_relayed(answer.message_row_id, opened.request.id, JOHN.user_id, 7, "answer")
    now = desk.clock.now()
    edit = await desk.edited_message(from_staff(500, "Tuesday", thread=9), now)
    assert edit is not None and edit.direction == Direction.OUT and edit.kind == "text"
    assert (edit.copy_chat_id, edit.copy_message_id, edit.text) == (JOHN.user_id, 7, "Tuesday")
    # turning a sent answer into a note would show the customer a note: ignored
    assert await desk.edited_message(from_staff(500, "#note oops", thread=9), now) is None
    assert (await message_row(db, answer.message_row_id)).text == "Tuesday"


async def test_failed_relays_are_handed_back_in_order(desk: HelpDesk) -> None:
    first = await desk.customer_message(from_customer(MARIA, 1, "uno"))
    second = await desk.customer_message(from_customer(MARIA, 2, "due"))
    third = await desk.customer_message(from_customer(MARIA, 3, "tre"))
    await desk.mark_relayed(second.message_row_id, first.request.id, STAFF, 41, "copy")
    earlier = await desk.pending_before(third.message_row_id)
    assert [p.row_id for p in earlier] == [first.message_row_id]
    assert await desk.pending_before(first.message_row_id) == []


async def test_churn_words_are_found_when_customer_texts_are_stored_or_edited(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    opened = await desk.customer_message(from_customer(MARIA, 1, "Voglio la disdetta!"))
    assert "disdetta" in (await message_row(db, opened.message_row_id)).churn_words
    await desk.mark_relayed(opened.message_row_id, opened.request.id, STAFF, 40, "copy")
    staff = await desk.staff_message(from_staff(41, "Niente disdetta, risolviamo", reply_to=40))
    assert staff is not None
    assert (await message_row(db, staff.message_row_id)).churn_words is None
    clock.advance(minutes=1)
    await desk.edited_message(from_customer(MARIA, 1, "Scusate, tutto a posto"), clock.now())
    assert (await message_row(db, opened.message_row_id)).churn_words is None
    clock.advance(minutes=1)
    await desk.edited_message(
        from_customer(MARIA, 1, "I want to cancel my subscription"), clock.now()
    )
    assert "cancel my subscription" in (await message_row(db, opened.message_row_id)).churn_words
