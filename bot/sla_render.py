"""Service-target texts: the staff warning that a target is about to break (in the
request's topic), and the escalation lines once it broke (for managers and the general
topic's digest)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from analytics.lang import Lang
from analytics.service_times import format_duration
from bot.i18n import t
from bot.render import escape, mention
from conversations.sla_watch import SlaAlert


def _due(due: datetime, now: datetime, tz: ZoneInfo) -> str:
    """The deadline's local time, with its date unless it is today."""
    local = due.astimezone(tz)
    if local.date() == now.astimezone(tz).date():
        return local.strftime("%H:%M")
    return local.strftime("%d/%m %H:%M")


def sla_warning(a: SlaAlert, lang: Lang, tz: ZoneInfo, now: datetime) -> str:
    """ "⏰ #12 (Maria Rossi): the first answer promised by 09:30 is due in 6 min" and the
    owner's mention (Telegram notifies them), or a call to /claim when nobody owns it."""
    values = {"id": a.request.id, "name": escape(a.customer.full_name), "due": _due(a.due, now, tz)}
    if a.left_seconds > 0:
        left = format_duration(a.left_seconds, lang)
        head = t(lang, f"sla.{a.target}.warning", left=left, **values)
    else:
        head = t(lang, f"sla.{a.target}.late", **values)
    owner = mention(a.owner) if a.owner else t(lang, "sla.nobody")
    return f"{head}\n{owner}"


def breach_line(a: SlaAlert, lang: Lang, tz: ZoneInfo, now: datetime) -> str:
    """One broken target, on one line: "🔥 #12 Maria Rossi: first answer promised by 09:30 ·
    👤 Bob" (a name, not a mention: managers read it, the owner was warned already)."""
    owner = escape(a.owner.full_name) if a.owner else t(lang, "sla.owner.none")
    return t(
        lang,
        f"sla.breach.{a.target}",
        id=a.request.id,
        name=escape(a.customer.full_name),
        due=_due(a.due, now, tz),
        owner=owner,
    )


def breach_digest(alerts: Sequence[SlaAlert], lang: Lang, tz: ZoneInfo, now: datetime) -> str:
    """The managers' message: every target that broke since the last check."""
    n = len(alerts)
    head = t(lang, "sla.breach.head.1") if n == 1 else t(lang, "sla.breach.head.n", n=n)
    return "\n".join([head, *(breach_line(a, lang, tz, now) for a in alerts)])
