"""The test side of the fake Bot API: build the world, act as its users, watch the bot."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.fake_bot_api.core import CallbackAnswer, FakeCore, _text_content
from bot.fake_bot_api.errors import ApiError, Fault, too_many
from bot.fake_bot_api.world import (
    ANONYMOUS_ADMIN_ID,
    MEDIA_KINDS,
    Chat,
    Message,
    Topic,
    User,
    admin_member,
)


class Driver(FakeCore):
    """What tests and the demo do to the fake Telegram, and what they observe."""

    # world building --------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        *,
        language_code: str | None = "it",
        username: str | None = None,
        is_bot: bool = False,
    ) -> User:
        """A person (or another bot) who can write to the bot (their private chat id is
        their user id)."""
        user = User(
            self.world.new_user_id(), first_name, last_name, username, language_code, is_bot=is_bot
        )
        self.world.users[user.id] = user
        self.world.private_chat(user)
        return user

    def add_group(self, title: str, *, forum: bool, members: list[User] | None = None) -> Chat:
        """A supergroup with the bot as administrator; forum=True enables topics."""
        chat = Chat(self.world.new_group_id(), "supergroup", title=title, is_forum=forum)
        chat.members.update(u.id for u in members or [])
        self.world.chats[chat.id] = chat
        self.world.topics[chat.id] = {}
        return chat

    async def set_admin(self, chat: Chat, user: User, admin: bool = True) -> None:
        """Promote a member to administrator (or demote one); Telegram tells the bot with a
        chat_member update."""
        old = "administrator" if user.id in chat.admins else "member"
        chat.members.add(user.id)
        (chat.admins.add if admin else chat.admins.discard)(user.id)
        member = {"status": "member", "user": user.to_api()}
        change = {
            "chat": chat.to_api(),
            "from": user.to_api(),
            "date": self.world.now(),
            "old_chat_member": admin_member(user) if old == "administrator" else member,
            "new_chat_member": admin_member(user) if admin else member,
        }
        await self.push_raw_update({"chat_member": change})

    def set_bot_rights(
        self, chat: Chat, status: str = "administrator", *, can_manage_topics: bool = True
    ) -> None:
        """What the bot is in a group: "administrator" (with or without the right to manage
        topics), a plain "member", or "left" (it was never added, or removed)."""
        chat.bot_status = status
        chat.bot_can_manage_topics = can_manage_topics

    def set_webhook_url(self, url: str) -> None:
        """A webhook someone set earlier (another deployment, a test from a laptop)."""
        self._webhook = (url, None)

    def block_bot(self, user: User) -> None:
        """The user blocks the bot: sends to them fail with 403."""
        user.blocked_bot = True

    def inject_fault(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat: Chat | User | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (into `chat`, if given) with an error
        (429 carries retry_after)."""
        if error_code == 429:
            error = too_many(retry_after or 1)
        else:
            error = ApiError(error_code, description or "Bad Request: injected", retry_after)
        self._faults.append(Fault(method.lower(), error, times, chat.id if chat else None))

    def inject_disconnect(self, method: str, *, times: int = 1) -> None:
        """Drop the connection of the next `times` calls of `method` without answering."""
        self._faults.append(Fault(method.lower(), None, times))

    async def push_raw_update(self, body: dict[str, Any]) -> int:
        """Queue an update exactly as given (next to its update_id), even one that PTB
        cannot parse; return its update_id."""
        update_id = self._next_update_id
        await self._push_update(body)
        return update_id

    def topics(self, chat: Chat) -> list[Topic]:
        """The group's topics, in creation order."""
        return list(self.world.topics.get(chat.id, {}).values())

    # acting as users -------------------------------------------------------------------

    async def send_text(
        self,
        user: User,
        text: str,
        *,
        chat: Chat | None = None,
        reply_to: Message | None = None,
        thread_id: int | None = None,
        anonymous: str | None = None,
    ) -> Message:
        """The user writes a text (in their private chat unless a group is given); with
        `anonymous`, an admin of the group writes as the group (signed with the title)."""
        content = _text_content(text)
        if anonymous is not None:
            content["author_signature"] = anonymous
        msg = await self._user_message(
            user, content, chat, reply_to, thread_id, as_group=anonymous is not None
        )
        return msg

    async def send_media(
        self,
        user: User,
        kind: str,
        data: bytes,
        *,
        caption: str | None = None,
        chat: Chat | None = None,
        reply_to: Message | None = None,
        thread_id: int | None = None,
        file_name: str = "file.bin",
    ) -> Message:
        """The user sends a photo, document, voice, audio, video, sticker or animation."""
        if kind not in MEDIA_KINDS:
            raise ValueError(f"not a media kind: {kind}")
        stored = self.world.add_file(data, file_name)
        content = self._media_content(kind, stored.file_id, stored.unique_id, len(data), file_name)
        if caption:
            content["caption"] = caption
        return await self._user_message(user, content, chat, reply_to, thread_id)

    async def send_location(self, user: User, *, chat: Chat | None = None) -> Message:
        """The user shares a location (a kind the helpdesk does not relay)."""
        return await self._user_message(
            user, {"location": {"latitude": 45.46, "longitude": 9.19}}, chat, None, None
        )

    async def edit_text(self, user: User, message: Message, new_text: str) -> Message:
        """The user edits their message (its text, or a media caption): the bot gets
        an `edited_message` update."""
        if message.sender.id != user.id:
            raise ValueError("users can edit only their own messages")
        key = "text" if "text" in message.content else "caption"
        message.content[key] = new_text
        message.content.pop("entities" if key == "text" else "caption_entities", None)
        message.edited = self.world.now()
        message.edit_seq = self.world.next_seq()
        await self._push_update({"edited_message": message.to_api()})
        return message

    def prepare_text(self, user: User, text: str) -> dict[str, Any]:
        """The user writes a text, but the update is handed to the test instead of the bot
        (to deliver by hand, e.g. as a forged webhook call)."""
        return self.prepare_message(user, text)

    def prepare_message(
        self, user: User, text: str, *, chat: Chat | None = None, thread_id: int | None = None
    ) -> dict[str, Any]:
        """Like prepare_text, in any chat (and forum topic); commands get their entity."""
        msg = self._new_message(user, _text_content(text), chat, None, thread_id)
        update = {"update_id": self._next_update_id, "message": msg.to_api()}
        self._next_update_id += 1
        return update

    def prepare_press(
        self, user: User, message: Message, data: str
    ) -> tuple[dict[str, Any], asyncio.Future[CallbackAnswer]]:
        """The user presses a button, but the update is handed to the test; the future
        gets the bot's answerCallbackQuery."""
        self._callback_ids += 1
        query_id = f"cq{self._callback_ids}"
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        self._callback_answers[query_id] = future
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(message.chat.id),
            "data": data,
        }
        update = {"update_id": self._next_update_id, "callback_query": query}
        self._next_update_id += 1
        return update, future

    async def press_button(
        self, user: User, message: Message, data: str, timeout: float = 5.0
    ) -> CallbackAnswer:
        """The user presses an inline button; wait for the bot's answerCallbackQuery."""
        self._callback_ids += 1
        query_id = f"cq{self._callback_ids}"
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        self._callback_answers[query_id] = future
        await self._push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.to_api(),
                    "message": message.to_api(),
                    "chat_instance": str(message.chat.id),
                    "data": data,
                }
            }
        )
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._callback_answers.pop(query_id, None)

    async def _user_message(
        self,
        user: User,
        content: dict[str, Any],
        chat: Chat | None,
        reply_to: Message | None,
        thread_id: int | None,
        *,
        as_group: bool = False,
    ) -> Message:
        msg = self._new_message(user, content, chat, reply_to, thread_id, as_group=as_group)
        await self._push_update({"message": msg.to_api()})
        return msg

    def _new_message(
        self,
        user: User,
        content: dict[str, Any],
        chat: Chat | None,
        reply_to: Message | None,
        thread_id: int | None,
        *,
        as_group: bool = False,
    ) -> Message:
        """A message the user writes, added to the world (not yet delivered to the bot)."""
        chat = chat or self.world.private_chat(user)
        sender_chat = None
        if as_group:  # Telegram hides the admin behind its anonymous stand-in
            user = User(ANONYMOUS_ADMIN_ID, "Group", username="GroupAnonymousBot", is_bot=True)
            sender_chat = chat
        if reply_to is not None and reply_to.thread_id is not None:
            thread_id = reply_to.thread_id
        if chat.is_forum and thread_id is not None and reply_to is None:
            reply_to = self.world.message(chat.id, thread_id)  # topic messages reply to its root
        msg = Message(
            chat,
            self.world.next_message_id(chat.id),
            user,
            self.world.now(),
            content,
            thread_id=thread_id if chat.is_forum else None,
            reply_to=reply_to,
            sender_chat=sender_chat,
        )
        self.world.add_message(msg)
        return msg

    # observing -------------------------------------------------------------------------

    def bot_messages(self, chat: Chat | User, thread_id: int | None = None) -> list[Message]:
        """Messages the bot sent to a chat (a user means their private chat), oldest first."""
        chat_id = chat.id
        return [
            m
            for m in self.world.messages.get(chat_id, [])
            if m.by_bot and not m.deleted and (thread_id is None or m.thread_id == thread_id)
        ]

    async def wait_for_bot_message(
        self,
        chat: Chat | User,
        *,
        contains: str | None = None,
        thread_id: int | None = None,
        kind: str | None = None,
        after: int = 0,
        timeout: float = 5.0,
    ) -> Message:
        """Wait for a bot message in a chat (optionally containing text) with id > after."""

        def find() -> Message | None:
            for m in self.bot_messages(chat, thread_id):
                if m.message_id <= after:
                    continue
                if contains is not None and contains not in (m.text or ""):
                    continue
                if kind is not None and m.kind != kind:
                    continue
                return m
            return None

        what = f"a bot message in {chat.id}" + (f" containing {contains!r}" if contains else "")
        found: Message = await self.wait_for(find, timeout, what)
        return found

    def last_message_id(self, chat: Chat | User) -> int:
        """The newest message id in a chat (0 if none): use as `after=`."""
        msgs = self.world.messages.get(chat.id, [])
        return msgs[-1].message_id if msgs else 0

    def redeliver_all(self) -> None:
        """Forget every acknowledgement, as for a bot that crashed before confirming."""
        self._updates = list(self._history)
        self._acked = 0

    def call_count(self, method: str) -> int:
        """How many times the bot called a method."""
        return sum(1 for name, _ in self.calls if name == method.lower())
