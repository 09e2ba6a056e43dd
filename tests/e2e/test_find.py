"""/find in the staff group: newest matches with request, customer and a snippet."""

from __future__ import annotations

from tests.e2e.harness import HelpDeskWorld


async def test_find_lists_matches_with_their_request(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    john = forum.tg.add_user("John", "<Smith>", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il rimborso dell'ordine 1234 non è arrivato")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "Il rimborso parte oggi, Maria")
        await forum.customer_writes(john, "Where is my refund <b>now</b>?")
        await forum.topic_of(2)

        asked = await forum.tg.send_text(forum.agent, "/find rimborso", chat=forum.staff)
        answer = await forum.staff_sees("🔎", after=asked.message_id)
        lines = (answer.text or "").split("\n")
        assert lines[0] == "🔎 <b>«rimborso»</b>: 2 messaggi"
        assert (
            lines[1].startswith("• #1 · Maria Rossi · ")
            and "💬 Bob Staff: Il <b>rimborso</b> parte" in lines[1]
        )
        assert "👤 Maria Rossi: Il <b>rimborso</b> dell&#x27;ordine" in lines[2]

        asked = await forum.tg.send_text(forum.agent, "/find refund", chat=forum.staff)
        answer = await forum.staff_sees("🔎", after=asked.message_id)
        assert "John &lt;Smith&gt;: Where is my <b>refund</b> &lt;b&gt;now&lt;/b&gt;?" in (
            answer.text or ""
        )

        asked = await forum.tg.send_text(forum.agent, "/find fattura", chat=forum.staff)
        await forum.staff_sees("Nessun messaggio con «fattura»", after=asked.message_id)
        asked = await forum.tg.send_text(forum.agent, "/find !", chat=forum.staff)
        await forum.staff_sees("Usa /find parole", after=asked.message_id)
        # Customers cannot search: /find in a private chat is not a staff command.
        await forum.customer_writes(maria, "/find rimborso")
        await forum.customer_sees(maria, "(/find) funzionano solo nel gruppo dello staff")
        assert not any("🔎" in (m.text or "") for m in forum.tg.bot_messages(maria))
