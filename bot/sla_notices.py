"""The minute check of service targets: warnings go to each request's topic (mentioning
its owner), and what broke is escalated once, batched: one message per manager per check,
and one line each in the staff group's general-topic digest (at most a message a minute
from the group's budget)."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from analytics.html_split import split_html
from bot.services import Services
from bot.sla_render import breach_digest, breach_line, sla_warning

log = logging.getLogger(__name__)


async def check_targets(s: Services) -> tuple[int, int]:
    """Warn and escalate what is due now; return (warnings, escalations)."""
    if s.sla_watch is None:
        return 0, 0
    lang, tz = s.settings.staff_language, s.settings.tz
    now = s.sla_watch.clock.now()
    warnings = await s.sla_watch.due_warnings()
    for w in warnings:
        try:
            await s.relay.staff_notice(w.request, w.customer, sla_warning(w, lang, tz, now))
        except TelegramError as exc:  # one refused notice must not cost the others theirs
            log.warning("SLA warning for #%s not posted: %s", w.request.id, exc)
    breaches = await s.sla_watch.breaches()
    if breaches:
        for b in breaches:
            s.survey_flow.digest.add(b.request.staff_chat_id, breach_line(b, lang, tz, now))
        for part in split_html(breach_digest(breaches, lang, tz, now)):
            for manager in s.settings.manager_ids:
                await s.relay.tell_manager(manager, part)
    return len(warnings), len(breaches)
