"""Who may do what: every staff command sent from a customer's private chat and from a group
that is not a staff group, every manager command from a non-manager, every staff button
pressed outside a staff group, and every customer button pressed by another customer. The
table says what each place may see; outside its place nothing is revealed or changed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.fake_bot_api import Chat, Message, User
from bot.services import get_services
from conversations import schema
from tests.e2e.harness import HelpDeskWorld

# Each staff command with arguments that would act on request #1 or its customer.
STAFF_COMMANDS = (
    "/resolve #1",
    "/reopen #1",
    "/open",
    "/mine",
    "/claim #1",
    "/assign #1 @bob_staff",
    "/unclaim #1",
    "/r refund",
    "/reply add refund it Rimborso",
    "/reply list",
    "/note #1 segreto",
    "/whois #1",
    "/find pacco",
    "/history #1",
    "/tag #1 vip",
    "/untag #1 vip",
    "/report",
    "/export",
    "/churn",
    "/churned",
    "/nps",
    "/pillars",
    "/forget #1",
    "/ban #1",
    "/unban @mariarossi",
)
MANAGER_COMMANDS = ("/subscribe", "/unsubscribe", "/summary")
# Staff buttons (card, recovery, erasure) with data that names request or customer 1.
STAFF_BUTTONS = ("tk:1", "rs:1", "ro:1", "rv:1:take", "rv:1:billing", "rv:1:attempt", "fs:1")
# A customer's buttons, pressed by someone else on a message of their own chat.
CUSTOMER_BUTTONS = ("sv:1", "nps:1:0", "pl:1:1", "ra:1:0", "fg:yes", "cat:1:billing", "lang:en")
SECRETS = ("Rossi", "mariarossi", "pacco", "segreto")  # what only staff may read


async def _state(world: HelpDeskWorld) -> tuple[Any, ...]:
    db = get_services(world.apps[-1]).db
    async with db.engine.connect() as conn:
        requests = (await conn.execute(select(schema.requests))).all()
        customers = (await conn.execute(select(schema.customers))).all()
        counts = [
            (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for table in (
                schema.request_tags,
                schema.customer_notes,
                schema.saved_replies,
                schema.erasures,
                schema.request_events,
                schema.recoveries,
                schema.manager_subscriptions,
            )
        ]
    return (
        [(r.status, r.assignee_id) for r in requests],
        [(c.banned, c.first_name) for c in customers],
        *counts,
    )


def _said(world: HelpDeskWorld, chat: Chat | User, after: int) -> str:
    return "\n".join(
        (m.text or "") + str(m.content.get("caption", ""))
        for m in world.tg.bot_messages(chat)
        if m.message_id > after
    )


@pytest.fixture
async def places(forum: HelpDeskWorld) -> dict[str, Any]:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it", username="mariarossi")
    intruder = forum.tg.add_user("Ivan", "Outsider", language_code="en", username="ivan")
    other = forum.tg.add_group("Some other group", forum=False, members=[intruder])
    return {"maria": maria, "intruder": intruder, "other": other}


async def test_staff_commands_do_nothing_outside_the_staff_groups(
    forum: HelpDeskWorld, places: dict[str, Any]
) -> None:
    maria, intruder, other = places["maria"], places["intruder"], places["other"]
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il mio pacco non arriva")
        await forum.topic_of(1)
        await forum.tg.send_text(intruder, "/start")
        await forum.customer_sees(intruder, "Acme")
        before = await _state(forum)
        for command in (*STAFF_COMMANDS, *MANAGER_COMMANDS):
            # From a customer's private chat, and from a group that is not a staff group.
            mark_private = max((m.message_id for m in forum.tg.bot_messages(intruder)), default=0)
            mark_group = max((m.message_id for m in forum.tg.bot_messages(other)), default=0)
            await forum.tg.send_text(intruder, command)
            await forum.tg.send_text(intruder, command, chat=other)
            await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="quiet")
            private, group = _said(forum, intruder, mark_private), _said(forum, other, mark_group)
            assert not any(word in private for word in SECRETS), (command, private)
            assert group == "", (command, group)  # silence where the bot does not work
        assert await _state(forum) == before


async def test_buttons_act_only_in_their_place(
    forum: HelpDeskWorld, places: dict[str, Any]
) -> None:
    maria, intruder = places["maria"], places["intruder"]
    async with forum.bot_running():
        await forum.customer_writes(maria, "Il mio pacco non arriva")
        await forum.topic_of(1)
        await forum.tg.send_text(intruder, "/start")
        own: Message = await forum.customer_sees(intruder, "Acme")
        before = await _state(forum)
        for data in (*STAFF_BUTTONS, *CUSTOMER_BUTTONS):
            pressed = await forum.tg.press_button(intruder, own, data)  # forged onto his chat
            assert pressed.text is not None, data  # answered, no spinner left
            assert not any(word in pressed.text for word in SECRETS), (data, pressed.text)
        assert await _state(forum) == before
