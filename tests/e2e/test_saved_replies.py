"""Saved replies: /reply add|list|del, /r KEY in the customer's language, the key picker."""

from __future__ import annotations

import asyncio

from tests.e2e.harness import HelpDeskWorld

REFUND_IT = "Ciao {name}, il rimborso della richiesta {request} è partito. {agent}"
REFUND_EN = "Hi {name},\nthe refund for request {request} is on its way. {agent}"


async def _save(world: HelpDeskWorld, command: str, expect: str) -> None:
    sent = await world.tg.send_text(world.agent, command, chat=world.staff)
    await world.staff_sees(expect, after=sent.message_id)


async def test_saved_reply_goes_out_in_the_customers_language(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    john = forum.tg.add_user("John", "Smith", language_code="en")
    async with forum.bot_running():
        await _save(forum, f"/reply add refund it {REFUND_IT}", "«refund» (it) salvata")
        # The English text is a message of its own (line breaks kept), saved by replying.
        holder = await forum.tg.send_text(forum.agent, REFUND_EN, chat=forum.staff)
        saved = await forum.agent_replies(holder, "/reply add REFUND en")
        await forum.staff_sees("«refund» (en) salvata", after=saved.message_id)

        await forum.customer_writes(maria, "Mi avete addebitato due volte")
        it_thread = await forum.topic_of(1)
        await forum.customer_writes(john, "I was charged twice")
        en_thread = await forum.topic_of(2)
        before = len(forum.tg.bot_messages(forum.staff))

        command = await forum.agent_writes_in_topic(it_thread, "/r refund")
        got = await forum.customer_sees(maria, "rimborso")
        assert got.text == "Ciao Maria, il rimborso della richiesta #1 è partito. Bob"
        assert got.buttons == [[("✅ Risolto", "sv:1")]]
        await forum.tg.wait_for(lambda: command.reactions == ["👍"], what="reaction")
        await forum.agent_writes_in_topic(en_thread, "/r refund")
        got = await forum.customer_sees(john, "refund")
        assert got.text == "Hi John,\nthe refund for request #2 is on its way. Bob"
        # Sending a saved reply cost the staff group no message at all.
        assert len(forum.tg.bot_messages(forum.staff)) == before

        # It is a staff answer like any other: the request counts as answered.
        await forum.agent_writes_in_topic(it_thread, "/open")
        listing = await forum.staff_sees("Richieste aperte", thread_id=it_thread)
        assert "senza risposta" not in (listing.text or "").split("#1")[1].split("\n")[0]


async def test_missing_language_falls_back_with_a_warning(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await _save(forum, "/reply add orari it Siamo aperti 9-18, {name}.", "salvata")
        await forum.customer_writes(john, "When are you open?")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/r orari")
        got = await forum.customer_sees(john, "Siamo aperti")
        assert got.text == "Siamo aperti 9-18, John."
        warning = await forum.staff_sees("non ha un testo in en", thread_id=thread)
        assert "/reply add orari en" in (warning.text or "")


async def test_the_picker_sends_once(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await _save(forum, "/reply add grazie it Grazie {name}!", "salvata")
        await _save(forum, "/reply add scuse it Ci scusiamo, {name}.", "salvata")
        await forum.customer_writes(maria, "Ho un problema")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/r nonesiste")
        picker = await forum.staff_sees("Quale risposta salvata", thread_id=thread)
        assert "Nessuna risposta salvata con chiave «nonesiste»" in (picker.text or "")
        assert picker.buttons == [[("grazie", "sr:grazie"), ("scuse", "sr:scuse")]]

        # Two presses leave before either is handled (a double tap, or two colleagues).
        bob_raw, bob_answer = forum.tg.prepare_press(forum.agent, picker, "sr:scuse")
        again_raw, again_answer = forum.tg.prepare_press(forum.agent, picker, "sr:grazie")
        await forum.tg.push_raw_update(bob_raw)
        await forum.tg.push_raw_update(again_raw)
        first, again = await asyncio.wait_for(asyncio.gather(bob_answer, again_answer), 10)
        assert first.text is None
        assert again.text == "Questa scelta è già stata usata."
        await forum.customer_sees(maria, "Ci scusiamo, Maria.")
        await forum.tg.wait_for(lambda: "ha inviato «scuse»" in (picker.text or ""), what="record")
        assert picker.buttons == []
        texts = [m.text for m in forum.tg.bot_messages(maria)]
        assert "Grazie Maria!" not in texts and texts.count("Ci scusiamo, Maria.") == 1


async def test_list_delete_and_bad_input(forum: HelpDeskWorld) -> None:
    async with forum.bot_running():
        await _save(forum, "/reply ADD saluto it Buongiorno <b>{name}</b>", "salvata")
        await _save(forum, "/reply list", "<code>saluto</code> (it): Buongiorno &lt;b&gt;")
        await _save(forum, "/reply add Chiave! it testo", "non va bene come chiave")
        await _save(forum, "/reply add ciao fr bonjour", "Lingua «fr» sconosciuta")
        await _save(forum, "/reply add ciao it", "Manca il testo")
        await _save(forum, "/reply", "Risposte salvate:")
        await _save(forum, "/reply del saluto", "«saluto» eliminata (1 lingue)")
        await _save(forum, "/reply del saluto", "Nessuna risposta salvata con chiave «saluto»")
        await _save(forum, "/reply list", "Non ci sono risposte salvate")
        # /r outside a request's topic says where it works.
        await _save(forum, "/r saluto", "nel topic di una richiesta")


async def test_saved_reply_in_a_plain_group_as_a_reply(plain: HelpDeskWorld) -> None:
    maria = plain.tg.add_user("Maria", language_code="it")
    async with plain.bot_running():
        await _save(plain, "/reply add grazie it Grazie {name}, a presto!", "salvata")
        await plain.customer_writes(maria, "Tutto risolto, grazie")
        copy = await plain.staff_sees("Tutto risolto")
        await plain.agent_replies(copy, "/r grazie")
        await plain.customer_sees(maria, "Grazie Maria, a presto!")
