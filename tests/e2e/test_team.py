"""Who owns which request: Take it, /claim, /assign, /unclaim, /open mine, /mine."""

from __future__ import annotations

import asyncio

from bot.fake_bot_api import Message
from tests.e2e.harness import HelpDeskWorld


def _topic_name(world: HelpDeskWorld, thread: int) -> str:
    return next(t.name for t in world.tg.topics(world.staff) if t.thread_id == thread)


async def _card(world: HelpDeskWorld, thread: int | None) -> Message:
    return await world.staff_sees("Richiesta #1", thread_id=thread)


async def test_take_it_claims_with_edits_only(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il pacco è arrivato rotto")
        thread = await forum.topic_of(1)
        card = await _card(forum, thread)
        sent = len(forum.tg.bot_messages(forum.staff))

        toast = await forum.tg.press_button(forum.agent, card, "tk:1")
        assert toast.text == "La richiesta #1 è tua."
        await forum.tg.wait_for(lambda: "Assegnata a: Bob Staff" in (card.text or ""), what="owner")
        assert card.buttons == [[("✔️ Risolvi", "rs:1")]]  # nobody else can take it now
        await forum.tg.wait_for(
            lambda: _topic_name(forum, thread) == "#1 · Maria R. · it · 👤 Bob S.", what="title"
        )
        # The claim spent none of the group's message budget: a card edit and a rename.
        assert len(forum.tg.bot_messages(forum.staff)) == sent

        again = await forum.tg.press_button(forum.agent, card, "rs:1")
        assert again.text is None  # the card's remaining button still works
        await forum.customer_sees(maria, "risolta")


async def test_two_staff_press_take_it_at_once_one_wins(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    carla = forum.tg.add_user("Carla", "Verdi", language_code="it", username="carla")
    forum.staff.members.add(carla.id)
    async with forum.bot_running():
        await forum.customer_writes(maria, "Aiuto con la fattura")
        thread = await forum.topic_of(1)
        card = await _card(forum, thread)
        # Both presses leave before either is handled: each carries the card with Take it.
        bob_raw, bob_answer = forum.tg.prepare_press(forum.agent, card, "tk:1")
        carla_raw, carla_answer = forum.tg.prepare_press(carla, card, "tk:1")
        await forum.tg.push_raw_update(bob_raw)
        await forum.tg.push_raw_update(carla_raw)
        bob, lost = await asyncio.wait_for(asyncio.gather(bob_answer, carla_answer), 10)
        assert bob.text == "La richiesta #1 è tua."
        assert lost.text == "La richiesta #1 è già di Bob Staff. Per passarla: /assign."
        assert lost.show_alert
        await forum.tg.wait_for(lambda: "Assegnata a: Bob Staff" in (card.text or ""), what="owner")


async def test_assign_by_username_mentions_the_new_owner(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    carla = forum.tg.add_user("Carla", "Verdi", language_code="it", username="carla")
    forum.staff.members.add(carla.id)
    async with forum.bot_running():
        await forum.customer_writes(maria, "Vorrei cambiare indirizzo")
        thread = await forum.topic_of(1)
        card = await _card(forum, thread)
        await forum.agent_writes_in_topic(thread, "/assign @carla")
        unknown = await forum.staff_sees("Non conosco ancora @carla", thread_id=thread)
        assert unknown.text
        # Carla says something in the group once: now the bot knows her @username.
        await forum.tg.send_text(carla, "ci sono io oggi", chat=forum.staff)
        await forum.agent_writes_in_topic(thread, "/assign @Carla")
        handed = await forum.staff_sees("ha passato la richiesta #1", thread_id=thread)
        assert '<a href="tg://user?id=' + str(carla.id) + '">Carla Verdi</a>' in (handed.text or "")
        await forum.tg.wait_for(
            lambda: "Assegnata a: Carla Verdi" in (card.text or ""), what="owner"
        )
        assert _topic_name(forum, thread).endswith("👤 Carla V.")
        # Taking it now is refused, naming who has it; assigning twice changes nothing.
        await forum.agent_writes_in_topic(thread, "/claim")
        await forum.staff_sees("è già di Carla Verdi. Per passarla", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/assign @carla")
        await forum.staff_sees("La richiesta #1 è già di Carla Verdi.", thread_id=thread)
        # Released, the card offers Take it again.
        await forum.agent_writes_in_topic(thread, "/unclaim")
        await forum.staff_sees("è di nuovo libera (era di Carla Verdi)", thread_id=thread)
        await forum.tg.wait_for(lambda: "Assegnata a" not in (card.text or ""), what="released")
        assert card.buttons[0][0] == ("🙋 La prendo io", "tk:1")
        assert _topic_name(forum, thread) == "#1 · Maria · it"
        await forum.agent_writes_in_topic(thread, "/unclaim")
        await forum.staff_sees("non è assegnata a nessuno", thread_id=thread)


async def test_open_lists_mine_unassigned_and_everyones(plain: HelpDeskWorld) -> None:
    maria = plain.tg.add_user("Maria", language_code="it")
    john = plain.tg.add_user("John", language_code="en")
    carla = plain.tg.add_user("Carla", "Verdi", language_code="it", username="carla")
    plain.staff.members.add(carla.id)
    async with plain.bot_running():
        await plain.customer_writes(maria, "Primo problema")
        card = await plain.staff_sees("Richiesta #1")
        await plain.customer_writes(john, "Second problem")
        await plain.staff_sees("Richiesta #2")
        # Without topics: /claim as a reply to the card; /assign N as a reply to Carla.
        await plain.agent_replies(card, "/claim")
        await plain.staff_sees("Bob Staff ha preso la richiesta #1")
        chatter = await plain.tg.send_text(carla, "passami la 2", chat=plain.staff)
        await plain.agent_replies(chatter, "/assign 2")
        await plain.staff_sees("ha passato la richiesta #2")

        await plain.tg.send_text(plain.agent, "/open", chat=plain.staff)
        everyone = await plain.staff_sees("Richieste aperte: 2")
        lines = (everyone.text or "").split("\n")
        assert lines[1].startswith("#1 · Maria") and lines[1].endswith("👤 Bob S.")
        assert lines[2].startswith("#2 · John") and lines[2].endswith("👤 Carla V.")

        await plain.tg.send_text(carla, "/mine", chat=plain.staff)
        mine = await plain.staff_sees("Le tue richieste aperte: 1")
        assert "#2 · John" in (mine.text or "") and "#1" not in (mine.text or "")
        await plain.agent_replies(card, "/unclaim")
        await plain.staff_sees("di nuovo libera")
        await plain.tg.send_text(plain.agent, "/open libere", chat=plain.staff)
        free = await plain.staff_sees("senza assegnatario: 1")
        assert "#1 · Maria" in (free.text or "")
        await plain.tg.send_text(plain.agent, "/open tutte-le-cose", chat=plain.staff)
        await plain.staff_sees("Usa /open, /open mie")


async def test_bad_claims_get_a_clear_answer(plain: HelpDeskWorld) -> None:
    maria = plain.tg.add_user("Maria", language_code="it")
    async with plain.bot_running():
        await plain.customer_writes(maria, "Ciao")
        card = await plain.staff_sees("Richiesta #1")
        await plain.tg.send_text(plain.agent, "/claim", chat=plain.staff)
        await plain.staff_sees("Usa /claim nel topic della richiesta")
        await plain.tg.send_text(plain.agent, "/claim 99", chat=plain.staff)
        await plain.staff_sees("Richiesta #99 non trovata")
        await plain.tg.send_text(plain.agent, "/assign", chat=plain.staff)
        await plain.staff_sees("Usa /assign @username")
        await plain.agent_replies(card, "/assign")  # a reply to the bot's card: not a person
        await plain.staff_sees("solo a una persona dello staff")
        await plain.agent_replies(card, "/resolve")
        await plain.customer_sees(maria, "risolta")
        await plain.agent_replies(card, "/claim")
        await plain.staff_sees("La richiesta #1 è chiusa: riaprila")
        # A Take it press forged onto the card after it was resolved acts on nothing.
        refused = await plain.tg.press_button(plain.agent, card, "tk:1")
        assert refused.text == "Questo pulsante non è più valido."


async def test_the_owner_is_mentioned_once_per_burst(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    mention = f'<a href="tg://user?id={forum.agent.id}">Bob Staff</a>'
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        card = await _card(forum, thread)
        await forum.tg.press_button(forum.agent, card, "tk:1")
        await forum.tg.wait_for(lambda: "Assegnata a" in (card.text or ""), what="owner")
        await forum.customer_writes(maria, "ah, ordine 77")  # same burst: no mention
        plain_copy = await forum.staff_sees("ordine 77", thread_id=thread)
        assert "tg://user" not in (plain_copy.text or "")

        forum.clock.advance(minutes=15)  # a quiet spell, then a new burst
        await forum.customer_writes(maria, "ci sono novità?")
        pinged = await forum.staff_sees("ci sono novità?", thread_id=thread)
        assert pinged.text == f"👤 {mention}\nci sono novità?"
        await forum.customer_writes(maria, "grazie")
        follow_up = await forum.staff_sees("grazie", thread_id=thread, after=pinged.message_id)
        assert "tg://user" not in (follow_up.text or "")

        forum.clock.advance(minutes=15)  # a photo starts the next burst: its caption carries it
        await forum.tg.send_media(maria, "photo", b"\x89PNG", caption="la scatola <rotta>")
        photo = await forum.tg.wait_for_bot_message(forum.staff, kind="photo", thread_id=thread)
        assert photo.text == f"👤 {mention}\nla scatola &lt;rotta&gt;"
        # A staff reply to the mentioned copy still reaches Maria.
        await forum.agent_replies(pinged, "Arriva domani")
        await forum.customer_sees(maria, "Arriva domani")
