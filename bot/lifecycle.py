"""The bot's life: start-up (migrations, the staff group, commands, jobs), the jobs, and
running it until stopped, by long polling or on a webhook. bot.app only builds it."""

from __future__ import annotations

import asyncio
import logging
import signal
from asyncio import Task
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot import malloc, weekly
from bot.commands import CUSTOMER_COMMANDS, STAFF_COMMANDS
from bot.context import CareContext
from bot.polling import Poller
from bot.services import get_services
from bot.settings import Settings
from bot.setup_check import check_setup, log_findings
from bot.sla_notices import check_targets
from conversations.db import migrate
from conversations.helpdesk import AUTO_RESOLVE_BATCH
from conversations.retention import erase_texts_before

log = logging.getLogger("carebot")

App = Application[Any, Any, Any, Any, Any, Any]

SWEEP_SECONDS = 30.0
SURVEY_SWEEP_SECONDS = 60.0
PRUNE_SECONDS = 3600.0
RETENTION_SECONDS = 6 * 3600.0  # daily would do; four times a day catches up after downtime
RECOVERY_SECONDS = 600.0  # a re-ask falls due days after its attempt: minutes late is fine
SLA_CHECK_SECONDS = 60.0  # a target is minutes long: a minute early is soon enough


async def on_startup(app: App) -> None:
    """Migrate the database, learn the staff group's shape, publish commands, start jobs."""
    s = get_services(app)
    await migrate(s.db.engine)
    for group in s.settings.routing.groups:
        try:
            chat = await app.bot.get_chat(group.chat_id)
            s.relay.set_forum(group.chat_id, bool(chat.is_forum))
        except TelegramError as exc:
            log.error("cannot read the staff chat %s: %s", group.chat_id, exc)
        log.info(
            "staff chat %s (%s): %s",
            group.chat_id,
            group.name,
            "forum topics" if s.relay.is_forum(group.chat_id) else "ticket cards and replies",
        )
    await _publish_commands(app, s.settings)
    log_findings(await check_setup(app.bot, s.settings, s.db))  # warnings, never a stop
    await asyncio.to_thread(s.helpdesk.warm_up)
    s.outbox.start()
    s.survey_flow.digest.start()
    if app.bot_data.get("carebot.jobs", True) and app.job_queue is not None:
        app.job_queue.run_repeating(
            _auto_resolve_job,
            interval=s.settings.auto_resolve_check_minutes * 60,
            first=5,
            name="auto-resolve",
        )
        app.job_queue.run_repeating(
            # First at once: what a crash left pending goes out now, not in half a minute.
            _sweep_job,
            interval=SWEEP_SECONDS,
            first=1,
            name="relay-sweeper",
        )
        app.job_queue.run_repeating(
            _survey_job, interval=SURVEY_SWEEP_SECONDS, first=10, name="survey-sweeper"
        )
        app.job_queue.run_repeating(
            _prune_job, interval=PRUNE_SECONDS, first=PRUNE_SECONDS, name="ledger-prune"
        )
        # Not a run_daily: a check every half hour also catches up after downtime.
        app.job_queue.run_repeating(
            _weekly_job, interval=weekly.CHECK_SECONDS, first=20, name="weekly-summary"
        )
        app.job_queue.run_repeating(
            _recovery_job, interval=RECOVERY_SECONDS, first=40, name="recovery-reasks"
        )
        if s.sla_watch is not None:
            app.job_queue.run_repeating(
                _sla_job, interval=SLA_CHECK_SECONDS, first=15, name="sla-checks"
            )
        if s.settings.retention_days:
            app.job_queue.run_repeating(
                _retention_job, interval=RETENTION_SECONDS, first=120, name="retention"
            )
        if s.settings.risk_refresh_minutes:
            app.job_queue.run_repeating(
                _risk_job,
                interval=s.settings.risk_refresh_minutes * 60,
                first=30,
                name="risk-snapshot",
            )


async def _publish_commands(app: App, settings: Settings) -> None:
    try:
        for lang in ("it", "en"):
            code = None if lang == settings.default_language else lang
            await app.bot.set_my_commands(
                [BotCommand(c, d) for c, d in CUSTOMER_COMMANDS[lang]],
                scope=BotCommandScopeAllPrivateChats(),
                language_code=code,
            )
        for chat_id in settings.routing.chat_ids:
            await app.bot.set_my_commands(
                [BotCommand(c, d) for c, d in STAFF_COMMANDS[settings.staff_language]],
                scope=BotCommandScopeChat(chat_id),
            )
    except TelegramError as exc:  # cosmetic: the bot works without the command menu
        log.warning("could not publish the command menu: %s", exc)


