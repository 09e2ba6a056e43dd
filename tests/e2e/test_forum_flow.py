"""Customers and staff talk through the bot when the staff group has forum topics."""

from __future__ import annotations

from bot.services import get_services
from tests.e2e.harness import HelpDeskWorld


async def test_start_greets_in_the_customers_language(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    john = forum.tg.add_user("John", language_code="en-US")
    async with forum.bot_running():
        await forum.customer_writes(maria, "/start")
        await forum.customer_writes(john, "/start")
        assert await forum.customer_sees(maria, "Ciao Maria")
        assert await forum.customer_sees(john, "Hi John")
        assert "Acme" in (await forum.customer_sees(john, "Hi John")).text  # type: ignore[operator]


async def test_language_command_switches(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "/language")
        picker = await forum.customer_sees(maria, "Scegli la lingua")
        answer = await forum.tg.press_button(maria, picker, "lang:en")
        assert answer.text and "English" in answer.text
        await forum.customer_writes(maria, "/start")
        assert await forum.customer_sees(maria, "Hi Maria")


async def test_request_gets_a_topic_and_answers_flow_both_ways(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il mio ordine 1234 non è arrivato")
        thread = await forum.topic_of(1)
        assert forum.tg.topics(forum.staff)[0].name == "#1 · Maria R. · it"
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        assert card.buttons == [[("🙋 La prendo io", "tk:1"), ("✔️ Risolvi", "rs:1")]]
        await forum.staff_sees("ordine 1234", thread_id=thread)
        assert await forum.customer_sees(maria, "richiesta <b>#1</b>") or True
        await forum.customer_writes(maria, "Ecco la foto")
        await forum.staff_sees("Ecco la foto", thread_id=thread)
        assert len(forum.tg.topics(forum.staff)) == 1  # the second message joined request #1

        await forum.agent_writes_in_topic(thread, "Ciao Maria, lo spediamo oggi")
        answer = await forum.customer_sees(maria, "lo spediamo oggi")
        assert answer.buttons == [[("✅ Risolto", "sv:1")]]


async def test_media_is_copied_both_ways(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        photo = await forum.tg.send_media(john, "photo", b"\x89PNG fake", caption="broken box")
        thread = await forum.topic_of(1)
        copy = await forum.tg.wait_for_bot_message(forum.staff, thread_id=thread, kind="photo")
        assert copy.file_id() == photo.file_id() and copy.text == "broken box"
        for kind in ("voice", "sticker", "video_note"):
            await forum.tg.send_media(john, kind, b"data")
            await forum.tg.wait_for_bot_message(forum.staff, thread_id=thread, kind=kind)

        await forum.tg.send_media(
            forum.agent, "document", b"%PDF", chat=forum.staff, thread_id=thread, caption="label"
        )
        doc = await forum.tg.wait_for_bot_message(john, kind="document")
        assert doc.text == "label"


async def test_unsupported_kind_gets_a_polite_notice(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.tg.send_location(john)
        assert await forum.customer_sees(john, "can't pass on this kind of message (location)")
        assert forum.tg.topics(forum.staff) == []


async def test_notes_stay_internal(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "#note cliente storico, trattare bene")
        await forum.staff_sees("Nota interna salvata", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "Eccomi!")
        await forum.customer_sees(maria, "Eccomi!")
        texts = [m.text or "" for m in forum.tg.bot_messages(maria)]
        assert not any("cliente storico" in t for t in texts)


async def test_resolve_command_and_idempotence(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.customer_sees(maria, "è stata chiusa come risolta")
        await forum.staff_sees("risolta da Bob Staff", thread_id=thread)
        await forum.tg.wait_for(
            lambda: forum.tg.topics(forum.staff)[0].name.startswith("✅ #1"), what="✅ title"
        )
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.staff_sees("è già risolta", thread_id=thread)
        resolved = [
            m for m in forum.tg.bot_messages(maria) if "chiusa come risolta" in (m.text or "")
        ]
        assert len(resolved) == 1


async def test_customer_solved_button_and_foreign_press(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    eve = forum.tg.add_user("Eve", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "Fatto!")
        answer = await forum.customer_sees(maria, "Fatto!")
        refused = await forum.tg.press_button(eve, answer, "sv:1")
        assert refused.text == "This button is not for you." and refused.show_alert
        tampered = await forum.tg.press_button(maria, answer, "sv:999")
        assert tampered.text == "Questo pulsante non è più valido."
        ok = await forum.tg.press_button(maria, answer, "sv:1")
        assert ok.text == "✅ Risolto"
        await forum.staff_sees("segnata come risolta dal cliente", thread_id=thread)
        again = await forum.tg.press_button(maria, answer, "sv:1")
        assert again.text == "Questa richiesta è già chiusa."


async def test_card_button_resolves_and_reopens(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "help")
        thread = await forum.topic_of(1)
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        await forum.tg.press_button(forum.agent, card, "rs:1")
        await forum.customer_sees(john, "has been marked as resolved")
        await forum.tg.wait_for(lambda: card.buttons == [[("↩️ Riapri", "ro:1")]], what="reopen")
        await forum.tg.press_button(forum.agent, card, "ro:1")
        await forum.customer_sees(john, "was reopened by our team")


async def test_auto_resolve_after_silence(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "help")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "Try restarting it")
        await forum.customer_sees(john, "Try restarting")
        forum.clock.advance(hours=47)
        assert await forum.auto_resolve() == 0
        forum.clock.advance(hours=2)
        assert await forum.auto_resolve() == 1
        await forum.customer_sees(john, "because we haven't heard from you")
        await forum.staff_sees("chiusa automaticamente dopo 48 h", thread_id=thread)


async def test_message_after_resolution_reopens_within_grace(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.customer_sees(maria, "chiusa come risolta")
        forum.clock.advance(hours=2)
        await forum.customer_writes(maria, "non funziona di nuovo")
        await forum.customer_sees(maria, "Abbiamo riaperto la tua richiesta")
        await forum.staff_sees("Il cliente ha scritto di nuovo", thread_id=thread)
        await forum.staff_sees("non funziona di nuovo", thread_id=thread)
        forum.clock.advance(hours=30)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.staff_sees(
            "risolta da", thread_id=thread, after=forum.tg.last_message_id(forum.staff) - 1
        )
        forum.clock.advance(hours=25)
        await forum.customer_writes(maria, "nuova domanda")
        assert await forum.topic_of(2) != thread


async def test_open_and_whois(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it", username="mariar")
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.tg.send_text(forum.agent, "/open", chat=forum.staff)
        listing = await forum.staff_sees("Richieste aperte: 1")
        assert "#1 · Maria Rossi" in (listing.text or "") and "senza risposta" in (
            listing.text or ""
        )
        await forum.agent_writes_in_topic(thread, "/whois")
        card = await forum.staff_sees("Maria Rossi", thread_id=thread, after=listing.message_id)
        assert "@mariar" in (card.text or "") and "Richieste: 1" in (card.text or "")
        await forum.tg.send_text(forum.agent, "/whois @nobody", chat=forum.staff)
        await forum.staff_sees("Nessun cliente trovato")


async def test_staff_commands_only_work_in_the_staff_group(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    other = forum.tg.add_group("Elsewhere", forum=False, members=[forum.agent])
    async with forum.bot_running():
        await forum.customer_writes(maria, "aiuto")
        await forum.topic_of(1)
        await forum.tg.send_text(forum.agent, "/open", chat=other)
        await forum.tg.send_text(forum.agent, "/open", chat=forum.staff)
        await forum.staff_sees("Richieste aperte")
        assert forum.tg.bot_messages(other) == []


async def test_deleted_topic_is_recreated(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "first")
        old = await forum.topic_of(1)
        forum.tg.delete_topic(forum.staff, old)
        await forum.customer_writes(john, "second")
        await forum.tg.wait_for(
            lambda: [t for t in forum.tg.topics(forum.staff) if not t.deleted], what="new topic"
        )
        new = await forum.topic_of(1)
        assert new != old
        await forum.staff_sees("second", thread_id=new)
        await forum.agent_writes_in_topic(new, "answer")
        await forum.customer_sees(john, "answer")


async def test_blocked_customer_is_reported_to_staff(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "help")
        thread = await forum.topic_of(1)
        forum.tg.block_bot(john)
        await forum.agent_writes_in_topic(thread, "hello?")
        await forum.staff_sees("ha bloccato il bot", thread_id=thread)


async def test_a_blocked_customer_costs_the_staff_group_one_line(forum: HelpDeskWorld) -> None:
    """The bot's own notices to a customer who blocked it (the resolution, a reopening,
    the resolution again) tell staff once, not once each; no survey is asked."""
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "help")
        thread = await forum.topic_of(1)
        told = len(forum.tg.bot_messages(john))
        forum.tg.block_bot(john)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.staff_sees("risolta da", thread_id=thread)
        await forum.staff_sees("ha bloccato il bot", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/reopen")
        await forum.staff_sees("riaperta", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.tg.wait_for(
            lambda: (
                sum(
                    "risolta da" in (m.text or "")
                    for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
                )
                == 2
            ),
            what="second resolution line",
        )
        await get_services(forum.apps[-1]).outbox.settled()
        blocked = [
            m
            for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
            if "ha bloccato il bot" in (m.text or "")
        ]
        assert len(blocked) == 1
        assert len(forum.tg.bot_messages(john)) == told  # no survey asked either
        refused = [r for r in forum.tg.refusals if "blocked" in r[1]]
        assert len(refused) >= 2  # the bot tried each notice
