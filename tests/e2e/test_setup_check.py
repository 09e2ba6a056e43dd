"""`carebot check` against the fake Telegram: each thing a new team gets wrong is named with
its fix, and `carebot run` logs the same at start."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.cli import main
from conversations.db import create_engine, migrate
from tests.e2e.harness import HelpDeskWorld


def _env(world: HelpDeskWorld, monkeypatch: pytest.MonkeyPatch, tmp: Path, **extra: str) -> None:
    monkeypatch.chdir(tmp)  # no .env around
    st = world.settings
    env = {
        "CAREBOT_BOT_TOKEN": st.bot_token.get_secret_value(),
        "CAREBOT_STAFF_CHAT_ID": str(world.staff.id),
        "CAREBOT_TELEGRAM_API_URL": st.telegram_api_url,
        "CAREBOT_DATABASE_URL": st.database_url,
        **extra,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)


async def _check(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = await asyncio.to_thread(main, ["check"])
    return code, capsys.readouterr().out.splitlines()


async def test_a_good_setup_is_all_ticks(
    forum: HelpDeskWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    anna = forum.tg.add_user("Anna", "Manager")
    _env(forum, monkeypatch, tmp_path, CAREBOT_MANAGER_IDS=str(anna.id))
    code, lines = await _check(capsys)
    assert code == 0  # the database is not migrated yet: a warning, carebot run migrates
    assert lines[0].startswith("⚠️  Database: schema empty, the code needs ")
    assert "→ run carebot migrate" in lines[0]
    engine = create_engine(forum.settings.database_url)
    await migrate(engine)
    await engine.dispose()
    code, lines = await _check(capsys)
    assert code == 0
    assert all(line.startswith("✅") for line in lines), lines
    assert "✅ Bot token: valid, the bot is @" in lines[1]
    assert lines[2] == (
        f"✅ Staff group «Staff» ({forum.staff.id}): the bot is an administrator, "
        "one topic per request"
    )
    assert lines[3] == f"✅ Manager {anna.id}: Anna Manager can receive the weekly summary"
    assert lines[4] == "✅ Updates: long polling"


async def test_each_mistake_is_named_with_its_fix(
    forum: HelpDeskWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    billing = forum.tg.add_group("Billing", forum=True)
    plain = forum.tg.add_group("Plain", forum=False)
    gone = forum.tg.add_group("Gone", forum=True)
    forum.tg.set_bot_rights(forum.staff, can_manage_topics=False)
    forum.tg.set_bot_rights(billing, "member")
    forum.tg.set_bot_rights(gone, "left")
    marco = forum.tg.add_user("Marco", "Manager")
    marco.started = False
    groups = f"{billing.id}:Billing:billing;{plain.id}:Plain:billing;{gone.id}:Gone:billing"
    _env(
        forum,
        monkeypatch,
        tmp_path,
        CAREBOT_MANAGER_IDS=str(marco.id),
        CAREBOT_STAFF_GROUPS=groups,
        CAREBOT_CATEGORIES="billing=Pagamenti|Billing",
    )
    code, lines = await _check(capsys)
    assert code == 1
    text = "\n".join(lines)
    assert "❌ Staff group «Staff»" in text
    assert "topics on, but the bot may not create them → give the bot the «Manage topics»" in text
    assert "❌ Staff group «Billing»" in text and "the bot is member, not an admin" in text
    assert "⚠️  Staff group «Plain»" in text and "no topics: ticket cards and replies" in text
    assert "❌ Staff group «Gone»" in text and "add the bot to the group" in text
    assert f"❌ Manager {marco.id}: has not pressed Start on the bot → they open @" in text

    forum.tg.set_webhook_url("https://example.org/hook")
    code, lines = await _check(capsys)
    assert "⚠️  Webhook: one is set at Telegram (https://example.org/hook)" in "\n".join(lines)


async def test_a_wrong_token_stops_the_telegram_checks(
    forum: HelpDeskWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _env(forum, monkeypatch, tmp_path)
    monkeypatch.setenv("CAREBOT_BOT_TOKEN", "123456:WRONG-but-well-formed-token")
    code, lines = await _check(capsys)
    assert code == 1
    assert lines[-1] == (
        "❌ Bot token: Telegram rejected it → put the token @BotFather gave you in "
        "CAREBOT_BOT_TOKEN"
    )
    assert "WRONG" not in "\n".join(lines)


async def test_the_bot_warns_at_start(
    forum: HelpDeskWorld, caplog: pytest.LogCaptureFixture
) -> None:
    forum.tg.set_bot_rights(forum.staff, can_manage_topics=False)
    with caplog.at_level(logging.INFO, logger="bot.setup_check"):
        async with forum.bot_running():
            pass
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("«Manage topics»" in message for message in warned), warned
