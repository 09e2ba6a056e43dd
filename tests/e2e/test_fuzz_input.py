"""Any command argument and any button data: no handler fails, every button is answered.

The real bot runs against the fake Telegram in a loop of its own (one world for all
examples, so hypothesis stays fast); each example is one update handed to the bot's update
runner, the path polling and the webhook use.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app import App, build_application
from bot.commands import CUSTOMER_COMMANDS, STAFF_COMMANDS
from bot.fake_bot_api import Chat, FakeTelegram, Message, User
from bot.lifecycle import started
from bot.services import get_services
from bot.updates import Outcome
from conversations.clock import FrozenClock
from tests.conftest import START
from tests.e2e.harness import TOKEN, settings_for

T = TypeVar("T")

pytestmark = pytest.mark.slow

ODD_ARGUMENTS = [
    "²",
    "#²",
    "٣",
    "𝟙𝟚",
    "#0",
    "-0",
    "0x10",
    "1e9",
    "#99999999999999999999999999",
    "-99999999999999999999999999",
    "9" * 400,
    "7d",
    "2026-13",
    "2026-02-30..2026-01-01",
    "..",
    "@",
    "#",
    "<b>",
    "&amp;",
    "%",
    "_",
    "\u202e",
]
arguments = st.one_of(
    st.sampled_from(ODD_ARGUMENTS),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(min_size=1000, max_size=3000),
)


@dataclass
class FuzzWorld:
    """A running bot and the fake Telegram, in an event loop on another thread."""

    loop: asyncio.AbstractEventLoop
    tg: FakeTelegram
    app: App
    staff: Chat
    agent: User
    customer: User
    thread_id: int
    targets: list[Message]
    errors: list[BaseException] = field(default_factory=list)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    async def deliver(self, raw: dict[str, Any]) -> Outcome:
        update = Update.de_json(raw, self.app.bot)
        self.errors.clear()
        return await get_services(self.app).runner.run(update)

    async def write(self, user: User, text: str, staff: bool = False) -> Outcome:
        chat, thread = (self.staff, self.thread_id) if staff else (None, None)
        return await self.deliver(self.tg.prepare_message(user, text, chat=chat, thread_id=thread))

    async def press(self, user: User, message: Message, data: str) -> tuple[Outcome, bool]:
        raw, answered = self.tg.prepare_press(user, message, data)
        return await self.deliver(raw), answered.done()


async def _setup(tmp: Path, stop: asyncio.Event, ready: asyncio.Future[FuzzWorld]) -> None:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    agent = tg.add_user("Bob", "Staff", language_code="it")
    staff = tg.add_group("Support", forum=True, members=[agent])
    customer = tg.add_user("Maria", language_code="it")
    settings = settings_for(tg, staff, f"sqlite+aiosqlite:///{tmp / 'fuzz.db'}")
    # No rate limiter: hundreds of answers into one group would wait for its 20 a minute.
    app = build_application(
        settings, clock=FrozenClock(START), job_intervals=False, rate_limit=False
    )
    try:
        async with started(app):
            world = FuzzWorld(asyncio.get_running_loop(), tg, app, staff, agent, customer, 0, [])
            runner = get_services(app).runner
            recorded = runner.failed

            def failed(update: object, error: BaseException) -> None:
                world.errors.append(error)
                recorded(update, error)

            runner.failed = failed  # type: ignore[method-assign]
            # A request with its topic and card, a staff answer, and a survey question.
            await world.deliver(tg.prepare_message(customer, "aiuto"))
            await get_services(app).outbox.settled()  # the topic and card are in place
            topic = tg.topics(staff)[0]
            world.thread_id = topic.thread_id
            await world.deliver(
                tg.prepare_message(agent, "Eccomi", chat=staff, thread_id=topic.thread_id)
            )
            await world.deliver(
                tg.prepare_message(agent, "/resolve", chat=staff, thread_id=topic.thread_id)
            )
            world.targets = [*tg.bot_messages(staff), *tg.bot_messages(customer)]
            ready.set_result(world)
            await stop.wait()
    finally:
        await tg.stop()


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzWorld]:
    """One bot for every example of this module."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    stop = asyncio.Event()
    ready: asyncio.Future[FuzzWorld] = loop.create_future()
    tmp = tmp_path_factory.mktemp("fuzz")
    task = asyncio.run_coroutine_threadsafe(_setup(tmp, stop, ready), loop)
    world = asyncio.run_coroutine_threadsafe(asyncio.wait_for(ready, 60), loop).result()
    try:
        yield world
    finally:
        loop.call_soon_threadsafe(stop.set)
        task.result(timeout=60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


FAST = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
# /report and /export render a chart and files for a valid period: fewer examples there.
SLOW_COMMANDS = {"report", "export"}
STAFF_NAMES = [name for name, _ in STAFF_COMMANDS["en"] if name not in SLOW_COMMANDS]
CUSTOMER_NAMES = [name for name, _ in CUSTOMER_COMMANDS["en"]] + ["report", "nope"]


def _handled(world: FuzzWorld, outcome: Outcome) -> None:
    assert outcome in (Outcome.DONE, Outcome.SKIPPED), outcome
    assert world.errors == [], world.errors


@FAST
@given(name=st.sampled_from(STAFF_NAMES), args=st.lists(arguments, max_size=3))
def test_staff_commands_take_any_argument(fuzz: FuzzWorld, name: str, args: list[str]) -> None:
    text = " ".join([f"/{name}", *args])[:4096]
    _handled(fuzz, fuzz.run(fuzz.write(fuzz.agent, text, staff=True)))


@settings(max_examples=40, deadline=None, database=None)
@given(name=st.sampled_from(sorted(SLOW_COMMANDS)), args=st.lists(arguments, max_size=2))
def test_report_commands_take_any_period(fuzz: FuzzWorld, name: str, args: list[str]) -> None:
    text = " ".join([f"/{name}", *args])[:4096]
    _handled(fuzz, fuzz.run(fuzz.write(fuzz.agent, text, staff=True)))


@FAST
@given(name=st.sampled_from(CUSTOMER_NAMES), args=st.lists(arguments, max_size=3))
def test_customer_commands_take_any_argument(fuzz: FuzzWorld, name: str, args: list[str]) -> None:
    text = " ".join([f"/{name}", *args])[:4096]
    _handled(fuzz, fuzz.run(fuzz.write(fuzz.customer, text)))


PREFIXES = ["rs", "ro", "sv", "lang", "nps", "rsk", "pl", "psk", "xx", ""]
button_data = st.one_of(
    st.text(max_size=70),
    st.builds(
        lambda prefix, parts: ":".join([prefix, *parts]),
        st.sampled_from(PREFIXES),
        st.lists(arguments.map(lambda a: a[:20]), max_size=3),
    ),
)


@settings(max_examples=500, deadline=None, database=None)
@given(data=button_data, who=st.booleans(), target=st.integers(min_value=0, max_value=99))
def test_every_button_press_is_answered(fuzz: FuzzWorld, data: str, who: bool, target: int) -> None:
    user = fuzz.agent if who else fuzz.customer
    message = fuzz.targets[target % len(fuzz.targets)]
    outcome, answered = fuzz.run(fuzz.press(user, message, data))
    _handled(fuzz, outcome)
    assert answered, f"no answer to {data!r} on {message.text!r}"
