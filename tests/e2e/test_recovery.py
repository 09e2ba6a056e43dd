"""A detractor is won back in their topic: the card takes it, records the root cause and
the attempt; days later the customer is asked once "Are we OK now?"."""

from __future__ import annotations

import asyncio

from bot.fake_bot_api import Message, User
from bot.lifecycle import recovery_reasks
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_survey_flow import nps_question, resolved_request


async def _detractor(world: HelpDeskWorld, who: User, score: int = 3) -> tuple[int, Message]:
    thread = await resolved_request(world, who, "Il pacco non arriva")
    question = await nps_question(world, who, "Quanto è probabile che tu consigli")
    line = await world.staff_sees("✅ Richiesta #1 risolta da Bob", thread_id=thread)
    before = len(world.tg.bot_messages(world.staff, thread_id=thread))
    await world.tg.press_button(who, question, f"nps:1:{score}")
    card = await world.staff_sees("🩹 <b>Da recuperare</b>", thread_id=thread)
    # The card is the resolution's line, given the buttons: no message of the budget.
    assert card is line
    assert len(world.tg.bot_messages(world.staff, thread_id=thread)) == before
    return thread, card


async def test_a_detractor_is_explained_tried_and_won_back(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "<Rossi>", language_code="it")
    async with forum.bot_running() as app:
        thread, card = await _detractor(forum, maria)
        assert "#1 Maria &lt;Rossi&gt; ha dato 3 su 10" in (card.text or "")
        assert "👤 Bob Staff" in (card.text or "")  # who resolved it works it
        assert all(d != "rv:1:take" for row in card.buttons for _, d in row)
        before = len(forum.tg.bot_messages(forum.staff, thread_id=thread))
        # The reason and the pillar answer join the same line; the card keeps its buttons.
        await forum.customer_sees(maria, "Qual è il motivo principale")
        await forum.tg.send_text(maria, "Il corriere non si è mai fatto vivo")
        pillar = await forum.customer_sees(maria, "1 = per niente, 5 = del tutto")
        await forum.tg.wait_for(lambda: "«Il corriere non" in (card.text or ""), what="reason")
        await forum.tg.press_button(maria, pillar, "pl:1:2")
        await forum.tg.wait_for(lambda: "2/5" in (card.text or ""), what="pillar")
        assert (card.text or "").startswith("✅ Richiesta #1 risolta da Bob Staff.")
        assert any(d == "rv:1:delivery" for row in card.buttons for _, d in row)
        shown = card.text
        forum.tg.inject_fault("editMessageText", 400, "Bad Request: injected", chat=forum.staff)
        refused = await forum.tg.press_button(forum.agent, card, "rv:1:other")
        assert refused.text == "Causa registrata: Altro"  # stored; the edit was refused
        await asyncio.sleep(0.3)
        assert card.text == shown  # never a bare card without the line's head
        cause = await forum.tg.press_button(forum.agent, card, "rv:1:delivery")
        assert cause.text == "Causa registrata: Consegna"
        await forum.tg.wait_for(lambda: "Causa: Consegna" in (card.text or ""), what="cause")
        await forum.agent_writes_in_topic(thread, "Ci scusiamo: il corriere consegna domani")
        await forum.customer_sees(maria, "il corriere consegna domani")
        made = await forum.tg.press_button(forum.agent, card, "rv:1:attempt")
        assert "tra 7 giorni" in (made.text or "")
        await forum.tg.wait_for(lambda: "Tentativo fatto da Bob" in (card.text or ""), what="try")
        again = await forum.tg.press_button(forum.agent, card, "rv:1:attempt")  # gone now
        assert again.text == "Questo pulsante non è più valido."
        # Every step was an edit of the card: no message in the topic from the budget.
        assert len(forum.tg.bot_messages(forum.staff, thread_id=thread)) == before
        assert "«Il corriere non" in (card.text or "")  # the card's edits keep the result

        forum.clock.advance(days=6)
        assert await recovery_reasks(app) == 0  # not due yet
        forum.clock.advance(days=1, minutes=1)
        assert await recovery_reasks(app) == 1
        assert await recovery_reasks(app) == 0  # asked once
        asked = await forum.customer_sees(maria, "Adesso va meglio?")
        assert "ci avevi dato 3 su 10 per la richiesta #1" in (asked.text or "")
        await forum.tg.wait_for(lambda: "Chiesto al cliente" in (card.text or ""), what="asked")

        john = forum.tg.add_user("John", language_code="en")  # someone else's press
        foreign = await forum.tg.press_button(john, asked, "ra:1:10")
        assert foreign.show_alert
        answered = await forum.tg.press_button(maria, asked, "ra:1:9")
        assert answered.text == "Grazie!"
        await forum.tg.wait_for(lambda: "Hai risposto 9" in (asked.text or ""), what="thanks")
        assert asked.buttons == []
        await forum.tg.wait_for(
            lambda: "💚 Recuperato: ora dà 9 su 10" in (card.text or ""), what="won back"
        )
        assert card.buttons == []


