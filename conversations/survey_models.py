"""Survey values: a stored survey and what the survey use cases hand back to the edge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from conversations.terms import Band, Pillar, SurveyStatus, SurveyStep

__all__ = [
    "Outcome",
    "PillarResult",
    "ReasonResult",
    "ScoreResult",
    "Survey",
    "SurveyQuestion",
    "SurveyStarted",
    "SurveySummary",
]


class Outcome(StrEnum):
    """What happened to an answer: stored, or why it was refused (nothing stored)."""

    OK = "ok"
    ALREADY = "already"  # answered before (double tap, re-delivered update)
    NOT_FOUND = "not_found"
    FOREIGN = "foreign"  # the survey belongs to another user
    EXPIRED = "expired"
    INVALID = "invalid"  # value out of range
    WRONG_STEP = "wrong_step"  # the survey waits for another question


@dataclass(frozen=True, slots=True)
class Survey:
    """One survey row."""

    id: int
    request_id: int
    customer_id: int
    user_id: int
    resolved_by: int | None
    language: str
    status: SurveyStatus
    step: SurveyStep
    sent_at: datetime
    expires_at: datetime
    score: int | None
    band: Band | None
    scored_at: datetime | None
    reason_text: str | None
    reason_at: datetime | None
    reason_polarity: float | None
    pillar: Pillar | None
    pillar_score: int | None
    pillar_at: datetime | None
    answered_at: datetime | None
    score_message_id: int | None = None
    reason_message_id: int | None = None
    pillar_message_id: int | None = None
    staff_line_message_id: int | None = None  # the result's line in the staff group

    def is_expired(self, now: datetime) -> bool:
        """Tell whether answers are no longer accepted."""
        if self.status == SurveyStatus.EXPIRED:
            return True
        return self.status == SurveyStatus.SENT and now >= self.expires_at


@dataclass(frozen=True, slots=True)
class SurveyStarted:
    """A survey to send: the edge asks the NPS question in the customer's language."""

    survey_id: int
    request_id: int
    customer_user_id: int
    language: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SurveyQuestion:
    """The question a live survey waits for, with what the edge needs to word it."""

    survey_id: int
    request_id: int
    user_id: int
    language: str
    step: SurveyStep
    score: int | None
    band: Band | None
    pillar: Pillar | None
    message_id: int | None  # the Telegram message that asked it, once sent


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """Result of an NPS tap; with alert_due the edge posts a close-the-loop alert."""

    kind: Outcome
    survey_id: int
    score: int | None = None
    band: Band | None = None
    language: str | None = None
    alert_due: bool = False


@dataclass(frozen=True, slots=True)
class ReasonResult:
    """Result of the reason step: on OK the edge asks about `pillar` on a 1–5 scale."""

    kind: Outcome
    survey_id: int
    pillar: Pillar | None = None
    band: Band | None = None
    language: str | None = None
    skipped: bool = False
    alert_due: bool = False  # the reason text is strongly negative and no alert was recent


@dataclass(frozen=True, slots=True)
class PillarResult:
    """Result of the pillar step; completed means the survey is over."""

    kind: Outcome
    survey_id: int
    pillar: Pillar | None = None
    pillar_score: int | None = None
    language: str | None = None
    completed: bool = False


@dataclass(frozen=True, slots=True)
class SurveySummary:
    """What staff see about a survey, with where the request lives in the staff group."""

    survey_id: int
    request_id: int
    status: SurveyStatus
    score: int | None
    band: Band | None
    reason_text: str | None
    reason_polarity: float | None
    pillar: Pillar | None
    pillar_score: int | None
    resolved_by: int | None
    staff_chat_id: int
    topic_thread_id: int | None
    card_message_id: int | None
    staff_line_message_id: int | None = None  # the result's line, to edit as answers come
