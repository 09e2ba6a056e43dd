"""/tag and /untag: the card shows the tags (an edit), the history who changed them, and a
configured list refuses anything else."""

from __future__ import annotations

import re

from tests.e2e.harness import HelpDeskWorld


async def test_tags_edit_the_card_and_enter_the_history(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Mi avete addebitato due volte")
        thread = await forum.topic_of(1)
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        sent = len(forum.tg.bot_messages(forum.staff))

        command = await forum.agent_writes_in_topic(thread, "/tag Billing #refund billing")
        await forum.tg.wait_for(lambda: "Tag: #billing #refund" in (card.text or ""), what="tags")
        await forum.tg.wait_for(lambda: command.reactions == ["👍"], what="reaction")
        assert len(forum.tg.bot_messages(forum.staff)) == sent  # an edit and a reaction only
        forum.clock.advance(minutes=1)
        await forum.tg.send_text(forum.agent, "/untag #1 refund", chat=forum.staff)
        await forum.tg.wait_for(
            lambda: "Tag: #billing" in (card.text or "") and "#refund" not in (card.text or ""),
            what="untag",
        )
        forum.clock.advance(minutes=1)
        asked = await forum.tg.send_text(forum.agent, "/whois #1", chat=forum.staff)
        history = await forum.staff_sees("Storia della richiesta #1", after=asked.message_id)
        lines = [re.sub(r"^• \S+ \S+ — ", "", x) for x in (history.text or "").split("\n")]
        assert lines[lines.index("🕘 <b>Storia della richiesta #1</b>") + 1] == "Tag: #billing"
        assert "Bob Staff ha aggiunto il tag #billing" in lines
        assert "Bob Staff ha aggiunto il tag #refund" in lines
        assert lines.index("Bob Staff ha tolto il tag #refund") > lines.index(
            "Bob Staff ha aggiunto il tag #refund"
        )

        await forum.agent_writes_in_topic(thread, "/tag")
        await forum.staff_sees("Usa /tag parola…", thread_id=thread)
        asked = await forum.tg.send_text(forum.agent, "/tag #1", chat=forum.staff)
        await forum.staff_sees("Usa /tag parola…", after=asked.message_id)  # no word to add
        await forum.agent_writes_in_topic(thread, "/untag nonce")
        await forum.staff_sees(
            "Nessun cambiamento: i tag della richiesta #1 sono #billing", thread_id=thread
        )
        await forum.agent_writes_in_topic(thread, "/tag <script>")
        refused = await forum.staff_sees("Non posso usare come tag", thread_id=thread)
        assert "&lt;script&gt;" in (refused.text or "")


async def test_a_configured_list_refuses_other_tags(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    forum.settings = forum.settings.model_copy(update={"tags": ("billing", "shipping")})
    async with forum.bot_running():
        await forum.customer_writes(maria, "Dov'è il mio pacco?")
        thread = await forum.topic_of(1)
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/tag shipping urgente")
        refused = await forum.staff_sees("Non posso usare come tag: urgente", thread_id=thread)
        assert "Tag previsti: #billing #shipping" in (refused.text or "")
        await forum.tg.wait_for(lambda: "Tag: #shipping" in (card.text or ""), what="tag")


async def test_report_of_one_tag_counts_only_its_requests(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Doppio addebito sulla carta")
        first = await forum.topic_of(1)
        await forum.customer_writes(john, "Where is my parcel?")
        second = await forum.topic_of(2)
        await forum.agent_writes_in_topic(first, "/tag billing")
        await forum.agent_writes_in_topic(first, "Le rimborsiamo subito")
        await forum.agent_writes_in_topic(first, "/resolve")
        await forum.staff_sees("risolta da Bob Staff", thread_id=first)
        await forum.agent_writes_in_topic(second, "/tag shipping")
        await forum.agent_writes_in_topic(second, "We are checking")

        forum.clock.advance(minutes=5)  # the period ends now: what happened is inside it
        asked = await forum.tg.send_text(forum.agent, "/report 30d tag:Billing", chat=forum.staff)
        answer = await forum.staff_sees("tag #billing", after=asked.message_id)
        text = answer.text or ""
        assert "Richieste aperte 1 · risolte 1 · in attesa ora 0" in text
        assert "• Bob Staff: 1 richiesta" in text
        assert "Cruscotto" not in text

        asked = await forum.tg.send_text(forum.agent, "/report tag:nessuno", chat=forum.staff)
        await forum.staff_sees("Nessuna richiesta con il tag #nessuno", after=asked.message_id)
        asked = await forum.tg.send_text(forum.agent, "/report tag:a tag:b", chat=forum.staff)
        await forum.staff_sees("un tag alla volta", after=asked.message_id)
        asked = await forum.tg.send_text(forum.agent, "/report 99x tag:billing", chat=forum.staff)
        await forum.staff_sees("⚠️", after=asked.message_id)
