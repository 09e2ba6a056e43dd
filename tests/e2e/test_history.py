"""/whois #N shows the request's history: who did what, in order."""

from __future__ import annotations

import re

from tests.e2e.harness import HelpDeskWorld


async def test_whois_shows_every_action_with_its_actor(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    carla = forum.tg.add_user("Carla", "Verdi", language_code="it", username="carla")
    forum.staff.members.add(carla.id)
    async with forum.bot_running():
        saved = await forum.tg.send_text(
            forum.agent, "/reply add ciao it Ciao {name}!", chat=forum.staff
        )
        await forum.staff_sees("salvata", after=saved.message_id)
        await forum.tg.send_text(carla, "buongiorno", chat=forum.staff)
        await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        forum.clock.advance(minutes=1)
        await forum.agent_writes_in_topic(thread, "/claim")
        await forum.staff_sees("ha preso la richiesta #1", thread_id=thread)
        forum.clock.advance(minutes=1)
        await forum.agent_writes_in_topic(thread, "#note chiamata la <b>cliente</b>")
        await forum.staff_sees("Nota interna salvata", thread_id=thread)
        forum.clock.advance(minutes=1)
        await forum.agent_writes_in_topic(thread, "/r ciao")
        await forum.customer_sees(maria, "Ciao Maria!")
        forum.clock.advance(minutes=1)
        await forum.agent_writes_in_topic(thread, "/assign @carla")
        await forum.staff_sees("ha passato la richiesta #1", thread_id=thread)
        forum.clock.advance(minutes=1)
        await forum.tg.send_text(carla, "/resolve", chat=forum.staff, thread_id=thread)
        await forum.staff_sees("risolta da Carla Verdi", thread_id=thread)

        asked = await forum.tg.send_text(forum.agent, "/whois #1", chat=forum.staff)
        card = await forum.staff_sees("Storia della richiesta #1", after=asked.message_id)
        text = card.text or ""
        history = [
            re.sub(r"^• \S+ \S+ — ", "", line) for line in text.split("\n") if line.startswith("• ")
        ]
        assert history == [
            "aperta dal cliente",
            "presa da Bob Staff",
            "📝 Bob Staff: #note chiamata la &lt;b&gt;cliente&lt;/b&gt;",
            "risposta di Bob Staff",
            "Bob Staff ha inviato la risposta salvata «ciao»",
            "Bob Staff l'ha passata a Carla Verdi",
            "risolta da Carla Verdi",
        ]
        assert "Maria Rossi" in text  # the customer card comes first

        # /whois in the topic (no query) shows the same history; a name search does not.
        await forum.agent_writes_in_topic(thread, "/whois")
        await forum.staff_sees("Storia della richiesta #1", thread_id=thread)
        by_name = await forum.tg.send_text(forum.agent, "/whois Maria", chat=forum.staff)
        answer = await forum.staff_sees("Maria Rossi", after=by_name.message_id)
        assert "Storia della richiesta" not in (answer.text or "")


async def test_customer_notes_follow_the_customer_across_requests(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        sent = len(forum.tg.bot_messages(forum.staff))
        command = await forum.agent_writes_in_topic(
            thread, "/note Preferisce essere chiamata\ndopo le 18 <sempre>"
        )
        await forum.tg.wait_for(lambda: command.reactions == ["👍"], what="reaction")
        assert len(forum.tg.bot_messages(forum.staff)) == sent  # a reaction, no message
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.staff_sees("risolta da Bob Staff", thread_id=thread)

        forum.clock.advance(days=3)
        await forum.customer_writes(maria, "Ho un altro problema")
        second = await forum.topic_of(2)
        await forum.tg.send_text(forum.agent, "/note #2 Cliente storica", chat=forum.staff)
        # In a topic a leading number is the note's text (an order), not a request.
        await forum.agent_writes_in_topic(second, "/note #1234 ordine rimborsato")
        await forum.agent_writes_in_topic(second, "/whois")
        card = await forum.staff_sees("Note sul cliente", thread_id=second)
        text = card.text or ""
        assert "📌 <b>Note sul cliente</b> (3)" in text
        order, newest, oldest = (line for line in text.split("\n") if "Bob Staff: " in line)
        assert order.endswith("Bob Staff: #1234 ordine rimborsato")
        assert newest.endswith("Bob Staff: Cliente storica")
        assert oldest.endswith("Bob Staff: Preferisce essere chiamata")  # its line breaks kept
        assert "dopo le 18 &lt;sempre&gt;" in text

        # Bad input gets the usage; an unknown request is named.
        await forum.agent_writes_in_topic(second, "/note")
        await forum.staff_sees("Usa /note testo…", thread_id=second)
        outside = await forum.tg.send_text(forum.agent, "/note #99 ciao", chat=forum.staff)
        await forum.staff_sees("#99", after=outside.message_id)
