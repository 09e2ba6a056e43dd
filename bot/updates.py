"""Every Telegram update takes effect once, or stays unconfirmed until it can.

Polling and the webhook both hand updates to the UpdateRunner, which decides what Telegram
may forget:
- an update PTB cannot parse is kept with its raw JSON (once) and confirmed: it would
  otherwise come back after every restart and stop the bot each time;
- a handler that fails because the database is busy or unreachable is retried a few times
  while the chat waits; if it still fails, the update stays unconfirmed, and so do the
  chat's later updates, so Telegram delivers them again in their order;
- a send that Telegram refused or missed leaves the update handled (bot/errors.py says why);
- a handler that fails for any other reason (a bug) is logged, and the update kept with its
  raw JSON and confirmed;
- a re-delivered command or button press (kept in the ledger once handled) is skipped, and
  so is a message the helpdesk already stored (recognised by the helpdesk itself).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.errors import is_transient
from bot.incoming import message_kind
from conversations.ledger import UpdateLedger
from conversations.models import SUPPORTED_KINDS

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]
Raw = dict[str, Any]

# Pauses between attempts at an update whose handler failed for a transient reason; with
# SQLite's 5 s busy timeout per attempt, a write lock held for about 20 s is ridden out.
RETRY_DELAYS = (0.5, 1.0, 2.0)


class Outcome(StrEnum):
    """What became of one update."""

    DONE = "done"  # handled now
    SKIPPED = "skipped"  # handled before (a re-delivery)
    HELD = "held"  # failed for a transient reason: leave it unconfirmed
    FAILED = "failed"  # failed for good: kept in unprocessed_updates, confirmed
    UNPARSABLE = "unparsable"  # PTB cannot read it: kept, confirmed


@dataclass
class Skipped:
    """An update PTB could not parse."""

    update_id: int
    raw: Raw
    reason: str


class UpdatesRequest(HTTPXRequest):
    """The getUpdates connection: drops updates PTB cannot parse before PTB sees them.

    Bot.get_updates parses the whole batch at once, so one bad update fails the call and,
    since the batch is never confirmed, every later call too. The bad ones are set aside
    here (take_skipped) for the poller to keep and confirm.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._skipped: list[Skipped] = []

    # PTB calls this hook on the instance, and the set-aside updates are per connection.
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """Decode Telegram's answer (PTB's documented hook); set unparsable updates aside."""
        data: dict[str, Any] = super().parse_json_payload(payload)
        result = data.get("result")
        if not isinstance(result, list):
            return data
        kept = []
        for raw in result:
            problem = unparsable(raw)
            if problem is None:
                kept.append(raw)
            else:
                self._skipped.append(Skipped(_update_id(raw), raw, problem))
        return {**data, "result": kept}

    def take_skipped(self) -> list[Skipped]:
        """The updates set aside since the last call."""
        taken, self._skipped = self._skipped, []
        return taken


