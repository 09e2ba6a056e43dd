"""Who may do what inside the staff group, and for managers and banned customers.

By default every member of a staff group is staff. With CAREBOT_STAFF_ADMINS_ONLY only
the group's administrators (anonymous ones included) may use staff commands and buttons;
a member is told once, changes nothing, sees nothing; a promotion or demotion counts from
Telegram's next chat_member update.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.fake_bot_api import Message, User
from bot.i18n import t
from bot.services import get_services
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_permissions import MANAGER_COMMANDS, SECRETS, STAFF_COMMANDS, _said, _state

REFUSED = "Solo gli amministratori del gruppo"
REFUSED_TEXT = t("it", "staff.admins_only")


@pytest.fixture
async def team(forum: HelpDeskWorld) -> dict[str, Any]:
    """Maria's request #1 in its topic, a plain member and an administrator of the group."""
    member = forum.tg.add_user("Mino", "Member", language_code="it")
    admin = forum.tg.add_user("Ada", "Admin", language_code="it")
    forum.staff.members.update({member.id, admin.id})
    forum.staff.admins.add(admin.id)
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it", username="mariarossi")
    return {"member": member, "admin": admin, "maria": maria}


async def _opened(world: HelpDeskWorld, maria: User) -> tuple[int, Message]:
    await world.customer_writes(maria, "Il mio pacco non arriva")
    thread = await world.topic_of(1)
    card = next(m for m in world.tg.bot_messages(world.staff, thread_id=thread) if m.buttons)
    return thread, card


async def _command(world: HelpDeskWorld, who: User, thread: int, text: str) -> str:
    """What the bot said in the group after `who` sent `text` in the topic."""
    mark = world.tg.last_message_id(world.staff)
    await world.tg.send_text(who, text, chat=world.staff, thread_id=thread)
    await world.tg.wait_for(lambda: world.tg.pending_updates() == 0, what="quiet")
    await get_services(world.apps[-1]).outbox.settled()
    return _said(world, world.staff, mark)


async def test_members_and_administrators_are_both_staff_by_default(
    forum: HelpDeskWorld, team: dict[str, Any]
) -> None:
    async with forum.bot_running():
        thread, _ = await _opened(forum, team["maria"])
        for who in (team["member"], team["admin"]):
            assert "Rossi" in await _command(forum, who, thread, "/whois #1")


async def test_only_administrators_act_when_the_setting_says_so(
    forum: HelpDeskWorld, team: dict[str, Any]
) -> None:
    forum.settings = forum.settings.model_copy(update={"staff_admins_only": True})
    member, admin = team["member"], team["admin"]
    async with forum.bot_running():
        thread, card = await _opened(forum, team["maria"])
        before = await _state(forum)
        mark = forum.tg.last_message_id(forum.staff)
        for command in STAFF_COMMANDS:
            await forum.tg.send_text(member, command, chat=forum.staff, thread_id=thread)
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="quiet")
        said = _said(forum, forum.staff, mark)
        assert said == REFUSED_TEXT  # told once, not once per command; nothing else said
        for data in ("tk:1", "rs:1", "ro:1", "fs:1"):
            pressed = await forum.tg.press_button(member, card, data)
            assert pressed.text is not None and REFUSED in pressed.text, data
        assert await _state(forum) == before  # nothing changed, nothing revealed

        assert "Rossi" in await _command(forum, admin, thread, "/whois #1")
        await forum.tg.press_button(admin, card, "tk:1")
        request = await get_services(forum.apps[-1]).helpdesk.request(1)
        assert request is not None and request.assignee_id == admin.id
        # An anonymous administrator writes as the group: an administrator too.
        mark = forum.tg.last_message_id(forum.staff)
        await forum.tg.send_text(
            member, "/whois #1", chat=forum.staff, thread_id=thread, anonymous="Team"
        )
        await forum.staff_sees("Rossi", thread_id=thread, after=mark)

        # Promoted and demoted: Telegram's chat_member update takes effect at once.
        await forum.tg.set_admin(forum.staff, member)
        assert "Rossi" in await _command(forum, member, thread, "/whois #1")
        await forum.tg.set_admin(forum.staff, admin, admin=False)
        assert "Rossi" not in await _command(forum, admin, thread, "/whois #1")


async def test_managers_and_banned_customers_in_their_private_chats(
    forum: HelpDeskWorld, team: dict[str, Any]
) -> None:
    boss = forum.tg.add_user("Bea", "Boss", language_code="it")
    forum.settings = forum.settings.model_copy(update={"manager_ids": [boss.id]})
    troll = forum.tg.add_user("Tom", "Troll", language_code="it")
    async with forum.bot_running():
        thread, _ = await _opened(forum, team["maria"])
        await forum.customer_writes(troll, "ciao")
        await forum.topic_of(2)
        await _command(forum, forum.agent, thread, "/ban #2")
        for who in (boss, troll):
            await forum.tg.send_text(who, "/start")
            await forum.customer_sees(who, "Acme")
        before = await _state(forum)
        # The cells: a staff command from either reveals nothing and changes nothing; the
        # banned customer's manager commands likewise.
        cells = ((boss, STAFF_COMMANDS), (troll, (*STAFF_COMMANDS, *MANAGER_COMMANDS)))
        for who, commands in cells:
            mark = forum.tg.last_message_id(who)
            for command in commands:
                await forum.tg.send_text(who, command)
            await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="quiet")
            said = _said(forum, who, mark)
            assert not any(word in said for word in SECRETS), (who.first_name, said)
        # The banned customer hears that manager commands are for managers.
        assert said.count("responsabili") == len(MANAGER_COMMANDS)
        assert await _state(forum) == before
        # ...and a manager's own commands are theirs.
        await forum.tg.send_text(boss, "/subscribe")
        await forum.customer_sees(boss, "Ogni lunedì")
        assert await _state(forum) != before
