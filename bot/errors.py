"""One error handler: log first, then tell the sender something went wrong when we can,
and staff once per kind of failure per hour (a bug they should report, not a flood)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exc as sa_exc
from telegram import Update
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ApplicationHandlerStop

from bot.answers import answer
from bot.context import CareContext
from bot.i18n import t
from conversations.clock import Clock

log = logging.getLogger("carebot")

# PostgreSQL states worth another attempt: serialization failure, deadlock, lock wait
# timed out, too many connections, server starting or shutting down.
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "53300", "57P01", "57P02", "57P03"})
# SQLite errors that pass: another writer holds the lock, the file or disk hiccups.
_SQLITE_PASSING = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database file",
    "disk i/o error",
    "database or disk is full",
)


class ErrorNotices:
    """When staff last heard of each kind of failure: at most one notice per kind per hour."""

    EVERY = timedelta(hours=1)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._told: dict[str, datetime] = {}

    def due(self, kind: str) -> bool:
        """Take the right to tell staff about `kind` now; False within the hour."""
        now = self.clock.now()
        last = self._told.get(kind)
        if last is not None and now - last < self.EVERY:
            return False
        self._told[kind] = now
        return True


def is_transient(error: BaseException) -> bool:
    """Tell whether an update whose handler raised `error` is worth running again shortly:
    the database was busy or could not be reached.

    Telegram's own failures (flood limit, network) are not: a copy that did not go out stays
    stored as pending and the relay sends it again (bot/relay.py); running the whole update
    again would hold the chat's later updates behind Telegram. Other sends that fail (a
    notice, a reply to a command) are logged and not repeated.
    """
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        orig = error.orig
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if state in _RETRY_SQLSTATES:
            return True
        if not isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError):
            return False  # bad SQL or bad data: it would fail again
        if type(orig).__module__ == "sqlite3":
            text = str(orig).lower()
            return any(s in text for s in _SQLITE_PASSING)
        return True  # PostgreSQL: the connection or the server failed
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection free in time
        return True
    # A database driver that cannot reach its server: refused, reset, unresolvable host,
    # network down (Telegram's network errors come wrapped by PTB, not as OSError).
    return isinstance(error, OSError | TimeoutError)


async def on_error(update: object, context: CareContext) -> None:
    """Log the failure, tell the update runner, answer a pressed button; stop the update's
    other handler groups (they must not run on a failed update, nor again on its retry)."""
    error = context.error
    assert error is not None
    transient = is_transient(error)
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
        log.warning("Telegram flood limit hit; retry after %ss", seconds)
    elif transient:
        log.warning("update failed for a passing reason, to be tried again: %r", error)
    elif isinstance(error, NetworkError | TimedOut) and not isinstance(error, BadRequest):
        log.warning("Telegram could not be reached: %s", error)
    elif isinstance(error, Forbidden):
        log.warning("Telegram refused a send: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
        await _tell_staff(context, type(error).__name__)
    if not isinstance(update, Update):
        return  # a job's error: nothing else to do
    context.services.runner.failed(update, error)
    if not transient and update.callback_query is not None:
        await answer(update.callback_query, "⚠️")  # a retry would answer it instead
    raise ApplicationHandlerStop


async def _tell_staff(context: CareContext, kind: str) -> None:
    """One line in the default staff group, after the log line (never instead of it)."""
    s = context.services
    if not s.error_notices.due(kind):
        return
    text = t(s.settings.staff_language, "staff.error", kind=kind)
    try:
        await s.relay.staff_general(s.settings.routing.groups[0].chat_id, text)
    except TelegramError as exc:
        log.warning("could not tell staff about a failure: %s", exc)