def unparsable(raw: object) -> str | None:
    """Why PTB cannot turn this JSON into an Update (None when it can)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        return "not an update object"
    try:
        Update.de_json(raw, None)
    except Exception as exc:  # PTB raises whatever the constructors raise
        return f"{type(exc).__name__}: {exc}"
    return None


def _update_id(raw: object) -> int:
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) else -1


def update_key(update: Update) -> str | None:
    """The ledger key of an update that takes effect without the helpdesk storing a
    message: commands, button presses, and kinds that are not relayed. None otherwise."""
    if update.callback_query is not None:
        return f"cb:{update.callback_query.id}"
    message = update.message
    if message is None:
        return None  # edits are recognised by the helpdesk; other kinds change nothing
    command = (message.text or "").startswith("/")
    if command or message_kind(message) not in SUPPORTED_KINDS:
        return f"m:{message.chat_id}:{message.message_id}"
    return None


def chat_of(update: Update) -> int | None:
    """The chat whose updates must keep their order."""
    return update.effective_chat.id if update.effective_chat is not None else None


@dataclass
class Batch:
    """What a batch of updates came to: the offset to confirm, and whether any was held."""

    next_offset: int
    held: int = 0
    outcomes: dict[int, Outcome] = field(default_factory=dict)


class UpdateRunner:
    """Runs updates through the application's handlers with the rules above."""

    def __init__(
        self, app: App, ledger: UpdateLedger, retry_delays: Sequence[float] = RETRY_DELAYS
    ) -> None:
        self.app = app
        self.ledger = ledger
        self.retry_delays = tuple(retry_delays)
        self._errors: dict[int, BaseException] = {}

    def failed(self, update: object, error: BaseException) -> None:
        """Called by the error handler: the update's handler raised `error`."""
        if isinstance(update, Update):
            self._errors[update.update_id] = error

    async def run(self, update: Update) -> Outcome:
        """Process one update (in its chat's turn); say what became of it."""
        try:
            return await self._run(update)
        except Exception as exc:  # the ledger itself failed
            if is_transient(exc):
                log.warning(
                    "update %s held: the database is not answering (%s)",
                    update.update_id,
                    type(exc).__name__,
                )
                return Outcome.HELD
            log.error("update %s: bookkeeping failed", update.update_id, exc_info=exc)
            return Outcome.FAILED

    async def _run(self, update: Update) -> Outcome:
        key = update_key(update)
        if key is not None and await self.ledger.handled(key):
            return Outcome.SKIPPED
        for delay in (*self.retry_delays, None):
            self._errors.pop(update.update_id, None)
            await self.app.process_update(update)
            error = self._errors.pop(update.update_id, None)
            # A send Telegram refused or missed leaves the update handled: what must reach
            # the other side was stored first and is sent again by the relay.
            if error is None or isinstance(error, TelegramError):
                await self._remember(update, key)
                return Outcome.DONE
            if not is_transient(error):
                await self.keep(update.update_id, _raw(update), f"handler error: {error!r}")
                return Outcome.FAILED
            if delay is None:
                log.warning(
                    "update %s held after %s attempts", update.update_id, 1 + len(self.retry_delays)
                )
                return Outcome.HELD
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _remember(self, update: Update, key: str | None) -> None:
        if key is None:
            return
        try:
            await self.ledger.record(key)
        except Exception as exc:  # the effect happened; at worst a re-delivery repeats it
            log.warning("update %s handled but not recorded: %s", update.update_id, exc)

    async def keep(self, update_id: int, raw: Raw, reason: str) -> None:
        """Keep an update that is confirmed without taking effect; log it once."""
        text = json.dumps(raw, ensure_ascii=False, default=str)
        if await self.ledger.unprocessed(update_id, reason, text):
            # The reason, not the content: customer text stays out of the log.
            log.error(
                "update %s confirmed without processing (%s); kept in unprocessed_updates",
                update_id,
                reason.split(":", 1)[0],
            )

    async def run_batch(self, updates: Sequence[Update], skipped: Sequence[Skipped]) -> Batch:
        """Process a batch (chats concurrently, each chat in order); keep the unparsable."""
        batch = Batch(next_offset=0)
        for bad in skipped:
            try:
                await self.keep(bad.update_id, bad.raw, f"unparsable: {bad.reason}")
                batch.outcomes[bad.update_id] = Outcome.UNPARSABLE
            except Exception as exc:  # not kept yet: leave it to Telegram for now
                log.warning("unparsable update %s not kept yet: %s", bad.update_id, exc)
                batch.outcomes[bad.update_id] = Outcome.HELD
        held_chats: set[int] = set()

        async def one(update: Update) -> None:
            chat = chat_of(update)
            if chat is not None and chat in held_chats:
                outcome = Outcome.HELD  # an earlier update of this chat waits: so does this
            else:
                outcome = await self.run(update)
                if outcome == Outcome.HELD and chat is not None:
                    held_chats.add(chat)
            batch.outcomes[update.update_id] = outcome

        processor = self.app.update_processor
        # Tasks start in update order; the processor keeps each chat's updates in that order.
        await asyncio.gather(*(processor.process_update(u, one(u)) for u in updates))
        held = [uid for uid, o in batch.outcomes.items() if o == Outcome.HELD]
        batch.held = len(held)
        ids = [u.update_id for u in updates] + [s.update_id for s in skipped]
        batch.next_offset = min(held) if held else max(ids, default=-1) + 1
        return batch


def _raw(update: Update) -> Raw:
    data: Raw = update.to_dict()
    return data
