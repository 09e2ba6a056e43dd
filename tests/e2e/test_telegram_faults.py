"""Whatever Telegram answers to getUpdates, the bot keeps listening or stops saying why.

After each fault the next customer message reaches the staff group within a few seconds,
or polling ends with a one-line reason (and `carebot run` exits non-zero with it,
tests/e2e/test_subprocess.py). It never stays alive and deaf.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.polling import PollingFailed
from bot.services import get_services
from conversations import schema
from tests.e2e.harness import HelpDeskWorld

FAULTS = [
    pytest.param(
        dict(error_code=409, description="Conflict: terminated by other getUpdates"), id="409"
    ),
    pytest.param(dict(error_code=400, description="Bad Request: wrong offset"), id="400"),
    pytest.param(dict(error_code=500, description="Internal Server Error"), id="500"),
    pytest.param(dict(error_code=502, description="Bad Gateway"), id="502"),
    pytest.param(dict(error_code=429, retry_after=1), id="429"),
]


async def _relays(world: HelpDeskWorld, text: str, timeout: float = 6.0) -> None:
    user = world.tg.add_user(f"U{len(world.tg.world.users)}", language_code="en")
    await world.customer_writes(user, text)
    await world.tg.wait_for_bot_message(world.staff, contains=text, timeout=timeout)


@pytest.mark.parametrize("fault", FAULTS)
async def test_one_fault_costs_a_moment(plain: HelpDeskWorld, fault: dict[str, object]) -> None:
    async with plain.bot_running():
        await _relays(plain, "before the fault")
        calls = plain.tg.call_count("getUpdates")
        plain.tg.inject_fault("getUpdates", **fault)  # type: ignore[arg-type]
        await plain.tg.wait_for(lambda: plain.tg.call_count("getUpdates") > calls + 1)
        await _relays(plain, "after the fault")
        assert plain.polling is not None and not plain.polling.done()


async def test_a_dropped_connection_costs_a_moment(plain: HelpDeskWorld) -> None:
    async with plain.bot_running():
        await _relays(plain, "before")
        plain.tg.inject_disconnect("getUpdates", times=2)
        await _relays(plain, "after the network came back")


async def test_telegram_down_for_a_while_is_waited_out(plain: HelpDeskWorld) -> None:
    async with plain.bot_running(polling={"backoff": (0.05,), "give_up_after": 3}):
        plain.tg.inject_fault("getUpdates", 502, "Bad Gateway", times=30)  # 5xx never gives up
        await _relays(plain, "after a long outage", timeout=10)


@pytest.mark.parametrize(
    ("code", "description", "reason"),
    [
        (409, "Conflict: terminated by other getUpdates request", "409 Conflict"),
        (400, "Bad Request: something odd", "Telegram refuses getUpdates"),
        (401, "Unauthorized", "Telegram rejected the bot token"),
    ],
)
async def test_what_does_not_heal_stops_polling_with_its_reason(
    plain: HelpDeskWorld, code: int, description: str, reason: str
) -> None:
    with pytest.raises(PollingFailed) as failed:
        async with plain.bot_running(polling={"backoff": (0.05,), "give_up_after": 3}):
            plain.tg.inject_fault("getUpdates", code, description, times=100)
            assert plain.polling is not None
            await asyncio.wait_for(asyncio.shield(plain.polling), 10)
    assert reason in str(failed.value) and "\n" not in str(failed.value)


async def test_an_update_ptb_cannot_parse_is_kept_once_and_skipped(plain: HelpDeskWorld) -> None:
    # A poll update without the fields PTB needs: PTB's get_updates fails on the whole batch.
    bad_id = await plain.tg.push_raw_update({"poll": {"id": "p1", "question": "?"}})
    async with plain.bot_running():
        await _relays(plain, "after the bad update")
    plain.tg.redeliver_all()  # even delivered again after a crash, it is kept only once
    async with plain.bot_running() as app:
        await _relays(plain, "after a restart")
        async with get_services(app).db.engine.connect() as conn:
            rows = (await conn.execute(select(schema.unprocessed_updates))).all()
    assert [(r.update_id, r.reason.split(":")[0]) for r in rows] == [(bad_id, "unparsable")]
    assert '"question": "?"' in rows[0].raw
    assert plain.tg.pending_updates() == 0


async def test_a_refused_button_answer_does_not_stop_the_resolve(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(john, "help")
        thread = await forum.topic_of(1)
        card = await forum.staff_sees("Richiesta #1", thread_id=thread)
        # A press handled late: Telegram no longer takes its answer.
        forum.tg.inject_fault(
            "answerCallbackQuery",
            400,
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
        with pytest.raises(TimeoutError):
            await forum.tg.press_button(forum.agent, card, "rs:1", timeout=1)
        await forum.customer_sees(john, "has been marked as resolved")
        await forum.staff_sees("risolta da", thread_id=thread)


async def test_a_bug_is_logged_and_staff_hear_of_it_once_an_hour(
    forum: HelpDeskWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async with forum.bot_running() as app:
        s = get_services(app)

        async def broken(*_: object, **__: object) -> None:
            raise ZeroDivisionError("a bug")  # the kind of failure a handler should not have

        monkeypatch.setattr(s.helpdesk, "find_customer", broken)

        def notices() -> list[str]:
            return [m.text or "" for m in forum.general_messages() if "carebot:" in (m.text or "")]

        for _ in range(3):
            await forum.tg.send_text(forum.agent, "/whois @nobody", chat=forum.staff)
        await forum.tg.wait_for(lambda: len(notices()) == 1, what="one notice")
        await forum.tg.wait_for(lambda: forum.tg.pending_updates() == 0, what="quiet")
        assert "ZeroDivisionError" in notices()[0]
        assert "a bug" not in notices()[0]  # the kind, not the text (it may hold customer data)
        logged = [r for r in caplog.records if r.levelname == "ERROR" and r.exc_info]
        assert len(logged) == 3  # every failure is logged; staff are told once
        forum.clock.advance(minutes=61)
        await forum.tg.send_text(forum.agent, "/whois @nobody", chat=forum.staff)
        await forum.tg.wait_for(lambda: len(notices()) == 2, what="a second notice an hour on")
