"""Customers' data rights in the chat: /privacy in their language, /mydata with everything
kept about them (and nothing about anyone else), at most once every few minutes."""

from __future__ import annotations

import json

from bot.fake_bot_api import Message, User
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_survey_flow import nps_question


def _documents(world: HelpDeskWorld, who: User, after: int) -> list[Message]:
    return [m for m in world.tg.bot_messages(who) if m.kind == "document" and m.message_id > after]


def _bytes(world: HelpDeskWorld, msg: Message) -> bytes:
    file_id = msg.file_id()
    assert file_id is not None
    return world.tg.world.files[file_id].data


async def test_privacy_says_what_is_kept_and_how_to_get_it(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(john, "/privacy")
        said = await forum.customer_sees(john, "Your data at Acme")
        assert "What we keep" in (said.text or "") and "/mydata" in (said.text or "")
        await forum.customer_writes(maria, "/privacy")
        await forum.customer_sees(maria, "I tuoi dati presso Acme")


async def test_mydata_sends_everything_kept_about_the_customer(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "<b>Rossi</b>", language_code="it")
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        first = await forum.customer_writes(maria, "Il pacco non arriva")
        thread = await forum.topic_of(1)
        await forum.tg.edit_text(maria, first, "Il pacco 1234 non arriva")
        await forum.staff_sees("1234", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "Arriva domani, scusa")
        await forum.customer_sees(maria, "Arriva domani")
        await forum.agent_writes_in_topic(thread, "#note cliente molto paziente")
        await forum.agent_writes_in_topic(thread, "/tag consegne")
        await forum.staff_sees("#consegne", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/resolve")
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        await forum.tg.press_button(maria, question, "nps:1:9")
        await forum.customer_sees(maria, "piaciuto di più")
        await forum.customer_writes(maria, "Gentili")
        await forum.customer_sees(maria, "ne terremo conto")
        await forum.customer_writes(john, "Hello there")  # someone else's request
        await forum.topic_of(2)

        sent = await forum.customer_writes(maria, "/mydata")
        await forum.tg.wait_for(
            lambda: len(_documents(forum, maria, sent.message_id)) == 2, what="two files"
        )
        data_file, text_file = _documents(forum, maria, sent.message_id)
        assert data_file.content["document"]["file_name"] == "Acme-data-1.json"
        data = json.loads(_bytes(forum, data_file))
        assert data["profile"]["last_name"] == "<b>Rossi</b>"  # as stored, nothing dropped
        texts = [m["text"] for m in data["messages"]]
        assert "Il pacco 1234 non arriva" in texts and "Arriva domani, scusa" in texts
        assert "Hello there" not in texts  # John's request is not hers
        (edited,) = [m for m in data["messages"] if m["edits"]]
        assert edited["edits"][0]["previous_text"] == "Il pacco non arriva"
        answer = next(m for m in data["messages"] if m["text"] == "Arriva domani, scusa")
        assert answer["from"] == "Bob"  # staff as the customer meets them: first name
        assert [r["tags"] for r in data["requests"]] == [["consegne"]]
        assert data["surveys"][0]["score"] == 9 and data["surveys"][0]["reason_text"] == "Gentili"
        assert any(n["text"].endswith("cliente molto paziente") for n in data["staff_notes"])
        readable = _bytes(forum, text_file).decode()
        assert readable.startswith("I tuoi dati presso Acme")
        assert "tu: Il pacco 1234 non arriva" in readable
        assert "Bob: Arriva domani, scusa" in readable and "#1 · " in readable

        again = await forum.customer_writes(maria, "/mydata")
        await forum.customer_sees(maria, "riprova tra qualche minuto", after=again.message_id)
        forum.clock.advance(minutes=6)
        later = await forum.customer_writes(maria, "/mydata")
        await forum.tg.wait_for(
            lambda: len(_documents(forum, maria, later.message_id)) == 2, what="a new copy"
        )
