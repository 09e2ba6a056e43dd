"""Composition root: build the PTB Application with carebot's services and handlers
(bot.lifecycle starts, runs and stops it)."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from telegram.ext import ApplicationBuilder, BaseRateLimiter
from telegram.request import HTTPXRequest

from bot import staff_admins
from bot.context import CONTEXT_TYPES, SERVICES_KEY, CareApp
from bot.errors import ErrorNotices, on_error
from bot.flood import FloodLimiter
from bot.forget_flow import ForgetFlow
from bot.handlers import (
    customer,
    edits,
    fallback,
    forget,
    managers,
    notes,
    privacy,
    reports,
    saved,
    search,
    staff,
    survey,
    tags,
    team,
)
from bot.handlers import recovery as recovery_handlers
from bot.lifecycle import on_shutdown, on_startup
from bot.privacy import DataRequests
from bot.processor import PerChatUpdateProcessor
from bot.raw_updates import UpdatesRequest
from bot.recovery_flow import RecoveryFlow
from bot.relay import Relay
from bot.reporting import Reports
from bot.resolution_line import ResolutionLine
from bot.services import Services
from bot.settings import Settings
from bot.staff_admins import StaffAdmins
from bot.staff_outbox import StaffOutbox
from bot.survey_flow import SurveyFlow
from bot.updates import UpdateRunner
from conversations.clock import Clock, SystemClock
from conversations.customer_notes import Notes
from conversations.customer_rate import CustomerRate
from conversations.db import create_engine
from conversations.erasure import Erasure
from conversations.helpdesk import HelpDesk, HelpDeskPolicy, TextAnalyzer
from conversations.intake import Intake
from conversations.ledger import UpdateLedger
from conversations.ownership import Ownership
from conversations.recovery import Recoveries
from conversations.saved_replies import SavedReplies
from conversations.sla_watch import SlaWatch
from conversations.store import Database
from conversations.subscriptions import Subscriptions
from conversations.surveys import SurveyPolicy, Surveys
from conversations.tags import Tags
from conversations.terms import LANGUAGES, SlaTarget

log = logging.getLogger("carebot")

App = CareApp


def default_analyzer() -> TextAnalyzer | None:
    """The sentiment analyser when its package is installed (conversations.sentiment)."""
    try:
        from conversations.sentiment import analyze
    except ImportError:
        return None

    def run(text: str, language: str | None) -> dict[str, Any]:
        result: dict[str, Any] = analyze(text, language).model_dump(mode="json")
        return result

    return run


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    analyzer: TextAnalyzer | None = None,
    rate_limit: bool = True,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    job_intervals: bool = True,
    rng: random.Random | None = None,
) -> App:
    """Build the Application: HTTP stack, rate limiter, per-chat ordering, handlers, services.

    `rng` breaks ties between the survey's pillar questions (seeded for a repeatable demo).
    """
    # Long polling holds one connection; the rest serve sends, in parallel across chats.
    updates_request = UpdatesRequest(connection_pool_size=1, read_timeout=40)
    builder = (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.bot_url)
        .base_file_url(settings.file_url)
        .request(HTTPXRequest(connection_pool_size=16, read_timeout=15, write_timeout=30))
        .get_updates_request(updates_request)
        .concurrent_updates(PerChatUpdateProcessor(16))
        .context_types(CONTEXT_TYPES)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    limiter: BaseRateLimiter[Any] | None = None
    if rate_limit and settings.flood_limits:
        # Tests pass a limiter scaled to the fake server's shortened flood windows.
        limiter = rate_limiter or FloodLimiter()
        builder = builder.rate_limiter(limiter)
    app: App = builder.build()

    db = Database(create_engine(settings.database_url))
    calendar = settings.calendar()  # parsed once: every business-time rule reads this one
    target, resolution_target = settings.sla_targets()
    found = ((SlaTarget.FIRST_RESPONSE, target), (SlaTarget.RESOLUTION, resolution_target))
    targets = {kind: value for kind, value in found if value is not None}
    policy = HelpDeskPolicy(
        routing=settings.routing,
        default_language=settings.default_language,
        reopen_grace=timedelta(hours=settings.reopen_grace_hours),
        auto_resolve_after=timedelta(hours=settings.auto_resolve_hours),
        note_prefixes=(settings.note_prefix,),
        first_response_target=target,
        resolution_target=resolution_target,
        calendar=calendar,
    )
    clock = clock or SystemClock()
    analyze = analyzer or default_analyzer()
    helpdesk = HelpDesk(db, clock, policy, analyze)
    relay = Relay(app.bot, helpdesk, settings)
    survey_policy = SurveyPolicy(
        cooldown_days=settings.survey_cooldown_days,
        expiry_hours=settings.survey_expiry_hours,
        alert_threshold=settings.alert_threshold,
    )
    surveys = Surveys(db, clock, survey_policy, analyze, rng)
    recoveries = Recoveries(
        db,
        clock,
        reask_after=timedelta(days=settings.recovery_reask_days),
        expiry=timedelta(hours=settings.survey_expiry_hours),  # the survey rules' window
    )
    lines = ResolutionLine(relay, surveys, recoveries, helpdesk, settings)
    flow = SurveyFlow(surveys, helpdesk, relay, lines, settings)
    relay.on_resolved.append(flow.on_resolved)
    runner = UpdateRunner(app, UpdateLedger(db, clock))
    report_service = Reports(db, clock, settings, helpdesk)
    # With carebot's own limiter, the outbox gathers a request's texts only once its
    # group has room, so what came meanwhile folds into one message.
    reserve = limiter.reserve if isinstance(limiter, FloodLimiter) else None
    outbox = StaffOutbox(relay, reserve=reserve)
    outbox.after.append(flow.after_relay)
    ownership = Ownership(db, clock)
    recovery = RecoveryFlow(recoveries, helpdesk, ownership, relay, lines, flow.digest, settings)
    flow.recovery = recovery
    app.bot_data[SERVICES_KEY] = Services(
        settings,
        db,
        helpdesk,
        relay,
        surveys,
        flow,
        runner,
        report_service,
        outbox,
        updates_request,
        CustomerRate(settings.customer_rate),
        Intake(db, settings.routing),
        ownership,
        SavedReplies(db, clock, (settings.default_language, *LANGUAGES)),
        Notes(db, clock),
        Tags(db, clock, settings.tags),
        calendar,
        Subscriptions(db, clock, settings.staff_language),
        recovery,
        DataRequests(clock),
        ForgetFlow(Erasure(db, clock), helpdesk, relay, settings),
        ErrorNotices(clock),
        SlaWatch(db, clock, calendar, targets, settings.sla_warning_share) if targets else None,
    )
    app.bot_data["carebot.jobs"] = job_intervals

    if settings.staff_admins_only:
        staff_admins.register(app, StaffAdmins(app.bot), settings.routing.chat_ids)
    survey.register(app)
    managers.register(app)
    privacy.register(app)
    forget.register(app, settings.routing.chat_ids)
    recovery_handlers.register(app)
    customer.register(app)
    groups = settings.routing.chat_ids
    staff.register(app, groups)
    team.register(app, groups)
    saved.register(app, groups)
    notes.register(app, groups)
    search.register(app, groups)
    tags.register(app, groups)
    reports.register(app, groups)
    edits.register(app, groups)
    fallback.register(app)  # last: what no handler above took
    app.add_error_handler(on_error)
    return app
