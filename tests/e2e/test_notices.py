"""What the bot owes a customer reaches them once, even when the send fails or the bot
dies between storing the message and answering it."""

from __future__ import annotations

from bot.services import get_services
from tests.e2e.harness import HelpDeskWorld

RECEIVED = "Abbiamo ricevuto"


def _texts(world: HelpDeskWorld, user: object) -> list[str]:
    return [m.text or "" for m in world.tg.bot_messages(user)]  # type: ignore[arg-type]


async def test_a_refused_request_received_answer_is_sent_by_the_sweep(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        forum.tg.inject_fault("sendMessage", 500, "Internal Server Error", chat=maria)
        await forum.customer_writes(maria, "il pacco non arriva")
        thread = await forum.topic_of(1)
        await forum.staff_sees("il pacco non arriva", thread_id=thread)  # staff have it
        assert not any(RECEIVED in text for text in _texts(forum, maria))
        relay = get_services(app).relay
        assert await relay.sweep_notices() == 1  # the job's sweep, every half minute
        await forum.customer_sees(maria, RECEIVED)
        assert await relay.sweep_notices() == 0
    assert sum(RECEIVED in text for text in _texts(forum, maria)) == 1


async def test_an_answer_owed_when_the_bot_died_comes_with_the_update_again(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        # The message is stored, then the answer's call is lost: as if the process had
        # died between the two (the update is never confirmed, so Telegram sends it again).
        forum.tg.inject_fault("sendMessage", 500, "Internal Server Error", chat=maria)
        await forum.customer_writes(maria, "il pacco non arriva")
        await forum.topic_of(1)
    forum.tg.redeliver_all()
    async with forum.bot_running():
        await forum.customer_sees(maria, RECEIVED)
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="re-delivery")
    assert sum(RECEIVED in text for text in _texts(forum, maria)) == 1
    assert len(forum.tg.topics(forum.staff)) == 1


async def test_a_resolution_notice_refused_by_telegram_is_sent_later(
    forum: HelpDeskWorld,
) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running() as app:
        await forum.customer_writes(john, "my parcel is late")
        thread = await forum.topic_of(1)
        await forum.customer_sees(john, "We received")
        forum.tg.inject_fault("sendMessage", 500, "Internal Server Error", chat=john)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.staff_sees("risolta", thread_id=thread)
        await forum.customer_sees(john, "How likely")  # the survey goes on meanwhile
        assert not any("marked as resolved" in text for text in _texts(forum, john))
        assert await get_services(app).relay.sweep_notices() == 1
        await forum.customer_sees(john, "marked as resolved")


async def test_the_staff_line_of_a_resolution_survives_a_refused_call(
    forum: HelpDeskWorld,
) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running() as app:
        await forum.customer_writes(john, "my parcel is late")
        thread = await forum.topic_of(1)
        forum.tg.inject_fault("sendMessage", 500, "Internal Server Error", chat=forum.staff)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.customer_sees(john, "marked as resolved")  # the customer's is not held up
        assert not any("risolta da" in (m.text or "") for m in forum.tg.bot_messages(forum.staff))
        assert await get_services(app).relay.sweep_notices() == 1
        line = await forum.staff_sees("risolta da", thread_id=thread)
        assert forum.agent.first_name in (line.text or "")  # who resolved it, from the record


async def test_a_notice_refused_for_good_is_not_tried_again(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        forum.tg.inject_fault("sendMessage", 400, "Bad Request: chat not found", chat=maria)
        await forum.customer_writes(maria, "il pacco non arriva")
        await forum.staff_sees("il pacco non arriva", thread_id=await forum.topic_of(1))
        tries = forum.tg.call_count("sendMessage")
        assert await get_services(app).relay.sweep_notices() == 0
        assert forum.tg.call_count("sendMessage") == tries  # given up, not sent again
