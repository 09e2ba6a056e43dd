"""A whole day with a customer whose name and words are made to break things: markup,
entities, tg:// links, right-to-left overrides, zero-width characters, a text of 4,096
characters and a caption of 1,024, formula cells. The fake Bot API parses every HTML text
with Telegram's tag rules and length limits; not one call may be refused, no title or
name may carry a character that turns text around, and the CSV cells stay inert."""

from __future__ import annotations

import csv
import io

from bot.fake_bot_api import Message
from tests.e2e.harness import HelpDeskWorld

FIRST = "=cmd|' /C calc'!A0 <b>Evil</b> </code> &amp;\u202eLIAM\u200b"
LAST = '<a href="tg://user?id=1">x</a>\u2067'
SHOUT = ("<i>&amp; </code> <b>unclosed " * 200)[:4096]
CAPTION = ("<pre>& </a> tg://resolve?domain=x " * 40)[:1024]
HIDDEN = ("\u202e", "\u200b", "\u2067")


def _sent_documents(world: HelpDeskWorld, chat: object, after: int) -> list[Message]:
    return [
        m
        for m in world.tg.bot_messages(chat)  # type: ignore[arg-type]
        if m.kind == "document" and m.message_id > after
    ]


async def test_a_hostile_customer_breaks_nothing_anywhere(forum: HelpDeskWorld) -> None:
    tg = forum.tg
    evil = tg.add_user(FIRST, LAST, language_code="en", username="evil_user")
    async with forum.bot_running():
        await forum.customer_writes(evil, SHOUT)
        thread = await forum.topic_of(1)
        await tg.send_media(evil, "photo", b"\x89PNG fake", caption=CAPTION)
        await forum.staff_sees("Evil", thread_id=thread)
        # Staff look the customer up, search, tag and note with the same kind of text.
        for command in (
            "/whois #1",
            "/find unclosed",
            "/history #1",
            "/open",
            "/note #1 <b>remember</b> &amp; </code>",
            "/tag #1 vip",
            "/report",
        ):
            after = tg.last_message_id(forum.staff)
            await forum.agent_writes_in_topic(thread, command)
            await tg.wait_for(
                lambda after=after: tg.last_message_id(forum.staff) > after, what=command
            )
        after = tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/export 7d")
        await tg.wait_for(
            lambda: len(_sent_documents(forum, forum.staff, after)) == 3, what="CSV files"
        )
        # The answer, the resolution, a detractor's score and an angry reason.
        await forum.agent_writes_in_topic(thread, "Sorry <b>Evil</b>, refunded")
        await forum.customer_sees(evil, "refunded")
        await forum.agent_writes_in_topic(thread, "/resolve")
        question = await forum.customer_sees(evil, "How likely")
        await tg.press_button(evil, question, "nps:1:0")
        await forum.customer_sees(evil, "main reason")
        await forum.customer_writes(evil, "<b>WORST</b> &amp; </i> SERVICE EVER!!! " * 50)
        await forum.customer_sees(evil, "Thank you")
        await forum.staff_sees("NPS 0", thread_id=thread)
        mark = tg.last_message_id(evil)
        await forum.customer_writes(evil, "/mydata")
        await tg.wait_for(lambda: len(_sent_documents(forum, evil, mark)) == 2, what="mydata")
        exports = _sent_documents(forum, forum.staff, after)

    assert tg.refusals == []  # every HTML text parsed, every text within Telegram's limits
    for topic in tg.topics(forum.staff):
        assert not any(ch in topic.name for ch in HIDDEN), topic.name
    for m in tg.bot_messages(forum.staff):
        assert not any(ch in (m.text or "") for ch in HIDDEN), m.text
        assert '<a href="tg://user?id=1">' not in (m.text or "")  # shown as text, not a link
    for doc in [*exports, *_sent_documents(forum, evil, 0)]:
        name = doc.content["document"]["file_name"]
        assert name.isascii() and "/" not in name and "<" not in name, name
    for doc in exports:
        data = tg.world.files[doc.file_id() or ""].data.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(data)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), cell
