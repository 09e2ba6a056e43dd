"""Reduce a Telegram Message to the domain's Incoming value."""

from __future__ import annotations

from telegram import Message, User

from conversations.models import Incoming, Sender

# Order matters: an animation message also carries a document.
_KINDS = (
    "animation",
    "photo",
    "video_note",
    "video",
    "voice",
    "audio",
    "document",
    "sticker",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
    "paid_media",
    "checklist",
)


def message_kind(message: Message) -> str:
    """Name what the message carries: text, photo, document, …, or 'other'."""
    for kind in _KINDS:
        if getattr(message, kind, None):
            return kind
    if message.text is not None:
        return "text"
    return "other"


def sender(user: User) -> Sender:
    """The domain view of a Telegram user."""
    return Sender(
        user_id=user.id,
        first_name=user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
    )


def author(message: Message) -> Sender | None:
    """Who wrote a message: its user, or for an admin posting anonymously (or as a channel)
    the chat they post as, named by their signature or its title. None for other bots."""
    chat = message.sender_chat
    if chat is not None:
        name = message.author_signature or chat.title or chat.username or "Team"
        return Sender(user_id=chat.id, first_name=name, username=chat.username)
    user = message.from_user
    if user is None or user.is_bot:
        return None
    return sender(user)


def incoming(message: Message) -> Incoming:
    """The domain view of a Telegram message."""
    who = author(message)
    if who is None:
        assert message.from_user is not None
        who = sender(message.from_user)
    reply = message.reply_to_message
    # In forums every message in a topic "replies" to the topic's creation message; only a
    # reply to a real message counts as a reply.
    reply_id = None
    if reply is not None and not reply.forum_topic_created:
        reply_id = reply.message_id
    return Incoming(
        chat_id=message.chat_id,
        message_id=message.message_id,
        sender=who,
        kind=message_kind(message),
        text=message.text if message.text is not None else message.caption,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_to_message_id=reply_id,
    )
