"""One error handler: log first, then tell the sender something went wrong when we can."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, RetryAfter
from telegram.ext import ContextTypes

log = logging.getLogger("carebot")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with the update that caused it."""
    error = context.error
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait if isinstance(wait, int | float) else wait.total_seconds()
        log.warning("Telegram flood limit hit; retry after %ss", seconds)
    elif isinstance(error, Forbidden):
        log.warning("Telegram refused a send: %s", error)
    else:
        log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.callback_query is not None:
        try:
            await update.callback_query.answer("⚠️")
        except Exception:  # the query may be too old to answer; nothing else to do
            log.debug("could not answer callback query after error", exc_info=True)
