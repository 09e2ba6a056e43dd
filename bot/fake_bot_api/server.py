"""A fake Telegram Bot API server on 127.0.0.1, speaking the wire format PTB uses.

Tests and the demo drive the world through the same object: add users and groups, make
them write or press buttons, wait for what the bot sent, inject faults and latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, ClientSession, ClientTimeout, web

from bot.fake_bot_api.errors import ApiError, Fault, bad_request, blocked, too_many
from bot.fake_bot_api.world import (
    ANONYMOUS_ADMIN_ID,
    MEDIA_KINDS,
    Chat,
    Message,
    Topic,
    User,
    World,
)

JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
}
SEND_METHODS = {
    "sendmessage",
    "copymessage",
    "forwardmessage",
    "sendphoto",
    "senddocument",
    "sendvoice",
    "sendaudio",
    "sendvideo",
    "sendvideonote",
    "sendsticker",
    "sendanimation",
}
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


class FakeTelegram:
    """The fake Bot API server plus the test-side controls of its world."""

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "carebot_test"
    ) -> None:
        self.token = token
        self.world = World()
        bot_id = int(token.split(":")[0])
        self.bot = User(bot_id, "CareBot", username=bot_username, is_bot=True)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.latency = 0.0
        self.enforce_flood_limits = False
        # Telegram's flood limits as (messages, seconds); tests may shrink the windows.
        self.flood_overall: tuple[int, float] = (30, 1.0)
        self.flood_per_group: tuple[int, float] = (20, 60.0)
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

    # lifecycle -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (port 0 picks a free one)."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop serving."""
        for task in list(self._webhook_tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_root(self) -> str:
        """Root URL to give the bot as CAREBOT_TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    # world building --------------------------------------------------------------------

    def add_user(
        self,
        first_name: str,
        last_name: str | None = None,
        *,
        language_code: str | None = "it",
        username: str | None = None,
    ) -> User:
        """A person who can write to the bot (their private chat id is their user id)."""
        user = User(self.world.new_user_id(), first_name, last_name, username, language_code)
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

    def block_bot(self, user: User) -> None:
        """The user blocks the bot: sends to them fail with 403."""
        user.blocked_bot = True

    def delete_topic(self, chat: Chat, thread_id: int) -> None:
        """A staff member deletes a topic: sends into it fail with 'message thread not found'."""
        self.world.topics[chat.id][thread_id].deleted = True
        for msg in self.world.messages.get(chat.id, []):
            if msg.thread_id == thread_id:
                msg.deleted = True

    def inject_fault(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with an error (429 carries retry_after)."""
        if error_code == 429:
            error = too_many(retry_after or 1)
        else:
            error = ApiError(error_code, description or "Bad Request: injected", retry_after)
        self._faults.append(Fault(method.lower(), error, times))

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

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot."""
        return sum(1 for u in self._updates if u["update_id"] > self._acked)

    def call_count(self, method: str) -> int:
        """How many times the bot called a method."""
        return sum(1 for name, _ in self.calls if name == method.lower())

    # updates ---------------------------------------------------------------------------

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

    # HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        params = await self._params(request)
        self.calls.append((method, params))
        if self.latency:
            await asyncio.sleep(self.latency)
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        try:
            if self._check_faults(method) == "drop":
                assert request.transport is not None
                request.transport.close()  # the client sees the connection go, no answer
                return web.Response(status=599)
            if method in SEND_METHODS:
                self._check_flood(params)
            result = await handler(params)
        except ApiError as exc:
            return web.json_response(exc.body(), status=exc.error_code)
        except (KeyError, ValueError, TypeError) as exc:
            error = bad_request(f"invalid parameters: {exc}")
            return web.json_response(error.body(), status=400)
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                params.update(await request.json())
            elif ctype.startswith("multipart/"):
                reader = await request.multipart()
                async for part in reader:
                    if not isinstance(part, BodyPartReader) or part.name is None:
                        continue
                    data = bytes(await part.read())
                    if part.filename:
                        stored = self.world.add_file(data, part.filename)
                        params[part.name] = {"uploaded": stored.file_id}
                    else:
                        params[part.name] = data.decode()
            else:
                params.update(dict(await request.post()))
        for key in JSON_FIELDS & params.keys():
            if isinstance(params[key], str):
                params[key] = json.loads(params[key])
        return params

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            raise web.HTTPUnauthorized()
        path = request.match_info["path"]
        for stored in self.world.files.values():
            if stored.path == path:
                return web.Response(body=stored.data)
        raise web.HTTPNotFound()

    def _check_faults(self, method: str) -> str | None:
        """Raise the next injected error for `method`; "drop" for a dropped connection."""
        for fault in self._faults:
            if fault.method == method and fault.times > 0:
                fault.times -= 1
                if fault.error is None:
                    return "drop"
                raise fault.error
        return None

    def _check_flood(self, params: dict[str, Any]) -> None:
        if not self.enforce_flood_limits:
            return
        now = time.monotonic()
        overall_max, overall_period = self.flood_overall
        while self._sends and now - self._sends[0] > overall_period:
            self._sends.popleft()
        if len(self._sends) >= overall_max:
            self.flood_refusals += 1
            raise too_many(_seconds_left(overall_period, now - self._sends[0]))
        chat_id = int(params.get("chat_id", 0))
        if chat_id < 0:
            group_max, group_period = self.flood_per_group
            window = self._group_sends.setdefault(chat_id, deque())
            while window and now - window[0] > group_period:
                window.popleft()
            if len(window) >= group_max:
                self.flood_refusals += 1
                raise too_many(_seconds_left(group_period, now - window[0]))
            window.append(now)
        self._sends.append(now)

    # helpers for methods ---------------------------------------------------------------

    def _chat(self, params: dict[str, Any], key: str = "chat_id") -> Chat:
        try:
            chat_id = int(params[key])
        except (KeyError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        if chat.type == "private" and chat.user is not None and chat.user.blocked_bot:
            raise blocked()
        return chat

    def _thread(self, chat: Chat, params: dict[str, Any]) -> int | None:
        raw = params.get("message_thread_id")
        if raw in (None, "", 0, "0") or not chat.is_forum:
            return None
        thread_id = int(str(raw))
        topic = self.world.topics.get(chat.id, {}).get(thread_id)
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return thread_id

    def _reply_target(self, chat: Chat, params: dict[str, Any]) -> Message | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            target = self.world.message(chat.id, int(reply["message_id"]))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            return target
        if params.get("reply_to_message_id"):
            return self.world.message(chat.id, int(params["reply_to_message_id"]))
        return None

    def _keyboard(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if not markup:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
        return dict(markup)

    def _check_text(self, text: str, params: dict[str, Any], limit: int) -> None:
        if len(text) > limit:
            raise bad_request(
                "message is too long" if limit == 4096 else "message caption is too long"
            )
        if str(params.get("parse_mode", "")).upper() == "HTML":
            problem = _html_ok(text)
            if problem:
                raise bad_request(problem)

    def _bot_message(self, chat: Chat, params: dict[str, Any], content: dict[str, Any]) -> Message:
        thread_id = self._thread(chat, params)
        reply_to = self._reply_target(chat, params)
        if reply_to is not None and reply_to.thread_id is not None and thread_id is None:
            thread_id = reply_to.thread_id
        msg = Message(
            chat,
            self.world.next_message_id(chat.id),
            self.bot,
            self.world.now(),
            content,
            thread_id=thread_id,
            reply_to=reply_to,
            reply_markup=self._keyboard(params),
        )
        return self.world.add_message(msg)

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

    # Bot API methods -------------------------------------------------------------------

    async def api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        """getMe."""
        return {
            **self.bot.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates with offset acknowledgement and long polling."""
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset:
            self._acked = max(self._acked, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)

        def ready() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] > self._acked][:limit]

        if not ready() and timeout > 0:
            try:
                await self.wait_for(ready, timeout, "updates")
            except TimeoutError:
                return []
        return ready()

    async def api_setwebhook(self, params: dict[str, Any]) -> bool:
        """setWebhook: later updates are POSTed to the URL."""
        url = str(params.get("url") or "")
        if not url:
            self._webhook = None
            return True
        self._webhook = (url, params.get("secret_token"))
        pending, self._updates = self._updates, []
        if str(params.get("drop_pending_updates", "")).lower() != "true":
            for update in pending:
                task = asyncio.create_task(self._deliver_webhook(update))
                self._webhook_tasks.add(task)
                task.add_done_callback(self._webhook_tasks.discard)
        return True

    async def api_deletewebhook(self, params: dict[str, Any]) -> bool:
        """deleteWebhook."""
        self._webhook = None
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    async def api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        """getWebhookInfo."""
        return {
            "url": self._webhook[0] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_updates(),
        }

    async def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendMessage."""
        chat = self._chat(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise bad_request("message text is empty")
        self._check_text(text, params, 4096)
        return self._bot_message(chat, params, {"text": text}).to_api()

    async def api_copymessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """copyMessage: returns only the new MessageId."""
        source_chat = self.world.chats.get(int(params["from_chat_id"]))
        source = (
            self.world.message(source_chat.id, int(params["message_id"])) if source_chat else None
        )
        if source is None or source.service:
            raise bad_request("message to copy not found")
        chat = self._chat(params)
        content = {
            k: v for k, v in source.content.items() if k != "entities" or "text" in source.content
        }
        if "caption" in params:
            content["caption"] = params["caption"]
        return {"message_id": self._bot_message(chat, params, content).message_id}

    async def api_forwardmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        """forwardMessage (carebot never forwards; here for completeness)."""
        copied = await self.api_copymessage(params)
        msg = self.world.message(int(params["chat_id"]), copied["message_id"])
        assert msg is not None
        return msg.to_api()

    async def _send_media(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        kind = MEDIA_METHODS[method]
        chat = self._chat(params)
        value = params.get(kind)
        if isinstance(value, dict) and "uploaded" in value:
            stored = self.world.files[value["uploaded"]]
        elif isinstance(value, str) and value in self.world.files:
            stored = self.world.files[value]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        content = self._media_content(
            kind, stored.file_id, stored.unique_id, len(stored.data), stored.name or "file"
        )
        if params.get("caption"):
            self._check_text(str(params["caption"]), params, 1024)
            content["caption"] = params["caption"]
        return self._bot_message(chat, params, content).to_api()

    async def api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendPhoto."""
        return await self._send_media("sendphoto", params)

    async def api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument."""
        return await self._send_media("senddocument", params)

    async def api_sendvoice(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendVoice."""
        return await self._send_media("sendvoice", params)

    async def api_sendaudio(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendAudio."""
        return await self._send_media("sendaudio", params)

    async def api_sendvideo(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendVideo."""
        return await self._send_media("sendvideo", params)

    async def api_sendvideonote(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendVideoNote."""
        return await self._send_media("sendvideonote", params)

    async def api_sendsticker(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendSticker."""
        return await self._send_media("sendsticker", params)

    async def api_sendanimation(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendAnimation."""
        return await self._send_media("sendanimation", params)

    def _own_message(self, params: dict[str, Any]) -> Message:
        chat = self._chat(params)
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad_request("message to edit not found")
        if not msg.by_bot:
            raise bad_request("message can't be edited")
        return msg

    async def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageText."""
        msg = self._own_message(params)
        text = str(params.get("text") or "")
        self._check_text(text, params, 4096)
        markup = self._keyboard(params)
        if text == msg.content.get("text") and markup == msg.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        msg.content["text"] = text
        msg.reply_markup = markup
        msg.edited = self.world.now()
        msg.edit_seq = self.world.next_seq()
        return msg.to_api()

    async def api_editmessagecaption(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageCaption."""
        msg = self._own_message(params)
        msg.content["caption"] = str(params.get("caption") or "")
        msg.reply_markup = self._keyboard(params)
        msg.edited = self.world.now()
        msg.edit_seq = self.world.next_seq()
        return msg.to_api()

    async def api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageReplyMarkup."""
        msg = self._own_message(params)
        msg.reply_markup = self._keyboard(params)
        msg.edited = self.world.now()
        msg.edit_seq = self.world.next_seq()
        return msg.to_api()

    async def api_deletemessage(self, params: dict[str, Any]) -> bool:
        """deleteMessage."""
        chat = self._chat(params)
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad_request("message to delete not found")
        msg.deleted = True
        return True

    async def api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        """answerCallbackQuery: hands the answer to the waiting press_button()."""
        future = self._callback_answers.get(str(params["callback_query_id"]))
        if future is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if not future.done():
            show_alert = str(params.get("show_alert", "")).lower() == "true"
            future.set_result(CallbackAnswer(params.get("text"), show_alert))
        return True

    async def api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        """getChat (ChatFullInfo)."""
        chat = self.world.chats.get(int(params["chat_id"]))
        if chat is None:
            raise bad_request("chat not found")
        return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}

    async def api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        """getChatMember: the bot is an administrator of every group."""
        user_id = int(params["user_id"])
        user = self.bot if user_id == self.bot.id else self.world.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        return {"status": "member", "user": user.to_api()}

    async def api_createforumtopic(self, params: dict[str, Any]) -> dict[str, Any]:
        """createForumTopic: posts the topic's service message, whose id is the thread id."""
        chat = self._chat(params)
        if not chat.is_forum:
            raise bad_request("the chat is not a forum")
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "topic name is too long")
        root_id = self.world.next_message_id(chat.id)
        topic = Topic(root_id, name)
        self.world.topics[chat.id][root_id] = topic
        service = {"forum_topic_created": {"name": name, "icon_color": topic.icon_color}}
        self.world.add_message(
            Message(
                chat, root_id, self.bot, self.world.now(), {}, thread_id=root_id, service=service
            )
        )
        return {"message_thread_id": root_id, "name": name, "icon_color": topic.icon_color}

    def _topic(self, params: dict[str, Any]) -> Topic:
        chat = self._chat(params)
        topic = self.world.topics.get(chat.id, {}).get(int(params["message_thread_id"]))
        if topic is None or topic.deleted:
            raise bad_request("message thread not found")
        return topic

    async def api_editforumtopic(self, params: dict[str, Any]) -> bool:
        """editForumTopic."""
        topic = self._topic(params)
        if params.get("name"):
            if topic.name == params["name"]:
                raise bad_request("TOPIC_NOT_MODIFIED")
            topic.name = str(params["name"])
        return True

    async def api_closeforumtopic(self, params: dict[str, Any]) -> bool:
        """closeForumTopic."""
        self._topic(params).closed = True
        return True

    async def api_reopenforumtopic(self, params: dict[str, Any]) -> bool:
        """reopenForumTopic."""
        self._topic(params).closed = False
        return True

    async def api_deleteforumtopic(self, params: dict[str, Any]) -> bool:
        """deleteForumTopic."""
        topic = self._topic(params)
        self.delete_topic(self._chat(params), topic.thread_id)
        return True

    async def api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        """getFile."""
        stored = self.world.files.get(str(params.get("file_id")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    async def api_setmycommands(self, params: dict[str, Any]) -> bool:
        """setMyCommands."""
        return True

    async def api_deletemycommands(self, params: dict[str, Any]) -> bool:
        """deleteMyCommands."""
        return True

    async def api_getmycommands(self, params: dict[str, Any]) -> list[Any]:
        """getMyCommands."""
        return []

    async def api_sendchataction(self, params: dict[str, Any]) -> bool:
        """sendChatAction."""
        self._chat(params)
        return True

    async def api_close(self, params: dict[str, Any]) -> bool:
        """close."""
        return True

    async def api_logout(self, params: dict[str, Any]) -> bool:
        """logOut."""
        return True
