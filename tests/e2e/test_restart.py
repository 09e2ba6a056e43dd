"""Restarts lose nothing, and re-delivered updates are not relayed twice."""

from __future__ import annotations

from tests.e2e.harness import HelpDeskWorld


async def test_restart_between_customer_message_and_staff_reply(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "prima del riavvio")
        thread = await forum.topic_of(1)
        await forum.staff_sees("prima del riavvio", thread_id=thread)
    await forum.agent_writes_in_topic(thread, "risposta dopo il riavvio")  # bot is down
    await forum.customer_writes(maria, "ci sei?")
    async with forum.bot_running():
        await forum.customer_sees(maria, "risposta dopo il riavvio")
        await forum.staff_sees("ci sei?", thread_id=thread)
        assert len(forum.tg.topics(forum.staff)) == 1


async def test_redelivered_updates_are_not_relayed_twice(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        for i in range(5):
            await forum.customer_writes(maria, f"messaggio {i}")
        thread = await forum.topic_of(1)
        await forum.staff_sees("messaggio 4", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "risposta unica")
        await forum.customer_sees(maria, "risposta unica")
    forum.tg.redeliver_all()  # as if the bot had crashed before confirming anything
    assert forum.tg.pending_updates() == 6  # five customer messages and one answer
    async with forum.bot_running():
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="re-delivery")
        await forum.customer_writes(maria, "dopo")
        await forum.staff_sees("dopo", thread_id=thread)
    staff_texts = forum.staff_lines()  # copied, folded or on the card
    for i in range(5):
        assert staff_texts.count(f"messaggio {i}") == 1
    customer_texts = [m.text for m in forum.tg.bot_messages(maria)]
    assert customer_texts.count("risposta unica") == 1
    assert len(forum.tg.topics(forum.staff)) == 1
    received = [t for t in customer_texts if t and "Abbiamo ricevuto" in t]
    assert len(received) == 1


async def test_failed_relay_is_retried_from_the_database(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running() as app:
        await forum.customer_writes(john, "first")
        thread = await forum.topic_of(1)
        await forum.staff_sees("first", thread_id=thread)
        forum.tg.inject_fault("copyMessage", 500, "Internal Server Error", times=1)
        await forum.customer_writes(john, "lost in transit?")
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="processing")
        assert not any(
            "lost in transit" in (m.text or "") for m in forum.tg.bot_messages(forum.staff)
        )
        forum.clock.advance(minutes=2)
        from bot.services import get_services

        assert await get_services(app).outbox.sweep() == 1
        await forum.staff_sees("lost in transit?", thread_id=thread)
