"""The fake Telegram's world: users, chats, topics, messages and files, as plain data."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

MEDIA_KINDS = ("photo", "document", "voice", "audio", "video", "video_note", "sticker", "animation")


# Telegram's stand-in sender of messages that group admins post anonymously.
ANONYMOUS_ADMIN_ID = 1087968824


# What an administrator may do (ChatMemberAdministrator), besides managing topics.
_ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
    "can_pin_messages",
)


@dataclass
class User:
    """A Telegram account (a person, or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked_bot: bool = False
    started: bool = True  # pressed Start on the bot: getChat knows their private chat

    def to_api(self) -> dict[str, Any]:
        """The Bot API User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class Chat:
    """A private chat with the bot, or a supergroup (with or without forum topics)."""

    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    user: User | None = None  # the other side of a private chat
    members: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)  # members who administer the group
    # The bot's own place in a group: "administrator", "member" or "left" (not in it).
    bot_status: str = "administrator"
    bot_can_manage_topics: bool = True

    def to_api(self) -> dict[str, Any]:
        """The Bot API Chat object."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data.update(first_name=self.user.first_name)
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
        else:
            data["title"] = self.title
            if self.is_forum:
                data["is_forum"] = True
        return data

    def bot_member(self, bot: User) -> dict[str, Any]:
        """The bot's ChatMember in this group, as getChatMember returns it."""
        if self.bot_status != "administrator":
            return {"status": self.bot_status, "user": bot.to_api()}
        return admin_member(bot, can_manage_topics=self.bot_can_manage_topics)

    def member(self, user: User) -> dict[str, Any]:
        """Someone's ChatMember in this group: an administrator with every right, or a
        member."""
        if user.id in self.admins:
            return admin_member(user)
        return {"status": "member", "user": user.to_api()}


def admin_member(user: User, *, can_manage_topics: bool = True) -> dict[str, Any]:
    """A ChatMemberAdministrator with every right (but topics, if not given)."""
    rights = dict.fromkeys(_ADMIN_RIGHTS, True) | {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_topics": can_manage_topics,
    }
    return {"status": "administrator", "user": user.to_api(), **rights}


@dataclass
class Topic:
    """A forum topic; its thread id is the id of the service message that created it."""

    thread_id: int
    name: str
    icon_color: int = 7322096
    closed: bool = False
    deleted: bool = False


@dataclass
class Message:
    """A message in a chat, sent by a user or by the bot, with its edits applied."""

    chat: Chat
    message_id: int
    sender: User
    date: int
    content: dict[str, Any]  # text/caption/entities/media fields as the Bot API names them
    thread_id: int | None = None
    reply_to: Message | None = None
    reply_markup: dict[str, Any] | None = None
    service: dict[str, Any] | None = None  # e.g. {"forum_topic_created": {...}}
    edited: int = 0
    deleted: bool = False
    seq: int = 0  # order of arrival across all chats (set by World.add_message)
    edit_seq: int = 0  # the same order, for the latest edit
    sender_chat: Chat | None = None  # an anonymous admin writes as the group itself
    reactions: list[str] = field(default_factory=list)  # the bot's emoji reactions
    at: float = field(default_factory=time.monotonic)  # when it appeared (benchmarks' clock)

    @property
    def by_bot(self) -> bool:
        """Whether the bot sent it."""
        return self.sender.is_bot and self.sender_chat is None

    @property
    def text(self) -> str | None:
        """Text, or caption for media."""
        value = self.content.get("text", self.content.get("caption"))
        return str(value) if value is not None else None

    @property
    def kind(self) -> str:
        """text, photo, document, … or the service kind."""
        for kind in (*MEDIA_KINDS, "location", "contact", "poll"):
            if kind in self.content:
                return kind
        if self.service:
            return next(iter(self.service))
        return "text"

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (text, callback_data)."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [[(b["text"], b.get("callback_data")) for b in row] for row in rows]

    @property
    def button_texts(self) -> list[str]:
        """All button labels, flattened."""
        return [text for row in self.buttons for text, _ in row]

    def file_id(self) -> str | None:
        """The file id of its media (largest photo size)."""
        kind = self.kind
        if kind == "photo":
            return str(self.content["photo"][-1]["file_id"])
        if kind in MEDIA_KINDS:
            return str(self.content[kind]["file_id"])
        return None

    def to_api(self, depth: int = 0) -> dict[str, Any]:
        """The Bot API Message object (replies nested one level, as Telegram does)."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat.to_api(),
            "from": self.sender.to_api(),
            **self.content,
        }
        if self.sender_chat is not None:
            data["sender_chat"] = self.sender_chat.to_api()
        if self.edited:
            data["edit_date"] = self.edited
        if self.thread_id is not None:
            data["message_thread_id"] = self.thread_id
            data["is_topic_message"] = True
        if self.service:
            data.update(self.service)
        if self.reply_to is not None and depth == 0:
            data["reply_to_message"] = self.reply_to.to_api(depth + 1)
        if self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class StoredFile:
    """An uploaded or user-sent file."""

    file_id: str
    unique_id: str
    data: bytes
    name: str | None = None
    mime_type: str | None = None

    @property
    def path(self) -> str:
        """Download path below /file/bot<token>/."""
        return f"files/{self.unique_id}"


class World:
    """Everything the fake Telegram knows, with id counters."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[Message]] = {}
        self.topics: dict[int, dict[int, Topic]] = {}
        self.files: dict[str, StoredFile] = {}
        self._user_ids = itertools.count(100001)
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._seq = itertools.count(1)

    def now(self) -> int:
        """Telegram dates are Unix seconds."""
        return int(time.time())

    def new_user_id(self) -> int:
        """A fresh user id."""
        return next(self._user_ids)

    def new_group_id(self) -> int:
        """A fresh supergroup id (-100…)."""
        return -1001000000000 - next(self._group_ids)

    def next_message_id(self, chat_id: int) -> int:
        """Message ids grow per chat."""
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def add_file(self, data: bytes, name: str | None = None, mime: str | None = None) -> StoredFile:
        """Store file bytes and give them ids."""
        n = next(self._file_ids)
        stored = StoredFile(f"FILE{n:06d}-{len(data)}", f"U{n:06d}", data, name, mime)
        self.files[stored.file_id] = stored
        return stored

    def message(self, chat_id: int, message_id: int) -> Message | None:
        """Find a message that still exists."""
        for msg in self.messages.get(chat_id, []):
            if msg.message_id == message_id and not msg.deleted:
                return msg
        return None

    def next_seq(self) -> int:
        """A number that orders messages and edits across all chats."""
        return next(self._seq)

    def add_message(self, msg: Message) -> Message:
        """Append a message to its chat."""
        msg.seq = self.next_seq()
        self.messages.setdefault(msg.chat.id, []).append(msg)
        return msg

    def private_chat(self, user: User) -> Chat:
        """The user's private chat with the bot (its id is the user's id)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private", user=user)
            self.chats[user.id] = chat
        return chat
