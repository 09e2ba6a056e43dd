"""An admin who posts anonymously (as the group) is staff too: nothing they write vanishes."""

from __future__ import annotations

from sqlalchemy import select

from bot.services import get_services
from conversations import schema
from conversations.terms import Status
from tests.e2e.harness import HelpDeskWorld


async def test_an_anonymous_answer_reaches_the_customer_from_the_team(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.tg.send_text(
            forum.agent, "Ci pensiamo noi", chat=forum.staff, thread_id=thread, anonymous="Team"
        )
        answer = await forum.customer_sees(maria, "Ci pensiamo noi")
        assert answer.buttons == [[("✅ Risolto", "sv:1")]]
        request = await get_services(app).helpdesk.request(1)
        assert request is not None and request.status == Status.ANSWERED
        async with get_services(app).db.engine.connect() as conn:
            q = select(schema.messages.c.sender_user_id, schema.messages.c.sender_name).where(
                schema.messages.c.direction == "out"
            )
            assert (await conn.execute(q)).all() == [(forum.staff.id, "Team")]
        # Commands work anonymously too.
        await forum.tg.send_text(
            forum.agent, "/resolve", chat=forum.staff, thread_id=thread, anonymous="Team"
        )
        await forum.customer_sees(maria, "chiusa come risolta")


async def test_an_anonymous_reply_to_a_ticket_card_is_relayed(plain: HelpDeskWorld) -> None:
    john = plain.tg.add_user("John", language_code="en")
    async with plain.bot_running():
        await plain.customer_writes(john, "where is my parcel")
        copy = await plain.staff_sees("where is my parcel")
        await plain.tg.send_text(
            plain.agent, "On its way", chat=plain.staff, reply_to=copy, anonymous=""
        )
        await plain.customer_sees(john, "On its way")
