"""The bot's side of the fake Bot API: the methods it calls, checked as Telegram checks them."""

from __future__ import annotations

import asyncio
from typing import Any

from analytics.html_split import LIMIT  # Telegram's message length
from bot.fake_bot_api.core import MEDIA_METHODS, CallbackAnswer, FakeCore, _html_ok
from bot.fake_bot_api.errors import ApiError, bad_request, blocked
from bot.fake_bot_api.world import Chat, Message, Topic


class Methods(FakeCore):
    """Bot API methods, one coroutine each (api_<method>), and their shared checks."""

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
                "message is too long" if limit == LIMIT else "message caption is too long"
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
        self._check_text(text, params, LIMIT)
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
        self._check_text(text, params, LIMIT)
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

    async def api_setmessagereaction(self, params: dict[str, Any]) -> bool:
        """setMessageReaction: the bot's emoji reactions replace its earlier ones."""
        chat = self._chat(params)
        msg = self.world.message(chat.id, int(params["message_id"]))
        if msg is None:
            raise bad_request("message to react to not found")
        reactions = params.get("reaction") or []
        msg.reactions = [str(r["emoji"]) for r in reactions if r.get("type") == "emoji"]
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
        """getChat (ChatFullInfo): not for a group the bot is not in, nor for the private
        chat of someone who never pressed Start."""
        chat = self.world.chats.get(int(params["chat_id"]))
        if (
            chat is None
            or chat.bot_status == "left"
            or (chat.user is not None and not chat.user.started)
        ):
            raise bad_request("chat not found")
        return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11}

    async def api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        """getChatMember: the bot as its group made it (Chat.bot_status), anyone else a
        member or an administrator (Chat.admins)."""
        user_id = int(params["user_id"])
        user = self.bot if user_id == self.bot.id else self.world.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        chat = self.world.chats.get(int(params["chat_id"]))
        if chat is None or chat.bot_status == "left":
            raise bad_request("chat not found")
        return chat.member(user) if user is not self.bot else chat.bot_member(user)

    async def api_getchatadministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getChatAdministrators: the group's administrators, the bot among them."""
        chat = self._chat(params)
        found = [self.world.users[i] for i in sorted(chat.admins) if i in self.world.users]
        admins = [chat.member(user) for user in found]
        return admins + ([chat.bot_member(self.bot)] if chat.bot_status == "administrator" else [])

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
