"""`carebot check`, and the same at `carebot run` start: is everything the bot needs in
place? Each line says what was checked, what was found and, when it is wrong, how to fix it
in one sentence. Most support bots fail their first users right here: a group the bot is
not an administrator of, topics without the right to manage them, a manager who never
pressed Start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from telegram import Bot, ChatMemberAdministrator, ChatMemberOwner
from telegram.error import InvalidToken, TelegramError

from bot.settings import Settings
from conversations.db import current_revision, head_revision
from conversations.store import Database

log = logging.getLogger(__name__)


class Level(StrEnum):
    """How a check came out."""

    OK = "ok"
    WARN = "warn"  # works, but not as well as it could
    FAIL = "fail"  # something customers or staff will miss


@dataclass(frozen=True, slots=True)
class Finding:
    """One checked thing: what was found, and how to fix it when it is not OK."""

    level: Level
    what: str
    found: str
    fix: str = ""

    def line(self) -> str:
        """The terminal line: mark, what, what was found, and the fix."""
        mark = {Level.OK: "✅", Level.WARN: "⚠️ ", Level.FAIL: "❌"}[self.level]
        return f"{mark} {self.what}: {self.found}" + (f" → {self.fix}" if self.fix else "")


async def check_setup(bot: Bot, settings: Settings, db: Database) -> list[Finding]:
    """Every check, in the order a new team would fix them (`bot` initialized or not)."""
    found = [await _database(db)]
    try:
        await bot.initialize()  # getMe, once
        me = bot.bot
    except InvalidToken:
        fix = "put the token @BotFather gave you in CAREBOT_BOT_TOKEN"
        return [*found, Finding(Level.FAIL, "Bot token", "Telegram rejected it", fix)]
    except TelegramError as exc:
        fix = "check CAREBOT_TELEGRAM_API_URL and the network"
        return [*found, Finding(Level.FAIL, "Telegram", f"not reachable ({exc})", fix)]
    found.append(Finding(Level.OK, "Bot token", f"valid, the bot is @{me.username}"))
    for group in settings.routing.groups:
        found += await _group(bot, me.id, group.chat_id, group.name)
    for manager in settings.manager_ids:
        found.append(await _manager(bot, me.username, manager))
    found.append(await _webhook(bot, settings))
    return found


async def _database(db: Database) -> Finding:
    try:
        at = await current_revision(db.engine)
    except Exception as exc:  # any driver's refusal: the line says which
        fix = "check CAREBOT_DATABASE_URL and that the server runs"
        return Finding(Level.FAIL, "Database", f"not reachable ({type(exc).__name__})", fix)
    head = head_revision()
    if at == head:
        return Finding(Level.OK, "Database", f"reachable, schema {at} (up to date)")
    fix = "run carebot migrate (carebot run also migrates at start)"
    return Finding(Level.WARN, "Database", f"schema {at or 'empty'}, the code needs {head}", fix)


async def _group(bot: Bot, bot_id: int, chat_id: int, name: str) -> list[Finding]:
    what = f"Staff group «{name}» ({chat_id})"
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot_id)
    except TelegramError as exc:
        fix = "add the bot to the group and check its id (a supergroup's starts with -100)"
        return [Finding(Level.FAIL, what, f"not reachable ({exc.message})", fix)]
    if not isinstance(member, ChatMemberAdministrator | ChatMemberOwner):
        fix = "make the bot an administrator of the group, so it can post and edit there"
        return [Finding(Level.FAIL, what, f"the bot is {member.status}, not an admin", fix)]
    if not chat.is_forum:
        fix = "turn on Topics in the group's settings for one topic per request"
        return [Finding(Level.WARN, what, "no topics: ticket cards and replies", fix)]
    if isinstance(member, ChatMemberAdministrator) and not member.can_manage_topics:
        fix = "give the bot the «Manage topics» right in the group's administrators"
        return [Finding(Level.FAIL, what, "topics on, but the bot may not create them", fix)]
    return [Finding(Level.OK, what, "the bot is an administrator, one topic per request")]


async def _manager(bot: Bot, username: str | None, manager_id: int) -> Finding:
    what = f"Manager {manager_id}"
    try:
        chat = await bot.get_chat(manager_id)
    except TelegramError:
        fix = f"they open @{username} in Telegram and press Start, or the summary cannot reach them"
        return Finding(Level.FAIL, what, "has not pressed Start on the bot", fix)
    return Finding(Level.OK, what, f"{chat.full_name or chat.id} can receive the weekly summary")


async def _webhook(bot: Bot, settings: Settings) -> Finding:
    try:
        info = await bot.get_webhook_info()
    except TelegramError as exc:
        return Finding(Level.WARN, "Webhook", f"could not be read ({exc.message})")
    wanted = settings.webhook_url
    if wanted and info.url != wanted:
        shown = info.url or "none"
        fix = "carebot run --webhook sets it at start"
        return Finding(Level.WARN, "Webhook", f"Telegram delivers to {shown}, not {wanted}", fix)
    if not wanted and info.url:
        fix = "carebot run (polling) deletes it at start; use --webhook to keep it"
        return Finding(Level.WARN, "Webhook", f"one is set at Telegram ({info.url})", fix)
    mode = f"webhook at {wanted}" if wanted else "long polling"
    return Finding(Level.OK, "Updates", mode)


def log_findings(findings: list[Finding]) -> None:
    """At `carebot run` start: what is not OK as warnings, the rest at INFO."""
    for finding in findings:
        level = logging.INFO if finding.level == Level.OK else logging.WARNING
        log.log(level, "setup check: %s", finding.line())
