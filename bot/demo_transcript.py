"""The demo's transcript: what each side of the fake Telegram saw, in the order it happened."""

from __future__ import annotations

import html
import re

from bot.fake_bot_api import Chat, FakeTelegram, Message

_TAGS = re.compile(r"<[^>]+>")


class Transcript:
    """Prints every message of the fake world once, labelled by chat and sender."""

    def __init__(self, tg: FakeTelegram, groups: dict[str, Chat]) -> None:
        self.tg = tg
        self.groups = groups  # label → staff group
        self.seen: set[tuple[int, int]] = set()
        self.edits: dict[tuple[int, int], int] = {}

    def _where(self, msg: Message) -> str:
        for label, group in self.groups.items():
            if msg.chat.id != group.id:
                continue
            topic = next(
                (t.name for t in self.tg.topics(group) if t.thread_id == msg.thread_id), None
            )
            return f"{label} › {topic}" if topic else label
        user = msg.chat.user
        return f"chat with {user.first_name if user else msg.chat.id}"

    def flush(self) -> None:
        """Print new messages and edits of printed ones, in the order they happened."""
        events: list[tuple[int, Message, str]] = []
        for messages in self.tg.world.messages.values():
            for msg in messages:
                key = (msg.chat.id, msg.message_id)
                if msg.service or msg.deleted:
                    continue
                if key not in self.seen:
                    self.seen.add(key)
                    self.edits[key] = msg.edit_seq
                    events.append((msg.seq, msg, ""))
                elif msg.edit_seq and self.edits.get(key) != msg.edit_seq:
                    self.edits[key] = msg.edit_seq
                    events.append((msg.edit_seq, msg, "✏️ "))
        for _, msg, mark in sorted(events, key=lambda e: e[0]):
            self._print(msg, mark)

    def _print(self, msg: Message, mark: str) -> None:
        who = "🤖 bot" if msg.by_bot else f"👤 {msg.sender.first_name}"
        body = html.unescape(_TAGS.sub("", msg.text or "")).replace("\n", " ⏎ ")
        if msg.kind != "text":
            body = f"[{msg.kind}] {body}".strip()
        buttons = " ".join(f"[{b}]" for b in msg.button_texts)
        print(f"  {self._where(msg):<44} {who:<10} {mark}{body} {buttons}".rstrip())

    def step(self, title: str) -> None:
        """Print a scene heading."""
        self.flush()
        print(f"\n── {title}")