async def on_shutdown(app: App) -> None:
    """Relay what is queued for staff (briefly), then close database connections."""
    s = get_services(app)
    await s.outbox.stop()
    await s.survey_flow.digest.stop()
    await s.db.close()


async def auto_resolve(app: App) -> int:
    """Resolve silent answered requests and announce each, a batch at a time (each
    announced before the next is taken, so nothing else waits long); return how many."""
    s = get_services(app)
    done = 0
    while changes := await s.helpdesk.auto_resolve():
        for change in changes:
            await s.relay.announce(change)
        done += len(changes)
        if len(changes) < AUTO_RESOLVE_BATCH:
            break
    return done


async def sla_checks(app: App) -> tuple[int, int]:
    """Warn about the service targets about to break, escalate the broken ones (each once);
    return (warnings, escalations)."""
    return await check_targets(get_services(app))


async def recovery_reasks(app: App) -> int:
    """Ask the detractors whose re-ask fell due (once each); return how many were asked."""
    return await get_services(app).recovery.sweep()


async def _recovery_job(context: CareContext) -> None:
    await recovery_reasks(context.application)


async def retention_sweep(app: App) -> int:
    """Erase what was written before CAREBOT_RETENTION_DAYS (none unset); return the rows."""
    s = get_services(app)
    if not s.settings.retention_days:
        return 0
    cutoff = s.helpdesk.clock.now() - timedelta(days=s.settings.retention_days)
    return await erase_texts_before(s.db, cutoff)


async def _retention_job(context: CareContext) -> None:
    await retention_sweep(context.application)


async def _sla_job(context: CareContext) -> None:
    await sla_checks(context.application)


async def _auto_resolve_job(context: CareContext) -> None:
    await auto_resolve(context.application)


async def _sweep_job(context: CareContext) -> None:
    s = get_services(context.application)
    await s.outbox.sweep()
    await s.relay.sweep_notices()  # what customers are owed and a crash left unsent
    malloc.trim()  # what a report or a busy spell freed goes back to the system


async def _prune_job(context: CareContext) -> None:
    await get_services(context.application).runner.ledger.prune()


async def _survey_job(context: CareContext) -> None:
    await get_services(context.application).survey_flow.sweep()


async def weekly_summaries(app: App) -> int:
    """Send managers the due weekly summary (once per week each); return how many."""
    return await weekly.send_weekly_summaries(get_services(app))


async def _weekly_job(context: CareContext) -> None:
    await weekly_summaries(context.application)


async def _risk_job(context: CareContext) -> None:
    await get_services(context.application).reports.refresh_risk_snapshot()


@asynccontextmanager
async def started(app: App) -> AsyncIterator[App]:
    """Initialise and start the application (no update source); shut it down at the end."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        yield app
    finally:
        if app.running:
            await app.stop()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        await app.shutdown()


@asynccontextmanager
async def running(app: App, poll_timeout: int = 1, **poller: Any) -> AsyncIterator[Task[None]]:
    """Run the application with confirmed long polling in this event loop; yield the polling
    task, which ends early (PollingFailed) only when Telegram's answers cannot heal. That
    failure is raised again when the block ends."""
    async with started(app):
        # A webhook left over from webhook mode would make getUpdates fail (409 Conflict);
        # its pending updates stay queued and come with the next getUpdates.
        await app.bot.delete_webhook()
        s = get_services(app)
        stop = asyncio.Event()
        polling = Poller(app, s.runner, s.updates_request, poll_timeout=poll_timeout, **poller)
        task = asyncio.create_task(polling.run(stop))
        try:
            yield task
        finally:
            stop.set()
            await asyncio.wait({task})
            # Retrieved either way, so that asyncio does not warn about it.
            failure = None if task.cancelled() else task.exception()
        if failure is not None:
            raise failure


async def serve_forever(app: App, *, webhook: bool = False) -> None:
    """Run until SIGINT or SIGTERM (carebot run, or carebot run --webhook)."""
    from bot.webhook import webhook_running  # webhook builds on started(): import late

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if webhook:
        settings = get_services(app).settings
        if settings.webhook_url is None or settings.webhook_secret is None:
            raise ValueError("webhook mode needs CAREBOT_WEBHOOK_URL and CAREBOT_WEBHOOK_SECRET")
        source = webhook_running(
            app,
            secret=settings.webhook_secret.get_secret_value(),
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            webhook_url=settings.webhook_url,
        )
        async with source:
            log.info("carebot is running (webhook); press Ctrl+C to stop")
            await stop.wait()
        return
    async with running(app, poll_timeout=30) as polling:
        log.info("carebot is running; press Ctrl+C to stop")
        waiting = asyncio.create_task(stop.wait())
        await asyncio.wait({waiting, polling}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
