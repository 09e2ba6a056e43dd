"""Odd and hostile input gets a clear answer and changes nothing it does not own."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.services import get_services
from conversations import schema
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_survey_flow import nps_question, resolved_request, survey_row


async def _requests(world: HelpDeskWorld) -> int:
    db = get_services(world.apps[-1]).db
    async with db.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(schema.requests))).one()[0])


async def test_superscripts_and_huge_numbers_get_the_usage(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        for command, answer in (
            ("/resolve ²", "/resolve"),  # isdigit() says yes, int() says no
            ("/resolve 99999999999999999999999999", "/resolve"),
            ("/churn ²", "/churn"),
            ("/churn 99999999999999999999999999", "/churn"),
            # Past SQLite's 64-bit INTEGER: searched as a name, found nowhere.
            ("/ban 99999999999999999999999999", "«99999999999999999999999999»"),
            ("/unban -99999999999999999999999999", "«-99999999999999999999999999»"),
            ("/whois 99999999999999999999999999", "99999999999999999999999999"),
        ):
            after = forum.tg.last_message_id(forum.staff)
            await forum.agent_writes_in_topic(thread, command)
            reply = await forum.staff_sees(answer, thread_id=thread, after=after)
            assert "⚠️" not in (reply.text or ""), command
        assert (await get_services(forum.apps[-1]).helpdesk.request(1)) is not None


async def test_every_unknown_or_malformed_button_is_answered(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await resolved_request(forum, maria, "aiuto")
        question = await nps_question(forum, maria, "Quanto è probabile")
        for data in ("nps:1:²", "nps:²:1", "xx:1", "", "nps", "rs:", "sv:-1", "lang:fr", "🙂" * 16):
            answer = await forum.tg.press_button(maria, question, data)
            assert answer.text == "Questo pulsante non è più valido.", data
        assert (await survey_row(forum)).score is None


async def test_buttons_act_only_on_the_message_they_belong_to(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        before = (card.text, card.buttons)
        # A language button forged onto the staff card: the card keeps its text and button.
        refused = await forum.tg.press_button(forum.agent, card, "lang:en")
        assert refused.text == "Questo pulsante non è più valido."
        assert (card.text, card.buttons) == before
        # A customer's Solved button forged onto the card resolves nothing.
        await forum.tg.press_button(forum.agent, card, "sv:1")
        # A card button forged onto another message of the staff group resolves nothing.
        await forum.agent_writes_in_topic(thread, "Ciao Maria")
        answer = await forum.customer_sees(maria, "Ciao Maria")
        await forum.customer_writes(maria, "ancora aiuto")
        copy = await forum.staff_sees("ancora aiuto", thread_id=thread)
        assert copy.message_id != card.message_id
        assert (await forum.tg.press_button(forum.agent, copy, "rs:1")).text == (
            "Questo pulsante non è più valido."
        )
        request = await get_services(forum.apps[-1]).helpdesk.request(1)
        assert request is not None and request.status != "resolved"

        # A survey button forged onto the staff answer in the customer's own chat neither
        # answers the survey nor rewrites that message.
        await forum.agent_writes_in_topic(thread, "/resolve")
        await nps_question(forum, maria, "Quanto è probabile")
        text = answer.text
        refused = await forum.tg.press_button(maria, answer, "nps:1:0")
        assert refused.text == "Questo pulsante non è più valido."
        assert answer.text == text and (await survey_row(forum)).score is None
        # Nor does a language button forged onto it.
        refused = await forum.tg.press_button(maria, answer, "lang:en")
        assert refused.text == "Questo pulsante non è più valido."
        assert answer.text == text and answer.buttons == [[("✅ Risolto", "sv:1")]]


async def test_staff_commands_in_private_open_no_request(forum: HelpDeskWorld) -> None:
    bob = forum.agent
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(bob, "/report")
        assert await forum.customer_sees(bob, "funzionano solo nel gruppo dello staff")
        await forum.customer_writes(john, "/frob<b>nicate now")
        assert await forum.customer_sees(john, "I don't know the command /frob&lt;b&gt;nicate")
        await forum.customer_writes(john, "/start")
        await forum.customer_sees(john, "Hi John")
        assert await _requests(forum) == 0
        assert forum.tg.topics(forum.staff) == []