async def test_an_unanswered_reask_expires_and_a_banned_customer_is_not_asked(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        _, card = await _detractor(forum, maria, score=2)
        await forum.tg.press_button(forum.agent, card, "rv:1:attempt")
        forum.clock.advance(days=7, minutes=1)
        assert await recovery_reasks(app) == 1
        asked = await forum.customer_sees(maria, "Adesso va meglio?")
        forum.clock.advance(hours=73)  # past the survey window
        await recovery_reasks(app)
        await forum.tg.wait_for(lambda: "non ha risposto" in (card.text or ""), what="expired")
        assert asked.buttons == []
        late = await forum.tg.press_button(maria, asked, "ra:1:8")
        assert not late.show_alert  # the button is gone; a stale press changes nothing
        assert "💚" not in (card.text or "")


async def test_nobody_owns_a_customer_solved_request_until_taken(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "Ecco il tracking")
        got = await forum.customer_sees(maria, "Ecco il tracking")
        await forum.tg.press_button(maria, got, "sv:1")  # ✅ Solved, by the customer
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        await forum.tg.press_button(maria, question, "nps:1:1")
        card = await forum.staff_sees("🩹 <b>Da recuperare</b>", thread_id=thread)
        assert "👤 Nessuno" in (card.text or "")
        took = await forum.tg.press_button(forum.agent, card, "rv:1:take")
        assert took.text == "Il recupero di #1 è tuo."
        await forum.tg.wait_for(lambda: "👤 Bob Staff" in (card.text or ""), what="owner")
        assert all(d != "rv:1:take" for row in card.buttons for _, d in row)


async def test_a_card_button_acts_on_its_own_card_only(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        thread, card = await _detractor(forum, maria)
        other = await forum.agent_writes_in_topic(thread, "#note una nota")
        await forum.staff_sees("🩹", thread_id=thread)
        forged = await forum.tg.press_button(forum.agent, other, "rv:1:attempt")
        assert forged.text is not None and "non" in forged.text.lower()
        assert "Tentativo fatto da" not in (card.text or "")


async def test_an_escalation_is_won_back_on_the_copy_that_raised_it(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running() as app:
        await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        await forum.customer_writes(maria, "Siete pessimi, vergognoso! Nessuno risponde mai")
        copy = await forum.staff_sees("Da scalare", thread_id=thread)
        before = len(forum.tg.bot_messages(forum.staff, thread_id=thread))
        # The copy is the recovery card: marked and given the buttons, no message sent.
        assert "Siete pessimi" in (copy.text or "") and "👤 Nessuno" in (copy.text or "")
        assert any(d == "rv:1:take" for row in copy.buttons for _, d in row)
        await forum.tg.press_button(forum.agent, copy, "rv:1:take")
        await forum.tg.wait_for(lambda: "👤 Bob Staff" in (copy.text or ""), what="owner")
        await forum.tg.press_button(forum.agent, copy, "rv:1:staff")
        await forum.agent_writes_in_topic(thread, "Mi scuso, la seguo io da adesso")
        await forum.tg.press_button(forum.agent, copy, "rv:1:attempt")
        await forum.tg.wait_for(lambda: "Tentativo fatto da Bob" in (copy.text or ""), what="try")
        assert "Siete pessimi" in (copy.text or "")  # the customer's words stay on it
        forum.clock.advance(days=8)
        assert await recovery_reasks(app) == 0  # still open: not asked mid-conversation

        await forum.agent_writes_in_topic(thread, "/resolve")
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        await forum.tg.press_button(maria, question, "nps:1:2")
        await forum.tg.wait_for(lambda: "Poi ha dato 2 su 10" in (copy.text or ""), what="score")
        cards = [
            m
            for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
            if "Da recuperare" in (m.text or "")
        ]
        assert cards == []  # the detractor joined the recovery already open
        assert await recovery_reasks(app) == 0  # not right after the survey
        forum.clock.advance(days=7, minutes=1)
        assert await recovery_reasks(app) == 1
        asked = await forum.customer_sees(maria, "Adesso va meglio?")
        await forum.tg.press_button(maria, asked, "ra:1:8")
        await forum.tg.wait_for(lambda: "💚 Recuperato" in (copy.text or ""), what="won back")
        assert "Siete pessimi" in (copy.text or "")
        # Take, cause, attempt, score and answer: all edits; the survey's line is the one
        # message the topic received meanwhile, besides the answers staff wrote.
        after = forum.tg.bot_messages(forum.staff, thread_id=thread)
        assert not any("Da scalare" in (m.text or "") for m in after[before:])


async def test_without_topics_an_escalation_posts_its_card(plain: HelpDeskWorld) -> None:
    john = plain.tg.add_user("John", language_code="en")
    async with plain.bot_running():
        await plain.customer_writes(john, "My parcel is late")
        await plain.staff_sees("My parcel is late")
        await plain.customer_writes(john, "This is the third time I write, useless idiots!!!")
        card = await plain.staff_sees("Da scalare")  # the staff speak Italian here
        assert any(d == "rv:1:take" for row in card.buttons for _, d in row)
        assert "👤 Nessuno" in (card.text or "") and "ha già scritto" in (card.text or "")
        await plain.tg.press_button(plain.agent, card, "rv:1:take")
        await plain.tg.wait_for(lambda: "👤 Bob Staff" in (card.text or ""), what="owner")
