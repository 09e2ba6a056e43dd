"""What /whois adds from the team's records: a request's history, one line per entry, and
the notes kept on the customer."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.render import escape, hashtags, when
from conversations.customer_notes import CustomerNotes
from conversations.history import NOTE, History, HistoryEntry
from conversations.models import StaffMember
from conversations.terms import Actor, EventKind

NOTE_PREVIEW = 120  # characters of a note shown in the history


def _name(member: StaffMember | None) -> str:
    return escape(member.full_name) if member is not None else "—"


def _line(entry: HistoryEntry, lang: str) -> str:
    who, kind = _name(entry.who), entry.kind
    if kind == NOTE:
        text = entry.detail or ""
        if len(text) > NOTE_PREVIEW:
            text = text[: NOTE_PREVIEW - 1] + "…"
        return t(lang, "history.note", who=who, text=escape(text))
    if kind in (EventKind.RESOLVED, EventKind.REOPENED, EventKind.OPENED):
        by = {Actor.CUSTOMER: "customer", Actor.AUTO: "auto"}.get(Actor(entry.actor), "staff")
        return t(lang, f"history.{kind}.{by}", who=who)
    if kind in (EventKind.ASSIGNED, EventKind.UNCLAIMED):
        return t(lang, f"history.{kind}", who=who, name=_name(entry.subject))
    if kind in (EventKind.TAGGED, EventKind.UNTAGGED):
        return t(lang, f"history.{kind}", who=who, tag=escape(entry.detail or "?"))
    if kind == EventKind.SAVED_REPLY:
        return t(lang, "history.saved_reply", who=who, key=escape(entry.detail or "?"))
    if kind in (EventKind.ANSWERED, EventKind.CLAIMED):
        return t(lang, f"history.{kind}", who=who)
    return escape(kind)  # a kind this version does not know (a newer one wrote it)


def history(found: History, lang: str, tz: ZoneInfo) -> str:
    """The request's history: a heading, then `when — what` lines, oldest first."""
    lines = [t(lang, "history.title", id=found.request_id)]
    if found.tags:
        lines.append(t(lang, "card.tags", tags=hashtags(found.tags)))
    if found.earlier:
        lines.append(t(lang, "history.earlier", n=found.earlier))
    lines += [f"• {when(e.at, tz)} — {_line(e, lang)}" for e in found.entries]
    return "\n".join(lines)


def customer_notes(found: CustomerNotes, lang: str, tz: ZoneInfo) -> str:
    """The customer's newest notes, newest first; empty when there are none."""
    if not found.total:
        return ""
    lines = [t(lang, "notes.title", n=found.total)]
    lines += [
        t(lang, "notes.line", when=when(n.created_at, tz), who=_name(n.author), text=escape(n.text))
        for n in found.notes
    ]
    return "\n".join(lines)
