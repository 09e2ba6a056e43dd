"""Telegram HTML texts and inline keyboards built from domain values (user text escaped)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape as escape
from html import unescape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analytics.html_split import LIMIT
from analytics.lang import Lang
from analytics.service_times import format_duration
from bot.i18n import t
from conversations.models import (
    Ambiguous,
    Customer,
    CustomerCard,
    NotFound,
    OpenRequestLine,
    Request,
    StaffMember,
)
from conversations.numbers import parse_int
from conversations.routing import Category
from conversations.terms import Status

TOPIC_TITLE_MAX = 128


# callback data: short prefixes keep us far below Telegram's 64-byte limit
CB_RESOLVE = "rs"
CB_REOPEN = "ro"
CB_SOLVED = "sv"
CB_LANGUAGE = "lang"
CB_CATEGORY = "cat"
CB_TAKE = "tk"
SKIP = "-"  # the category button's value for "skip"


def callback(prefix: str, value: int | str) -> str:
    """Build callback data like "rs:42"."""
    return f"{prefix}:{value}"


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """Split callback data into (prefix, value); None for anything malformed."""
    if not data or ":" not in data or len(data.encode()) > 64:
        return None
    prefix, _, value = data.partition(":")
    return prefix, value


def parse_request_id(value: str) -> int | None:
    """A request number from callback data or a command argument ("42" or "#42")."""
    return parse_int(value.strip().removeprefix("#"), low=1)


def when(dt: datetime | None, tz: ZoneInfo) -> str:
    """A compact local time, e.g. 23/11 14:05."""
    return dt.astimezone(tz).strftime("%d/%m/%Y %H:%M") if dt else "—"


def topic_title(
    request: Request,
    customer: Customer,
    lang: str,
    resolved: bool = False,
    category: str | None = None,
    owner: StaffMember | None = None,
) -> str:
    """Forum topic title: "#42 · Maria R. · it", with the category's name in front
    ("Billing · #42 · …"), its owner at the end ("… · 👤 Luca B.") and ✅ before all
    once resolved."""
    title = t(lang, "topic.title", id=request.id, name=customer.short_name, lang=customer.language)
    if category:
        title = f"{category} · {title}"
    if owner is not None:
        title += " · " + t(lang, "topic.owner", name=owner.short_name)
    return (("✅ " if resolved else "") + title)[:TOPIC_TITLE_MAX]


def hashtags(tags: Sequence[str]) -> str:
    """Tags as Telegram shows them, tappable to find the others: #billing #refund."""
    return " ".join(f"#{escape(tag)}" for tag in tags)


def mention(member: StaffMember) -> str:
    """A staff member's name that notifies them (Telegram HTML text mention)."""
    return f'<a href="tg://user?id={member.user_id}">{escape(member.full_name)}</a>'


def plain(html_text: str) -> str:
    """Telegram HTML as plain text (a button's toast shows no markup)."""
    return unescape(re.sub(r"<[^>]+>", "", html_text))


def customer_label(customer: Customer) -> str:
    """Escaped full name plus @username."""
    label = escape(customer.full_name)
    if customer.username:
        label += f" (@{escape(customer.username)})"
    return label


def card(
    request: Request,
    customer: Customer,
    lang: str,
    tz: ZoneInfo,
    quoted: Sequence[str] = (),
    category: str | None = None,
    owner: StaffMember | None = None,
    tags: Sequence[str] = (),
) -> str:
    """The ticket card: number, customer, language, category, opened time, status, owner,
    tags;
    then the request's first texts when the card carries them (one staff-group message
    for a new request)."""
    lines = [
        t(lang, "card.title", id=request.id),
        t(lang, "card.customer", name=customer_label(customer)),
        t(lang, "card.language", lang=customer.language),
        *([t(lang, "card.category", name=escape(category))] if category else []),
        t(lang, "card.opened", when=when(request.opened_at, tz)),
        t(lang, "card.status", status=t(lang, f"status.{request.status.value}")),
        *([t(lang, "card.owner", name=escape(owner.full_name))] if owner else []),
        *([t(lang, "card.tags", tags=hashtags(tags))] if tags else []),
        *(f"<blockquote>{escape(text)}</blockquote>" for text in quoted),
    ]
    return "\n".join(lines)


def card_keyboard(request: Request, lang: str) -> InlineKeyboardMarkup:
    """Take it (while nobody owns it) and Resolve while the request is open, Reopen once
    it is resolved."""
    if request.status == Status.RESOLVED:
        reopen = callback(CB_REOPEN, request.id)
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "button.reopen"), callback_data=reopen)]]
        )
    resolve = InlineKeyboardButton(
        t(lang, "button.resolve"), callback_data=callback(CB_RESOLVE, request.id)
    )
    if request.assignee_id is not None:
        return InlineKeyboardMarkup([[resolve]])
    take = InlineKeyboardButton(t(lang, "button.take"), callback_data=callback(CB_TAKE, request.id))
    return InlineKeyboardMarkup([[take, resolve]])


