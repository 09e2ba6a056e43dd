"""The recovery card in the staff group (one message, edited as the recovery moves: no
message of the group's budget after the first) and the customer's re-ask question."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analytics.catalog import root_cause_name
from bot.i18n import t
from bot.render import escape, when
from bot.survey_render import reasons_text
from conversations.models import Customer, StaffMember
from conversations.recovery import ReaskOutcome, Recovery
from conversations.terms import NPS_MAX, NPS_MIN, RecoveryTrigger, RootCause

CB_RECOVERY = "rv"  # staff: rv:<request>:take | attempt | <root cause>
CB_REASK = "ra"  # customer: ra:<request>:<0..10> | skip
TAKE, ATTEMPT, SKIP = "take", "attempt", "skip"


def _state(r: Recovery, lang: str, tz: ZoneInfo) -> str | None:
    if r.reask_outcome == ReaskOutcome.ANSWERED and r.reask_score is not None:
        return t(lang, "recovery.won" if r.recovered else "recovery.lost", score=r.reask_score)
    if r.reask_outcome is not None:
        return t(lang, f"recovery.{r.reask_outcome}")
    if r.reask_sent_at is not None:
        return t(lang, "recovery.asked", at=when(r.reask_sent_at, tz))
    return None


def card_text(
    r: Recovery,
    customer: Customer,
    owner: StaffMember | None,
    attempted_by: StaffMember | None,
    lang: str,
    tz: ZoneInfo,
) -> str:
    """The card: who gave what (or what escalated), who owns it, the cause, the attempt
    and the re-ask."""
    name = escape(customer.full_name)
    if r.trigger == RecoveryTrigger.ESCALATION:
        why = escape(reasons_text(r.reason.split(","), lang) if r.reason else "")
        lines = [t(lang, "staff.alert.mark", id=r.request_id, why=why)]
        if r.score is not None:
            lines.append(t(lang, "recovery.then_scored", score=r.score))
    else:
        lines = [t(lang, "recovery.head", id=r.request_id, name=name, score=r.score)]
    lines.append(
        t(lang, "recovery.owner", name=escape(owner.full_name))
        if owner
        else t(lang, "recovery.nobody")
    )
    if r.root_cause is not None:
        lines.append(t(lang, "recovery.cause", cause=root_cause_name(r.root_cause, lang)))
    else:
        lines.append(t(lang, "recovery.no_cause"))
    if r.attempted_at is not None:
        who = escape(attempted_by.full_name) if attempted_by else str(r.attempted_by)
        due = when(r.reask_due, tz)
        lines.append(t(lang, "recovery.attempted", name=who, at=when(r.attempted_at, tz), due=due))
    else:
        lines.append(t(lang, "recovery.not_attempted"))
    state = _state(r, lang, tz)
    if state:
        lines.append(state)
    return "\n".join(lines)


def _button(text: str, request_id: int, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"{CB_RECOVERY}:{request_id}:{action}")


def card_keyboard(r: Recovery, has_owner: bool, lang: str) -> InlineKeyboardMarkup | None:
    """Take (while nobody owns it), the root causes (until the customer answered) and the
    attempt (until made); none once the re-ask is over."""
    if r.reask_outcome is not None:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    if not has_owner:
        rows.append([_button(t(lang, "recovery.take"), r.request_id, TAKE)])
    causes = [
        _button(root_cause_name(c, lang), r.request_id, c.value)
        for c in RootCause
        if c != r.root_cause
    ]
    rows += [causes[i : i + 3] for i in range(0, len(causes), 3)]
    if r.attempted_at is None:
        rows.append([_button(t(lang, "recovery.attempt"), r.request_id, ATTEMPT)])
    return InlineKeyboardMarkup(rows)


def reask_text(r: Recovery, lang: str) -> str:
    """The question "Are we OK now?", recalling the score, or the escalation, it follows."""
    if r.score is None:
        return t(lang, "recovery.reask.escalation", id=r.request_id)
    return t(lang, "recovery.reask", score=r.score, id=r.request_id)


def reask_keyboard(request_id: int, lang: str) -> InlineKeyboardMarkup:
    """0–10 in two rows, and a skip."""
    scores = [
        InlineKeyboardButton(str(n), callback_data=f"{CB_REASK}:{request_id}:{n}")
        for n in range(NPS_MIN, NPS_MAX + 1)
    ]
    skip = InlineKeyboardButton(
        t(lang, "recovery.reask.skip"), callback_data=f"{CB_REASK}:{request_id}:{SKIP}"
    )
    return InlineKeyboardMarkup([scores[:6], scores[6:], [skip]])


def parse(data: str | None, prefix: str) -> tuple[int, str] | None:
    """(request id, action) of a recovery button; None for anything malformed."""
    if not data or len(data.encode()) > 64:
        return None
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != prefix or not parts[1].isascii() or not parts[1].isdigit():
        return None
    request_id = int(parts[1])
    return (request_id, parts[2]) if 0 < request_id < 2**62 else None
