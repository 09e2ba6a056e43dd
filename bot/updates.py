"""Every Telegram update takes effect once, or stays unconfirmed until it can.

Polling and the webhook both hand updates to the UpdateRunner, which decides what Telegram
may forget:
- an update PTB cannot parse is kept with its raw JSON (once) and confirmed
  (bot/raw_updates.py);
- a handler that fails because the database is busy or unreachable is tried again a few
  times while the chat waits; if it still fails, the update is held: left unconfirmed, and
  so are the chat's later updates, so that Telegram delivers them again in their order. An
  update held for longer than HOLD_LIMIT is kept and confirmed, so one chat cannot stop
  the others for good;
- a send that Telegram refused or missed leaves the update handled (bot/errors.py);
- a handler that fails for any other reason (a bug) is logged, and the update kept with
  its raw JSON and confirmed;
- a re-delivered command or button press (kept in the ledger once handled) is skipped, and
  so is a message the helpdesk already stored (recognised by the helpdesk itself).
Whenever the bookkeeping itself cannot reach the database, the update is held: nothing is
confirmed that is not stored somewhere.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.answers import answer
from bot.errors import is_transient
from bot.incoming import message_kind
from bot.raw_updates import Raw, Skipped
from conversations.ledger import UpdateLedger
from conversations.terms import SUPPORTED_KINDS

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, Any, Any]

# Pauses between attempts at an update whose handler hit a busy or unreachable database;
# with SQLite's 5 s busy timeout per attempt, a write lock held for about 20 s is ridden out.
RETRY_DELAYS = (0.5, 1.0, 2.0)
# An update held this long (seconds, across deliveries) is kept and confirmed after all.
HOLD_LIMIT = 600.0
# An attempt still running after this long is abandoned and held (a hung lock or socket);
# far above the slowest command (a year's export).
ATTEMPT_TIMEOUT = 300.0


class Outcome(StrEnum):
    """What became of one update."""

    DONE = "done"  # handled now
    SKIPPED = "skipped"  # handled before (a re-delivery)
    HELD = "held"  # failed for a passing reason: leave it unconfirmed
    FAILED = "failed"  # failed for good: kept in unprocessed_updates, confirmed
    UNPARSABLE = "unparsable"  # PTB cannot read it: kept, confirmed


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


class UpdateRunner:
    """Runs updates through the application's handlers with the rules above."""

    def __init__(
        self,
        app: App,
        ledger: UpdateLedger,
        retry_delays: Sequence[float] = RETRY_DELAYS,
        hold_limit: float = HOLD_LIMIT,
    ) -> None:
        self.app = app
        self.ledger = ledger
        self.retry_delays = tuple(retry_delays)
        self.hold_limit = hold_limit
        self._errors: dict[int, BaseException] = {}
        self._held_since: dict[int, float] = {}  # update id -> first held (monotonic)
        self._held_chats: dict[int, int] = {}  # chat -> the update id its others wait for

    def failed(self, update: object, error: BaseException) -> None:
        """Called by the error handler: the update's handler raised `error`."""
        if isinstance(update, Update):
            self._errors[update.update_id] = error

    async def run(self, update: Update) -> Outcome:
        """Process one update in its chat's turn; say what became of it."""
        chat = chat_of(update)
        waits_for = self._held_chats.get(chat) if chat is not None else None
        if waits_for is not None and update.update_id > waits_for:
            return Outcome.HELD  # an earlier update of this chat is held: this one waits
        try:
            outcome = await self._run(update)
        except Exception as exc:  # the bookkeeping itself could not reach the database
            log.warning("update %s held: %s", update.update_id, type(exc).__name__)
            outcome = Outcome.HELD
        if outcome == Outcome.HELD:
            outcome = await self._held(update, chat)
        else:
            self._release(update.update_id, chat)
        return outcome

    async def _run(self, update: Update) -> Outcome:
        key = update_key(update)
        if key is not None and await self.ledger.handled(key):
            return Outcome.SKIPPED
        for delay in (*self.retry_delays, None):
            self._errors.pop(update.update_id, None)
            try:
                async with asyncio.timeout(ATTEMPT_TIMEOUT):
                    await self.app.process_update(update)
            except TimeoutError:
                log.warning("update %s: handlers still busy, held", update.update_id)
                return Outcome.HELD
            error = self._errors.pop(update.update_id, None)
            # A send Telegram refused or missed leaves the update handled: its effect is
            # stored, and copies are sent again by the relay (other notices are not).
            if error is None or isinstance(error, TelegramError):
                await self._remember(key)
                return Outcome.DONE
            if not is_transient(error):
                await self.keep(update.update_id, _raw(update), f"handler error: {error!r}")
                return Outcome.FAILED
            if delay is None:
                tries = 1 + len(self.retry_delays)
                log.warning("update %s held after %s attempts", update.update_id, tries)
                return Outcome.HELD
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _held(self, update: Update, chat: int | None) -> Outcome:
        """Hold the update, unless it has been held too long: then keep and confirm it."""
        now = time.monotonic()
        since = self._held_since.setdefault(update.update_id, now)
        if chat is not None:
            self._held_chats.setdefault(chat, update.update_id)
        if now - since >= self.hold_limit:
            try:
                await self.keep(update.update_id, _raw(update), "held too long")
            except Exception:  # the database is still away: go on holding
                return Outcome.HELD
            self._release(update.update_id, chat)
            return Outcome.FAILED
        if update.callback_query is not None and since == now:
            await answer(update.callback_query, "⏳")  # the press is taken up again later
        return Outcome.HELD

    def _release(self, update_id: int, chat: int | None) -> None:
        self._held_since.pop(update_id, None)
        if chat is not None and self._held_chats.get(chat) == update_id:
            del self._held_chats[chat]

    async def _remember(self, key: str | None) -> None:
        """Record a handled key, retrying while the database is busy; the effect happened,
        so if it cannot be recorded at all the worst case is that a re-delivery repeats it."""
        if key is None:
            return
        for delay in (*self.retry_delays, None):
            try:
                await self.ledger.record(key)
                return
            except Exception as exc:
                if delay is None or not is_transient(exc):
                    log.warning("update %s handled but not recorded: %r", key, exc)
                    return
            await asyncio.sleep(delay)

    async def keep(self, update_id: int, raw: Raw, reason: str) -> None:
        """Keep an update that is confirmed without taking effect; log it once. Raises
        when the database cannot take it (then it must not be confirmed)."""
        text = json.dumps(raw, ensure_ascii=False, default=str)
        if await self.ledger.unprocessed(update_id, reason, text):
            # The reason, not the content: customer text stays out of the log.
            log.error(
                "update %s confirmed without processing (%s); kept in unprocessed_updates",
                update_id,
                reason.split(":", 1)[0],
            )

    async def run_batch(
        self,
        updates: Sequence[Update],
        skipped: Sequence[Skipped],
        on_done: Callable[[int, Outcome], None] | None = None,
    ) -> dict[int, Outcome]:
        """Process a batch (chats concurrently, each chat in order); keep the unparsable.
        Returns what became of each update; `on_done` hears of each as soon as it is done."""
        outcomes: dict[int, Outcome] = {}

        def done(update_id: int, outcome: Outcome) -> None:
            outcomes[update_id] = outcome
            if on_done is not None:
                on_done(update_id, outcome)

        for bad in skipped:
            try:
                await self.keep(bad.update_id, bad.raw, f"unparsable: {bad.reason}")
                done(bad.update_id, Outcome.UNPARSABLE)
            except Exception as exc:  # not kept yet: leave it to Telegram for now
                log.warning("unparsable update %s not kept yet: %r", bad.update_id, exc)
                done(bad.update_id, Outcome.HELD)

        async def one(update: Update) -> None:
            done(update.update_id, await self.run(update))

        processor = self.app.update_processor
        # Tasks start in update order; the processor keeps each chat's updates in that order.
        await asyncio.gather(*(processor.process_update(u, one(u)) for u in updates))
        return outcomes


def _raw(update: Update) -> Raw:
    data: Raw = update.to_dict()
    return data
