"""Every update takes effect once: delivered again after a crash, it changes nothing.

After `kill -9` Telegram delivers again everything the bot had not confirmed, commands and
button presses included, mixed with the customer messages of the same batch.
"""

from __future__ import annotations

import asyncio

from bot.services import get_services
from conversations.terms import Status
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_survey_flow import nps_question

# What a handler's effect costs in Bot API calls; start-up calls (getMe, getChat,
# setMyCommands, deleteWebhook, getUpdates) are not effects.
EFFECTS = (
    "sendmessage",
    "copymessage",
    "sendphoto",
    "senddocument",
    "editmessagetext",
    "editmessagereplymarkup",
    "editmessagecaption",
    "createforumtopic",
    "editforumtopic",
    "answercallbackquery",
)


def effects(world: HelpDeskWorld) -> dict[str, int]:
    return {m: world.tg.call_count(m) for m in EFFECTS}


async def redeliver_everything(world: HelpDeskWorld) -> dict[str, int]:
    """Deliver every update again to a fresh bot on the same database; return the effects
    the second delivery caused."""
    before = effects(world)
    world.tg.redeliver_all()  # as after a crash before confirming anything
    async with world.bot_running():
        await world.tg.wait_for(lambda: world.tg.pending_updates() == 0, timeout=20)
        await asyncio.sleep(0.3)
    after = effects(world)
    return {m: after[m] - before[m] for m in EFFECTS if after[m] != before[m]}


async def test_a_resolve_delivered_again_after_the_customer_reopened(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        await forum.customer_writes(maria, "aiuto")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.customer_sees(maria, "chiusa come risolta")
        await forum.customer_writes(maria, "in realtà no")  # within the grace: reopens
        await forum.staff_sees("in realtà no", thread_id=thread)
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0)
        helpdesk = get_services(app).helpdesk
    assert await redeliver_everything(forum) == {}
    request = await helpdesk.request(1)
    assert request is not None and request.status == Status.OPEN
    told = [m for m in forum.tg.bot_messages(maria) if "chiusa come risolta" in (m.text or "")]
    assert len(told) == 1


async def test_every_command_and_button_takes_effect_once(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it", username="maria_r")
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        # Customer commands and the language button.
        for command in ("/start", "/help", "/language", "/report"):
            await forum.customer_writes(john, command)
        picker = await forum.customer_sees(john, "Choose")
        await forum.tg.press_button(john, picker, "lang:it")
        await forum.tg.send_location(john)
        # A request answered, resolved by the customer's button, surveyed.
        await forum.customer_writes(maria, "il pacco non arriva")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "#note controllo io")
        await forum.agent_writes_in_topic(thread, "Arriva domani")
        answer = await forum.customer_sees(maria, "Arriva domani")
        await forum.tg.press_button(maria, answer, "sv:1")
        question = await nps_question(forum, maria, "Quanto è probabile")
        await forum.tg.press_button(maria, question, "nps:1:4")
        reason = await forum.customer_sees(maria, "Qual è il motivo principale")
        await forum.tg.press_button(maria, reason, "rsk:1")
        pillar = await forum.customer_sees(maria, "1 = per niente")
        await forum.tg.press_button(maria, pillar, "pl:1:2")
        await forum.customer_sees(maria, "Grazie per il tuo tempo")
        # Staff commands and the card's buttons.
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        await forum.tg.press_button(forum.agent, card, "ro:1")
        await forum.tg.press_button(forum.agent, card, "rs:1")
        for command in (
            "/reopen",
            "/resolve",
            "/open",
            "/whois",
            "/ban @maria_r",
            "/unban @maria_r",
            "/churned @maria_r",
            "/nps",
            "/pillars",
            "/churn 3",
            "/report 7d",
            "/export 7d",
        ):
            after = forum.tg.last_message_id(forum.staff)
            await forum.agent_writes_in_topic(thread, command)
            await forum.tg.wait_for_bot_message(forum.staff, after=after, timeout=15)
        # The last commands' other parts (a chart, CSV files) take a moment.
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, timeout=30)
    assert await redeliver_everything(forum) == {}
