"""A fake Telegram Bot API server for tests and the offline demo (127.0.0.1 only)."""

from bot.fake_bot_api.server import CallbackAnswer, FakeTelegram
from bot.fake_bot_api.world import Chat, Message, Topic, User

__all__ = ["CallbackAnswer", "Chat", "FakeTelegram", "Message", "Topic", "User"]
