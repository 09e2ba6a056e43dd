"""Any command argument, any button data, any update at all (texts in any unicode, edits
of unknown messages, media with odd fields, service messages, other groups, channels,
other bots, membership changes): no handler fails, every button is answered, and a
customer's message still reaches staff at the end.

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
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.app import App, build_application
from bot.commands import CUSTOMER_COMMANDS, STAFF_COMMANDS
from bot.fake_bot_api import Chat, FakeTelegram, Message, User
from bot.lifecycle import started
from bot.raw_updates import unparsable
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
    other: Chat  # a group the bot is in that is not a staff group
    robot: User  # another bot
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
    robot = tg.add_user("OtherBot", username="other_bot", is_bot=True)
    other = tg.add_group("Elsewhere", forum=False, members=[agent, customer])
    settings = settings_for(tg, staff, f"sqlite+aiosqlite:///{tmp / 'fuzz.db'}")
    # No rate limiter: hundreds of answers into one group would wait for its 20 a minute.
    app = build_application(
        settings, clock=FrozenClock(START), job_intervals=False, rate_limit=False
    )
    try:
        async with started(app):
            world = FuzzWorld(
                asyncio.get_running_loop(), tg, app, staff, agent, customer, 0, [], other, robot
            )
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


# Any update at all ---------------------------------------------------------------------

PLACES = ("private", "topic", "staff_general", "other_group")
odd_text = st.one_of(st.text(min_size=1, max_size=200), st.sampled_from(ODD_ARGUMENTS))
command = st.builds(
    lambda name, args: " ".join([f"/{name}", *args])[:4096],
    st.sampled_from([*STAFF_NAMES, *CUSTOMER_NAMES, "start@OtherBot", "open@CareBot"]),
    st.lists(arguments.map(lambda a: a[:40]), max_size=3),
)
SERVICE_FIELDS: list[dict[str, Any]] = [
    {"new_chat_members": [{"id": 77, "is_bot": False, "first_name": "New"}]},
    {"left_chat_member": {"id": 77, "is_bot": False, "first_name": "Gone"}},
    {"pinned_message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}},
    {"forum_topic_edited": {"name": "renamed"}},
    {"forum_topic_closed": {}},
    {"new_chat_title": "<b>new</b>"},
    {"delete_chat_photo": True},
    {"migrate_to_chat_id": -1009999},
    {"video_chat_started": {}},
    {
        "successful_payment": {
            "currency": "EUR",
            "total_amount": 1,
            "invoice_payload": "x",
            "telegram_payment_charge_id": "a",
            "provider_payment_charge_id": "b",
        }
    },
]
MEDIA_FIELDS: list[dict[str, Any]] = [
    {"photo": [{"file_id": "p", "file_unique_id": "u", "width": 0, "height": 0}]},
    {"photo": []},
    {"document": {"file_id": "d", "file_unique_id": "u"}},  # no name, no mime type
    {"document": {"file_id": "d", "file_unique_id": "u", "file_name": "../../etc/passwd"}},
    {
        "sticker": {
            "file_id": "s",
            "file_unique_id": "u",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    },
    {"location": {"latitude": 91.0, "longitude": -181.0}},
    {"contact": {"phone_number": "+39 <b>", "first_name": "‮x"}},
    {"dice": {"emoji": "🎲", "value": 7}},
    {
        "poll": {
            "id": "p",
            "question": "?",
            "options": [],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
    },
    {"voice": {"file_id": "v", "file_unique_id": "u", "duration": -1}},
]


@dataclass
class Shape:
    """One generated update: where it comes from and what it holds."""

    kind: str
    place: str
    text: str
    extra: dict[str, Any]
    target: int
    by_bot: bool


shapes = st.one_of(
    st.builds(
        Shape,
        st.just("text"),
        st.sampled_from(PLACES),
        odd_text,
        st.just({}),
        st.integers(0, 99),
        st.booleans(),
    ),
    st.builds(
        Shape,
        st.just("command"),
        st.sampled_from(PLACES),
        command,
        st.just({}),
        st.integers(0, 99),
        st.just(False),
    ),
    st.builds(
        Shape,
        st.just("edit"),
        st.sampled_from(PLACES),
        odd_text,
        st.just({}),
        st.integers(-5, 10**12),
        st.just(False),
    ),
    st.builds(
        Shape,
        st.just("media"),
        st.sampled_from(PLACES),
        odd_text,
        st.sampled_from(MEDIA_FIELDS),
        st.integers(0, 99),
        st.just(False),
    ),
    st.builds(
        Shape,
        st.just("service"),
        st.sampled_from(PLACES),
        st.just(""),
        st.sampled_from(SERVICE_FIELDS),
        st.integers(0, 99),
        st.just(False),
    ),
    st.builds(
        Shape,
        st.just("channel"),
        st.just("channel"),
        odd_text,
        st.just({}),
        st.integers(0, 99),
        st.just(False),
    ),
    st.builds(
        Shape,
        st.just("press"),
        st.sampled_from(PLACES),
        button_data,
        st.just({}),
        st.integers(0, 99),
        st.booleans(),
    ),
    st.builds(
        Shape,
        st.just("member"),
        st.sampled_from(PLACES),
        st.just(""),
        st.just({}),
        st.integers(0, 99),
        st.booleans(),
    ),
)


def _raw(world: FuzzWorld, shape: Shape) -> tuple[dict[str, Any], asyncio.Future[Any] | None]:
    """The update a shape stands for, and the future of its button answer (a press)."""
    tg = world.tg
    user = world.agent if shape.place in ("topic", "staff_general") else world.customer
    if shape.by_bot and shape.kind != "member":
        user = world.robot
    chat = {"private": None, "topic": world.staff, "staff_general": world.staff}.get(shape.place)
    if shape.place == "other_group":
        chat = world.other
    thread = world.thread_id if shape.place == "topic" else None
    if shape.kind == "press":
        message = world.targets[shape.target % len(world.targets)]
        return tg.prepare_press(user, message, shape.text)
    raw = tg.prepare_message(user, shape.text or "x", chat=chat, thread_id=thread)
    message = raw.pop("message")
    if shape.kind in ("media", "service"):
        message.pop("text", None)
        message.pop("entities", None)
        message.update(shape.extra)
        if shape.kind == "media" and shape.text:
            message["caption"] = shape.text[:1024]
    if shape.kind == "edit":
        message["message_id"] = shape.target
        message["edit_date"] = message["date"] + 1
        raw["edited_message"] = message
    elif shape.kind == "channel":
        message.pop("from", None)
        message["chat"] = {"id": -1001234567890, "type": "channel", "title": "News"}
        raw["channel_post"] = message
    elif shape.kind == "member":
        member = {"status": "member", "user": user.to_api()}
        raw["chat_member" if shape.by_bot else "my_chat_member"] = {
            "chat": message["chat"],
            "from": user.to_api(),
            "date": message["date"],
            "old_chat_member": {"status": "left", "user": user.to_api()},
            "new_chat_member": member,
        }
    else:
        raw["message"] = message
    return raw, None


# With the modules' other tests: 3,040 generated updates per run.
@settings(max_examples=2000, deadline=None, database=None)
@given(shape=shapes)
def test_any_update_is_handled(fuzz: FuzzWorld, shape: Shape) -> None:
    async def one() -> tuple[Outcome, bool | None]:
        raw, answered = _raw(fuzz, shape)
        if unparsable(raw) is not None:
            # The poller and the webhook keep such an update and skip it, before the
            # runner (tests/e2e/test_telegram_faults.py); it never reaches a handler.
            return Outcome.UNPARSABLE, None
        outcome = await fuzz.deliver(raw)
        return outcome, (answered.done() if answered is not None else None)

    outcome, answered = fuzz.run(one())
    event(f"{shape.kind} in {shape.place}: {outcome}")
    if outcome == Outcome.UNPARSABLE:
        return
    _handled(fuzz, outcome)
    assert answered in (None, True), f"no answer to {shape.text!r}"


def test_a_customer_message_still_reaches_staff_after_the_fuzz(fuzz: FuzzWorld) -> None:
    async def relayed() -> bool:
        after = fuzz.tg.last_message_id(fuzz.staff)
        await fuzz.write(fuzz.customer, "ancora qui dopo tutto questo")
        await get_services(fuzz.app).outbox.settled()
        return any(
            "ancora qui dopo tutto questo" in (m.text or "")
            for m in fuzz.tg.bot_messages(fuzz.staff)
            if m.message_id > after
        )

    assert fuzz.run(relayed())
