"""The fake Bot API's state, shared by its driver (the test side) and its methods (the
bot's side): the world, queued updates and their confirmation, faults, flood windows."""

from __future__ import annotations

import asyncio
import contextlib
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

from bot.fake_bot_api.errors import Fault
from bot.fake_bot_api.world import Chat, User, World
from bot.flood import GROUP_LIMIT, OVERALL_LIMIT, SENDS

JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reaction",
}
SEND_METHODS = SENDS  # what Telegram counts against its flood limits (bot.flood)
MEDIA_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvoice": "voice",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendvideonote": "video_note",
    "sendsticker": "sticker",
    "sendanimation": "animation",
}
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "code",
    "pre",
    "a",
    "blockquote",
    "tg-spoiler",
    "span",
    "tg-emoji",
}


@dataclass
class CallbackAnswer:
    """What the bot answered to a button press."""

    text: str | None
    show_alert: bool


def _seconds_left(period: float, elapsed: float) -> int:
    """Whole seconds until a flood window frees a slot (Telegram's retry_after is an int)."""
    return max(1, math.ceil(period - elapsed))


def _html_ok(text: str) -> str | None:
    """None when Telegram would accept the HTML, else its complaint."""
    stack: list[str] = []
    for closing, tag in _TAG.findall(text):
        tag = tag.lower()
        if tag not in _HTML_TAGS:
            return f'can\'t parse entities: Unsupported start tag "{tag}"'
        if not closing:
            stack.append(tag)
        elif not stack or stack.pop() != tag:
            return f'can\'t parse entities: Unexpected end tag "{tag}"'
    if stack:
        return (
            f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    if re.search(r"&(?!(lt|gt|amp|quot|#x?[0-9a-fA-F]+);)", text):
        return "can't parse entities: Unsupported HTML entity"
    return None


def _text_content(text: str) -> dict[str, Any]:
    """A text message's fields; a leading /command gets its bot_command entity."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0] if text.strip() else text
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return content


class FakeCore:
    """The state both sides of the fake work on, and how an update reaches the bot."""

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "carebot_test"
    ) -> None:
        self.token = token
        self.world = World()
        bot_id = int(token.split(":")[0])
        self.bot = User(bot_id, "CareBot", username=bot_username, is_bot=True)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        # Calls refused with a 400 or 403 (method, description): HTML Telegram would not
        # parse, a text too long, a message that is not there, a user who blocked the bot.
        self.refusals: list[tuple[str, str]] = []
        self.latency = 0.0
        self.enforce_flood_limits = False
        # Telegram's flood limits as (messages, seconds); tests may shrink the windows.
        self.flood_overall: tuple[int, float] = OVERALL_LIMIT
        self.flood_per_group: tuple[int, float] = GROUP_LIMIT
        self.flood_refusals = 0  # sends answered with 429 by the flood limits
        self._faults: list[Fault] = []
        self._updates: list[dict[str, Any]] = []
        self._history: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._acked = 0  # updates with id <= _acked were confirmed by getUpdates(offset)
        self._changed = asyncio.Condition()
        self._callback_answers: dict[str, asyncio.Future[CallbackAnswer]] = {}
        self._callback_ids = 0
        self._sends: deque[float] = deque()
        self._group_sends: dict[int, deque[float]] = {}
        self._webhook: tuple[str, str | None] | None = None
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 5.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() returns something truthy (re-checked on every change)."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    # updates ----------------------------------------------------------------------------

    async def _push_update(self, body: dict[str, Any]) -> None:
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        if self._webhook is not None:
            task = asyncio.create_task(self._deliver_webhook(update))
            self._webhook_tasks.add(task)
            task.add_done_callback(self._webhook_tasks.discard)
        else:
            self._updates.append(update)
        self._history.append(update)
        await self._notify()

    async def _deliver_webhook(self, update: dict[str, Any]) -> None:
        assert self._webhook is not None
        url, secret = self._webhook
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            for attempt in range(5):
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        if response.status < 300:
                            return
                except OSError:
                    pass
                await asyncio.sleep(0.2 * (attempt + 1))

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # shared by both sides --------------------------------------------------------------

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot."""
        return sum(1 for u in self._updates if u["update_id"] > self._acked)

    def delete_topic(self, chat: Chat, thread_id: int) -> None:
        """A staff member deletes a topic: sends into it fail with 'message thread not found'."""
        self.world.topics[chat.id][thread_id].deleted = True
        for msg in self.world.messages.get(chat.id, []):
            if msg.thread_id == thread_id:
                msg.deleted = True

    @staticmethod
    def _media_content(
        kind: str, file_id: str, unique: str, size: int, name: str
    ) -> dict[str, Any]:
        base = {"file_id": file_id, "file_unique_id": unique, "file_size": size}
        if kind == "photo":
            return {"photo": [{**base, "width": 640, "height": 480}]}
        if kind == "document":
            return {"document": {**base, "file_name": name}}
        if kind in ("voice", "audio"):
            return {kind: {**base, "duration": 3}}
        if kind in ("video", "animation"):
            content: dict[str, Any] = {kind: {**base, "width": 320, "height": 240, "duration": 3}}
            if kind == "animation":
                content["document"] = {**base, "file_name": name}
            return content
        if kind == "video_note":
            return {"video_note": {**base, "length": 240, "duration": 3}}
        return {
            "sticker": {
                **base,
                "width": 512,
                "height": 512,
                "type": "regular",
                "is_animated": False,
                "is_video": False,
            }
        }
