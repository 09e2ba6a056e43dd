"""/find's answer: the newest matching messages, each with its request and a snippet."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.render import escape, when
from conversations.search import SearchHit
from conversations.terms import Direction

SNIPPET = 90  # characters of text shown around the first match
_MARK = {Direction.IN: "👤", Direction.OUT: "💬", Direction.NOTE: "📝"}


def snippet(text: str, terms: list[str]) -> str:
    """Telegram HTML: the text around the first word found, that word in bold."""
    flat = " ".join(text.split())
    lower = flat.lower()
    found = [(lower.find(w), w) for w in terms if lower.find(w) >= 0]
    if not found:
        short = flat[:SNIPPET]
        return escape(short) + ("…" if len(flat) > SNIPPET else "")
    at, word = min(found)
    start = max(0, at - SNIPPET // 3)
    end = min(len(flat), start + SNIPPET)
    before, match, after = flat[start:at], flat[at : at + len(word)], flat[at + len(word) : end]
    head = "…" if start else ""
    tail = "…" if end < len(flat) else ""
    return f"{head}{escape(before)}<b>{escape(match)}</b>{escape(after)}{tail}"


def results(
    query: str, terms: list[str], hits: list[SearchHit], limit: int, lang: str, tz: ZoneInfo
) -> str:
    """The answer to /find: a heading, then one line per message, newest first."""
    if not hits:
        return t(lang, "find.none", query=escape(query))
    shown = hits[:limit]
    key = "find.more" if len(hits) > limit else "find.title"
    lines = [t(lang, key, query=escape(query), n=len(shown))]
    for h in shown:
        who = escape(h.customer_name if h.direction == Direction.IN else h.sender_name)
        lines.append(
            f"• #{h.request_id} · {escape(h.customer_name)} · {when(h.created_at, tz)} · "
            f"{_MARK[h.direction]} {who}: {snippet(h.text, terms)}"
        )
    return "\n".join(lines)
