"""CAREBOT_STAFF_ADMINS_ONLY: only the staff groups' administrators may use staff commands
and buttons (answers in a topic still reach the customer: any member may help).

The administrators are looked up with getChatAdministrators and kept for ten minutes; a
chat_member update about a staff group (someone promoted, demoted, gone) drops its list at
once. A lookup Telegram refuses keeps the last list; with none, the command is refused
(closed, not open, when in doubt). Anonymous administrators post as the group itself and
count as administrators.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.answers import answer
from bot.context import CareApp, CareContext
from bot.i18n import t

log = logging.getLogger(__name__)

KEEP_SECONDS = 600.0  # how long a group's list of administrators is trusted
TOLD_SECONDS = 3600.0  # a refused member is told once an hour (the group's budget)


class StaffAdmins:
    """The staff groups' administrators, cached per group."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._lists: dict[int, tuple[float, frozenset[int]]] = {}  # chat → (when, ids)
        self._told: dict[tuple[int, int], float] = {}  # (chat, user) → when refused aloud

    def forget(self, chat_id: int) -> None:
        """The group's membership changed: look its administrators up again."""
        self._lists.pop(chat_id, None)

    async def is_admin(self, chat_id: int, user_id: int) -> bool:
        """The user administers the group (as Telegram said at most KEEP_SECONDS ago)."""
        now = time.monotonic()
        kept = self._lists.get(chat_id)
        if kept is None or now - kept[0] > KEEP_SECONDS:
            try:
                members = await self.bot.get_chat_administrators(chat_id)
            except TelegramError as exc:
                log.warning("could not list the administrators of %s: %s", chat_id, exc)
                return kept is not None and user_id in kept[1]
            kept = (now, frozenset(m.user.id for m in members))
            self._lists[chat_id] = kept
        return user_id in kept[1]

    def tell(self, chat_id: int, user_id: int) -> bool:
        """Whether to say why a command was refused (once an hour per member)."""
        now = time.monotonic()
        if now - self._told.get((chat_id, user_id), -TOLD_SECONDS) < TOLD_SECONDS:
            return False
        self._told[(chat_id, user_id)] = now
        return True


def _ours(text: str, username: str) -> bool:
    """A command for this bot: "/open", or "/open@ThisBot" (not "/open@OtherBot")."""
    head = text.split(maxsplit=1)[0]
    return "@" not in head or head.split("@", 1)[1].lower() == username.lower()


def gate(admins: StaffAdmins, groups: Collection[int]) -> TypeHandler[Update, CareContext, None]:
    """The handler, before every other, that stops what non-administrators may not do."""

    async def check(update: Update, context: CareContext) -> None:
        chat = update.effective_chat
        if chat is None or chat.id not in groups:
            return
        if update.chat_member is not None:
            admins.forget(chat.id)
            return
        lang = context.services.settings.staff_language
        query = update.callback_query
        if query is not None:
            if not await admins.is_admin(chat.id, query.from_user.id):
                await answer(query, t(lang, "staff.admins_only"), alert=True)
                raise ApplicationHandlerStop
            return
        message = update.message  # an edited command runs nothing anyway
        if message is None or not (message.text or "").startswith("/"):
            return
        if message.sender_chat is not None and message.sender_chat.id == chat.id:
            return  # an anonymous administrator
        user = message.from_user
        if user is None or not _ours(message.text or "", context.bot.username):
            return
        if await admins.is_admin(chat.id, user.id):
            return
        if admins.tell(chat.id, user.id):
            await message.reply_text(t(lang, "staff.admins_only"))
        raise ApplicationHandlerStop

    return TypeHandler(Update, check)


def register(app: CareApp, admins: StaffAdmins, groups: Collection[int]) -> None:
    """Put the gate before every handler (the forged-button guard is group -1)."""
    app.add_handler(gate(admins, groups), group=-2)
