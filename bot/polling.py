"""Long polling that acknowledges a batch of updates only after it was processed.

PTB's Updater confirms updates (next getUpdates offset) as soon as they are queued, so a
crash mid-processing loses them. Here the offset moves only once every update of a batch
went through the handlers; after a crash Telegram re-delivers the batch, and the handlers
recognise what was already stored (messages are unique by chat and message id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

log = logging.getLogger(__name__)


async def poll(
    app: Application[Any, Any, Any, Any, Any, Any],
    stop: asyncio.Event,
    *,
    poll_timeout: int = 30,
    limit: int = 100,
) -> None:
    """Fetch, process and then acknowledge updates until `stop` is set."""
    offset = 0
    while not stop.is_set():
        try:
            updates = await app.bot.get_updates(
                offset=offset, timeout=poll_timeout, limit=limit, allowed_updates=Update.ALL_TYPES
            )
        except RetryAfter as exc:
            await _sleep_or_stop(
                stop,
                float(
                    exc.retry_after
                    if isinstance(exc.retry_after, int)
                    else exc.retry_after.total_seconds()
                ),
            )
            continue
        except (NetworkError, TimedOut) as exc:
            log.warning("getUpdates failed (%s); retrying", exc)
            await _sleep_or_stop(stop, 1.0)
            continue
        if not updates:
            continue
        processor = app.update_processor
        # Tasks start in update order; the processor keeps each chat's updates in that order.
        await asyncio.gather(
            *(processor.process_update(u, app.process_update(u)) for u in updates),
            return_exceptions=True,
        )
        offset = updates[-1].update_id + 1
    if offset:  # confirm the last batch so a clean stop leaves nothing to re-deliver
        try:
            await app.bot.get_updates(offset=offset, timeout=0, limit=1)
        except Exception:  # best effort: the worst case is a harmless re-delivery
            log.debug("could not confirm the last batch", exc_info=True)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
