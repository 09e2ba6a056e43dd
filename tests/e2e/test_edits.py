"""Edited messages: staff see what a customer changed; customers see staff corrections."""

from __future__ import annotations

from bot.fake_bot_api import Message
from tests.e2e.harness import HelpDeskWorld


def notices(world: HelpDeskWorld) -> list[Message]:
    return [m for m in world.tg.bot_messages(world.staff) if (m.text or "").startswith("✏️")]


async def test_customer_edit_is_shown_as_a_reply_to_the_copy(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        original = await forum.customer_writes(maria, "Il mio ordine è il 123")
        thread = await forum.topic_of(1)
        copy = await forum.staff_sees("ordine è il 123", thread_id=thread)

        await forum.tg.edit_text(maria, original, "Il mio ordine è il 124 <urgente>")
        notice = await forum.staff_sees("ha modificato un messaggio", thread_id=thread)
        assert notice.text == (
            "✏️ <b>Maria Rossi</b> ha modificato un messaggio:\n"
            "Il mio ordine è il 124 &lt;urgente&gt;"
        )
        assert notice.reply_to is not None and notice.reply_to.message_id == copy.message_id
        # The card quoting the first text stays as staff saw it.
        assert copy.text is not None and copy.text.endswith(
            "<blockquote>Il mio ordine è il 123</blockquote>"
        )


async def test_staff_reply_to_the_notice_reaches_the_customer(plain: HelpDeskWorld) -> None:
    john = plain.tg.add_user("John", language_code="en")
    async with plain.bot_running():
        original = await plain.customer_writes(john, "Parcel 77 is late")
        await plain.staff_sees("Parcel 77")
        await plain.tg.edit_text(john, original, "Parcel 78 is late")
        notice = await plain.staff_sees("ha modificato")
        await plain.agent_replies(notice, "Parcel 78 leaves today")
        await plain.customer_sees(john, "Parcel 78 leaves today")


async def test_staff_edit_updates_the_customers_copy(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Quando arriva?")
        thread = await forum.topic_of(1)
        answer = await forum.agent_writes_in_topic(thread, "Arriva lunedì")
        copy = await forum.customer_sees(maria, "Arriva lunedì")

        await forum.tg.edit_text(forum.agent, answer, "Arriva martedì, scusa")
        await forum.tg.wait_for(lambda: copy.text == "Arriva martedì, scusa", what="edited copy")
        assert copy.edited and copy.buttons == [[("✅ Risolto", "sv:1")]]

        label = await forum.tg.send_media(
            forum.agent, "document", b"%PDF", chat=forum.staff, thread_id=thread, caption="v1"
        )
        doc = await forum.tg.wait_for_bot_message(maria, kind="document")
        await forum.tg.edit_text(forum.agent, label, "etichetta v2")
        await forum.tg.wait_for(lambda: doc.text == "etichetta v2", what="edited caption")
        assert len(forum.tg.bot_messages(maria)) == 3  # received notice + 2 answers, no resend


async def test_notes_unknown_and_note_like_edits_are_ignored(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        start = await forum.customer_writes(maria, "/start")
        await forum.customer_sees(maria, "Ciao Maria")
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        note = await forum.agent_writes_in_topic(thread, "#note cliente storico")
        await forum.staff_sees("Nota interna", thread_id=thread)
        answer = await forum.agent_writes_in_topic(thread, "Eccomi")
        copy = await forum.customer_sees(maria, "Eccomi")
        chatter = await forum.tg.send_text(forum.agent, "pausa caffè?", chat=forum.staff)

        await forum.tg.edit_text(forum.agent, note, "#note cliente storico, VIP")
        await forum.tg.edit_text(maria, start, "/start please")  # never stored
        await forum.tg.edit_text(forum.agent, chatter, "pausa tè?")  # not about a request
        await forum.tg.edit_text(forum.agent, answer, "#note ops, risposta sbagliata")
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="edits handled")
        # a marker: the chat's next message is handled only after the edits before it
        await forum.customer_writes(maria, "ci sei?")
        await forum.staff_sees("ci sei?", thread_id=thread)
        assert copy.text == "Eccomi" and not copy.edited
        assert notices(forum) == []
        assert not any(
            "VIP" in (m.text or "") or "tè" in (m.text or "") for m in forum.tg.bot_messages(maria)
        )


async def test_repeated_edit_updates_change_nothing(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        original = await forum.customer_writes(maria, "prima")
        thread = await forum.topic_of(1)
        answer = await forum.agent_writes_in_topic(thread, "risposta")
        copy = await forum.customer_sees(maria, "risposta")
        await forum.tg.edit_text(maria, original, "seconda")
        await forum.staff_sees("seconda", thread_id=thread)
        await forum.tg.edit_text(maria, original, "terza")
        await forum.staff_sees("terza", thread_id=thread)
        await forum.tg.edit_text(forum.agent, answer, "risposta corretta")
        await forum.tg.wait_for(lambda: copy.text == "risposta corretta", what="edited copy")
        edits_of_copy = copy.edit_seq
        staff_count = len(forum.tg.bot_messages(forum.staff))

        forum.tg.redeliver_all()  # as after a crash before confirming: every update again
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="re-delivery")
        await forum.customer_writes(maria, "ultima")
        await forum.staff_sees("ultima", thread_id=thread)
        assert len(forum.tg.bot_messages(forum.staff)) == staff_count + 1
        assert [n.text.split("\n")[1] for n in notices(forum) if n.text] == ["seconda", "terza"]
        assert copy.edit_seq == edits_of_copy and copy.text == "risposta corretta"


async def test_editing_an_old_command_does_not_run_it_again(forum: HelpDeskWorld) -> None:
    async with forum.bot_running():
        command = await forum.tg.send_text(forum.agent, "/open", chat=forum.staff)
        await forum.staff_sees("Nessuna richiesta aperta")
        await forum.tg.edit_text(forum.agent, command, "/open ")
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="the edit")
        listings = [
            m for m in forum.tg.bot_messages(forum.staff) if "Nessuna richiesta" in (m.text or "")
        ]
        assert len(listings) == 1
