"""Survey questions, keyboards and staff lines built from survey values (user text escaped)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from analytics.catalog import pillar_name
from bot.i18n import t
from conversations.numbers import parse_int
from conversations.sentiment.escalation import Escalation
from conversations.survey_models import SurveySummary
from conversations.terms import Band, Pillar, SurveyStatus

# callback data: "<prefix>:<survey id>[:<value>]"
CB_SCORE = "nps"
CB_SKIP_REASON = "rsk"
CB_PILLAR = "pl"
CB_SKIP_PILLAR = "psk"
PREFIXES = (CB_SCORE, CB_SKIP_REASON, CB_PILLAR, CB_SKIP_PILLAR)
CALLBACK_PATTERN = rf"^({'|'.join(PREFIXES)}):"

QUOTE_MAX = 300  # characters of customer text quoted in staff lines


@dataclass(frozen=True, slots=True)
class SurveyTap:
    """A parsed survey button press."""

    prefix: str
    survey_id: int
    value: int | None


def parse_tap(data: str | None) -> SurveyTap | None:
    """Parse survey callback data; None for anything malformed (tampered or foreign)."""
    if not data or len(data.encode()) > 64:
        return None
    prefix, *rest = data.split(":")
    numbers = [parse_int(p, low=0) for p in rest]
    with_value = prefix in (CB_SCORE, CB_PILLAR)
    if prefix not in PREFIXES or len(numbers) != (2 if with_value else 1):
        return None
    survey_id, value = numbers[0], numbers[1] if with_value else None
    if survey_id is None or (with_value and value is None):
        return None
    return SurveyTap(prefix, survey_id, value)


def _button(text: str, *parts: int | str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=":".join(str(p) for p in parts))


def nps_question(lang: str, brand: str) -> str:
    """The NPS question."""
    return t(lang, "survey.nps.question", brand=escape(brand))


def nps_keyboard(survey_id: int) -> InlineKeyboardMarkup:
    """0–10 in two rows (0–5, 6–10), so the buttons stay readable on a phone."""
    rows = [range(0, 6), range(6, 11)]
    return InlineKeyboardMarkup(
        [[_button(str(n), CB_SCORE, survey_id, n) for n in row] for row in rows]
    )


def nps_answered(lang: str, brand: str, score: int) -> str:
    """The NPS question after the tap: the chosen score, no buttons."""
    return f"{nps_question(lang, brand)}\n\n{t(lang, 'survey.nps.chosen', score=score)}"


def reason_question(lang: str, band: Band | None) -> str:
    """The free-text question worded by score band."""
    key = f"survey.reason.{(band or Band.PASSIVE).value}"
    return f"{t(lang, key)}\n{t(lang, 'survey.reason.hint')}"


def skip_keyboard(prefix: str, survey_id: int, lang: str) -> InlineKeyboardMarkup:
    """A single Skip button."""
    return InlineKeyboardMarkup([[_button(t(lang, "survey.button.skip"), prefix, survey_id)]])


def pillar_question(lang: str, pillar: Pillar) -> str:
    """The 1–5 question of one pillar."""
    return f"{t(lang, f'survey.pillar.{pillar.value}')}\n{t(lang, 'survey.pillar.scale')}"


def pillar_keyboard(survey_id: int, lang: str) -> InlineKeyboardMarkup:
    """1–5 on one row, Skip below."""
    scale = [_button(str(n), CB_PILLAR, survey_id, n) for n in range(1, 6)]
    skip = _button(t(lang, "survey.button.skip"), CB_SKIP_PILLAR, survey_id)
    return InlineKeyboardMarkup([scale, [skip]])


def pillar_answered(lang: str, pillar: Pillar, score: int | None) -> str:
    """The pillar question after the answer (or the skip)."""
    chosen = (
        t(lang, "survey.pillar.chosen", score=score)
        if score is not None
        else t(lang, "survey.reason.skipped")
    )
    return f"{t(lang, f'survey.pillar.{pillar.value}')}\n\n{chosen}"


def quote(text: str) -> str:
    """Customer text for a staff line: escaped, on one line, shortened."""
    flat = " ".join(text.split())
    if len(flat) > QUOTE_MAX:
        flat = flat[: QUOTE_MAX - 1] + "…"
    return escape(flat)


def alert_reasons(found: Escalation, lang: str) -> str:
    """Why a message raised an alert, in the staff's language ("angry, wrote before")."""
    return reasons_text(found.reasons, lang)


def reasons_text(reasons: Iterable[str], lang: str) -> str:
    """Escalation signals (Escalation.reasons) in the staff's language."""
    return ", ".join(t(lang, f"alert.why.{reason}") for reason in reasons)


def staff_summary(summary: SurveySummary, lang: str) -> str:
    """ "📊 #42 · NPS 3 (detractor): “too slow…”" for the request's topic or ticket."""
    band = t(lang, f"band.{summary.band.value}") if summary.band else "—"
    if summary.reason_text:
        reason = f"«{quote(summary.reason_text)}»"
    else:
        reason = t(lang, "staff.survey.no_reason")
    return t(
        lang,
        "staff.survey.summary",
        id=summary.request_id,
        score=summary.score,
        band=band,
        reason=reason,
    )


def staff_result(summary: SurveySummary, lang: str) -> str:
    """The survey's one staff line once the pillar is answered or skipped: score, reason
    and pillar ("📊 #42 · NPS 9 (promoter): “quick” · Empathy 5/5")."""
    line = staff_summary(summary, lang)
    if summary.pillar is None or summary.status != SurveyStatus.COMPLETED:
        return line  # the pillar is chosen with the reason, answered later
    name = pillar_name(summary.pillar, lang)
    if summary.pillar_score is None:
        part = t(lang, "staff.survey.pillar_part_skipped", pillar=name)
    else:
        part = t(lang, "staff.survey.pillar_part", pillar=name, score=summary.pillar_score)
    return f"{line} · {part}"


def staff_pillar(summary: SurveySummary, lang: str) -> str:
    """The pillar answer line for staff."""
    if summary.pillar is None:
        return ""
    name = pillar_name(summary.pillar, lang)
    if summary.pillar_score is None:
        return t(lang, "staff.survey.pillar_skipped", id=summary.request_id, pillar=name)
    return t(
        lang, "staff.survey.pillar", id=summary.request_id, pillar=name, score=summary.pillar_score
    )