def solved_keyboard(request_id: int, lang: str) -> InlineKeyboardMarkup:
    """The customer's "✅ Solved" button under staff answers."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t(lang, "button.solved"), callback_data=callback(CB_SOLVED, request_id)
                )
            ]
        ]
    )


def category_keyboard(
    request_id: int, categories: Sequence[Category], lang: str
) -> InlineKeyboardMarkup:
    """The category picker of a new request: one button per category, two per row, and
    Skip ("cat:42:billing", "cat:42:-")."""
    buttons = [
        InlineKeyboardButton(
            c.name(lang), callback_data=callback(CB_CATEGORY, f"{request_id}:{c.key}")
        )
        for c in categories
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    skip = callback(CB_CATEGORY, f"{request_id}:{SKIP}")
    rows.append([InlineKeyboardButton(t(lang, "category.skip"), callback_data=skip)])
    return InlineKeyboardMarkup(rows)


def parse_category(value: str) -> tuple[int, str | None] | None:
    """(request number, category key or None for skip) from a category button's value."""
    number, _, key = value.partition(":")
    request_id = parse_request_id(number)
    if request_id is None or not key:
        return None
    return request_id, None if key == SKIP else key


def language_keyboard() -> InlineKeyboardMarkup:
    """Italian / English picker."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("🇮🇹 Italiano", callback_data=callback(CB_LANGUAGE, "it")),
                InlineKeyboardButton("🇬🇧 English", callback_data=callback(CB_LANGUAGE, "en")),
            ]
        ]
    )


def open_list(
    lines: list[OpenRequestLine],
    lang: Lang,
    limit: int = 50,
    queued: Mapping[int, tuple[int, float]] | None = None,
    which: str = "",
) -> str:
    """The /open answer: one line per open request, oldest first, with its owner; `queued`
    gives, per request, its messages still waiting for the staff group and how long the
    oldest has. `which` is "", "mine" or "unassigned" (the list's header)."""
    suffix = f".{which}" if which else ""
    if not lines:
        return t(lang, "staff.open.empty" + suffix)
    out = [t(lang, "staff.open.header" + suffix, n=len(lines))]
    for line in lines[:limit]:
        status = "staff.open.waiting" if line.waiting_for_first_response else "staff.open.answered"
        out.append(
            t(
                lang,
                "staff.open.line",
                id=line.request.id,
                name=escape(line.customer.full_name),
                age=format_duration(line.age_seconds, lang),
                status=t(lang, status),
            )
        )
        if line.owner is not None:
            out[-1] += t(lang, "staff.open.owner", name=escape(line.owner.short_name))
        # The nearer target: the promised first answer while it is owed, else resolution.
        left, target = line.promise_left_seconds, "promise"
        if left is None:
            left, target = line.resolution_left_seconds, "resolution"
        if left is not None:
            key = f"staff.open.{target}_left" if left >= 0 else f"staff.open.{target}_late"
            out[-1] += t(lang, key, age=format_duration(abs(left), lang))
        if queued and line.request.id in queued:
            n, waited = queued[line.request.id]
            out[-1] += t(lang, "staff.open.queued", n=n, age=format_duration(waited, lang))
    if len(lines) > limit:
        out.append(t(lang, "staff.open.more", n=len(lines) - limit))
    return "\n".join(out)


def whois(card_: CustomerCard, lang: str, tz: ZoneInfo) -> str:
    """A customer card for /whois."""
    c = card_.customer
    username = f" (@{escape(c.username)})" if c.username else ""

    def numbers(requests: list[Request]) -> str:
        return ", ".join(f"#{r.id} {t(lang, 'status.' + r.status.value)}" for r in requests) or "—"

    lines = [
        t(lang, "staff.whois.title", name=escape(c.full_name), username=username),
        t(lang, "staff.whois.ids", user_id=c.telegram_user_id or "—", lang=c.language),
        t(
            lang,
            "staff.whois.since",
            since=when(c.created_at, tz),
            last=when(c.last_contact_at, tz),
        ),
        t(lang, "staff.whois.counts", requests=card_.requests_total, messages=card_.messages_total),
        t(lang, "staff.whois.open", list=numbers(card_.open_requests)),
        t(lang, "staff.whois.recent", list=numbers(card_.recent_requests)),
    ]
    if c.blocked_bot_at:
        lines.append(t(lang, "staff.whois.blocked", when=when(c.blocked_bot_at, tz)))
    if c.banned:
        lines.append(t(lang, "staff.whois.banned"))
    return "\n".join(lines)


def coalesced(customer: Customer, texts: Sequence[str], lang: str) -> str:
    """Several customer texts that waited for the staff group's budget, as one message:
    who wrote, how many, then each text quoted in the order it was written."""
    head = t(lang, "staff.coalesced", name=escape(customer.full_name), n=len(texts))
    quoted = "\n".join(f"<blockquote>{escape(text)}</blockquote>" for text in texts)
    return f"{head}\n{quoted}"


def edit_notice(customer: Customer, text: str | None, lang: str) -> str:
    """Tell staff a customer edited a message: a header, then the new text (escaped, cut to
    fit one message)."""
    head = t(lang, "staff.edited", name=escape(customer.full_name))
    if not text:
        return f"{head}\n{t(lang, 'staff.edited.empty')}"
    room = LIMIT - len(head) - 2  # the line break, and an ellipsis when cut
    cut = text
    while len(escape(cut)) > room:
        cut = cut[: len(cut) - (len(escape(cut)) - room)]
    return f"{head}\n{escape(cut)}" + ("…" if cut != text else "")


def no_single_customer(found: NotFound | Ambiguous, lang: Lang) -> str | None:
    """Why a staff query named no single customer; None when there was no query at all
    (the command's usage says more then)."""
    if not found.query:
        return None
    key = "report.ambiguous" if isinstance(found, Ambiguous) else "staff.whois.none"
    return t(lang, key, query=escape(found.query))
