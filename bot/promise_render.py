"""The staff warning that a promised first answer is about to be late."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from analytics.lang import Lang
from analytics.service_times import format_duration
from bot.i18n import t
from bot.render import escape, mention
from conversations.promise_watch import PromiseWarning


def promise_warning(w: PromiseWarning, lang: Lang, tz: ZoneInfo) -> str:
    """ "⏰ #12 (Maria Rossi): the first answer promised by 09:30 is due in 6 min · 👤 Bob"
    (a mention, so Telegram notifies the owner), or a call to /claim when nobody owns it."""
    due = w.due.astimezone(tz).strftime("%H:%M")
    name = escape(w.customer.full_name)
    if w.left_seconds > 0:
        left = format_duration(w.left_seconds, lang)
        head = t(lang, "promise.warning", id=w.request.id, name=name, due=due, left=left)
    else:
        head = t(lang, "promise.late", id=w.request.id, name=name, due=due)
    owner = mention(w.owner) if w.owner else t(lang, "promise.nobody")
    return f"{head}\n{owner}"
