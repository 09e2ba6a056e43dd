"""Without forum topics: ticket cards, and staff answer by replying."""

from __future__ import annotations

from tests.e2e.harness import HelpDeskWorld


async def test_card_then_copies_and_replies_map_back(plain: HelpDeskWorld) -> None:
    maria = plain.tg.add_user("Maria", "Rossi", language_code="it", username="mariar")
    john = plain.tg.add_user("John", "Smith", language_code="en")
    async with plain.bot_running():
        await plain.customer_writes(maria, "Dov'è il mio rimborso?")
        card = await plain.staff_sees("Richiesta #1")
        assert "Maria Rossi (@mariar)" in (card.text or "") and "Lingua: it" in (card.text or "")
        assert card.buttons == [[("🙋 La prendo io", "tk:1"), ("✔️ Risolvi", "rs:1")]]
        # A new request costs the group one message: the card quotes the first text.
        assert "Dov'è il mio rimborso?" in plain.staff_lines()
        assert (card.text or "").endswith("rimborso?</blockquote>")
        await plain.customer_writes(maria, "È passato un mese")
        copy = await plain.staff_sees("passato un mese")
        assert copy.reply_to is not None and copy.reply_to.message_id == card.message_id

        await plain.customer_writes(john, "Where is my parcel?")
        john_copy = await plain.staff_sees("parcel")

        await plain.agent_replies(copy, "Il rimborso parte oggi")
        await plain.customer_sees(maria, "Il rimborso parte oggi")
        await plain.agent_replies(card, "Ti scrivo anche dalla scheda")
        await plain.customer_sees(maria, "dalla scheda")
        await plain.agent_replies(john_copy, "Tomorrow!")
        answer = await plain.customer_sees(john, "Tomorrow!")
        assert answer.buttons == [[("✅ Solved", "sv:2")]]
        assert not any("Tomorrow" in (m.text or "") for m in plain.tg.bot_messages(maria))


async def test_unmapped_group_chatter_is_ignored(plain: HelpDeskWorld) -> None:
    maria = plain.tg.add_user("Maria", language_code="it")
    async with plain.bot_running():
        await plain.customer_writes(maria, "ciao")
        await plain.staff_sees("ciao")
        await plain.tg.send_text(plain.agent, "pausa caffè?", chat=plain.staff)
        await plain.tg.send_text(plain.agent, "/open", chat=plain.staff)
        await plain.staff_sees("Richieste aperte: 1")
        assert not any("caffè" in (m.text or "") for m in plain.tg.bot_messages(maria))


async def test_resolve_by_reply_and_card_updates(plain: HelpDeskWorld) -> None:
    john = plain.tg.add_user("John", language_code="en")
    async with plain.bot_running():
        await plain.customer_writes(john, "help me")
        card = await plain.staff_sees("Richiesta #1")
        copy = await plain.staff_sees("help me")
        await plain.agent_replies(copy, "/resolve")
        await plain.customer_sees(john, "has been marked as resolved")
        await plain.tg.wait_for(lambda: "✅ risolta" in (card.text or ""), what="card status")
        assert card.buttons == [[("↩️ Riapri", "ro:1")]]
        await plain.tg.send_text(plain.agent, "/reopen 1", chat=plain.staff)
        await plain.customer_sees(john, "was reopened")
        await plain.tg.send_text(plain.agent, "/resolve 77", chat=plain.staff)
        await plain.staff_sees("Richiesta #77 non trovata")
        await plain.tg.send_text(plain.agent, "/resolve", chat=plain.staff)
        await plain.staff_sees("Usa /resolve nel topic")
