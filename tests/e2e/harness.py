"""End-to-end helpers: the real Application over HTTP against the fake Telegram on 127.0.0.1."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import App, build_application
from bot.fake_bot_api import Chat, FakeTelegram, Message, User
from bot.flood import FloodLimiter
from bot.lifecycle import auto_resolve, running
from bot.services import get_services
from bot.settings import Settings, load_settings
from bot.webhook import WebhookServer, webhook_running
from conversations.clock import FrozenClock

TOKEN = "123456:TEST-TOKEN"
WEBHOOK_SECRET = "s3cret-Token_for-tests"


@dataclass
class HelpDeskWorld:
    """A fake Telegram with a staff group, one staff member, and the bot's settings."""

    tg: FakeTelegram
    staff: Chat
    agent: User
    settings: Settings
    clock: FrozenClock
    apps: list[App] = field(default_factory=list)
    polling: asyncio.Task[None] | None = None

    async def customer_writes(self, who: User, text: str) -> Message:
        """A customer writes to the bot."""
        return await self.tg.send_text(who, text)

    async def topic_of(self, request_no: int) -> int:
        """Wait for the forum topic of request #N and its card; return its thread id."""

        def find() -> int | None:
            for topic in self.tg.topics(self.staff):
                if topic.name.lstrip("✅ ").startswith(f"#{request_no} ") and not topic.deleted:
                    return topic.thread_id
            return None

        thread: int = await self.tg.wait_for(find, what=f"topic of request #{request_no}")
        # Staff act once they see the ticket card in it (the bot has recorded the topic).
        await self.staff_sees(f"#{request_no}", thread_id=thread)
        return thread

    async def staff_sees(
        self, contains: str, thread_id: int | None = None, after: int = 0
    ) -> Message:
        """Wait for a bot message in the staff group, and for the bot to have recorded
        what it sent (staff may reply to it at once)."""
        found = await self.tg.wait_for_bot_message(
            self.staff, contains=contains, thread_id=thread_id, after=after
        )
        if self.apps:
            await asyncio.wait_for(get_services(self.apps[-1]).outbox.settled(), 10)
        return found

    async def customer_sees(self, who: User, contains: str, after: int = 0) -> Message:
        """Wait for a bot message in the customer's chat."""
        return await self.tg.wait_for_bot_message(who, contains=contains, after=after)

    async def agent_writes_in_topic(self, thread_id: int, text: str) -> Message:
        """The staff member writes in a request's topic."""
        return await self.tg.send_text(self.agent, text, chat=self.staff, thread_id=thread_id)

    async def agent_replies(self, to: Message, text: str) -> Message:
        """The staff member replies to a message in the staff group."""
        return await self.tg.send_text(self.agent, text, chat=self.staff, reply_to=to)

    async def survey_sweep(self) -> None:
        """Run the survey sweeper job once on the newest running bot."""
        await get_services(self.apps[-1]).survey_flow.sweep()

    def staff_lines(self) -> list[str]:
        """The lines staff can read in the bot's messages, tags stripped, in order: a copy
        holds one customer text, a folded message quotes several, one per line."""
        texts = [re.sub(r"<[^>]+>", "", m.text or "") for m in self.tg.bot_messages(self.staff)]
        return [html.unescape(line) for text in texts for line in text.split("\n")]

    def general_messages(self) -> list[Message]:
        """Bot messages in the staff group outside any topic."""
        return [m for m in self.tg.bot_messages(self.staff) if m.thread_id is None]

    async def auto_resolve(self) -> int:
        """Run the auto-resolve job once on the newest running bot."""
        return await auto_resolve(self.apps[-1])

    @asynccontextmanager
    async def bot_running(
        self, polling: dict[str, Any] | None = None, **build: Any
    ) -> AsyncIterator[App]:
        """Run the real bot against the fake server until the block ends (`polling`: Poller
        options such as backoff; the polling task is in self.polling)."""
        app = build_application(
            self.settings, clock=self.clock, job_intervals=False, **_quick(build)
        )
        self.apps.append(app)
        get_services(app).survey_flow.digest.every = 0.0  # alert lines at once (see its test)
        async with running(app, poll_timeout=1, **(polling or {})) as task:
            self.polling = task
            yield app

    @asynccontextmanager
    async def bot_on_webhook(self, **build: Any) -> AsyncIterator[tuple[App, WebhookServer]]:
        """Run the real bot in webhook mode (listener on 127.0.0.1, a free port)."""
        app = build_application(
            self.settings, clock=self.clock, job_intervals=False, **_quick(build)
        )
        self.apps.append(app)
        async with webhook_running(app, secret=WEBHOOK_SECRET, port=0) as server:
            yield app, server


def _quick(build: dict[str, Any]) -> dict[str, Any]:
    """The bot's own flood limiter, with a 1 s group window: a test that posts dozens of
    staff answers need not wait minutes (the fake enforces no limits unless told to)."""
    if build.get("rate_limit", True) and "rate_limiter" not in build:
        build = {**build, "rate_limiter": FloodLimiter(group=(20, 1.0))}
    return build


def settings_for(tg: FakeTelegram, staff: Chat, db_url: str, **extra: str) -> Settings:
    """Settings pointing the bot at the fake server."""
    env = {
        "CAREBOT_BOT_TOKEN": TOKEN,
        "CAREBOT_STAFF_CHAT_ID": str(staff.id),
        "CAREBOT_TELEGRAM_API_URL": tg.api_root,
        "CAREBOT_DATABASE_URL": db_url,
        "CAREBOT_BRAND_NAME": "Acme",
        **extra,
    }
    return load_settings(env)


@asynccontextmanager
async def helpdesk_world(
    tmp_path: Path, clock: FrozenClock, *, forum: bool, db_url: str | None = None
) -> AsyncIterator[HelpDeskWorld]:
    """Start the fake Telegram with a staff group (forum or plain) and one agent."""
    tg = FakeTelegram(TOKEN)
    await tg.start()
    agent = tg.add_user("Bob", "Staff", language_code="it", username="bob_staff")
    staff = tg.add_group("Acme Support", forum=forum, members=[agent])
    url = db_url or f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}"
    world = HelpDeskWorld(tg, staff, agent, settings_for(tg, staff, url), clock)
    try:
        yield world
    finally:
        for app in world.apps:  # tests read through a stopped bot's services too
            await get_services(app).db.close()
        await tg.stop()
