"""Webhook mode: Telegram POSTs each update with the secret; the bot answers once it is done."""

from __future__ import annotations

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from bot.app import build_application
from bot.services import get_services
from bot.webhook import SECRET_HEADER, webhook_running
from conversations import schema
from tests.e2e.harness import WEBHOOK_SECRET, HelpDeskWorld


async def stored_messages(world: HelpDeskWorld) -> int:
    async with get_services(world.apps[-1]).db.transaction() as repo:
        count = await repo.conn.execute(select(func.count()).select_from(schema.messages))
        return int(count.scalar_one())


async def test_updates_come_by_webhook_and_answers_flow_back(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_on_webhook() as (_, hook):
        (_, registered), *_ = [c for c in forum.tg.calls if c[0] == "setwebhook"]
        assert registered["url"] == hook.url and hook.url.startswith("http://127.0.0.1:")
        assert registered["secret_token"] == WEBHOOK_SECRET

        await forum.customer_writes(maria, "Il pacco è arrivato rotto")
        thread = await forum.topic_of(1)
        await forum.staff_sees("arrivato rotto", thread_id=thread)
        await forum.customer_sees(maria, "richiesta <b>#1</b>")
        await forum.agent_writes_in_topic(thread, "Lo sostituiamo subito")
        answer = await forum.customer_sees(maria, "Lo sostituiamo subito")
        assert answer.buttons == [[("✅ Risolto", "sv:1")]]
        assert forum.tg.call_count("getupdates") == 0


async def test_calls_without_the_secret_are_refused_and_relay_nothing(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_on_webhook() as (_, hook), ClientSession() as http:
        forged = forum.tg.prepare_text(maria, "forged: refund me")
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: WEBHOOK_SECRET + "x"}):
            async with http.post(hook.url, json=forged, headers=headers) as response:
                assert response.status == 403
        assert hook.refused == 3

        await forum.customer_writes(maria, "vero messaggio")
        thread = await forum.topic_of(1)
        await forum.staff_sees("vero messaggio", thread_id=thread)
        assert not any("forged" in (m.text or "") for m in forum.tg.bot_messages(forum.staff))
        assert len(forum.tg.topics(forum.staff)) == 1
        assert await stored_messages(forum) == 1


async def test_the_answer_to_telegram_comes_after_processing(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_on_webhook() as (_, hook), ClientSession() as http:
        update = forum.tg.prepare_text(maria, "consegnato a mano")
        secret = {SECRET_HEADER: WEBHOOK_SECRET}
        async with http.post(hook.url, json=update, headers=secret) as response:
            assert response.status == 200
        # By the time Telegram got its 200 the message was stored: its copy to the staff
        # group is queued (the staff group's budget must not hold Telegram's request).
        assert await stored_messages(forum) == 1
        await forum.staff_sees("consegnato a mano")
        # Telegram delivers the same update again (it never saw our answer): no second copy.
        async with http.post(hook.url, json=update, headers=secret) as response:
            assert response.status == 200
        await get_services(forum.apps[-1]).outbox.settled()
        copies = [line for line in forum.staff_lines() if line == "consegnato a mano"]
        assert len(copies) == 1 and await stored_messages(forum) == 1


async def test_back_to_polling_after_webhook_mode(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_on_webhook():
        await forum.customer_writes(maria, "via webhook")
        await forum.staff_sees("via webhook")
    async with forum.bot_running():  # polling deletes the webhook instead of hitting 409
        await forum.customer_writes(maria, "via polling")
        await forum.staff_sees("via polling")


async def test_the_secret_is_mandatory(forum: HelpDeskWorld) -> None:
    app = build_application(forum.settings, clock=forum.clock, job_intervals=False)
    for secret in ("", "spaces are not allowed"):
        with pytest.raises(ValueError, match="secret"):
            async with webhook_running(app, secret=secret, port=0):
                pass
    assert forum.tg.call_count("setwebhook") == 0


async def test_an_update_ptb_cannot_parse_is_kept_and_acknowledged(forum: HelpDeskWorld) -> None:
    async with forum.bot_on_webhook() as (_, hook), ClientSession() as http:
        bad = {"update_id": 991, "poll": {"id": "p1", "question": "?"}}
        headers = {SECRET_HEADER: WEBHOOK_SECRET}
        for _ in range(2):  # Telegram would send it forever on anything but 200
            async with http.post(hook.url, json=bad, headers=headers) as response:
                assert response.status == 200
        async with get_services(forum.apps[-1]).db.engine.connect() as conn:
            kept = (await conn.execute(select(schema.unprocessed_updates.c.update_id))).all()
    assert kept == [(991,)]
