"""What a new request's customer is told about time: when the team is back (outside
business hours) and by when a first answer is promised.

The lines ride on the "request received" answer (no message of their own), in the
customer's language and time zone words: "today at 14:00", "tomorrow at 09:00", "on
Monday at 09:00", "on 26/12 at 09:00".
"""

from __future__ import annotations

from datetime import datetime

from bot.i18n import t
from conversations.business_hours import Calendar

WEEKDAYS = {
    "it": ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def back_at(
    calendar: Calendar, now: datetime, back: datetime, lang: str, words: str = "away"
) -> str:
    """A moment in words relative to now (local time); `words`: "away" ("on Monday at
    09:00", after "we're back") or "promise" ("Monday at 09:00", after "by")."""
    here, then = now.astimezone(calendar.tz), back.astimezone(calendar.tz)
    clock = then.strftime("%H:%M")
    days = (then.date() - here.date()).days
    if days == 0:
        return t(lang, f"{words}.today", time=clock)
    if days == 1:
        return t(lang, f"{words}.tomorrow", time=clock)
    if days < 7:
        day = WEEKDAYS.get(lang, WEEKDAYS["en"])[then.weekday()]
        return t(lang, f"{words}.weekday", day=day, time=clock)
    return t(lang, f"{words}.date", date=then.strftime("%d/%m"), time=clock)


def away_line(calendar: Calendar, now: datetime, lang: str) -> str | None:
    """The away line if the team is out now (None while it is in, or if it never is)."""
    if calendar.is_open(now):
        return None
    back = calendar.next_open(now)
    if back is None:
        return None
    return t(lang, "away.line", when=back_at(calendar, now, back, lang))


def received(
    calendar: Calendar, now: datetime, lang: str, request_id: int, promised_by: datetime | None
) -> str:
    """The "request received" answer, with the away line outside business hours and the
    time a first answer is promised by."""
    lines = [t(lang, "request.received", id=request_id), away_line(calendar, now, lang)]
    if promised_by is not None:
        lines.append(
            t(lang, "promise.line", when=back_at(calendar, now, promised_by, lang, "promise"))
        )
    return "\n".join(line for line in lines if line)
