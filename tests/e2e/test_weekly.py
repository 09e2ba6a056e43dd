"""Managers get last week's summary in a private chat, exactly once per week."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli_reports import plain_text
from bot.fake_bot_api import Message, User
from bot.lifecycle import weekly_summaries
from tests.e2e.harness import HelpDeskWorld, settings_for

MONDAY_0830_ROME = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
MONDAY_0900_ROME = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
FRIDAY_BEFORE = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def with_managers(world: HelpDeskWorld, *managers: User) -> None:
    ids = ",".join(str(m.id) for m in managers)
    url = world.settings.database_url
    world.settings = settings_for(world.tg, world.staff, url, CAREBOT_MANAGER_IDS=ids)


async def surveyed_last_week(world: HelpDeskWorld) -> None:
    john = world.tg.add_user("John", language_code="en")
    await world.customer_writes(john, "Where is my parcel?")
    thread = await world.topic_of(1)
    await world.agent_writes_in_topic(thread, "/resolve")
    question = await world.customer_sees(john, "How likely")
    await world.tg.press_button(john, question, "nps:1:10")
    await world.customer_sees(john, "What did you like most?")


def summaries(world: HelpDeskWorld, manager: User) -> list[Message]:
    return [m for m in world.tg.bot_messages(manager) if "Riepilogo settimanale" in (m.text or "")]


async def test_each_manager_gets_the_week_once(forum: HelpDeskWorld) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    marco = forum.tg.add_user("Marco", "Manager", language_code="it")
    with_managers(forum, anna, marco)
    forum.clock.set(FRIDAY_BEFORE)
    async with forum.bot_running() as app:
        await surveyed_last_week(forum)
        forum.clock.set(MONDAY_0830_ROME)
        assert await weekly_summaries(app) == 0  # before 09:00 on Monday
        forum.clock.set(MONDAY_0900_ROME)
        assert await weekly_summaries(app) == 2
        assert await weekly_summaries(app) == 0
        summary = await forum.customer_sees(anna, "2026-W47 (16/11 – 22/11)")
        assert "<b>NPS +100</b>" in (summary.text or "")
        assert "Il commento migliore" not in (summary.text or "")  # John gave no reason yet
        chart = await forum.tg.wait_for_bot_message(anna, kind="photo")
        assert chart.content.get("caption") == "📈 Settimana 2026-W47: NPS e pilastri"
    forum.clock.advance(days=2)
    async with forum.bot_running() as app:  # a restart mid-week sends nothing again
        assert await weekly_summaries(app) == 0
    assert len(summaries(forum, anna)) == 1 and len(summaries(forum, marco)) == 1


async def test_a_manager_who_cannot_be_reached_is_retried_later(forum: HelpDeskWorld) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    with_managers(forum, anna)
    forum.tg.block_bot(anna)  # e.g. never pressed Start
    forum.clock.set(MONDAY_0900_ROME)
    async with forum.bot_running() as app:
        assert await weekly_summaries(app) == 0
        anna.blocked_bot = False
        forum.clock.advance(minutes=30)
        assert await weekly_summaries(app) == 1
        assert await weekly_summaries(app) == 0
    assert len(summaries(forum, anna)) == 1


async def test_the_preview_prints_what_managers_get(
    forum: HelpDeskWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    with_managers(forum, anna)
    forum.clock.set(FRIDAY_BEFORE)
    async with forum.bot_running() as app:
        await surveyed_last_week(forum)
        forum.clock.set(MONDAY_0900_ROME)
        assert await weekly_summaries(app) == 1
        (sent,) = summaries(forum, anna)
    monkeypatch.chdir(tmp_path)  # no .env around
    st = forum.settings
    for key, value in {
        "CAREBOT_BRAND_NAME": st.brand_name,
        "CAREBOT_STAFF_LANGUAGE": st.staff_language,
        "CAREBOT_TIMEZONE": st.timezone,
    }.items():
        monkeypatch.setenv(key, value)
    url = st.database_url
    # The command runs its own event loop, as from a terminal.
    assert (
        await asyncio.to_thread(main, ["summary", "--week", "2026-W47", "--database-url", url]) == 0
    )
    assert capsys.readouterr().out.rstrip("\n") == plain_text(sent.text or "")
    png = tmp_path / "week.png"
    week = ["summary", "--week", "2026-W47", "--chart", str(png), "--database-url", url]
    assert await asyncio.to_thread(main, week) == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert (
        await asyncio.to_thread(main, ["summary", "--week", "2026-W99", "--database-url", url]) == 2
    )
    assert "--week: '2026-W99' has no such week." in capsys.readouterr().err


async def test_managers_choose_and_others_are_refused(forum: HelpDeskWorld) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    mark = forum.tg.add_user("Mark", "Manager", language_code="en")
    john = forum.tg.add_user("John", language_code="en")
    with_managers(forum, anna, mark)
    forum.clock.set(FRIDAY_BEFORE)
    async with forum.bot_running() as app:
        await surveyed_last_week(forum)
        await forum.customer_writes(anna, "/unsubscribe")
        await forum.customer_sees(anna, "Niente più riepiloghi settimanali")
        await forum.customer_writes(mark, "/subscribe")
        await forum.customer_sees(mark, "Every Monday at 09:00 you'll get the week's summary")
        await forum.customer_writes(john, "/summary")
        await forum.customer_sees(john, "This command is for customer-care managers")
        await forum.customer_writes(mark, "/summary")  # the week so far, on demand
        now = await forum.customer_sees(mark, "weekly summary</b> · 2026-W47")
        assert "<b>NPS +100</b>" in (now.text or "")

        forum.clock.set(MONDAY_0900_ROME)
        assert await weekly_summaries(app) == 1  # Mark only
        sent = await forum.customer_sees(
            mark, "Acme weekly summary</b> · 2026-W47", after=now.message_id
        )
        assert "<b>NPS +100</b>" in (sent.text or "")  # in English: what Mark speaks
    assert summaries(forum, anna) == []


async def test_the_send_command_sends_each_manager_the_week_once(
    forum: HelpDeskWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    marco = forum.tg.add_user("Marco", "Manager", language_code="it")
    with_managers(forum, anna, marco)
    forum.clock.set(FRIDAY_BEFORE)
    async with forum.bot_running():
        await surveyed_last_week(forum)
    forum.tg.block_bot(marco)  # never pressed Start
    monkeypatch.chdir(tmp_path)  # no .env around
    st = forum.settings
    for key, value in {
        "CAREBOT_BOT_TOKEN": st.bot_token.get_secret_value(),
        "CAREBOT_STAFF_CHAT_ID": str(forum.staff.id),
        "CAREBOT_TELEGRAM_API_URL": st.telegram_api_url,
        "CAREBOT_MANAGER_IDS": f"{anna.id},{marco.id}",
        "CAREBOT_BRAND_NAME": st.brand_name,
    }.items():
        monkeypatch.setenv(key, value)
    send = ["summary", "--week", "2026-W47", "--send", "--database-url", st.database_url]
    assert await asyncio.to_thread(main, send) == 1  # Marco could not be reached
    out, err = capsys.readouterr()
    assert f"2026-W47: sent to 1 manager(s) {anna.id}" in out
    assert f"not sent to {marco.id}:" in err and "pressed Start" in err
    (sent,) = summaries(forum, anna)
    assert "<b>NPS +100</b>" in (sent.text or "")
    await forum.tg.wait_for_bot_message(anna, kind="photo")

    marco.blocked_bot = False
    assert await asyncio.to_thread(main, send) == 0
    out, _ = capsys.readouterr()
    assert f"sent to 1 manager(s) {marco.id}" in out
    assert f"already had it (not sent again): {anna.id}" in out
    assert len(summaries(forum, anna)) == 1 and len(summaries(forum, marco)) == 1
    forum.clock.set(MONDAY_0900_ROME)
    async with forum.bot_running() as app:  # the weekly job sends nobody the week again
        assert await weekly_summaries(app) == 0
    assert len(summaries(forum, anna)) == 1 and len(summaries(forum, marco)) == 1
