"""One error handler: log first, then tell the sender something went wrong when we can."""

from __future__ import annotations

import logging

from sqlalchemy import exc as sa_exc
from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from bot.services import services

log = logging.getLogger("carebot")

# PostgreSQL states worth another attempt: serialization failure, deadlock, too many
# connections, server starting or shutting down.
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "53300", "57P01", "57P02", "57P03"})
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")


def is_transient(error: BaseException) -> bool:
    """Tell whether an update whose handler raised `error` is worth running again shortly:
    the database was busy or unreachable, so nothing of the update may have been stored.

    Telegram's own failures (flood limit, network) are not: what must reach the other side
    is stored before it is sent, and the relay sends it again (bot/relay.py); running the
    update again would only hold the chat's later updates behind Telegram.
    """
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        orig = error.orig
        state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if state in _RETRY_SQLSTATES:
            return True
        text = str(orig).lower()
        return isinstance(error, sa_exc.OperationalError) and any(s in text for s in _SQLITE_BUSY)
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection free in time
        return True
    # A database driver that cannot reach its server (Telegram's are wrapped by PTB).
    return isinstance(error, ConnectionError | TimeoutError)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure, tell the update runner, answer a pressed button."""
    error = context.error
    assert error is not None
    transient = is_transient(error)
    if isinstance(update, Update):
        services(context).runner.failed(update, error)
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
    if transient:
        return  # the runner tries again, and that attempt answers the button
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer("⚠️")
        except Exception:  # the query may be too old to answer; nothing else to do
            log.debug("could not answer callback query after error", exc_info=True)
